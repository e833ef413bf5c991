"""What the examiner did to the phone to scan it, in plain words, for the evidence pack.

A scan needs Developer options and USB (or wireless) debugging on, and someone to tap
"Allow" on the phone; "Always allow from this computer" leaves this computer trusted.
A court may ask about each, since the examination touched the phone. Each sentence comes
from the session's own steps (how it connected) or from the phone's settings as read; what
neither shows is said to be unknown.
"""

from __future__ import annotations

from scanner.commands import DUMPSYS_ADB, SETTINGS_GLOBAL
from scanner.model import ScanResult

_THIS_COMPUTER_TRUSTED = "ADB-002"
"""The check that finds this computer among the phone's trusted ones."""


def examiner_steps(result: ScanResult) -> tuple[str, ...]:
    """Plain sentences, one per step the examination took on the phone."""
    transport = result.capture.transport
    if transport not in ("usb", "tcp"):
        return (
            f"No phone was connected to this computer: the scan read a {transport or 'saved'} "
            "copy made earlier, so what was done to the phone to make it is not known here.",
        )
    settings = result.snapshot.settings
    read_settings = SETTINGS_GLOBAL in result.snapshot.sources_read
    how = "a USB cable" if transport == "usb" else "the network (wireless debugging)"
    steps = [f"The phone was connected to this computer over {how}."]
    steps.append(
        _setting(
            read_settings, settings.development_settings, "Developer options", "to allow the scan"
        )
    )
    wired = _setting(read_settings, settings.adb_enabled, "USB debugging", "for the scan")
    wireless = _setting(
        read_settings, settings.adb_wifi_enabled, "Wireless debugging", "for the scan"
    )
    steps += [wired, wireless] if transport == "tcp" else [wired]
    steps.append(
        'Someone tapped "Allow" on the phone so this computer could read it '
        "(the phone allows nothing without it)."
    )
    steps.append(_always_allow(result))
    steps.append(
        "The scan only read: it sent the fixed list of read-only commands in this pack, "
        "and installed, removed or changed nothing."
    )
    return tuple(steps)


def _setting(read: bool, value: bool | None, name: str, why: str) -> str:
    if not read or value is None:
        verb = "were" if name.endswith("options") else "was"
        return f"Whether {name} {verb} on could not be read from the phone's settings."
    if value:
        verb = "were" if name.endswith("options") else "was"
        return f"{name} {verb} on when the phone was read (it has to be on {why})."
    verb = "were" if name.endswith("options") else "was"
    return f"The phone's settings say {name} {verb} off when read."


def _always_allow(result: ScanResult) -> str:
    if DUMPSYS_ADB not in result.snapshot.sources_read:
        return (
            'Whether "Always allow from this computer" was ticked is not known: the list of '
            "trusted computers could not be read."
        )
    if any(f.check == _THIS_COMPUTER_TRUSTED for f in result.findings):
        return (
            '"Always allow from this computer" was ticked: the phone now trusts this computer '
            "until its USB debugging permissions are revoked."
        )
    return (
        'The phone does not list this computer as trusted, so "Always allow from this '
        'computer" was not ticked.'
    )
