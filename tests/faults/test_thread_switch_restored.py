"""A scan shortens the interpreter's thread switch interval only while its workers run
beside the link (``pipeline._gil_handed_over_soon``): whether the scan ends well or the
cable is pulled, the program around it gets its own interval back."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from scanner.commands import DUMPSYS_PACKAGE
from scanner.device.connection import PhoneConnection
from scanner.device.keys import ephemeral_signer
from scanner.pipeline import scan_phone
from scanner.simulator import SimulatedPhone
from scanner.simulator.faults import Drop, FaultPlan
from scanner.simulator.profile import Profile
from scanner.sources import SCAN_COMMANDS

OURS = 0.004
"""An interval no scan sets, so a scan that left its own in place shows."""

PLANS = {
    "no fault": FaultPlan(),
    "cable pulled in the batch": FaultPlan(
        drop=Drop("wrte", command=DUMPSYS_PACKAGE, after_bytes=5000)
    ),
    "cable pulled at the first APK read": FaultPlan(
        drop=Drop("open", index=len(SCAN_COMMANDS) + 1)
    ),
}


@pytest.fixture
def own_interval() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(OURS)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


@pytest.mark.usefixtures("own_interval")
@pytest.mark.parametrize("fault", list(PLANS))
@pytest.mark.parametrize("threaded", [True, False])
def test_the_switch_interval_is_given_back_after_the_scan(
    infected: Profile, fault: str, threaded: bool
) -> None:
    with SimulatedPhone(infected, faults=PLANS[fault]) as phone:
        connection = PhoneConnection.connect_tcp("127.0.0.1", phone.port, ephemeral_signer())
        try:
            result = scan_phone(connection, threaded=threaded)
        finally:
            connection.close()
    assert sys.getswitchinterval() == pytest.approx(OURS)
    # The fault happened where it was meant to (else the test proves less than it says).
    assert result.complete is (fault == "no fault")
