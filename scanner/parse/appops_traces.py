"""``dumpsys appops``, read a second way: every app it names, with its last recorded use.

``parse.appops`` keeps the special accesses; this keeps who is named at all. App-op
records are kept per uid and package (``AppOpsService.dump``) and can outlive the app, so
a package named here that is not installed is a trace of an app that was on the phone::

      Uid u0a187:
        state=cch
        Package com.example:
          FINE_LOCATION (allow):
              Access: [bg-s] 2026-11-24 22:58:10.512 (-3d11h…)   <- Android 10-16
          WAKE_LOCK: mode=0; time=+1h2m ago                       <- Android 7-9, relative

Only absolute times are kept (Android 9 prints times relative to the dump: left out).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from scanner.commands import DUMPSYS_APPOPS
from scanner.model import AppTrace, CollectionWarning, TraceKind
from scanner.parse.appops import AppOpsParse, parse_dumpsys_appops, uid_from_text
from scanner.parse.common import WarningLog, indent_of, parse_local_time
from scanner.parse.lines import PACKAGE_NAME, iter_lines
from scanner.phrases import words

MAX_PACKAGES: Final = 5000
"""More than any phone holds; past this, packages are counted, not kept."""

_WHEN: Final = re.compile(r"(?:Access|Reject): \[[^\]]*\] (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)")


@dataclass(frozen=True, slots=True)
class AppOpsTraces:
    """One trace per package named in the app-op records."""

    named: tuple[AppTrace, ...] = ()
    warnings: tuple[CollectionWarning, ...] = ()


@dataclass(frozen=True, slots=True)
class AppOpsWithTraces:
    """Both readings of one ``dumpsys appops`` output (the snapshot's parser for it)."""

    ops: AppOpsParse
    traces: AppOpsTraces

    @property
    def warnings(self) -> tuple[CollectionWarning, ...]:
        return (*self.ops.warnings, *self.traces.warnings)


def parse_appops_traces(text: str) -> AppOpsTraces:
    """Every package under a ``Uid`` block, with its uid and latest absolute access time."""
    log = WarningLog(DUMPSYS_APPOPS)
    found: dict[str, tuple[int | None, str]] = {}  # package -> (uid, latest stamp)
    uid: int | None = None
    in_uid = False
    package: str | None = None
    dropped = 0
    for line in iter_lines(text):
        stripped = line.strip()
        if not stripped:
            continue
        indent = indent_of(line)
        if indent <= 2:
            in_uid = indent == 2 and stripped.startswith("Uid ") and stripped.endswith(":")
            uid = uid_from_text(stripped[4:-1]) if in_uid else None
            package = None
            continue
        if not in_uid:
            continue
        if indent == 4:
            package = None
            if stripped.startswith("Package ") and stripped.endswith(":"):
                name = stripped[8:-1].strip()
                if PACKAGE_NAME.fullmatch(name):
                    package = name
                    if name not in found:
                        if len(found) >= MAX_PACKAGES:
                            dropped += 1
                            package = None
                        else:
                            found[name] = (uid, "")
            continue
        if package is None or ("ess: [" not in stripped and "ect: [" not in stripped):
            continue
        when = _WHEN.search(stripped)
        if when is not None and when[1] > found[package][1]:
            found[package] = (found[package][0], when[1])
    if dropped:
        log.add(words("problems.packages_dropped", count=dropped, limit=str(MAX_PACKAGES)))
    named = tuple(
        AppTrace(
            name,
            TraceKind.APP_OPS,
            DUMPSYS_APPOPS,
            latest=_when(stamp),
            detail=_detail(uid_value, stamp),
        )
        for name, (uid_value, stamp) in found.items()
    )
    return AppOpsTraces(named, log.result())


def parse_appops_and_traces(text: str) -> AppOpsWithTraces:
    """The special accesses and the named packages of one output."""
    return AppOpsWithTraces(parse_dumpsys_appops(text), parse_appops_traces(text))


def _detail(uid: int | None, stamp: str) -> str:
    said = f"app-op records for uid {uid}" if uid is not None else "app-op records"
    return said + (f"; last use recorded {stamp}" if stamp else "")


def _when(stamp: str) -> datetime | None:
    return parse_local_time(stamp) if stamp else None
