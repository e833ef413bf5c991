"""Bug reports: sections found byte for byte, and the same findings as a live scan."""

from __future__ import annotations

import dataclasses
import struct
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scanner.commands import (
    BATTERYSTATS_DAILY,
    DUMPSYS_ACCESSIBILITY,
    DUMPSYS_ACCOUNT,
    DUMPSYS_ADB,
    DUMPSYS_APPOPS,
    DUMPSYS_DBINFO,
    DUMPSYS_DEVICE_POLICY,
    DUMPSYS_PACKAGE,
    GETPROP,
    LAUNCHER_ACTIVITIES,
    PHONE_CLOCK,
    SETTINGS_GLOBAL,
    SETTINGS_SECURE,
    WHICH_SU,
)
from scanner.errors import ScannerError
from scanner.model import APK_FILES, ScanResult
from scanner.offline import load_bugreport
from scanner.offline.bugreport import NOT_HELD, NOT_PRESENT
from scanner.pipeline import analyse
from scanner.sigdb.model import SignatureDB
from scanner.simulator import load_profile
from scanner.simulator.profile import BUILTIN_PROFILES_DIR
from scanner.sources import SCAN_COMMANDS
from tests.offline.builders import bugreport_text, bugreport_zip
from tests.offline.compare import assert_same_phone, finding_keys
from tests.offline.conftest import live_scan

NEVER_IN_A_BUG_REPORT = (PHONE_CLOCK, LAUNCHER_ACTIVITIES, WHICH_SU)
NOT_IN_THIS_REPORT = (
    DUMPSYS_DEVICE_POLICY,
    DUMPSYS_ACCOUNT,
    DUMPSYS_APPOPS,
    DUMPSYS_ADB,
    BATTERYSTATS_DAILY,
    DUMPSYS_DBINFO,
)


@pytest.fixture(scope="module")
def main_text(ai_pin: dict[str, bytes]) -> bytes:
    return bugreport_text(ai_pin)


@pytest.fixture(scope="module")
def report_zip(tmp_path_factory: pytest.TempPathFactory, main_text: bytes) -> Path:
    return bugreport_zip(tmp_path_factory.mktemp("br") / "bugreport-aipin.zip", main_text)


def test_every_section_comes_out_as_the_phone_printed_it(report_zip, ai_pin):
    capture = load_bugreport(report_zip)
    assert capture.transport == "bugreport"
    assert [r.command for r in capture.results] == list(SCAN_COMMANDS)
    # dumpsys blocks: exact bytes (dumpstate's PID/threads/clients lines removed).
    assert capture.get(DUMPSYS_PACKAGE).output == ai_pin[DUMPSYS_PACKAGE]
    assert capture.get(DUMPSYS_ACCESSIBILITY).output == ai_pin[DUMPSYS_ACCESSIBILITY]
    # getprop: exact but for the final newline the shared copy lost.
    assert capture.get(GETPROP).output.rstrip(b"\n") == ai_pin[GETPROP].rstrip(b"\n")
    # settings rebuilt from the provider's dump: the very text `settings list` printed.
    assert capture.get(SETTINGS_GLOBAL).output == ai_pin[SETTINGS_GLOBAL]
    assert capture.get(SETTINGS_SECURE).output == ai_pin[SETTINGS_SECURE]
    assert capture.get(DUMPSYS_PACKAGE).duration_s == pytest.approx(0.412)
    assert not any(r.truncated for r in capture.results)


def test_commands_a_bug_report_does_not_hold_are_named_not_guessed(report_zip):
    capture = load_bugreport(report_zip)
    for command in NOT_IN_THIS_REPORT:
        result = capture.get(command)
        assert result.output is None
        assert result.error == NOT_PRESENT
    for command in NEVER_IN_A_BUG_REPORT:
        result = capture.get(command)
        assert result.output is None
        assert result.error == NOT_HELD[command]
    # What no bug report can hold is listed as such; sections this one lacks are not.
    assert {part.source for part in capture.not_applicable} == {*NEVER_IN_A_BUG_REPORT, APK_FILES}


def test_bug_report_gives_the_same_findings_as_the_live_scan(
    report_zip, ai_pin_live: ScanResult, signatures: SignatureDB
):
    offline = analyse(load_bugreport(report_zip), datetime.now(UTC), signatures=signatures)
    assert offline.findings  # the Ai Pin has adb and unknown sources on: not a vacuous match
    assert_same_phone(offline, ai_pin_live)
    # Only the sections this report lacks are problems; what no bug report holds is not.
    assert {p.source for p in offline.problems} == set(NOT_IN_THIS_REPORT)


@pytest.mark.skipif(
    not (BUILTIN_PROFILES_DIR / "infected" / "profile.yaml").is_file(),
    reason="the built-in 'infected' simulator profile is not in this tree",
)
def test_bug_report_of_the_infected_phone_finds_what_the_live_scan_finds(tmp_path, signatures):
    phone = load_profile("infected")
    report = bugreport_zip(tmp_path / "infected.zip", bugreport_text(phone.commands))
    offline = analyse(load_bugreport(report), datetime.now(UTC), signatures=signatures)
    live = live_scan(phone, signatures)
    # Everything but the launcher query and `which su` is in the report; on this phone
    # nothing found depends on those two, so the findings are the same.
    assert_same_phone_but_launcher(offline, live)
    stalkerware = {f.package for f in offline.findings if f.severity.value == "stalkerware"}
    assert {"com.systemservice", "com.mobiletrackerfree.www"} <= stalkerware
    # A bug report holding every section it can is read in full.
    assert offline.problems == ()
    assert offline.complete


