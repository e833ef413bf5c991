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

from scanner.i18n import Catalogue
from scanner.model import ChangeKind, HistoryChange, HistoryDiff
from scanner.parse.text import clean_phone_text
from scanner.report.language import safe_catalogue
from scanner.report.timeline_views import TABLE_CSS, esc, html_text, ltr


class Pattern(StrEnum):
    """A kind of change across visits; its words are ``timeline.pattern_<value>``."""

    APPEARED = "appeared"
    CAME_BACK = "came_back"
    REMOVED = "removed"
    ACCESS = "access"
    SETTING = "setting"
    OTHER = "other"

    def words(self, say: Catalogue) -> str:
        return say.text(f"timeline.pattern_{self.value}")


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


def _window(event: HistoryEvent, say: Catalogue) -> str:
    start, end = (f"{t:%Y-%m-%d}" for t in event.between)
    if event.phone_time is not None:
        phone = f"{event.phone_time:%Y-%m-%d %H:%M}"
        return say.text("timeline.history_window_phone", start=start, end=end, phone=phone)
    return say.text("timeline.history_window", start=start, end=end)


def print_history_timeline(
    diffs: Sequence[HistoryDiff], console: Console, say: Catalogue | None = None
) -> None:
    """The timeline across visits; nothing when there is only one visit."""
    say = say or safe_catalogue()
    events = history_events(diffs)
    if not diffs:
        return
    console.rule(say.text("timeline.history_heading"))
    if not events:
        console.print(Text(say.text("timeline.history_nothing")))
    device = None
    for event in events:
        if event.device != device:
            device = event.device
            console.print(Text(clean_phone_text(device), style="bold"))
        line = say.text(
            "timeline.history_event",
            pattern=event.pattern.words(say),
            window=_window(event, say),
            description=event.description,
        )
        console.print(Text(clean_phone_text(line)))


def _between(event: HistoryEvent, say: Catalogue) -> str:
    start, end = (ltr(f"{t:%Y-%m-%d}") for t in event.between)
    return html_text(say, "timeline.cell_span", start=start, end=end)


def history_section(diffs: Sequence[HistoryDiff], say: Catalogue | None = None) -> str:
    """The same timeline as an HTML section (every cell escaped); empty without history."""
    if not diffs:
        return ""
    say = say or safe_catalogue()
    rows = "".join(
        f"<tr><td>{_between(e, say)}</td>"
        f"<td>{ltr(f'{e.phone_time:%Y-%m-%d %H:%M}') if e.phone_time else '-'}</td>"
        f"<td>{esc(e.pattern.words(say))}</td>"
        f"<td class='phone'>{ltr(e.device)}: {esc(e.description)}</td></tr>"
        for e in history_events(diffs)
    )
    empty = f"<p>{esc(say.text('timeline.history_nothing'))}</p>"
    head = "".join(
        f"<th>{esc(say.text(f'timeline.col_{c}'))}</th>"
        for c in ("between", "phone", "pattern", "change")
    )
    table = f'<table class="timeline"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
    return (
        f"<section>{TABLE_CSS}<h2>{esc(say.text('timeline.history_heading'))}</h2>"
        f"{table if rows else empty}</section>"
    )


def with_history(page: str, diffs: Sequence[HistoryDiff], say: Catalogue | None = None) -> str:
    """An HTML report with the history timeline added at its end."""
    section = history_section(diffs, say)
    marker = "</main>" if "</main>" in page else "</body>"
    return page.replace(marker, section + marker, 1) if section else page
