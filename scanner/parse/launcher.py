"""``cmd package query-activities --components -a MAIN -c LAUNCHER``: apps with an icon.

With ``--components`` Android prints one ``ComponentName.flattenToShortString()`` per
line (``pkg/.Cls`` or ``pkg/full.Cls``), or the single line ``No activities found``
(``PackageManagerShellCommand.runQueryIntentActivities``, Android 7-16). Phones too old
for the command print ``Unknown command`` / ``Error:`` text instead: then the answer is
"unknown", not "no app has an icon".
"""

from __future__ import annotations

from dataclasses import dataclass

from scanner.device.allowlist import LAUNCHER_ACTIVITIES
from scanner.model import CollectionWarning
from scanner.parse.common import WarningLog, looks_like_component, split_lines


@dataclass(frozen=True, slots=True)
class LauncherParse:
    """Packages with a launcher activity; ``packages`` is None when unknown."""

    packages: frozenset[str] | None
    components: tuple[str, ...] = ()
    warnings: tuple[CollectionWarning, ...] = ()


def parse_launcher_activities(text: str) -> LauncherParse:
    """Parse the launcher query; anything but components or "No activities found" -> None."""
    log = WarningLog(LAUNCHER_ACTIVITIES)
    lines = [(n, line.strip()) for n, line in enumerate(split_lines(text), start=1)]
    lines = [(n, line) for n, line in lines if line]
    if not lines:
        log.add(
            "the launcher query returned nothing; which apps have icons is unknown",
            not_understood=False,
        )
        return LauncherParse(None, (), log.result())
    if len(lines) == 1 and lines[0][1] == "No activities found":
        return LauncherParse(frozenset(), (), log.result())
    components = [line for _, line in lines if looks_like_component(line)]
    if not components:
        log.add(
            "the launcher query was not understood (phone too old or command refused); "
            "which apps have icons is unknown",
            lines[0][1],
        )
        return LauncherParse(None, (), log.result())
    for number, line in lines:
        if not looks_like_component(line):
            log.line(number, line)
    packages = frozenset(c.partition("/")[0] for c in components)
    return LauncherParse(packages, tuple(components), log.result())
