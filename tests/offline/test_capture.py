"""Captures of a live phone: exact round trip, tamper refusal, private files, replay."""

from __future__ import annotations

import json
import os
import re
import stat
from datetime import UTC, datetime, timedelta, timezone

import pytest

from scanner.commands import DUMPSYS_PACKAGE
from scanner.errors import ScannerError
from scanner.model import CommandResult, RawCapture
from scanner.offline import capture_to_profile, load_capture, write_capture
from scanner.offline.capture import MANIFEST, read_manifest
from scanner.pipeline import analyse
from scanner.simulator import load_profile
from scanner.simulator.profile import BUILTIN_PROFILES_DIR
from scanner.sources import SCAN_COMMANDS
from tests.offline.compare import assert_same_phone, finding_keys
from tests.offline.conftest import live_scan

CREATED = datetime(2026, 3, 1, 10, 30, tzinfo=timezone(timedelta(hours=1)))


@pytest.fixture
def saved(tmp_path, ai_pin_live):
    return write_capture(tmp_path / "capture", ai_pin_live.capture, created_at=CREATED)


def test_round_trip_gives_back_every_output_byte_for_byte(saved, ai_pin_live):
    loaded = load_capture(saved)
    assert loaded.transport == "capture"
    assert loaded.serial == ai_pin_live.capture.serial
    live = ai_pin_live.capture.results
    assert [r.command for r in loaded.results] == list(SCAN_COMMANDS)
    assert [(r.output, r.error, r.truncated) for r in loaded.results] == [
        (r.output, r.error, r.truncated) for r in live
    ]


def test_manifest_records_hash_size_and_utc_time(saved, ai_pin_live):
    spec = json.loads((saved / MANIFEST).read_text())
    assert spec["created_at"] == "2026-03-01T09:30:00Z"
    assert spec["source_transport"] == "tcp"
    entry = next(e for e in spec["commands"] if e["command"] == DUMPSYS_PACKAGE)
    data = (saved / entry["file"]).read_bytes()
    assert data == ai_pin_live.capture.get(DUMPSYS_PACKAGE).output
    assert entry["size_bytes"] == len(data)
    assert len(entry["sha256"]) == 64
    assert read_manifest(saved).created_at == datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def test_capture_is_private_to_its_owner(saved):
    assert stat.S_IMODE(saved.stat().st_mode) == 0o700
    for path in saved.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_changed_file_is_refused_naming_it(saved):
    spec = json.loads((saved / MANIFEST).read_text())
    name = next(e["file"] for e in spec["commands"] if e["command"] == DUMPSYS_PACKAGE)
    target = saved / name
    # Hide one app from the package dump, keeping the size: only the hash can tell.
    data = target.read_bytes()
    target.write_bytes(data.replace(b"Package [com.", b"Package [org.", 1))
    assert target.read_bytes() != data
    with pytest.raises(ScannerError, match=re.escape(name)):
        load_capture(saved)


def test_missing_file_is_refused_naming_it(saved):
    spec = json.loads((saved / MANIFEST).read_text())
    name = spec["commands"][0]["file"]
    (saved / name).unlink()
    with pytest.raises(ScannerError, match=re.escape(f"{name} is missing")):
        load_capture(saved)


def test_file_name_that_leaves_the_folder_is_refused(saved, tmp_path):
    (tmp_path / "outside.txt").write_bytes(b"x")
    spec = json.loads((saved / MANIFEST).read_text())
    spec["commands"][0]["file"] = "../outside.txt"
    (saved / MANIFEST).write_text(json.dumps(spec))
    with pytest.raises(ScannerError, match=r"capture\.json is damaged") as refused:
        load_capture(saved)
    assert "not allowed" in refused.value.detail


def test_folder_that_is_not_a_capture_is_refused(tmp_path):
    with pytest.raises(ScannerError, match="not a capture folder"):
        load_capture(tmp_path)


def test_existing_folder_with_files_is_not_overwritten(tmp_path, ai_pin_live):
    target = tmp_path / "capture"
    target.mkdir()
    (target / "notes.txt").write_text("keep me")
    with pytest.raises(ScannerError, match="already exists"):
        write_capture(target, ai_pin_live.capture, created_at=CREATED)
    assert (target / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["capture"]  # no temp left behind


def test_empty_existing_folder_is_used(tmp_path, ai_pin_live):
    target = tmp_path / "capture"
    target.mkdir()
    write_capture(target, ai_pin_live.capture, created_at=CREATED)
    assert load_capture(target).get(DUMPSYS_PACKAGE).output


def test_command_without_output_round_trips_with_its_reason(tmp_path):
    capture = RawCapture(
        (
            CommandResult("getprop", b"[ro.build.version.release]: [14]\n", duration_s=0.2),
            CommandResult("dumpsys package", None, error="the phone went away"),
            CommandResult("which su", b"", truncated=False),
        ),
        serial="R58M1234",
        transport="usb",
        interrupted="the phone went away",
    )
    loaded = load_capture(write_capture(tmp_path / "c", capture, created_at=CREATED))
    assert loaded.results == capture.results
    assert loaded.interrupted == "the phone went away"


def test_naive_time_is_refused(tmp_path, ai_pin_live):
    with pytest.raises(ValueError, match="timezone"):
        write_capture(tmp_path / "c", ai_pin_live.capture, created_at=datetime(2026, 3, 1))


def test_capture_gives_the_same_findings_as_the_live_scan(saved, ai_pin_live, signatures):
    offline = analyse(load_capture(saved), datetime.now(UTC), signatures=signatures)
    assert_same_phone(offline, ai_pin_live)
    assert offline.snapshot.warnings == ai_pin_live.snapshot.warnings


def test_profile_made_from_a_capture_replays_the_same_phone(
    saved, tmp_path, ai_pin_live, signatures
):
    folder = capture_to_profile(saved, tmp_path / "replay")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    profile = load_profile(folder)
    assert profile.serial == ai_pin_live.capture.serial
    replayed = live_scan(profile, signatures)
    assert [r.output for r in replayed.capture.results] == [
        r.output for r in ai_pin_live.capture.results
    ]
    assert_same_phone(replayed, ai_pin_live)


@pytest.mark.skipif(
    not (BUILTIN_PROFILES_DIR / "infected" / "profile.yaml").is_file(),
    reason="the built-in 'infected' simulator profile is not in this tree",
)
def test_capture_of_the_infected_phone_finds_every_planted_app(tmp_path, signatures):
    live = live_scan(load_profile("infected"), signatures)
    saved = write_capture(tmp_path / "infected", live.capture, created_at=CREATED)
    offline = analyse(load_capture(saved), datetime.now(UTC), signatures=signatures)
    assert_same_phone(offline, live)
    assert {"com.systemservice", "com.mobiletrackerfree.www"} <= {
        f.package for f in offline.findings if f.severity.value == "stalkerware"
    }
    replayed = live_scan(load_profile(capture_to_profile(saved, tmp_path / "p")), signatures)
    assert finding_keys(replayed) == finding_keys(live)


def test_capture_folder_name_may_be_reused_after_a_failed_write(tmp_path, ai_pin_live):
    target = tmp_path / "capture"
    target.write_text("a file, not a folder")
    with pytest.raises(ScannerError, match="already exists"):
        write_capture(target, ai_pin_live.capture, created_at=CREATED)
    os.remove(target)
    assert write_capture(target, ai_pin_live.capture, created_at=CREATED) == target
