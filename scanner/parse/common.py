"""Small helpers every parser shares: bounded warnings, component names, line splitting.

Nothing here knows about a particular command's format.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Generic, TypeVar

from scanner.model import CollectionWarning, Words
from scanner.parse.text import clean_phone_text
from scanner.phrases import warning, words

MAX_LINE_WARNINGS = 20
"""Per source, only this many line-level warnings are kept; the rest are counted."""

MAX_EXCERPT_CHARS = 160
"""A warning quotes at most this much of the text it could not read."""

LINE_CHUNK_CHARS = 1 << 16
"""Lines are split this many characters at a time (then on to the next line end), so a
parser never holds a list of every line of a 64 MB output."""

T = TypeVar("T")

NOT_SPACE = re.compile(r"\S")
"""The first character that is not whitespace."""
_NOT_NEWLINE = re.compile(r"[^\n]")
_NOT_SPACE = NOT_SPACE


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
    """A short, single-line quote of ``text`` that is safe to keep in a warning.

    Only the start of ``text`` is looked at, so quoting a whole 64 MB output costs no
    more than quoting one line.
    """
    found = _NOT_SPACE.search(text)
    if found is None:
        return ""
    head = text[found.start() : found.start() + MAX_EXCERPT_CHARS + 1]
    flat = head.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    flat = clean_phone_text(flat).rstrip()
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

    def line(self, number: int, text: str, message: Words | None = None) -> None:
        """Record one line that could not be read (bounded)."""
        if self._limit <= 0:
            self._skipped += 1
            return
        self._limit -= 1
        said = message or words("problems.line_not_understood")
        self._warnings.append(warning(self.source, said, line=number, excerpt=excerpt(text)))

    @property
    def full(self) -> bool:
        """True once no more line warnings are kept (the rest are only counted)."""
        return self._limit <= 0

    def count(self, lines: int) -> None:
        """Count ``lines`` more lines not understood without quoting them (when full)."""
        self._skipped += lines

    def add(
        self,
        message: Words,
        excerpt_text: str = "",
        line: int | None = None,
        *,
        not_understood: bool = True,
    ) -> None:
        """Record a warning about the whole output or a section (never dropped)."""
        self._warnings.append(
            warning(
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
                warning(self.source, words("problems.more_lines", count=self._skipped)),
            )
        return tuple(self._warnings)


class Capped(Generic[T]):
    """A list that keeps at most ``limit`` items and counts the ones it turned away.

    Real phones stay far below every limit; a hostile or broken output could otherwise
    make a parser hold millions of entries. What was turned away is reported, never
    dropped silently.
    """

    __slots__ = ("dropped", "items", "limit")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.items: list[T] = []
        self.dropped = 0

    def add(self, item: T) -> bool:
        """Keep ``item`` if there is room; False (and counted) when there is not."""
        if len(self.items) < self.limit:
            self.items.append(item)
            return True
        self.dropped += 1
        return False

    def __len__(self) -> int:
        return len(self.items)

    def report(self, log: WarningLog, key: str) -> None:
        """One warning (message ``key``) naming how many were turned away, if any were."""
        if self.dropped:
            log.add(words(key, count=self.dropped, limit=str(self.limit)))


def has_text(text: str) -> bool:
    """True when ``text`` holds anything but whitespace (without copying it)."""
    return _NOT_SPACE.search(text) is not None


def normalise_newlines(text: str) -> str:
    """``\r\n`` (some adb shells) and lone ``\r`` as ``\n``; no copy when there is none."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def line_chunks(
    text: str,
    start: int = 0,
    end: int | None = None,
    *,
    skip_blank_runs: bool = True,
    only_empty: bool = False,
) -> Iterator[tuple[int, list[str]]]:
    """``(number of the first line, lines)`` for ``text[start:end]``, a bounded piece at a time.

    ``text`` must already use ``\n`` line ends (``normalise_newlines``) and ``start``
    must be the start of a line; numbers count from 1 at ``start``. With
    ``skip_blank_runs`` a stretch of whitespace-only lines (with ``only_empty``: of
    empty lines) before a piece is stepped over in one search (their numbers are still
    counted), so 64 MB of blank lines cost one scan, not 64 million loop turns.
    """
    stop = len(text) if end is None else end
    pos, number = start, 1
    skip_to = _NOT_NEWLINE if only_empty else _NOT_SPACE
    while pos < stop:
        if skip_blank_runs:
            found = skip_to.search(text, pos, stop)
            if found is None:
                return
            newline = text.rfind("\n", pos, found.start())
            if newline >= 0:
                number += text.count("\n", pos, newline + 1)
                pos = newline + 1
        cut = text.find("\n", min(pos + LINE_CHUNK_CHARS, stop), stop)
        if cut < 0:
            cut = stop
        lines = text[pos:cut].split("\n")
        yield number, lines
        number += len(lines)
        pos = cut + 1


def nonblank_lines(text: str) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` for every line with something other than whitespace.

    Lazy and bounded in memory (see ``line_chunks``); line numbers are 1-based.
    """
    for first, lines in line_chunks(normalise_newlines(text)):
        for number, line in enumerate(lines, start=first):
            if line and not line.isspace():
                yield number, line


def nonempty_lines(text: str) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` for every line that is not empty, lazily and bounded.

    Whitespace-only lines are kept; a caller that cares where empty lines were sees a
    gap in the numbers.
    """
    for first, lines in line_chunks(normalise_newlines(text), only_empty=True):
        for number, line in enumerate(lines, start=first):
            if line:
                yield number, line


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
