"""The bigger picture across visits: one timeline of every change between saved scans.

``casefile.history`` compares each scan with the one before. Read one pair at a time, an
app removed at one visit and back at the next shows only as "removed", then "new". Here
the changes of every pair are put on one line of time per phone, and an app that comes
back after it was removed is called that: the repeat pattern police are asked to see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from rich.console import Console
from rich.text import Text

from scanner.model import ChangeKind, HistoryChange, HistoryDiff
from scanner.parse.text import clean_phone_text
from scanner.report.timeline_views import esc

HEADING = "The bigger picture: changes across visits"


class Pattern(StrEnum):
    APPEARED = "An app appeared"
    CAME_BACK = "An app came back after it was removed"
    REMOVED = "An app was removed"
    ACCESS = "An app's access changed"
    SETTING = "A setting was switched"
    OTHER = "Other change"


_ACCESS = frozenset(
    {
        ChangeKind.PERMISSION_GRANTED,
        ChangeKind.PERMISSION_REVOKED,
        ChangeKind.ACCESSIBILITY_ON,
        ChangeKind.ACCESSIBILITY_OFF,
        ChangeKind.DEVICE_ADMIN_ADDED,
        ChangeKind.DEVICE_ADMIN_REMOVED,
        ChangeKind.NOTIFICATION_LISTENER_ON,
        ChangeKind.NOTIFICATION_LISTENER_OFF,
    }
)


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    device: str
    pattern: Pattern
    description: str
    """Phone text inside: clean or escape before display."""
    between: tuple[datetime, datetime]
    """The two visits (UTC) the change happened between."""
    phone_time: datetime | None = None
    """When the phone says it happened (phone-local), where it says."""
    package: str | None = None


def _pattern(change: HistoryChange, removed_before: set[str]) -> Pattern:
    if change.kind is ChangeKind.APP_REINSTALLED:
        return Pattern.CAME_BACK
    if change.kind is ChangeKind.APP_ADDED:
        return Pattern.CAME_BACK if change.package in removed_before else Pattern.APPEARED
    if change.kind is ChangeKind.APP_REMOVED:
        return Pattern.REMOVED
    if change.kind in _ACCESS:
        return Pattern.ACCESS
    if change.kind is ChangeKind.SETTING_CHANGED:
        return Pattern.SETTING
    return Pattern.OTHER


def history_events(diffs: Sequence[HistoryDiff]) -> tuple[HistoryEvent, ...]:
    """Every change of every pair of visits, in order, with repeat patterns named (pure)."""
    removed: dict[str, set[str]] = {}
    events: list[HistoryEvent] = []
    for diff in sorted(diffs, key=lambda d: (d.device, d.earlier_time)):
        gone = removed.setdefault(diff.device, set())
        for change in diff.changes:
            pattern = _pattern(change, gone)
            if change.kind is ChangeKind.APP_REMOVED and change.package:
                gone.add(change.package)
            events.append(
                HistoryEvent(
                    diff.device,
                    pattern,
                    change.description,
                    (diff.earlier_time, diff.later_time),
                    change.when,
                    change.package,
                )
            )
    return tuple(events)


def _window(event: HistoryEvent) -> str:
    start, end = event.between
    text = f"between visits on {start:%Y-%m-%d} and {end:%Y-%m-%d} (UTC)"
    if event.phone_time is not None:
        text += f"; the phone says {event.phone_time:%Y-%m-%d %H:%M} (phone time)"
    return text


def print_history_timeline(diffs: Sequence[HistoryDiff], console: Console) -> None:
    """The timeline across visits; nothing when there is only one visit."""
    events = history_events(diffs)
    if not diffs:
        return
    console.rule(HEADING)
    if not events:
        console.print(Text("Nothing changed between visits in what the scans could read."))
    device = None
    for event in events:
        if event.device != device:
            device = event.device
            console.print(Text(clean_phone_text(device), style="bold"))
        console.print(
            Text(clean_phone_text(f"- {event.pattern}, {_window(event)}: {event.description}"))
        )


def history_section(diffs: Sequence[HistoryDiff]) -> str:
    """The same timeline as an HTML section (every cell escaped); empty without history."""
    if not diffs:
        return ""
    rows = "".join(
        f"<tr><td>{esc(f'{e.between[0]:%Y-%m-%d} to {e.between[1]:%Y-%m-%d}')}</td>"
        f"<td>{esc(f'{e.phone_time:%Y-%m-%d %H:%M}' if e.phone_time else '-')}</td>"
        f"<td>{esc(e.pattern)}</td><td class='phone'>{esc(e.device)}: {esc(e.description)}</td>"
        "</tr>"
        for e in history_events(diffs)
    )
    empty = "<p>Nothing changed between visits in what the scans could read.</p>"
    table = (
        '<table class="timeline"><thead><tr><th>Between visits (UTC)</th><th>Phone time</th>'
        f"<th>What</th><th>Change</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    return (
        "<section><style>table.timeline{border-collapse:collapse;width:100%;font-size:.9rem}"
        "table.timeline td,table.timeline th{border:1px solid #cfcfcf;padding:.25rem .4rem;"
        f"text-align:left;vertical-align:top}}</style><h2>{esc(HEADING)}</h2>"
        f"{table if rows else empty}</section>"
    )


def with_history(page: str, diffs: Sequence[HistoryDiff]) -> str:
    """An HTML report with the history timeline added at its end."""
    section = history_section(diffs)
    marker = "</main>" if "</main>" in page else "</body>"
    return page.replace(marker, section + marker, 1) if section else page
