"""Walk a command's output one line at a time, without a list of every line.

The trace parsers read outputs that can be megabytes (a bug report's full battery
stats); a generator keeps their extra memory to one line, whatever the size.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

PACKAGE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*")
"""An Android package name (ASCII letters, digits, ``_``, dot-separated parts)."""

MAX_LINE_CHARS = 256 * 1024
"""A line is cut here: no line these parsers read comes near it (a trusted key is 720
characters), and one huge line must not cost its whole size again."""


def iter_lines(text: str, max_chars: int = MAX_LINE_CHARS) -> Iterator[str]:
    """Each line of ``text`` without its ending (``\\n`` or ``\\r\\n``), cut at ``max_chars``."""
    start = 0
    size = len(text)
    while start < size:
        end = text.find("\n", start)
        if end == -1:
            end = size
        line = text[start : min(end, start + max_chars)]
        yield line[:-1] if line.endswith("\r") else line
        start = end + 1
