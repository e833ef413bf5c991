"""The history timeline across visits: an app that comes back after removal is named as
such, access and settings changes carry the visits they happened between."""

from __future__ import annotations

from datetime import UTC, datetime

from scanner.model import ChangeKind, HistoryChange, HistoryDiff
from scanner.report.history_timeline import Pattern, history_events, history_section

DAY1 = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
DAY2 = datetime(2026, 11, 8, 10, 0, tzinfo=UTC)
DAY3 = datetime(2026, 11, 15, 10, 0, tzinfo=UTC)
PHONE = "Samsung SM-A525F (serial X1)"


def _diff(start: datetime, end: datetime, *changes: HistoryChange) -> HistoryDiff:
    return HistoryDiff(start, end, PHONE, changes)


def test_an_app_removed_at_one_visit_and_back_at_the_next_came_back() -> None:
    diffs = [
        _diff(
            DAY2, DAY3, HistoryChange(ChangeKind.APP_ADDED, "com.spy", "New app: com.spy.", None)
        ),
        _diff(DAY1, DAY2, HistoryChange(ChangeKind.APP_REMOVED, "com.spy", "App removed.", None)),
    ]
    events = history_events(diffs)
    assert [e.pattern for e in events] == [Pattern.REMOVED, Pattern.CAME_BACK]
    assert events[1].between == (DAY2, DAY3)


def test_a_new_app_never_seen_removed_just_appeared() -> None:
    diff = _diff(DAY1, DAY2, HistoryChange(ChangeKind.APP_ADDED, "com.new", "New app.", None))
    assert [e.pattern for e in history_events([diff])] == [Pattern.APPEARED]


def test_access_and_settings_changes_are_named() -> None:
    diff = _diff(
        DAY1,
        DAY2,
        HistoryChange(ChangeKind.ACCESSIBILITY_ON, "com.spy", "Accessibility on.", None),
        HistoryChange(ChangeKind.SETTING_CHANGED, None, "Play Protect was switched off.", None),
    )
    assert [e.pattern for e in history_events([diff])] == [Pattern.ACCESS, Pattern.SETTING]


def test_the_html_section_gives_the_visits_and_escapes_descriptions() -> None:
    diff = _diff(DAY1, DAY2, HistoryChange(ChangeKind.APP_ADDED, "x", "New app: <b>x</b>.", None))
    page = history_section([diff])
    assert '2026-11-01</bdi> to <bdi dir="ltr">2026-11-08' in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    assert history_section([]) == ""
