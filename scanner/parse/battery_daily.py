"""``dumpsys batterystats --daily``: which apps were installed, updated or removed, per day.

``BatteryStatsService`` takes ``--daily`` (``DUMP_DAILY_ONLY``, every Android from 6 to
16) and ``BatteryStats.dumpLocked`` then prints only its daily records::

    Daily stats:
      Current start time: 2026-11-28-01-09-44        <- today's record, until now
      Next min deadline: 2026-11-29-01-00-00
      …
        Package changes:                             <- today's, if any
          Update com.example vers=31
      Daily from 2026-11-27-01-13-05 to 2026-11-28-01-09-44:
        Discharge step durations:
        …
        Package changes:                             <- dumpDailyPackageChanges
          Update com.example vers=31                 <- an install or an update
          Uninstall com.example                      <- a removal

Times are phone-local (``yyyy-MM-dd-HH-mm-ss``). The phone keeps about ten days of these
(``MAX_DAILY_ITEMS``), most recent first. A full ``dumpsys batterystats`` (what a bug
report holds) prints the same section after its battery history; the parser skips
everything before ``Daily stats:`` and stops at the next top-level heading, so both read
the same. The same change is often printed several times (once per user or split); each
is kept once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from scanner.commands import BATTERYSTATS_DAILY
from scanner.model import AppTrace, CollectionWarning, TraceKind
from scanner.parse.common import WarningLog
from scanner.parse.lines import PACKAGE_NAME, iter_lines
from scanner.parse.phone_text import clean_phone_text
from scanner.phrases import words

MAX_CHANGES: Final = 5000
"""Ten days of changes on a busy phone are a few hundred lines; past this they are counted."""

HEADING: Final = "Daily stats:"
_CURRENT: Final = "Current start time: "
_DAY_FROM: Final = "Daily from "
_CHANGES: Final = "Package changes:"
# What the phone prints when it does not know an option (BatteryStatsService.dumpHelp).
_NOT_SUPPORTED: Final = ("Unknown option", "dump options:")


@dataclass(frozen=True, slots=True)
class BatteryDailyParse:
    """Every package change, with the day it was recorded in."""

    changes: tuple[AppTrace, ...] = ()
    days: int = 0
    """How many day records the phone printed (today's included)."""
    warnings: tuple[CollectionWarning, ...] = ()


def parse_day_time(text: str) -> datetime | None:
    """``2026-11-27-01-13-05`` (``DateFormat`` ``yyyy-MM-dd-HH-mm-ss``) -> datetime, or None."""
    parts = text.strip().split("-")
    if len(parts) != 6 or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    try:
        return datetime(*(int(p) for p in parts))  # type: ignore[arg-type]
    except ValueError:
        return None


def _window(line: str) -> tuple[datetime | None, datetime | None] | None:
    """The day a ``Current start time:`` or ``Daily from … to …:`` line opens, else None."""
    if line.startswith(_CURRENT):
        return parse_day_time(line[len(_CURRENT) :]), None
    if line.startswith(_DAY_FROM) and line.endswith(":"):
        start, sep, end = line[len(_DAY_FROM) : -1].partition(" to ")
        if sep:
            return parse_day_time(start), parse_day_time(end)
    return None


def _change(line: str) -> tuple[str, TraceKind] | None:
    """``Update pkg vers=N`` or ``Uninstall pkg`` -> (package, kind), else None."""
    word, _, rest = line.partition(" ")
    package, _, tail = rest.partition(" ")
    if not PACKAGE_NAME.fullmatch(package):
        return None
    if word == "Update" and (not tail or tail.startswith("vers=")):
        return package, TraceKind.INSTALLED_OR_UPDATED
    if word == "Uninstall" and not tail:
        return package, TraceKind.REMOVED
    return None


def parse_batterystats_daily(text: str) -> BatteryDailyParse:
    """Parse the daily records of ``dumpsys batterystats [--daily]``; never raises."""
    log = WarningLog(BATTERYSTATS_DAILY)
    changes: list[AppTrace] = []
    seen: set[tuple[str, TraceKind, str, datetime | None, datetime | None]] = set()
    found = False
    days = 0
    window: tuple[datetime | None, datetime | None] = (None, None)
    in_changes = False
    dropped = 0
    for number, line in enumerate(iter_lines(text), start=1):
        stripped = line.strip()
        if not found:
            found = stripped == HEADING and not line.startswith(" ")
            continue
        if not stripped:
            continue
        if not line.startswith(" "):
            break  # the next top-level section of a full dump
        opened = _window(stripped)
        if opened is not None:
            window, in_changes = opened, False
            days += 1
            if opened[0] is None:
                log.line(number, line, words("problems.day_record"))
            continue
        if stripped == _CHANGES:
            in_changes = True
            continue
        if not in_changes:
            continue
        change = _change(stripped)
        if change is None:
            if stripped.endswith(":"):
                in_changes = False  # another heading: the list of changes ended
            else:
                log.line(number, line, words("problems.package_change"))
            continue
        package, kind = change
        key = (package, kind, stripped, *window)
        if key in seen:
            continue
        if len(changes) >= MAX_CHANGES:
            dropped += 1
            continue
        seen.add(key)
        detail = clean_phone_text(stripped)
        changes.append(AppTrace(package, kind, BATTERYSTATS_DAILY, window[0], window[1], detail))
    if dropped:
        log.add(words("problems.changes_dropped", count=dropped, limit=str(MAX_CHANGES)))
    if not found:
        _explain_missing(text, log)
    return BatteryDailyParse(tuple(changes), days, log.result())


def _explain_missing(text: str, log: WarningLog) -> None:
    """No ``Daily stats:`` heading: an option this phone lacks, nothing, or another format."""
    head = text[:4096]
    if any(said in head for said in _NOT_SUPPORTED):
        log.add(
            words("problems.daily_not_given"),
            head.strip().splitlines()[0] if head.strip() else "",
            not_understood=False,
        )
    elif not text or text.isspace():
        log.add(
            words("problems.daily_nothing"),
            not_understood=False,
        )
    else:
        log.add(
            words("problems.daily_unknown"),
            text[:400],
        )
