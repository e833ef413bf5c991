"""Offline inputs through ``python scan.py`` as a person runs it: a refused input gets a plain
message and its documented exit code (8 not there, 10 refused), never a traceback."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scanner.errors import InputMissing, InputRefused
from scanner.offline import load_bugreport, write_capture
from scanner.simulator import load_profile
from tests.conftest import REPO
from tests.offline.builders import (
    bugreport_text,
    bugreport_zip,
    real_androidqf_copy,
    real_bugreport_zip,
    zip_folder,
)

MISSING = InputMissing.exit_code
REFUSED = InputRefused.exit_code


def run_scan(tmp_path: Path, *args: str) -> tuple[int, str]:
    """``python scan.py ARGS`` in its own process, with a private home; (code, output)."""
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "NO_COLOR": "1",
        "COLUMNS": "200",
    }
    done = subprocess.run(
        [sys.executable, str(REPO / "scan.py"), *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    output = done.stdout + done.stderr
    assert "Traceback" not in output
    return done.returncode, " ".join(output.split())


def bomb(path: Path, entry: str) -> Path:
    """Make the central directory say ``entry`` is 2 GiB uncompressed (a zip bomb's header)."""
    data = bytearray(path.read_bytes())
    record = data.find(b"PK\x01\x02")
    while record != -1:
        name_length = struct.unpack_from("<H", data, record + 28)[0]
        if bytes(data[record + 46 : record + 46 + name_length]) == entry.encode():
            struct.pack_into("<I", data, record + 24, 0x7FFF_FFFF)
            path.write_bytes(bytes(data))
            return path
        record = data.find(b"PK\x01\x02", record + 4)
    raise AssertionError(f"{entry} is not in {path}")


def test_bug_report_zip_bomb_is_refused(tmp_path):
    report = bomb(real_bugreport_zip(tmp_path / "bugreport.zip"), "dumpstate.txt")
    code, out = run_scan(tmp_path, "--bugreport", str(report))
    assert code == REFUSED
    assert f"The bug report {report} is larger than any real one; it was not read." in out


def test_missing_bug_report_is_named(tmp_path):
    code, out = run_scan(tmp_path, "--bugreport", str(tmp_path / "absent.zip"))
    assert code == MISSING
    assert f"There is no bug report file at {tmp_path / 'absent.zip'}." in out


def test_file_that_is_not_a_zip_is_refused(tmp_path):
    bogus = tmp_path / "bugreport.zip"
    bogus.write_bytes(b"PK\x03\x04 the download stopped here")
    code, out = run_scan(tmp_path, "--bugreport", str(bogus))
    assert code == REFUSED
    assert "is not a zip file; it may be damaged or only partly copied." in out


def test_text_that_is_not_a_bug_report_is_refused(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list: milk, eggs\n")
    code, out = run_scan(tmp_path, "--bugreport", str(notes))
    assert code == REFUSED
    assert "does not look like an Android bug report." in out


def test_real_bug_report_names_the_sections_it_lacks_not_the_launcher_list(tmp_path):
    report = real_bugreport_zip(tmp_path / "bugreport.zip")
    code, out = run_scan(tmp_path, "--bugreport", str(report), "--json", str(tmp_path / "r.json"))
    written = json.loads((tmp_path / "r.json").read_text())
    assert code == 5  # MVT's bug report is a fragment: getprop, settings... are not in it
    assert {e["message"] for e in written["errors"]} == {"not in this bug report"}
    assert "Not available in this kind of input" in out
    assert "a bug report does not hold the list of apps with an icon" in out
    assert "you could try again" not in out


def test_bug_report_read_in_full_exits_0(tmp_path):
    text = bugreport_text(load_profile("infected").commands)
    report = bugreport_zip(tmp_path / "full.zip", text)
    code, out = run_scan(tmp_path, "--bugreport", str(report), "--json", str(tmp_path / "r.json"))
    written = json.loads((tmp_path / "r.json").read_text())
    assert (code, written["complete"], written["errors"]) == (0, True, [])
    assert len(written["not_applicable"]) == 4
    assert "Not available in this kind of input" in out
    assert "What could not be read" not in out


def test_androidqf_symlinked_sub_folder_is_refused_and_no_evidence_written(tmp_path):
    elsewhere = real_androidqf_copy(tmp_path / "elsewhere" / "acq")
    given = tmp_path / "given"
    given.mkdir()
    (given / "acq").symlink_to(elsewhere, target_is_directory=True)
    pack = tmp_path / "evidence"
    code, out = run_scan(tmp_path, "--androidqf", str(given), "--evidence", str(pack))
    assert code == REFUSED
    assert f"{given / 'acq'} leads outside the androidqf folder you gave" in out
    assert not pack.exists()


def test_androidqf_zip_bomb_is_refused(tmp_path):
    archive = zip_folder(real_androidqf_copy(tmp_path / "acq"), tmp_path / "acq.zip")
    code, out = run_scan(tmp_path, "--androidqf", str(bomb(archive, "dumpsys.txt")))
    assert code == REFUSED
    assert "is larger than any real one; it was not read." in out


def test_androidqf_zip_is_scanned(tmp_path):
    archive = zip_folder(real_androidqf_copy(tmp_path / "acq"), tmp_path / "acq.zip")
    code, out = run_scan(tmp_path, "--androidqf", str(archive), "--json", str(tmp_path / "r.json"))
    written = json.loads((tmp_path / "r.json").read_text())
    assert written["device"]["connection"] == "androidqf"
    assert code in (0, 5, 6)  # the acquisition's own gaps decide; it was read, not refused
    assert "androidqf does not ask the phone which apps have an icon" in out


def test_missing_androidqf_input_is_named(tmp_path):
    code, out = run_scan(tmp_path, "--androidqf", str(tmp_path / "absent"))
    assert code == MISSING
    assert f"There is no androidqf folder or file at {tmp_path / 'absent'}." in out


def test_androidqf_file_that_is_not_a_zip_is_refused(tmp_path):
    bogus = tmp_path / "acquisition.zip"
    bogus.write_bytes(b"not a zip at all")
    code, out = run_scan(tmp_path, "--androidqf", str(bogus))
    assert code == REFUSED
    assert "is neither an androidqf folder nor a zip of one" in out


def test_encrypted_androidqf_acquisition_is_refused_with_what_to_do(tmp_path):
    locked = tmp_path / "6f1c7a52.zip.age"
    locked.write_bytes(b"age-encryption.org/v1\n-> X25519 abc\n")
    code, out = run_scan(tmp_path, "--androidqf", str(locked))
    assert code == REFUSED
    assert "Decrypt it first with age" in out


@pytest.fixture
def capture(tmp_path):
    source = load_bugreport(real_bugreport_zip(tmp_path / "br.zip"))
    return write_capture(tmp_path / "capture", source, created_at=datetime.now(UTC))


def test_changed_capture_is_refused(tmp_path, capture):
    changed = next(p for p in capture.iterdir() if p.name.endswith("dumpsys_package.txt"))
    changed.write_bytes(changed.read_bytes().replace(b"com.instagram", b"com.instagrem"))
    code, out = run_scan(tmp_path, "--from-capture", str(capture))
    assert code == REFUSED
    assert f"The capture file {changed.name} was changed after it was saved" in out


def test_capture_with_a_file_removed_is_refused(tmp_path, capture):
    gone = next(p for p in capture.iterdir() if p.name.endswith("dumpsys_appops.txt"))
    gone.unlink()
    code, out = run_scan(tmp_path, "--from-capture", str(capture))
    assert code == REFUSED
    assert f"The capture is incomplete: {gone.name} is missing" in out


def test_missing_capture_folder_is_named(tmp_path):
    code, out = run_scan(tmp_path, "--from-capture", str(tmp_path / "absent"))
    assert code == MISSING
    assert "There is no capture folder at" in out


def test_capture_of_a_bug_report_scans_like_the_bug_report(tmp_path, capture):
    first, again = tmp_path / "first.json", tmp_path / "again.json"
    report = real_bugreport_zip(tmp_path / "again-br.zip")
    code_report, _ = run_scan(tmp_path, "--bugreport", str(report), "--json", str(first))
    code_capture, _ = run_scan(tmp_path, "--from-capture", str(capture), "--json", str(again))
    one, two = json.loads(first.read_text()), json.loads(again.read_text())
    assert code_capture == code_report
    assert two["not_applicable"] == one["not_applicable"]
    assert two["errors"] == one["errors"]
    assert zipfile.is_zipfile(report)
