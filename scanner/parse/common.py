"""Small helpers every parser shares: bounded warnings, component names, line splitting.

Nothing here knows about a particular command's format.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from scanner.model import CollectionWarning

MAX_LINE_WARNINGS = 20
"""Per source, only this many line-level warnings are kept; the rest are counted."""

MAX_EXCERPT_CHARS = 160
"""A warning quotes at most this much of the text it could not read."""


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a parser builds many small objects.

    Parse results hold no reference cycles, so the collector finds nothing, yet it would
    walk the growing result again and again (about 5% of a 20 MB parse). Reference
    counting still frees everything as usual; the collector's state is restored after.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def excerpt(text: str) -> str:
    """A short, single-line quote of ``text`` that is safe to keep in a warning."""
    flat = text.replace("\r", " ").replace("\n", " ").strip()
    if len(flat) > MAX_EXCERPT_CHARS:
        return flat[: MAX_EXCERPT_CHARS - 1] + "…"
    return flat


class WarningLog:
    """Collects warnings for one source, keeping the first few line warnings only.

    A new Android version can make every line of a dump look unfamiliar; the report
    should say so once with a count, not list ten thousand lines.
    """

    __slots__ = ("_limit", "_skipped", "_warnings", "source")

    def __init__(self, source: str, limit: int = MAX_LINE_WARNINGS) -> None:
        self.source = source
        self._limit = limit
        self._skipped = 0
        self._warnings: list[CollectionWarning] = []

    def line(self, number: int, text: str, message: str = "line not understood") -> None:
        """Record one line that could not be read (bounded)."""
        if self._limit <= 0:
            self._skipped += 1
            return
        self._limit -= 1
        self._warnings.append(
            CollectionWarning(self.source, message, line=number, excerpt=excerpt(text))
        )

    def add(
        self,
        message: str,
        excerpt_text: str = "",
        line: int | None = None,
        *,
        not_understood: bool = True,
    ) -> None:
        """Record a warning about the whole output or a section (never dropped)."""
        self._warnings.append(
            CollectionWarning(
                self.source,
                message,
                line=line,
                excerpt=excerpt(excerpt_text),
                not_understood=not_understood,
            )
        )

    def result(self) -> tuple[CollectionWarning, ...]:
        """Every warning kept, plus one summary of the line warnings that were not."""
        if self._skipped:
            return (
                *self._warnings,
                CollectionWarning(self.source, f"{self._skipped} more lines not understood"),
            )
        return tuple(self._warnings)


def split_lines(text: str) -> list[str]:
    """Lines without their endings; ``\\r\\n`` from some adb shells is handled."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


def indent_of(line: str) -> int:
    """Number of leading spaces."""
    return len(line) - len(line.lstrip(" "))


def component_package(component: str) -> str:
    """The package part of ``pkg/cls`` (or of ``{pkg/cls}``)."""
    return component.strip().strip("{}").partition("/")[0].strip()


def normalize_component(component: str) -> str:
    """``pkg/.Cls`` -> ``pkg/pkg.Cls``, so short and long forms compare equal."""
    comp = component.strip().strip("{}").strip()
    pkg, sep, cls = comp.partition("/")
    if sep and cls.startswith("."):
        return f"{pkg}/{pkg}{cls}"
    return comp


def looks_like_component(text: str) -> bool:
    """True for ``pkg/cls`` with no spaces and a non-empty package and class."""
    pkg, sep, cls = text.partition("/")
    return bool(sep and pkg and cls) and " " not in text and "/" not in cls


def parse_local_time(value: str) -> datetime | None:
    """``YYYY-MM-DD HH:MM:SS`` (phone-local, as ``dumpsys`` prints it) or None."""
    value = value.strip()
    if len(value) != 19 or value[4] != "-" or value[10] != " " or value[13] != ":":
        return None
    try:
        return datetime(
            int(value[0:4]),
            int(value[5:7]),
            int(value[8:10]),
            int(value[11:13]),
            int(value[14:16]),
            int(value[17:19]),
        )
    except ValueError:
        return None


def ascii_int(value: str) -> int | None:
    """``value`` as an int when it is plain ASCII digits (optionally signed), else None."""
    value = value.strip()
    body = value[1:] if value[:1] in "+-" else value
    if not body or not body.isascii() or not body.isdigit():
        return None
    return int(value)


def leading_int(value: str) -> int | None:
    """The integer at the start of ``value`` (``10153 gids=[…]`` -> 10153), or None."""
    head = value.strip().split(" ", 1)[0]
    if head.isascii() and head.isdigit():
        return int(head)  # the common case, without a Python-level character loop
    end = 1 if head[:1] == "-" else 0
    while end < len(head) and "0" <= head[end] <= "9":
        end += 1
    digits = head[:end]
    if not digits or digits == "-":
        return None
    return int(digits)
