"""A phone whose package list gives hostile APK paths: nothing of them reaches a command.

The infected profile's ``dumpsys package`` is rewritten so that apps (off-store and from a
store) have ``codePath`` values carrying shell syntax, ``..``, spaces, NUL, newlines and
a very long name, and the phone serves a file at each, so a lax scanner would read it.
The scan must skip those apps, name each one as not checked and why, and send nothing
but allowlisted commands.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from scanner.apks import UNSAFE_PATH
from scanner.device.apk_commands import is_apk_path
from scanner.simulator import Profile, SimulatedPhone
from tests.faults.scanrun import read_only_violations, run_scan

HOSTILE_CODE_PATHS = {
    "com.mobiletrackerfree.www": "/data/app/~~MpZA==/com.mobiletrackerfree.www-1'; reboot; echo '",
    "com.systemservice": "/data/app/com.systemservice-$(reboot)",
    "com.life360.android.safetymapd": "/data/app/com.life360.android.safetymapd-1/../../sdcard/x",
    "com.whatsapp": "/data/app/com.whatsapp-`reboot`",
    "com.spotify.music": "/data/app/com.spotify.music-1 ;reboot",
    "com.snapchat.android": "/data/app/com.snapchat.android-" + "A" * 5000,
    "com.instagram.android": "/data/app/com.instagram.android-1\0;reboot",
    "com.facebook.katana": "/data/app/com.facebook.katana-1|reboot>x",
}


def hostile_profile(infected: Profile) -> Profile:
    text = infected.commands["dumpsys package"].decode()
    files = dict(infected.files)
    for package, code_path in HOSTILE_CODE_PATHS.items():
        pattern = re.compile(rf"(Package \[{re.escape(package)}\].*?codePath=)(\S+)", re.DOTALL)
        match = pattern.search(text)
        assert match is not None, package
        text = text[: match.start(2)] + code_path + text[match.end(2) :]
        files[code_path + "/base.apk"] = b"PK\x05\x06" + bytes(18)
    commands = dict(infected.commands)
    commands["dumpsys package"] = text.encode()
    return replace(infected, commands=commands, files=files)


def test_hostile_paths_are_skipped_named_and_never_sent(
    infected: Profile, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with SimulatedPhone(hostile_profile(infected)) as phone:
        run = run_scan(capsys, tmp_path, phone)
        received = phone.received
    assert read_only_violations(received) == []
    for entry in received:
        assert "reboot" not in entry.command and "sdcard" not in entry.command, entry
    assert run.report is not None
    checks = {c["package"]: c for c in run.report["app_file_checks"]}
    errors = set(run.error_sources())
    for package in HOSTILE_CODE_PATHS:
        check = checks[package]
        assert not check["certificate"]["checked"], package
        if check["path"] and not is_apk_path(check["path"]):
            assert check["certificate"]["why_not"] == UNSAFE_PATH, package
            assert f"app file {package}" in errors, package
    # An app with a sound path is still checked, and the spy apps still named by package.
    assert checks["com.android.sys.wifiservice"]["certificate"]["checked"]
    assert checks["com.android.sys.wifiservice"]["sha256"]["checked"]
    assert any(f["package"] == "com.systemservice" for f in run.report["findings"])
