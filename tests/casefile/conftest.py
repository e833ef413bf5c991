"""Helpers for case file tests: fast scrypt and a realistic scan built from our fixtures."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scanner.casefile.crypto import ScryptParams
from scanner.commands import (
    DUMPSYS_ACCESSIBILITY,
    DUMPSYS_ACCOUNT,
    DUMPSYS_APPOPS,
    DUMPSYS_DEVICE_POLICY,
    DUMPSYS_PACKAGE,
    GETPROP,
    LAUNCHER_ACTIVITIES,
    SETTINGS_GLOBAL,
    SETTINGS_SECURE,
)
from scanner.model import CommandResult, RawCapture, ScanResult
from scanner.pipeline import analyse
from scanner.sources import SCAN_COMMANDS

FAST_SCRYPT = ScryptParams(log2_n=4, r=8, p=1)
"""Tiny cost so tests run fast; the product default is checked separately."""

PASSPHRASE = "amber ladder under seven clouds"
MARKER_PACKAGE = "com.example.tracker"
"""A package name in the Pixel 8 capture: it must never appear on disk in a case file."""

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
_FILES = {
    GETPROP: "getprop/pixel8_a14.txt",
    DUMPSYS_PACKAGE: "dumpsys_package/pixel8_a14.txt",
    LAUNCHER_ACTIVITIES: "launcher/pixel8_a14.txt",
    DUMPSYS_ACCESSIBILITY: "accessibility/pixel8_a14.txt",
    DUMPSYS_DEVICE_POLICY: "device_policy/pixel8_a14_device_owner.txt",
    DUMPSYS_ACCOUNT: "account/pixel8_a14.txt",
    DUMPSYS_APPOPS: "appops/pixel8_a14.txt",
    SETTINGS_GLOBAL: "settings/pixel8_a14_global.txt",
    SETTINGS_SECURE: "settings/pixel8_a14_secure.txt",
}


def pixel8_capture(
    serial: str = "PIXEL8SERIAL", edits: Mapping[str, tuple[bytes, bytes]] | None = None
) -> RawCapture:
    """The Pixel 8 fixture capture; ``edits`` maps a command to (old, new) bytes to swap."""
    results = []
    for command in SCAN_COMMANDS:
        name = _FILES.get(command)
        if name is None:
            # `which su` prints nothing and exits 1 on an unrooted phone.
            results.append(CommandResult(command, None, error="exit status 1"))
            continue
        path = FIXTURES / name
        if not path.exists():
            pytest.skip(f"fixture {path} is missing")
        data = path.read_bytes()
        if edits and command in edits:
            old, new = edits[command]
            assert old in data, f"edit target {old!r} not in {name}"
            data = data.replace(old, new)
        if command == GETPROP:
            # The phone names itself; the network address the scan used does not.
            data += f"[ro.serialno]: [{serial}]\n".encode()
        results.append(CommandResult(command, data, duration_s=0.25))
    return RawCapture(tuple(results), serial="192.168.1.20:5555", transport="tcp")


def scan_at(capture: RawCapture, started_at: datetime) -> ScanResult:
    """A full scan result for ``capture`` (no checks run)."""
    return analyse(capture, started_at)


@pytest.fixture
def scan() -> ScanResult:
    return scan_at(pixel8_capture(), datetime(2024, 3, 1, 10, 0, tzinfo=UTC))
