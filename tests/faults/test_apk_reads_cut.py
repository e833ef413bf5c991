"""The connection is lost while the apps' files are read in parts: what was read is kept,
the scan is marked incomplete, and every app whose file was not checked says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.apks import NOT_INSTALLED, NOT_SYSTEM_ONLY
from scanner.simulator import SimulatedPhone
from scanner.simulator.faults import Drop, FaultPlan
from scanner.simulator.profile import Profile
from scanner.sources import SCAN_COMMANDS
from tests.faults.scanrun import read_only_violations, run_scan

INCOMPLETE = 5


def test_cable_pulled_at_the_first_apk_read_keeps_the_scan_and_names_the_apps(
    infected: Profile, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # OPENs 1..13 are the fixed batch; the 14th is the first APK read command.
    plan = FaultPlan(drop=Drop("open", index=len(SCAN_COMMANDS) + 1))
    with SimulatedPhone(infected, faults=plan) as phone:
        run = run_scan(capsys, tmp_path, phone)
        received = phone.received
    assert read_only_violations(received) == []
    assert run.code == INCOMPLETE
    assert run.report is not None and run.report["complete"] is False
    assert all(run.command(c)["ok"] for c in SCAN_COMMANDS)
    assert "app files" in run.error_sources()
    checks = [
        c
        for c in run.report["app_file_checks"]
        if c["certificate"]["why_not"] not in (NOT_SYSTEM_ONLY, NOT_INSTALLED)
    ]
    assert checks and not any(c["certificate"]["checked"] for c in checks)
    assert all("connection" in c["certificate"]["why_not"] for c in checks), checks
    # Known stalkerware is still named: package names need no APK.
    assert any(f["package"] == "com.systemservice" for f in run.report["findings"])
