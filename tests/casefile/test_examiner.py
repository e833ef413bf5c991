"""What the examination did to the phone, from the session and the phone's settings."""

from __future__ import annotations

import dataclasses

from scanner.casefile.examiner import examiner_steps
from scanner.commands import DUMPSYS_ADB, SETTINGS_GLOBAL
from scanner.model import Evidence, Finding, SafetySettings, ScanResult, Severity
from tests.report.sample import build_result

THIS_COMPUTER = Finding(
    "ADB-002:this-computer",
    "ADB-002",
    Severity.INFO,
    "The phone trusts this computer",
    (Evidence(DUMPSYS_ADB, "this is the key of this computer"),),
    "usb_debugging",
)


def _scan(transport: str, *, read: tuple[str, ...], trusted: bool = False) -> ScanResult:
    base = build_result()
    settings = SafetySettings(development_settings=True, adb_enabled=True, adb_wifi_enabled=False)
    return dataclasses.replace(
        base,
        capture=dataclasses.replace(base.capture, transport=transport),
        snapshot=dataclasses.replace(base.snapshot, settings=settings, sources_read=read),
        findings=(THIS_COMPUTER,) if trusted else (),
    )


def test_usb_scan_records_developer_options_debugging_allow_and_always_allow() -> None:
    steps = examiner_steps(_scan("usb", read=(SETTINGS_GLOBAL, DUMPSYS_ADB), trusted=True))
    text = " ".join(steps)
    assert "over a USB cable" in text
    assert "Developer options were on" in text
    assert "USB debugging was on" in text
    assert 'tapped "Allow"' in text
    assert '"Always allow from this computer" was ticked' in text
    assert "Wireless debugging" not in text


def test_not_always_allowed_when_the_phone_does_not_list_this_computer() -> None:
    steps = examiner_steps(_scan("tcp", read=(SETTINGS_GLOBAL, DUMPSYS_ADB)))
    assert any("was not ticked" in step for step in steps)
    assert any("Wireless debugging" in step for step in steps)


def test_what_was_not_read_is_said_to_be_unknown() -> None:
    steps = " ".join(examiner_steps(_scan("usb", read=())))
    assert "Whether Developer options were on could not be read" in steps
    assert '"Always allow from this computer" was ticked is not known' in steps


def test_an_offline_copy_says_the_examination_is_not_known_here() -> None:
    (only,) = examiner_steps(_scan("bugreport", read=(SETTINGS_GLOBAL,)))
    assert "No phone was connected" in only