def assert_same_phone_but_launcher(offline: ScanResult, live: ScanResult) -> None:
    """The bug report cannot say which apps have an icon: has_launcher is unknown."""
    assert [p.has_launcher for p in offline.snapshot.packages] == [None] * len(
        offline.snapshot.packages
    )
    assert [dataclasses.replace(p, has_launcher=None) for p in live.snapshot.packages] == list(
        offline.snapshot.packages
    )
    assert finding_keys(offline) == finding_keys(live)
    assert offline.snapshot.settings == live.snapshot.settings
    assert offline.snapshot.device_admins == live.snapshot.device_admins
    assert offline.snapshot.accounts == live.snapshot.accounts
    assert offline.snapshot.appops == live.snapshot.appops
    assert offline.snapshot.accessibility == live.snapshot.accessibility


def test_serial_comes_from_the_phones_properties(report_zip, ai_pin_live):
    capture = load_bugreport(report_zip)
    # The serial is read from getprop (ro.serialno), not invented.
    assert capture.serial
    assert capture.serial in capture.get(GETPROP).text()


def test_plain_bugreport_txt_is_read_like_the_zip(tmp_path, main_text, report_zip):
    text_file = tmp_path / "bugreport.txt"
    text_file.write_bytes(main_text)
    assert load_bugreport(text_file).results == load_bugreport(report_zip).results


def test_main_file_is_found_without_main_entry_txt(tmp_path, main_text, report_zip):
    older = bugreport_zip(tmp_path / "old.zip", main_text, main_entry=False)
    assert load_bugreport(older).results == load_bugreport(report_zip).results


def test_zip_without_a_main_text_is_refused_clearly(tmp_path):
    path = tmp_path / "bugreport.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("version.txt", "2.0")
        archive.writestr("FS/proc/version", "Linux\n")
    with pytest.raises(ScannerError, match="no bug report text"):
        load_bugreport(path)


def test_file_that_is_not_a_zip_is_refused_clearly(tmp_path):
    path = tmp_path / "bugreport.zip"
    path.write_bytes(b"PK\x03\x04 this download stopped half way")
    with pytest.raises(ScannerError, match="not a zip file"):
        load_bugreport(path)


def test_text_that_is_not_a_bug_report_is_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("shopping list: milk, eggs\n")
    with pytest.raises(ScannerError, match="does not look like an Android bug report"):
        load_bugreport(path)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(ScannerError, match="no bug report file"):
        load_bugreport(tmp_path / "absent.zip")


def test_zip_that_claims_a_huge_main_text_is_refused_before_reading(tmp_path, main_text):
    path = bugreport_zip(tmp_path / "bomb.zip", b"== dumpstate: x\n")
    data = bytearray(path.read_bytes())
    # Make the central directory say the main text is 2 GiB uncompressed (a zip bomb's
    # header); nothing is decompressed before the size is checked.
    name = b"bugreport-aipin-TEST.240501.001-2024-05-01-09-58-12.txt"
    entry = data.find(b"PK\x01\x02")
    while entry != -1:
        name_length = struct.unpack_from("<H", data, entry + 28)[0]
        if bytes(data[entry + 46 : entry + 46 + name_length]) == name:
            struct.pack_into("<I", data, entry + 24, 0x7FFF_FFFF)
            break
        entry = data.find(b"PK\x01\x02", entry + 4)
    assert entry != -1
    path.write_bytes(bytes(data))
    with pytest.raises(ScannerError, match="larger than any real one"):
        load_bugreport(path)


def test_damaged_zip_entry_is_refused_clearly(tmp_path):
    path = bugreport_zip(tmp_path / "bad.zip", b"== dumpstate: x\n" * 2000)
    data = bytearray(path.read_bytes())
    # Corrupt the compressed bytes of the main text (after its local header).
    start = data.find(b"bugreport-aipin-") + 80
    data[start : start + 40] = b"\x00" * 40
    path.write_bytes(bytes(data))
    with pytest.raises(ScannerError, match="damaged"):
        load_bugreport(path)


def test_settings_rows_that_cannot_be_read_are_reported_not_hidden(tmp_path, ai_pin, signatures):
    settings = b"GLOBAL SETTINGS (user 0)\n_id:1 name:adb_enabled pkg:android value:1\n"
    settings += b"_id:2 name:broken_row_without_value\n\nSECURE SETTINGS (user 0)\n\n"
    report = bugreport_zip(tmp_path / "br.zip", bugreport_text(ai_pin, settings=settings))
    capture = load_bugreport(report)
    result = capture.get(SETTINGS_GLOBAL)
    assert result.output == b"adb_enabled=1\n"
    assert result.truncated
    offline = analyse(capture, datetime.now(UTC), signatures=signatures)
    assert any(
        p.source == SETTINGS_GLOBAL and "1 of the bug report's global settings rows" in p.message
        for p in offline.problems
    )
    assert capture.get(SETTINGS_SECURE).output == b""
