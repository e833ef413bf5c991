"""The phone receives only allowlisted, read-only requests, whatever goes wrong.

Every fault of the matrix in ``tests/faults`` is run again here through the CLI and the
simulated phone's own log is checked: each shell command is exactly one on
``allowlist.py``, each file request is a sync read, and nothing was refused.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from scanner.commands import (
    DUMPSYS_ACCESSIBILITY,
    DUMPSYS_ACCOUNT,
    DUMPSYS_APPOPS,
    DUMPSYS_PACKAGE,
    SETTINGS_GLOBAL,
)
from scanner.device.connection import PhoneConnection, Timeouts
from scanner.device.keys import ephemeral_signer
from scanner.pipeline import scan_phone
from scanner.simulator import SimulatedPhone, load_profile
from scanner.simulator.faults import Drop, FaultPlan, Hostile, Reboot
from tests.faults.scanrun import read_only_violations, run_scan

PLANS = {
    "drop-cnxn": FaultPlan(drop=Drop("cnxn")),
    "drop-auth": FaultPlan(drop=Drop("auth")),
    "drop-open-3": FaultPlan(drop=Drop("open", index=3)),
    "drop-open-sync": FaultPlan(drop=Drop("open", command="sync:")),
    "drop-mid-output": FaultPlan(drop=Drop("wrte", command=DUMPSYS_PACKAGE, after_bytes=70_000)),
    "drop-mid-pull": FaultPlan(drop=Drop("recv", after_bytes=3000)),
    "garbled": FaultPlan(
        garble={
            DUMPSYS_PACKAGE: "non-utf8",
            DUMPSYS_ACCESSIBILITY: "truncate",
            DUMPSYS_APPOPS: "unknown-format",
        }
    ),
    "huge": FaultPlan(huge={SETTINGS_GLOBAL: 80 * 1024 * 1024}),
    "reboot": FaultPlan(reboot=Reboot(at_command=DUMPSYS_APPOPS, down_s=0.2)),
    "held-by-other-host": FaultPlan(one_host="close"),
}


@pytest.mark.parametrize("plan", PLANS.values(), ids=PLANS.keys())
def test_every_request_under_a_fault_is_read_only(
    plan: FaultPlan, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with SimulatedPhone(load_profile("infected"), faults=plan) as phone:
        run_scan(capsys, tmp_path, phone)
        received = phone.received
    assert read_only_violations(received) == []


HOSTILE = {
    "huge-cnxn": Hostile(huge_header="cnxn"),
    "huge-wrte": Hostile(huge_header=DUMPSYS_ACCOUNT),
    "huge-sync-data": Hostile(huge_header="recv"),
    "flood-unknown-stream": Hostile(flood_unknown_stream=DUMPSYS_ACCOUNT),
    "ignore-flow-control": Hostile(ignore_flow_control=DUMPSYS_ACCOUNT),
    "maxdata-4gb": Hostile(maxdata=0xFFFFFFFF),
    "trickled-pulls": Hostile(trickle_pull_s=0.2),
}


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_every_request_to_a_hostile_phone_is_read_only(
    hostile: Hostile, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    plan = FaultPlan(hostile=hostile)
    with SimulatedPhone(load_profile("infected"), faults=plan) as phone:
        run = run_scan(capsys, tmp_path, phone, "--command-timeout", "0.5")
        received = phone.received
    assert run.code in (0, 3, 5), run.out  # read in full, nothing read, or stopped early
    assert read_only_violations(received) == []


@pytest.mark.parametrize("auth", ["refuse", "never"])
def test_nothing_is_asked_of_a_phone_that_did_not_allow_the_computer(
    auth: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    profile = replace(load_profile("infected"), auth=auth)
    with SimulatedPhone(profile) as phone:
        run = run_scan(capsys, tmp_path, phone, "--auth-timeout", "1")
        received = phone.received
    assert run.code == 4
    assert received == []


def test_a_hung_command_leads_to_no_other_request() -> None:
    plan = FaultPlan(hang={DUMPSYS_ACCESSIBILITY: 100})
    with SimulatedPhone(load_profile("infected"), faults=plan) as phone:
        connection = PhoneConnection.connect_tcp(
            "127.0.0.1",
            phone.port,
            ephemeral_signer(),
            timeouts=Timeouts(transport_s=1, read_s=1, command_s=2),
        )
        try:
            result = scan_phone(connection)
        finally:
            connection.close()
        received = phone.received
    assert not result.complete
    assert len(received) > 10  # the scan went on after the hang
    assert read_only_violations(received) == []
