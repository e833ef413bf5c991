"""Faults that need short time limits the CLI does not offer: through the device layer.

``PhoneConnection.connect_tcp(..., timeouts=Timeouts(...))`` + ``pipeline.scan_phone`` is
exactly what ``cli.py`` runs, minus printing; the CLI only sets ``auth_s``.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from scanner.commands import DUMPSYS_ACCESSIBILITY, DUMPSYS_PACKAGE
from scanner.device.connection import MAX_OUTPUT_BYTES, PhoneConnection, Timeouts
from scanner.device.keys import ephemeral_signer
from scanner.errors import NotConnected
from scanner.model import ScanResult
from scanner.pipeline import scan_phone
from scanner.simulator import Profile, SimulatedPhone
from scanner.simulator.faults import FaultPlan
from scanner.sources import SCAN_COMMANDS
from tests.faults.scanrun import read_only_violations, run_scan
from tests.simulator.rawhost import RawHost

PhoneFactory = Callable[..., SimulatedPhone]

SHORT = Timeouts(connect_s=5, transport_s=1, auth_s=5, read_s=1, command_s=2)


@contextmanager
def connected(phone: SimulatedPhone, timeouts: Timeouts = SHORT) -> Iterator[PhoneConnection]:
    connection = PhoneConnection.connect_tcp(
        "127.0.0.1", phone.port, ephemeral_signer(), timeouts=timeouts
    )
    try:
        yield connection
    finally:
        connection.close()


def scan(phone: SimulatedPhone) -> ScanResult:
    with connected(phone) as connection:
        return scan_phone(connection)


@pytest.mark.parametrize("sent_before_hang", [0, 3000], ids=["silent", "after-some-output"])
def test_hung_command_times_out_and_the_scan_goes_on(
    sent_before_hang: int, phone_with: PhoneFactory, infected: Profile
) -> None:
    phone = phone_with(FaultPlan(hang={DUMPSYS_ACCESSIBILITY: sent_before_hang}))
    result = scan(phone)
    assert not result.complete
    hung = result.capture.get(DUMPSYS_ACCESSIBILITY)
    assert hung is not None
    assert "stopped answering" in hung.error
    if sent_before_hang:
        # What the phone sent before it hung is kept, marked as cut short.
        assert hung.truncated
        assert hung.output == infected.commands[DUMPSYS_ACCESSIBILITY][:sent_before_hang]
    else:
        assert not hung.ok
    assert [p.source for p in result.problems] == [DUMPSYS_ACCESSIBILITY]
    later = SCAN_COMMANDS[SCAN_COMMANDS.index(DUMPSYS_ACCESSIBILITY) + 1 :]
    assert all(result.capture.get(c).ok for c in later)  # type: ignore[union-attr]
    assert result.snapshot.packages  # what was read before is all there
    assert read_only_violations(phone.received) == []


def test_huge_output_is_cut_at_the_limit_with_bounded_memory(
    phone_with: PhoneFactory, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    size = 100 * 1024 * 1024
    phone = phone_with(FaultPlan(huge={DUMPSYS_PACKAGE: size}))
    # tracemalloc sees every Python allocation in this process: the scanner's and the
    # simulated phone's (which makes its 100 MB lazily), including every bytes object.
    tracemalloc.start()
    try:
        run = run_scan(capsys, tmp_path, phone)
        _, peak_bytes = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak_bytes < 200 * 1024 * 1024
    assert run.code == 5
    assert run.report is not None
    entry = run.command(DUMPSYS_PACKAGE)
    assert entry["truncated"] is True
    assert entry["bytes"] == MAX_OUTPUT_BYTES < size
    assert {"source": DUMPSYS_PACKAGE, "message": "output was cut at the size limit"} in [
        {"source": e["source"], "message": e["message"]} for e in run.report["errors"]
    ]
    assert run.report["packages_scanned"] > 100  # the real part came first and was read
    assert all(run.command(c)["ok"] for c in SCAN_COMMANDS)
    # What lay past the limit was not read: no all-clear may be given for it.
    assert run.report["summary"]["known_stalkerware_ruled_out"] is False
    assert run.report["summary"]["headline"][0].startswith("The list of apps could only be")


def test_phone_silently_held_by_another_host_is_not_reached_and_says_why(
    phone_with: PhoneFactory,
) -> None:
    # The real adbd behaviour: the second host's CNXN is never answered ("offline").
    phone = phone_with(FaultPlan(one_host="silent"))
    other = RawHost(phone.port)
    try:
        assert other.connect().command == "AUTH"
        with pytest.raises(NotConnected) as caught:
            PhoneConnection.connect_tcp(
                "127.0.0.1",
                phone.port,
                ephemeral_signer(),
                timeouts=Timeouts(connect_s=1, transport_s=1, auth_s=1),
            )
    finally:
        other.close()
    assert "did not answer" in caught.value.message
    assert "another computer or program" in caught.value.message
    assert phone.received == []
