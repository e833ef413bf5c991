"""``dumpsys dbinfo``: which apps used their databases recently, and when.

``ActivityManagerService.dumpDbInfo`` asks every running app process for
``SQLiteDebug.dump``::

    Applications Database Info:

    ** Database info for pid 8817 [com.example:sync] **     <- process name: package[:name]

    Connection pool for /data/user/0/com.example/databases/app.db:
      Open: true
      …
          Most recently executed operations:
            0: [2023-07-27 12:21:44.097] [Pid:(0)]executeForLong took 0ms - succeeded, sql=…
            1: [2019-03-02 10:01:02.003] executeForLong took 0ms …   <- Android 9/10: no Pid

Only the package names and the times are kept: the SQL text can quote what the person
wrote (a message, a contact), so it never leaves the raw output. The package comes from
the database's folder (``/data/user/<n>/<package>/``, ``/data/user_de/<n>/…``,
``/data/data/<package>/``), else from the process name. Only running processes are
listed, so an app that was removed (its processes are stopped) appears only if it ran
again under another user; an app still running with a database is listed with its last
use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from scanner.commands import DUMPSYS_DBINFO
from scanner.model import AppTrace, CollectionWarning, TraceKind
from scanner.parse.common import WarningLog, parse_local_time
from scanner.parse.lines import PACKAGE_NAME, iter_lines
from scanner.phrases import words

MAX_PACKAGES: Final = 5000
"""A phone runs a few hundred processes at most; past this, packages are counted."""

TITLE: Final = "Applications Database Info:"
_PROCESS: Final = re.compile(r"\*\* Database info for pid \d+ \[([^\]\s]+)\] \*\*")
_POOL: Final = "Connection pool for "
_DATA_DIR: Final = re.compile(r"/data/(?:user(?:_de)?/\d+|data)/([^/\s]+)/")
_STAMP: Final = re.compile(r"\d+: \[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:\.\d+)?\]")


@dataclass(frozen=True, slots=True)
class DbInfoParse:
    """One trace per package that has a running process or a database in use."""

    uses: tuple[AppTrace, ...] = ()
    warnings: tuple[CollectionWarning, ...] = ()


def _package_of_path(path: str) -> str | None:
    match = _DATA_DIR.search(path)
    if match is None or not PACKAGE_NAME.fullmatch(match[1]):
        return None
    return match[1]


def parse_dumpsys_dbinfo(text: str) -> DbInfoParse:
    """Parse ``dumpsys dbinfo``; never raises."""
    log = WarningLog(DUMPSYS_DBINFO)
    last_use: dict[str, str] = {}  # package -> latest "YYYY-MM-DD HH:MM:SS" (sorts as text)
    running: set[str] = set()
    recognised = False
    dropped = 0
    current: str | None = None  # the package whose database lines are being read

    def note(package: str | None, stamp: str = "") -> None:
        nonlocal dropped
        if package is None:
            return
        if package not in last_use:
            if len(last_use) >= MAX_PACKAGES:
                dropped += 1
                return
            last_use[package] = ""
        if stamp > last_use[package]:
            last_use[package] = stamp

    for line in iter_lines(text):
        stripped = line.strip()
        if stripped == TITLE:
            recognised = True
            continue
        process = _PROCESS.fullmatch(stripped)
        if process is not None:
            recognised = True
            name = process[1].split(":", 1)[0]
            current = name if PACKAGE_NAME.fullmatch(name) else None
            note(current)
            if current is not None and current in last_use:
                running.add(current)
            continue
        if stripped.startswith(_POOL):
            current = _package_of_path(stripped[len(_POOL) :]) or current
            note(current)
            continue
        stamp = _STAMP.match(stripped)
        if stamp is not None:
            note(current, stamp[1])
    if dropped:
        log.add(words("problems.packages_dropped", count=dropped, limit=str(MAX_PACKAGES)))
    if not recognised and text and not text.isspace():
        log.add(words("problems.dbinfo_unknown"), text[:400])
    elif not recognised:
        log.add(words("problems.dbinfo_nothing"), not_understood=False)
    uses = tuple(
        AppTrace(
            package,
            TraceKind.USED_DATABASE,
            DUMPSYS_DBINFO,
            latest=_when(stamp),
            detail=_detail(package in running, stamp),
        )
        for package, stamp in last_use.items()
    )
    return DbInfoParse(uses, log.result())


def _detail(running: bool, stamp: str) -> str:
    said = ["a process of this app is running"] if running else []
    if stamp:
        said.append(f"its database was last used {stamp}")
    return "; ".join(said) or "its database is open"


def _when(stamp: str) -> datetime | None:
    return parse_local_time(stamp) if stamp else None
