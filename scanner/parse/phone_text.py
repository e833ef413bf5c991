"""Make a short piece of text the phone sent safe to quote in a report.

A phone can send anything: control characters that move a terminal's cursor, invisible
format characters that reorder text (bidi overrides), or the replacement characters left
where binary data was read as text. None of that may reach a finding's evidence.
"""

from __future__ import annotations

import unicodedata

MAX_QUOTE_CHARS = 120
"""A name quoted in a finding is cut to this length."""

# Control, format, surrogate, private-use and unassigned characters, and line or
# paragraph separators: none belongs in a one-line quote.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_REPLACEMENT = "\ufffd"


def clean_phone_text(text: str, limit: int = MAX_QUOTE_CHARS) -> str:
    """``text`` on one line, with only visible characters and single spaces, cut to ``limit``."""
    kept = []
    for char in text[: limit * 4]:  # enough to fill ``limit`` after dropping; bounded work
        if char.isspace():
            kept.append(" ")  # tabs, line and paragraph breaks: one space
        elif char == _REPLACEMENT or unicodedata.category(char) in _DROPPED_CATEGORIES:
            continue
        else:
            kept.append(char)
    flat = " ".join("".join(kept).split())
    if len(flat) > limit:
        return flat[: limit - 1] + "…"
    return flat
