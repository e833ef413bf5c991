"""``cmd package query-activities --components -a MAIN -c LAUNCHER``: apps with an icon.

With ``--components`` Android prints one ``ComponentName.flattenToShortString()`` per
line (``pkg/.Cls`` or ``pkg/full.Cls``), or the single line ``No activities found``
(``PackageManagerShellCommand.runQueryIntentActivities``, Android 7-16). Phones too old
for the command print ``Unknown command`` / ``Error:`` text instead: then the answer is
"unknown", not "no app has an icon".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from scanner.commands import LAUNCHER_ACTIVITIES
from scanner.model import CollectionWarning
from scanner.parse.common import Capped, WarningLog, looks_like_component, nonblank_lines
from scanner.phrases import words

MAX_COMPONENTS: Final = 20_000
"""Launcher activities kept; a phone shows a few hundred icons at most."""

_NONE_FOUND = "No activities found"


@dataclass(frozen=True, slots=True)
class LauncherParse:
    """Packages with a launcher activity; ``packages`` is None when unknown."""

    packages: frozenset[str] | None
    components: tuple[str, ...] = ()
    warnings: tuple[CollectionWarning, ...] = ()


def parse_launcher_activities(text: str) -> LauncherParse:
    """Parse the launcher query; anything but components or "No activities found" -> None.

    One pass over the non-blank lines, keeping only what the answer needs (the first
    line, a count, the components), so any output up to the size limit is read in
    linear time and bounded memory.
    """
    log = WarningLog(LAUNCHER_ACTIVITIES)
    odd_lines = WarningLog(LAUNCHER_ACTIVITIES)  # only reported when components were found
    components: Capped[str] = Capped(MAX_COMPONENTS)
    first = ""
    lines = 0
    for number, line in nonblank_lines(text):
        stripped = line.strip()
        lines += 1
        if lines == 1:
            first = stripped[:200]
        if looks_like_component(stripped):
            components.add(stripped)
        else:
            odd_lines.line(number, line)
    if not lines:
        log.add(
            words("problems.launcher_nothing"),
            not_understood=False,
        )
        return LauncherParse(None, (), log.result())
    if lines == 1 and first == _NONE_FOUND:
        return LauncherParse(frozenset(), (), log.result())
    if not components.items and not components.dropped:
        log.add(
            words("problems.launcher_unknown"),
            first,
        )
        return LauncherParse(None, (), log.result())
    components.report(log, "problems.capped_launcher")
    packages = frozenset(c.partition("/")[0] for c in components.items)
    return LauncherParse(packages, tuple(components.items), (*odd_lines.result(), *log.result()))
