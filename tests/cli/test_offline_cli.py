"""Offline inputs through the front door give the same findings as the live scan."""

from __future__ import annotations

import json

import pytest

from scanner.cli import main


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("NO_COLOR", "1")


def findings(path):
    """Findings by id and severity, leaving out the computers the phone trusts: each scan
    adds its own computer, and only a live scan knows which one is "this computer"."""
    report = json.loads(path.read_text())
    kept = {(f["id"], f["severity"]) for f in report["findings"] if not f["id"].startswith("ADB-")}
    return kept, report


def test_capture_of_the_demo_scans_again_with_the_same_findings(tmp_path):
    live_json, again_json = tmp_path / "live.json", tmp_path / "again.json"
    capture = tmp_path / "capture"
    assert main(["--demo", "--json", str(live_json), "--capture", str(capture)]) == 0
    assert (capture / "capture.json").exists()
    code = main(["--from-capture", str(capture), "--json", str(again_json)])
    live, _ = findings(live_json)
    again, report = findings(again_json)
    # Certificate checks need pulled APKs, which a capture does not hold.
    live_without_pulls = {f for f in live if not f[0].startswith(("KNOWN-002", "KNOWN-003"))}
    assert again == live_without_pulls
    assert report["device"]["model"] == "SM-A525F"
    assert code == 0


def test_capture_replays_as_a_simulated_phone(tmp_path, capsys):
    capture, profile = tmp_path / "capture", tmp_path / "profile"
    live_json, replay_json = tmp_path / "live.json", tmp_path / "replay.json"
    assert main(["--demo", "--capture", str(capture), "--json", str(live_json)]) == 0
    assert main(["capture-to-profile", str(capture), str(profile)]) == 0
    assert "scanner.simulator --profile" in capsys.readouterr().out
    main(["--demo", "--demo-profile", str(profile), "--json", str(replay_json)])
    live, _ = findings(live_json)
    replay, _ = findings(replay_json)
    assert {f for f in replay if not f[0].startswith("KNOWN-00")} == {
        f for f in live if not f[0].startswith("KNOWN-00")
    }
    assert {f for f in replay if f[0].startswith("KNOWN-001")} == {
        f for f in live if f[0].startswith("KNOWN-001")
    }


def test_not_a_bug_report_is_a_plain_error(tmp_path, capsys):
    bogus = tmp_path / "bugreport.zip"
    bogus.write_bytes(b"this is not a zip")
    code = main(["--bugreport", str(bogus)])
    assert code != 0
    assert "bug report" in capsys.readouterr().out.lower()
