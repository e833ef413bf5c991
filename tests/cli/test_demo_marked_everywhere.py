"""A demo scan never passes for a real phone's: every file made from it says DEMO."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.casefile import load_case
from scanner.cli import main
from scanner.cli.exits import Exit
from scanner.cli.outputs import PASSPHRASE_ENV

GOOD = "plum lantern under seventy kites"


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv(PASSPHRASE_ENV, GOOD)
    monkeypatch.chdir(tmp_path)


def test_a_demo_case_file_and_evidence_pack_say_demo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case, pack = tmp_path / "case.phc", tmp_path / "pack"
    code = main(["--demo", "--yes", "--save", str(case), "--evidence", str(pack)])
    capsys.readouterr()
    assert code == Exit.OK

    assert [scan.report["demo"] for scan in load_case(case, GOOD).scans] == [True]
    assert json.loads((pack / "report.json").read_text(encoding="utf-8"))["demo"] is True
    summary = (pack / "summary.html").read_text(encoding="utf-8")
    assert "(DEMO)" in summary and "made up phone" in summary


def test_a_real_phones_reports_say_they_are_not_a_demo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from scanner.simulator import SimulatedPhone, load_profile

    with SimulatedPhone(load_profile("clean")) as phone:
        code = main(["--serial", phone.serial_address, "--yes", "--json", "r.json"])
    out = capsys.readouterr().out
    assert code == Exit.OK, out
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["demo"] is False
    assert "DEMO" not in out
