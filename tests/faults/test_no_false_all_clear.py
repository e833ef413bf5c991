"""A phone read in part never gets "no known stalkerware", through the real command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.commands import DUMPSYS_PACKAGE
from scanner.simulator import Profile
from scanner.simulator.faults import Drop, FaultPlan
from tests.faults.scanrun import run_scan
from tests.faults.test_device_level_faults import PhoneFactory

STALKERWARE = ("com.mobiletrackerfree.www", "com.systemservice")


def test_cable_pulled_before_the_stalkerware_apps_gives_no_all_clear(
    phone_with: PhoneFactory,
    infected: Profile,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    dump = infected.commands[DUMPSYS_PACKAGE]
    cut = 200_000
    # Both planted stalkerware apps are in the part that never arrives.
    assert all(dump.index(f"Package [{p}]".encode()) > cut for p in STALKERWARE)
    phone = phone_with(FaultPlan(drop=Drop("wrte", command=DUMPSYS_PACKAGE, after_bytes=cut)))

    run = run_scan(capsys, tmp_path, phone)

    assert run.code == 5
    assert "No known stalkerware" not in run.out
    assert run.report is not None
    summary = run.report["summary"]
    assert summary["known_stalkerware_ruled_out"] is False
    assert summary["app_list_complete"] is False
    read = run.report["packages_scanned"]
    assert 0 < read < 109
    first = f"The list of apps could only be read in part ({read} apps read)."
    assert summary["headline"][0].startswith(first)
    assert first in run.out
    assert run.out.index(first) < run.out.index(summary["headline"][-1])
    assert not [f for f in run.report["findings"] if f["package"] in STALKERWARE]
