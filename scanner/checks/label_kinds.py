"""What an app says it is, by its name, and which personal data such an app never needs.

A calculator, a torch or a battery cleaner has no use for the microphone, contacts or
where the phone is; a spy app dressed as one asks for them anyway. The name only ever
adds suspicion here, never removes it: anyone can call an app "Chat", so a name is no
credit (credit for purpose comes from ``app_kinds``, which needs a real store install).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from scanner.checks import app_kinds as k


@dataclass(frozen=True, slots=True)
class NamedKind:
    words: str
    """Plain words, as in "a calculator"."""
    pattern: re.Pattern[str]
    needs: frozenset[str]
    """Personal data an app of this kind can reasonably use."""


def _kind(words: str, pattern: str, *needs: str) -> NamedKind:
    return NamedKind(words, re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE), frozenset(needs))


NAMED_KINDS: Final = (
    _kind("a calculator", r"calculator|calc"),
    _kind("a torch", r"flashlight|torch"),
    _kind("a cleaner or battery saver", r"cleaner|booster|battery(?: saver)?|optimi[sz]er"),
    _kind("a clock or alarm", r"clock|alarm|timer|stopwatch"),
    _kind("a compass or level", r"compass|spirit level|bubble level"),
    _kind("a wallpaper app", r"wallpapers?|themes?"),
    _kind("a QR code reader", r"qr(?: code)?(?: reader| scanner)?", k.CAMERA),
)
"""Kinds of simple app that need (almost) no personal data. Kinds with varied needs
(notes, music, photos, weather, messengers, social, dating, maps) are left out on
purpose: for them a name says too little to weigh their permissions."""


def named_kind(label: str | None) -> NamedKind | None:
    """The simple kind the app's name claims, or None."""
    if not label:
        return None
    for kind in NAMED_KINDS:
        if kind.pattern.search(label):
            return kind
    return None
