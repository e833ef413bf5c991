"""Walk a command's output one line at a time, without a list of every line.

The trace parsers read outputs that can be megabytes (a bug report's full battery
stats); a generator keeps their extra memory to one line, whatever the size.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

PACKAGE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*")
"""An Android package name (ASCII letters, digits, ``_``, dot-separated parts)."""


def iter_lines(text: str) -> Iterator[str]:
    """Each line of ``text`` without its ending (``\\n`` or ``\\r\\n``), in order."""
    start = 0
    size = len(text)
    while start < size:
        end = text.find("\n", start)
        if end == -1:
            end = size
        line = text[start:end]
        yield line[:-1] if line.endswith("\r") else line
        start = end + 1
