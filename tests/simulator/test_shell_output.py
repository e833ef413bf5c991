"""What the simulated shell prints for commands the profile has no capture of."""

from __future__ import annotations

from scanner.simulator import Profile
from scanner.simulator.shell import shell_output

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
