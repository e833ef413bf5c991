"""The APK read commands: only Android's own APK path shapes, quoted, in one fixed template."""

from __future__ import annotations

import pytest

from scanner.device.allowlist import is_allowed
from scanner.device.apk_commands import (
    MAX_COMMAND_CHARS,
    Blocks,
    Hashes,
    Size,
    Tail,
    UnsafeStep,
    build_commands,
    is_apk_path,
)
from scanner.device.guard import check_destination
from scanner.errors import CommandRefused

GOOD_PATHS = [
    "/data/app/~~0aBcD-_eF12==/com.example.app-Xy_Z-09abc==/base.apk",
    "/data/app/com.example.app-Xy_Z-09abc==/split_config.arm64_v8a.apk",
    "/data/app/com.example.app-1/base.apk",
    "/data/app/com.example.app-2.apk",
    "/system/priv-app/Settings/Settings.apk",
    "/product/app/Maps/Maps.apk",
]

HOSTILE_PATHS = [
    "/data/app/com.evil-1/base.apk'; reboot; echo '",
    "/data/app/com.evil-1/base.apk; rm -rf /sdcard",
    "/data/app/com.evil-$(reboot)/base.apk",
    "/data/app/com.evil-`reboot`/base.apk",
    "/data/app/com.evil-1/base.apk\nreboot",
    "/data/app/../../sdcard/com.evil-1/base.apk",
    "/system/app/../../data/app/x.apk",
    "/data/app/com.evil-1/my base.apk",
    "/data/app/com.evil-1/base.apk\0",
    "/data/app/com.evil-1/" + "a" * 500 + ".apk",
    "/data/app/com.evil-1/base.apk|reboot",
    "/data/app/com.evil-1/base.apk&",
    "/data/app/com.evil-1/base.apk>/sdcard/x",
    "/data/local/tmp/com.evil-1/base.apk",
    "/data/app/com.evil-1/base.apk/",
    "data/app/com.evil-1/base.apk",
    "/data/app//com.evil-1/base.apk",
]


@pytest.mark.parametrize("path", GOOD_PATHS)
def test_android_apk_paths_are_accepted(path: str) -> None:
    assert is_apk_path(path)
    for command, _, _ in build_commands([Size(path), Tail(path, 8192), Blocks(path, 3, 2)]):
        assert is_allowed(command)
        check_destination(f"shell:{command}".encode())


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_paths_a_shell_would_read_otherwise_are_refused(path: str) -> None:
    assert not is_apk_path(path)
    with pytest.raises(UnsafeStep):
        build_commands([Size(path)])
    # Made by hand in the template's shape, the guard still refuses it.
    forged = f"echo @0123456789abcdef:0; stat -c %s '{path}' 2>/dev/null; echo =$?"
    assert not is_allowed(forged)
    with pytest.raises(CommandRefused):
        check_destination(f"shell:{forged}".encode())


def test_only_the_exact_template_is_allowed() -> None:
    path = GOOD_PATHS[0]
    [(command, nonce, _)] = build_commands([Size(path), Hashes((path, GOOD_PATHS[2]))])
    assert is_allowed(command)
    tampered = [
        command + "; reboot",
        command + " ",
        "reboot; " + command,
        command.replace("stat -c %s", "stat -c %n"),
        command.replace("2>/dev/null", "2>/sdcard/x"),
        command.replace(f"@{nonce}:1", f"@{nonce}:2"),
        command.replace(f"@{nonce}:1", "@0000000000000000:1"),
        command.replace("; echo =$?", "\necho =$?", 1),
        command.replace("sha256sum", "rm"),
    ]
    for text in tampered:
        assert not is_allowed(text), text


def test_commands_are_chunked_under_the_limit_and_keep_every_step() -> None:
    steps = [Tail(f"/data/app/com.example.app{i}-1/base.apk", 8192) for i in range(3000)]
    commands = build_commands(steps, max_chars=4000)
    assert len(commands) > 1
    assert all(len(c) <= 4000 and is_allowed(c) for c, _, _ in commands)
    assert [s for _, _, chunk in commands for s in chunk] == steps
    assert all(len(c) <= MAX_COMMAND_CHARS for c, _, _ in build_commands(steps))


def test_numbers_out_of_bounds_are_refused() -> None:
    path = GOOD_PATHS[0]
    for step in (Tail(path, 0), Blocks(path, -1, 1), Blocks(path, 0, 0)):
        with pytest.raises(UnsafeStep):
            build_commands([step])
