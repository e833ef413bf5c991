"""Phone-supplied text made safe to show: one line, nothing invisible.

App labels, the phone's model name, account names, proxy hosts and the rest are chosen
by whoever set up the phone or wrote the app. A line break in them could print a line
of its own in a report ("Checked: genuine system app"), and invisible format characters
(right-to-left marks, zero-width spaces, isolates) can reorder or hide what a reader
sees. ``clean_phone_text`` folds every line or paragraph break into a visible ``⏎`` and
shows every other control or format character as ``<U+XXXX>``, so nothing a phone sends
can start a row or hide in one. The raw bytes stay in the capture.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache

LINE_BREAK_MARK = "⏎"
"""What a line or paragraph break in phone text is shown as."""

_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
"""Everything ``str.splitlines`` breaks on: ASCII breaks, NEL, and the Unicode line (Zl)
and paragraph (Zp) separators."""

_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
"""Controls, format characters (RLM, ALM, isolates, zero-width, BOM ...), lone
surrogates, and the line/paragraph separators."""


@cache
def _hidden() -> re.Pattern[str]:
    """One pattern for every character to fold or show, built from this Python's Unicode
    tables (once, and only when some text needs it)."""
    points = [
        c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) in _HIDDEN_CATEGORIES
    ]
    ranges: list[str] = []
    start = prev = points[0]
    for point in [*points[1:], -1]:
        if point == prev + 1:
            prev = point
            continue
        ranges.append(_escape(start) if start == prev else f"{_escape(start)}-{_escape(prev)}")
        start = prev = point
    return re.compile("\r\n|[" + "".join(ranges) + "]")


def _escape(point: int) -> str:
    return f"\\U{point:08x}"


def _replace(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\r\n" or char in _BREAKS:
        return LINE_BREAK_MARK
    if char == "\t":
        return " "
    return f"<U+{ord(char):04X}>"


def clean_phone_text(text: str) -> str:
    """``text`` on one line with every control and format character visible.

    Line and paragraph breaks become ``⏎`` (``\\r\\n`` counts as one), a tab becomes a
    space, and any other control (Cc), format (Cf) or lone surrogate (Cs) character is
    shown as ``<U+XXXX>``. Ordinary text comes back unchanged (and is not copied).
    """
    if text.isprintable():
        return text  # the common case: no control, format or separator character at all
    return _hidden().sub(_replace, text)


def mark_invisible(text: str, template: str = "<U+{:04X}>") -> str:
    """Every control, format or separator character of ``text`` shown as ``template``
    (its code point), except tab, line feed and carriage return.

    For output that keeps its own line structure (an HTML page, where those three are
    plain whitespace); phone text has already been folded by ``clean_phone_text``.
    """
    if text.isprintable():
        return text

    def show(match: re.Match[str]) -> str:
        chars = match.group()
        if chars in ("\r\n", "\t", "\n", "\r"):
            return chars
        return template.format(ord(chars))

    return _hidden().sub(show, text)


def clean_optional(text: str | None) -> str | None:
    """``clean_phone_text`` for a value that may be missing."""
    return None if text is None else clean_phone_text(text)
