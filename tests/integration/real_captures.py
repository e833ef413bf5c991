"""Simulated-phone profiles built at test time from the unmodified real captures."""

from __future__ import annotations

from scanner.commands import (
    DUMPSYS_ACCESSIBILITY,
    DUMPSYS_PACKAGE,
    GETPROP,
    SETTINGS_GLOBAL,
    SETTINGS_SECURE,
)
from scanner.simulator import Profile
from tests.conftest import shared_path

AI_PIN_FILES = {
    GETPROP: "getprop.txt",
    DUMPSYS_PACKAGE: "dumpsys_package.txt",
    SETTINGS_GLOBAL: "settings_list_global.txt",
    SETTINGS_SECURE: "settings_list_secure.txt",
}


def ai_pin_profile(**overrides: object) -> Profile:
    """The Humane Ai Pin (Android 12) as captured, plus an Android 11/12 accessibility dump."""
    folder = shared_path("device-outputs", "penumbraos-ai-pin-android12")
    commands = {cmd: (folder / name).read_bytes() for cmd, name in AI_PIN_FILES.items()}
    commands[DUMPSYS_ACCESSIBILITY] = shared_path(
        "device-outputs", "spytrap-adb", "accessibility_plain.txt"
    ).read_bytes()
    fields: dict[str, object] = {
        "name": "ai-pin-real",
        "serial": "AIPINREAL",
        "commands": commands,
        "files": served_apks(commands),
    }
    fields.update(overrides)
    return Profile(**fields)  # type: ignore[arg-type]


def served_apks(commands: dict[str, bytes]) -> dict[str, bytes]:
    """A signed APK (built here) at the path of every app a scan would pull.

    The captures hold no APKs; without these the pulls fail, as they would on a phone
    that refuses them.
    """
    from scanner.apks import pull_candidates
    from scanner.model import CommandResult, RawCapture
    from scanner.parse.snapshot import build_snapshot
    from scanner.simulator.apk_builder import build_apk

    capture = RawCapture(tuple(CommandResult(c, out) for c, out in commands.items()))
    return {path: build_apk(pkg) for pkg, path in pull_candidates(build_snapshot(capture))}


def getprop_profile(file_name: str) -> Profile:
    """A phone known only by a real getprop capture (OnePlus Nord N10, POCO F6)."""
    data = shared_path("device-outputs", "getprop", file_name).read_bytes()
    return Profile(name=file_name, serial="GETPROPREAL", commands={GETPROP: data})
