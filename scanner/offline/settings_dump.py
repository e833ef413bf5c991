"""``dumpsys settings`` -> the text ``settings list <namespace>`` would have printed.

A bug report holds the settings provider's dump, not ``settings list``. The dump prints
each namespace under ``GLOBAL SETTINGS (user 0)`` / ``SECURE SETTINGS (user N)`` / ...
with one row a line (AOSP ``SettingsProvider.dumpSettingsLocked``)::

    _id:12 name:adb_enabled pkg:android value:1 default:1 defaultSystemSet:true tag:null

``pkg:`` is left out when no package recorded the row, ``default:``/``defaultSystemSet:``
when there is no default, ``tag:`` when there is no tag; some builds add
``isValuePreservedInRestore:`` or a bare ``notPreservedInRestore``, or an indented
``History (...)`` block under a row. A missing value prints as ``{null}``.

``settings list`` prints ``name=value`` per row, ``null`` for a missing value, sorted as
whole lines (``SettingsService.listForUser``: ``Collections.sort(lines)``). The conversion
keeps names and values exactly; rows it cannot read are counted, not guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

_NAMESPACE: Final = re.compile(r"^(CONFIG|GLOBAL|SECURE|SYSTEM|SSAID) SETTINGS \(user (\d+)\)$")
_ROW: Final = re.compile(
    r"_id:\S* name:(?P<name>\S+)(?: pkg:\S+)? value:(?P<value>.*?)"
    r"(?: default:.*? defaultSystemSet:(?:true|false))?"
    r"(?: tag:.*?)?"
    r"(?: isValuePreservedInRestore:(?:true|false)| notPreservedInRestore)?",
    re.DOTALL,
)
_DUMP_NULL: Final = "{null}"


@dataclass(frozen=True, slots=True)
class SettingsList:
    """One namespace as ``settings list`` text, and how many rows could not be read."""

    output: bytes
    rows: int
    unreadable_rows: int = 0


def _namespace_rows(lines: list[str], namespace: str, user: int) -> list[str] | None:
    """The raw rows (a row may span lines) of one namespace block, or None if absent."""
    wanted = (namespace.upper(), str(user))
    inside = False
    found = False
    rows: list[list[str]] = []
    in_history = False
    for line in lines:
        heading = _NAMESPACE.match(line.strip())
        if heading is not None:
            inside = (heading[1], heading[2]) == wanted
            found = found or inside
            in_history = False
            continue
        if not inside:
            continue
        if not line.strip() or line.startswith("--------- "):
            inside = False  # a blank line (or dumpsys's trailer) closes the namespace
            continue
        if line.startswith("_id:"):
            rows.append([line])
            in_history = False
        elif line.strip().startswith("History ("):
            in_history = True
        elif rows and not in_history:
            rows[-1].append(line)  # a value that itself holds a newline
    return ["\n".join(parts) for parts in rows] if found else None


def settings_list_from_dump(dump: bytes, namespace: str, user: int = 0) -> SettingsList | None:
    """Convert one namespace of a ``dumpsys settings`` dump; None when it is not there."""
    # surrogateescape keeps bytes that are not UTF-8 exactly as they were.
    text = dump.decode("utf-8", errors="surrogateescape")
    rows = _namespace_rows(text.replace("\r\n", "\n").split("\n"), namespace, user)
    if rows is None:
        return None
    lines: list[str] = []
    unreadable = 0
    for row in rows:
        match = _ROW.fullmatch(row)
        if match is None:
            unreadable += 1
            continue
        value = match["value"]
        lines.append(f"{match['name']}={'null' if value == _DUMP_NULL else value}")
    lines.sort()
    output = "".join(f"{line}\n" for line in lines).encode("utf-8", errors="surrogateescape")
    return SettingsList(output, len(lines), unreadable)
