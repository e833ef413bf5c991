"""`scan.py --demo --json out.json`: the demo scan and its report contract."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from scanner.cli import main
from scanner.report.schema import validate_report
from tests.conftest import SHARED


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture
def demo_report(tmp_path):
    out = tmp_path / "out.json"
    assert main(["--demo", "--json", str(out)]) == 0
    return out


def test_demo_report_lists_findings_with_evidence_and_fits_the_schema(demo_report):
    report = json.loads(demo_report.read_text())
    assert validate_report(report) == []
    assert report["complete"] is True
    assert report["signatures"]["families"] > 100
    severities = {f["severity"] for f in report["findings"]}
    assert {"stalkerware", "high", "review"} <= severities
    assert all(f["evidence"] for f in report["findings"])


def test_demo_report_passes_the_shared_report_contract(demo_report):
    checker = SHARED / "checks" / "report_contract.py"
    if not checker.exists():
        pytest.skip(f"{checker} is not here (it lives in ../shared beside the project)")
    run = subprocess.run(
        [sys.executable, str(checker), str(demo_report)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout
    assert "report contract holds" in run.stdout


def test_demo_writes_nothing_but_the_requested_report(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["--demo"]) == 0
    assert list(tmp_path.rglob("*")) == []
