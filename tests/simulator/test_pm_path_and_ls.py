"""``pm path`` and ``ls`` as a phone answers them to the unprivileged shell user."""

from __future__ import annotations

import re

import pytest

from scanner.simulator import Profile, load_profile
from scanner.simulator.answer import ShellAnswer
from scanner.simulator.shell import run_command
from tests.conftest import shared_path

APP_DIR = "/data/app/~~Q1w==/com.example.split-Zx9=="
DUMP = (
    b"Packages:\n"
    b"  Package [com.example.split] (1a2b3c):\n"
    b"    userId=10123\n"
    b"    codePath=" + APP_DIR.encode() + b"\n"
    b"    resourcePath=" + APP_DIR.encode() + b"\n"
    b"    splits=[base, config.arm64_v8a, config.en]\n"
    b"  Package [com.android.settings] (4d5e6f):\n"
    b"    codePath=/system/priv-app/Settings\n"
    b"    splits=[base]\n"
    b"  Package [android] (777):\n"
    b"    codePath=/system/framework/framework-res.apk\n"
    b"\n"
    b"Hidden system packages:\n"
    b"  Package [com.android.settings] (888):\n"
    b"    codePath=/system/priv-app/SettingsOld\n"
)
PROFILE = Profile(
    name="fs",
    commands={"dumpsys package": DUMP},
    files={"/sdcard/Download/note.txt": b"hi\n", "/sdcard/Download/x/y.bin": b"\0"},
)


def test_pm_path_lists_base_then_each_split_with_status_0() -> None:
    assert run_command(PROFILE, "pm path com.example.split") == ShellAnswer(
        stdout=(
            f"package:{APP_DIR}/base.apk\n"
            f"package:{APP_DIR}/split_config.arm64_v8a.apk\n"
            f"package:{APP_DIR}/split_config.en.apk\n"
        ).encode()
    )
    # pm is a script around "cmd package"; --user picks a user (only one is modelled).
    assert run_command(PROFILE, "cmd package path com.example.split") == run_command(
        PROFILE, "pm path --user 0 com.example.split"
    )


def test_pm_path_of_system_apps_and_single_file_packages() -> None:
    # The first block (under Packages:) wins over the factory copy under Hidden system.
    assert run_command(PROFILE, "pm path com.android.settings").stdout == (
        b"package:/system/priv-app/Settings/Settings.apk\n"
    )
    assert run_command(PROFILE, "pm path android").stdout == (
        b"package:/system/framework/framework-res.apk\n"
    )


def test_pm_path_of_a_package_not_installed_prints_nothing_and_exits_1() -> None:
    assert run_command(PROFILE, "pm path com.not.installed") == ShellAnswer(status=1)


def test_pm_path_of_the_shipped_profile_names_the_apk_it_serves() -> None:
    profile = load_profile("infected")
    answer = run_command(profile, "pm path com.systemservice")
    assert answer.status == 0
    path = answer.stdout.decode().removeprefix("package:").strip()
    assert path in profile.files


def test_pm_path_answers_every_package_a_real_phone_listed() -> None:
    folder = shared_path("device-outputs", "penumbraos-ai-pin-android12")
    dump = (folder / "dumpsys_package.txt").read_bytes()
    profile = Profile(name="pin", commands={"dumpsys package": dump})
    listed = re.findall(r"^package:(\S+)$", (folder / "pm_list_packages_e.txt").read_text(), re.M)
    assert len(listed) > 100
    code_paths = dict(
        re.findall(rb"Package \[([^\]]+)\][^\n]*\n(?:    [^\n]*\n)*?    codePath=(\S+)", dump)
    )
    # The list was saved at another time than the dump: this one app came in between.
    later = "im.agg.aipinonboardingbypass"
    assert run_command(profile, f"pm path {later}") == ShellAnswer(status=1)
    for package in sorted(set(listed) - {later}):
        answer = run_command(profile, f"pm path {package}")
        assert answer.status == 0, package
        first = answer.stdout.decode().splitlines()[0]
        code_path = code_paths[package.encode()].decode()
        assert first.startswith(f"package:{code_path}"), (package, first)
        assert first.endswith(".apk")


def test_ls_of_an_app_folder_lists_its_apks() -> None:
    assert run_command(PROFILE, f"ls {APP_DIR}") == ShellAnswer(
        stdout=b"base.apk\nsplit_config.arm64_v8a.apk\nsplit_config.en.apk\n"
    )
    assert run_command(PROFILE, f"ls -1 {APP_DIR}/").status == 0
    assert run_command(PROFILE, f"ls {APP_DIR}/base.apk") == ShellAnswer(
        stdout=f"{APP_DIR}/base.apk\n".encode()
    )


@pytest.mark.parametrize(
    "path",
    [
        "/data",
        "/data/app",
        "/data/app/~~Q1w==",
        "/data/data",
        "/data/data/com.example.split",
        "/data/user/0/com.example.split/files",
    ],
)
def test_ls_of_folders_closed_to_the_shell_user_is_permission_denied(path: str) -> None:
    assert run_command(PROFILE, f"ls {path}") == ShellAnswer(
        stderr=f"ls: {path}: Permission denied\n".encode(), status=1
    )


@pytest.mark.parametrize("path", ["/nope", "/data/data/com.not.installed", f"{APP_DIR}/lib"])
def test_ls_of_a_missing_path_says_so_and_exits_1(path: str) -> None:
    assert run_command(PROFILE, f"ls {path}") == ShellAnswer(
        stderr=f"ls: {path}: No such file or directory\n".encode(), status=1
    )


def test_ls_of_shared_storage_lists_the_profile_files() -> None:
    assert run_command(PROFILE, "ls /sdcard/Download") == ShellAnswer(stdout=b"note.txt\nx\n")


def test_ls_options_it_does_not_play_are_said_to_be_not_modelled() -> None:
    answer = run_command(PROFILE, "ls -l /sdcard")
    assert (answer.stdout, answer.status) == (b"", 1)
    assert b"not modelled" in answer.stderr
