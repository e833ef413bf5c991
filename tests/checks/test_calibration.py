"""Calibration: real phones with only system and store apps are not called spyware."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scanner.model import CommandResult, RawCapture, Severity
from scanner.pipeline import analyse
from scanner.sigdb.commands import load_shipped_db
from tests.conftest import shared_path
from tests.integration.real_captures import AI_PIN_FILES


def serious(result):
    return [f for f in result.findings if f.severity in (Severity.STALKERWARE, Severity.HIGH)]


def test_real_ai_pin_capture_raises_no_stalkerware_or_high_finding():
    folder = shared_path("device-outputs", "penumbraos-ai-pin-android12")
    capture = RawCapture(
        tuple(
            CommandResult(cmd, (folder / name).read_bytes()) for cmd, name in AI_PIN_FILES.items()
        )
    )
    result = analyse(capture, datetime.now(UTC), signatures=load_shipped_db())
    assert len(result.snapshot.packages) == 172
    assert serious(result) == []


@pytest.mark.parametrize(
    "name",
    ["package_contacts.txt", "package_fdroid.txt", "package_gpstest.txt", "package_jitsi.txt"],
)
def test_real_single_package_dumps_are_not_flagged_as_spyware(name):
    text = shared_path("device-outputs", "spytrap-adb", name).read_bytes()
    capture = RawCapture((CommandResult("dumpsys package", text),))
    result = analyse(capture, datetime.now(UTC), signatures=load_shipped_db())
    assert result.snapshot.packages
    assert serious(result) == []
    # A sideloaded app may reach "review" (GPSTest's com.android.* name does), never more.
    assert all(f.severity is Severity.REVIEW for f in result.findings if f.check == "SPY-001")
