"""What the examiner did to the phone to scan it, in plain words, for the evidence pack.

A scan needs Developer options and USB (or wireless) debugging on, and someone to tap
"Allow" on the phone; "Always allow from this computer" leaves this computer trusted.
A court may ask about each, since the examination touched the phone. Each sentence comes
from the session's own steps (how it connected) or from the phone's settings as read; what
neither shows is said to be unknown.
"""

from __future__ import annotations

from scanner.commands import DUMPSYS_ADB, SETTINGS_GLOBAL
from scanner.i18n import Catalogue
from scanner.model import ScanResult, Words
from scanner.phrases import render, words

_THIS_COMPUTER_TRUSTED = "ADB-002"
"""The check that finds this computer among the phone's trusted ones."""


def examiner_steps(result: ScanResult, say: Catalogue | None = None) -> tuple[str, ...]:
    """Plain sentences, one per step the examination took on the phone, in ``say``'s
    language (English, as the manifest keeps them, when none is given)."""
    return tuple(render(step, say) for step in examiner_words(result))


def examiner_words(result: ScanResult) -> tuple[Words, ...]:
    """The steps as messages, so each reader's language can say them."""
    transport = result.capture.transport
    if transport not in ("usb", "tcp"):
        return (words("pack.exam_saved_copy", kind=transport or "?"),)
    settings = result.snapshot.settings
    read = SETTINGS_GLOBAL in result.snapshot.sources_read
    steps = [words("pack.exam_over_usb" if transport == "usb" else "pack.exam_over_network")]
    steps.append(_setting(read, settings.development_settings, _DEVELOPER))
    wired = _setting(read, settings.adb_enabled, _USB)
    wireless = _setting(read, settings.adb_wifi_enabled, _WIRELESS)
    steps += [wired, wireless] if transport == "tcp" else [wired]
    steps.append(words("pack.exam_allowed"))
    steps.append(_always_allow(result))
    steps.append(words("pack.exam_read_only"))
    return tuple(steps)


# (unknown, on, off) for each setting the scan needs.
_DEVELOPER = ("pack.exam_developer_unknown", "pack.exam_developer_on", "pack.exam_developer_off")
_USB = ("pack.exam_usb_unknown", "pack.exam_usb_on", "pack.exam_usb_off")
_WIRELESS = ("pack.exam_wireless_unknown", "pack.exam_wireless_on", "pack.exam_wireless_off")


def _setting(read: bool, value: bool | None, said: tuple[str, str, str]) -> Words:
    unknown, on, off = said
    if not read or value is None:
        return words(unknown)
    return words(on if value else off)


def _always_allow(result: ScanResult) -> Words:
    if DUMPSYS_ADB not in result.snapshot.sources_read:
        return words("pack.exam_always_unknown")
    if any(f.check == _THIS_COMPUTER_TRUSTED for f in result.findings):
        return words("pack.exam_always_ticked")
    return words("pack.exam_always_not_ticked")
