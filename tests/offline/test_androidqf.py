"""androidqf folders: mapped onto the scan's commands, same findings as a live scan."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from scanner.commands import (
    DUMPSYS_ACCESSIBILITY,
    DUMPSYS_PACKAGE,
    GETPROP,
    LAUNCHER_ACTIVITIES,
    PHONE_CLOCK,
    SETTINGS_GLOBAL,
    SETTINGS_SECURE,
    WHICH_SU,
)
from scanner.errors import ScannerError
from scanner.offline import load_androidqf
from scanner.offline.androidqf import NOT_HELD
from scanner.parse.snapshot import build_snapshot
from scanner.pipeline import analyse
from tests.offline.builders import ai_pin_system_settings, androidqf_folder
from tests.offline.compare import assert_same_phone


@pytest.fixture
def acquisition(tmp_path, ai_pin):
    return androidqf_folder(
        tmp_path / "6f1c7a52-acquisition",
        ai_pin,
        system_settings=ai_pin_system_settings(),
        root_binaries=[],
    )


def test_files_already_in_a_commands_format_are_used_unchanged(acquisition, ai_pin):
    capture = load_androidqf(acquisition)
    assert capture.transport == "androidqf"
    # androidqf trims each output; apart from that the bytes are the phone's.
    for command in (GETPROP, SETTINGS_GLOBAL, SETTINGS_SECURE):
        assert capture.get(command).output == ai_pin[command].strip()
    assert capture.get(DUMPSYS_PACKAGE).output == ai_pin[DUMPSYS_PACKAGE]
    assert capture.get(DUMPSYS_ACCESSIBILITY).output == ai_pin[DUMPSYS_ACCESSIBILITY]
    # root_binaries.json with no su: `which su` would have printed nothing.
    assert capture.get(WHICH_SU).output == b""
    # androidqf never runs the launcher query: named as such, not as a failure.
    assert capture.get(LAUNCHER_ACTIVITIES).output is None
    assert capture.get(LAUNCHER_ACTIVITIES).error == NOT_HELD[LAUNCHER_ACTIVITIES]
    assert [part.source for part in capture.not_applicable] == [PHONE_CLOCK, LAUNCHER_ACTIVITIES]


def test_androidqf_folder_gives_the_same_findings_as_the_live_scan(
    acquisition, ai_pin_live, signatures
):
    offline = analyse(load_androidqf(acquisition), datetime.now(UTC), signatures=signatures)
    assert offline.findings
    assert_same_phone(offline, ai_pin_live)


def test_acquisition_inside_one_sub_folder_is_found(tmp_path, ai_pin):
    androidqf_folder(tmp_path / "outer" / "6f1c7a52", ai_pin)
    capture = load_androidqf(tmp_path / "outer")
    assert capture.get(DUMPSYS_PACKAGE).output == ai_pin[DUMPSYS_PACKAGE]


def test_two_acquisitions_in_one_folder_are_not_mixed(tmp_path, ai_pin):
    androidqf_folder(tmp_path / "outer" / "first", ai_pin)
    androidqf_folder(tmp_path / "outer" / "second", ai_pin)
    with pytest.raises(ScannerError, match="several androidqf acquisitions"):
        load_androidqf(tmp_path / "outer")


def test_folder_without_androidqf_files_is_refused(tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "IMG_0001.jpg").write_bytes(b"\xff\xd8\xff")
    with pytest.raises(ScannerError, match="does not look like an androidqf folder"):
        load_androidqf(tmp_path / "photos")


def test_su_found_by_androidqf_becomes_which_su_output(tmp_path, ai_pin):
    folder = androidqf_folder(
        tmp_path / "acq",
        ai_pin,
        root_binaries=["/system/bin/busybox", "/sbin/su\n/system/xbin/su", "/sbin/magisk"],
    )
    capture = load_androidqf(folder)
    assert capture.get(WHICH_SU).output == b"/sbin/su\n"
    assert build_snapshot(capture).root.su_paths == ("/sbin/su",)


def test_older_acquisition_without_root_check_leaves_which_su_unknown(tmp_path, ai_pin):
    folder = androidqf_folder(tmp_path / "acq", ai_pin, root_binaries=None)
    assert load_androidqf(folder).get(WHICH_SU).output is None


def test_settings_come_from_the_dumpsys_when_the_files_are_missing(tmp_path, ai_pin):
    folder = androidqf_folder(tmp_path / "acq", ai_pin, with_settings_files=False)
    capture = load_androidqf(folder)
    assert capture.get(SETTINGS_GLOBAL).output == ai_pin[SETTINGS_GLOBAL]
    assert capture.get(SETTINGS_SECURE).output == ai_pin[SETTINGS_SECURE]


def test_damaged_root_binaries_file_is_refused_clearly(tmp_path, ai_pin):
    folder = androidqf_folder(tmp_path / "acq", ai_pin)
    (folder / "root_binaries.json").write_text('["/sbin/su"')
    with pytest.raises(ScannerError, match=r"root_binaries\.json is damaged"):
        load_androidqf(folder)


def test_file_linking_outside_the_folder_is_not_read(tmp_path, ai_pin):
    folder = androidqf_folder(tmp_path / "acq", ai_pin)
    secret = tmp_path / "elsewhere.txt"
    secret.write_text("[ro.serialno]: [NOT-THIS-PHONE]\n")
    (folder / "getprop.txt").unlink()
    (folder / "getprop.txt").symlink_to(secret)
    with pytest.raises(ScannerError, match="outside the androidqf folder"):
        load_androidqf(folder)


def test_packages_json_alone_does_not_invent_a_package_dump(tmp_path):
    folder = tmp_path / "acq"
    folder.mkdir()
    (folder / "getprop.txt").write_text("[ro.build.version.release]: [14]")
    (folder / "packages.json").write_text(json.dumps([{"name": "com.x", "files": []}]))
    capture = load_androidqf(folder)
    assert capture.get(DUMPSYS_PACKAGE).output is None
    assert capture.get(GETPROP).output == b"[ro.build.version.release]: [14]"
