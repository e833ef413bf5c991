"""What the simulated shell answers: output, stderr and exit status, as a phone gives them."""

from __future__ import annotations

import pytest
import yaml

from scanner.commands import PHONE_CLOCK
from scanner.simulator import Profile, load_profile
from scanner.simulator.answer import ShellAnswer
from scanner.simulator.profile import BUILTIN_PROFILES_DIR
from scanner.simulator.shell import run_command, shell_output
from scanner.sources import SCAN_COMMANDS

from .conftest import GETPROP

PROFILE = Profile(
    name="x",
    commands={"getprop": GETPROP, "dumpsys package": b"pkgs\n", "cmd package list packages": b""},
)


def test_exact_command_returns_its_capture() -> None:
    assert shell_output(PROFILE, "dumpsys package") == b"pkgs\n"


def test_unknown_binary_gets_the_mksh_not_found_line() -> None:
    assert shell_output(PROFILE, "su -c id") == b"/system/bin/sh: su: inaccessible or not found\n"


def test_dumpsys_of_an_unknown_service_says_it_cannot_find_it() -> None:
    assert shell_output(PROFILE, "dumpsys bogus") == b"Can't find service: bogus\n"
    assert shell_output(PROFILE, "cmd bogus list") == b"cmd: Can't find service: bogus\n"


def test_known_service_with_other_arguments_prints_nothing() -> None:
    assert shell_output(PROFILE, "dumpsys package com.example") == b""
    assert shell_output(PROFILE, "cmd package list users") == b""


def test_getprop_of_one_key_is_derived_from_the_full_listing() -> None:
    assert shell_output(PROFILE, "getprop ro.build.version.release") == b"14\n"
    assert shell_output(PROFILE, "getprop ro.unset.property") == b"\n"


def test_known_binary_without_capture_prints_nothing() -> None:
    assert shell_output(PROFILE, "which su") == b""


# -- exit statuses and stderr (what the shell protocol carries) -------------------------


def test_unknown_binary_exits_127_with_the_message_on_stderr() -> None:
    answer = run_command(PROFILE, "su -c id")
    assert answer == ShellAnswer(
        stderr=b"/system/bin/sh: su: inaccessible or not found\n", status=127
    )


def test_missing_service_statuses_differ_between_dumpsys_and_cmd() -> None:
    # dumpsys warns and exits 0; cmd exits 20 (frameworks/native/cmds).
    assert run_command(PROFILE, "dumpsys bogus") == ShellAnswer(
        stderr=b"Can't find service: bogus\n", status=0
    )
    assert run_command(PROFILE, "cmd bogus list") == ShellAnswer(
        stderr=b"cmd: Can't find service: bogus\n", status=20
    )


def test_which_exits_1_when_nothing_is_found_and_0_when_it_is() -> None:
    assert run_command(PROFILE, "which su") == ShellAnswer(status=1)
    assert run_command(PROFILE, "which ls") == ShellAnswer(stdout=b"/system/bin/ls\n")
    rooted = Profile(name="r", commands={"which su": b"/system/xbin/su\n"})
    assert run_command(rooted, "which su") == ShellAnswer(stdout=b"/system/xbin/su\n")
    unrooted = Profile(name="u", commands={"which su": b""})
    assert run_command(unrooted, "which su").status == 1


@pytest.mark.parametrize(
    ("command", "status"), [("true", 0), ("false", 1), ("exit", 0), ("exit 3", 3), ("exit 256", 0)]
)
def test_status_only_commands(command: str, status: int) -> None:
    assert run_command(PROFILE, command) == ShellAnswer(status=status)


def test_echo_prints_its_words_unquoted_as_sh_does() -> None:
    assert run_command(PROFILE, "echo 'a  b' c") == ShellAnswer(stdout=b"a  b c\n")


@pytest.mark.parametrize(
    ("command", "stdout", "status"),
    [
        ("false; echo $?", b"1\n", 0),
        ("true && echo yes || echo no", b"yes\n", 0),
        ("false && echo yes || echo no", b"no\n", 0),
        ("frobnicate; exit", b"", 127),
        ("exit 4; echo never", b"", 4),
        ("which su || echo none", b"none\n", 0),
        ("pm path com.gone; echo $?", b"1\n", 0),
    ],
)
def test_lists_run_in_order_with_the_last_status(command: str, stdout: bytes, status: int) -> None:
    profile = Profile(name="l", commands={"dumpsys package": b"Packages:\n"})
    answer = run_command(profile, command)
    assert (answer.stdout, answer.status) == (stdout, status)


def test_a_list_keeps_stderr_apart_and_in_order_on_the_legacy_stream() -> None:
    answer = run_command(PROFILE, "nosuch; echo after")
    message = b"/system/bin/sh: nosuch: inaccessible or not found\n"
    assert answer == ShellAnswer(stdout=b"after\n", stderr=message, status=0)
    assert shell_output(PROFILE, "nosuch; echo after") == message + b"after\n"


@pytest.mark.parametrize(
    "command",
    [
        "dumpsys package | grep x",
        "ls > /sdcard/x",
        "echo 'open",
        "sleep 9 &",
        "echo $HOME",
        "echo `id`",
        "&& true",
        "true ||",
        "(id)",
        "; id",
    ],
)
def test_shell_syntax_is_said_to_be_not_modelled_rather_than_guessed(command: str) -> None:
    answer = run_command(PROFILE, command)
    assert answer.stdout == b""
    assert answer.status == 1
    assert b"simulated phone" in answer.stderr and b"not modelled" in answer.stderr


def test_legacy_output_is_stdout_then_stderr() -> None:
    for command in ("dumpsys package", "su -c id", "cmd bogus x", "which su"):
        answer = run_command(PROFILE, command)
        assert shell_output(PROFILE, command) == answer.stdout + answer.stderr


@pytest.mark.parametrize("name", ["clean", "infected"])
def test_every_allowlisted_command_answers_its_capture_with_status_0(name: str) -> None:
    profile = load_profile(name)
    folder = BUILTIN_PROFILES_DIR / name
    spec = yaml.safe_load((folder / "profile.yaml").read_text(encoding="utf-8"))
    for command in SCAN_COMMANDS:
        if command == PHONE_CLOCK:  # answered live (see the clock test)
            continue
        capture = (folder / spec["commands"][command]).read_bytes()
        answer = run_command(profile, command)
        expected_status = 1 if command == "which su" and not capture.strip() else 0
        assert answer == ShellAnswer(stdout=capture, status=expected_status), command


def test_the_clock_is_this_computers_unless_the_profile_holds_a_reading() -> None:
    import time

    from scanner.simulator.profile import Profile

    live = run_command(load_profile("infected"), PHONE_CLOCK)
    assert live.status == 0
    assert abs(int(live.stdout) - time.time()) < 30
    captured = Profile(name="old", commands={PHONE_CLOCK: b"1700000000\n"})
    assert run_command(captured, PHONE_CLOCK).stdout == b"1700000000\n"
    assert run_command(captured, "date").status != 0  # only 'date +%s' is modelled
