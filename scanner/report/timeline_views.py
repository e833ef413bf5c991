"""The timeline in the terminal and as an HTML section (one small hook in each report)."""

from __future__ import annotations

import html

from rich.console import Console
from rich.text import Text

from scanner.model import ScanResult
from scanner.parse.text import clean_phone_text, mark_invisible
from scanner.report.timeline import Timeline, build_timeline

HEADING = "When things happened on the phone"


def esc(value: object) -> str:
    """Escape text for HTML with invisible characters shown (phone text is hostile)."""
    return html.escape(mark_invisible(str(value), "[U+{:04X}]"), quote=True)


def print_timeline(result: ScanResult, console: Console, *, full: bool = True) -> None:
    """The timeline under the findings; nothing when no app was flagged or removed.

    ``full`` False (the short screen report): one line saying where the timeline is.
    """
    timeline = build_timeline(result)
    if not timeline.events:
        return
    if not full:
        console.print(
            Text(
                f"{HEADING}: {len(timeline.events)} dated records; see --details, or an "
                "evidence pack's summary."
            )
        )
        return
    console.rule(HEADING)
    console.print(Text(timeline.zone_text))
    console.print(Text(timeline.clock))
    for event in timeline.events:
        when = event.when.text() if event.when else "date not recorded"
        until = f"\n    by {event.until.text()}" if event.until else ""
        how = f"\n    How it was installed: {event.installer}." if event.installer else ""
        console.print(Text(clean_phone_text(f"- {when}: {event.what}: {event.app}.") + until + how))


def timeline_table(timeline: Timeline) -> str:
    """The timeline as an HTML table (every cell escaped)."""
    rows = []
    for event in timeline.events:
        phone = f"{event.when.phone:%Y-%m-%d %H:%M}" if event.when else "not recorded"
        utc = f"{event.when.utc:%Y-%m-%d %H:%M}" if event.when and event.when.utc else "not known"
        if event.until is not None:
            phone += f" to {event.until.phone:%Y-%m-%d %H:%M}"
            utc += f" to {event.until.utc:%Y-%m-%d %H:%M}" if event.until.utc else ""
        note = event.when.note if event.when and event.when.note else ""
        rows.append(
            f"<tr><td>{esc(phone)}</td><td>{esc(utc)}</td><td>{esc(event.what)}"
            f"{'<br><small>' + esc(note) + '</small>' if note else ''}</td>"
            f'<td class="phone">{esc(event.app)}</td><td>{esc(event.installer or "-")}</td></tr>'
        )
    zone = esc(timeline.zone or "not read")
    return (
        '<table class="timeline"><thead><tr>'
        f"<th>Phone time ({zone})</th><th>UTC</th><th>What happened</th><th>App</th>"
        "<th>Installed</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


_CSS = (
    "<style>table.timeline{border-collapse:collapse;width:100%;font-size:.9rem}"
    "table.timeline th,table.timeline td{border:1px solid #cfcfcf;padding:.25rem .4rem;"
    "text-align:left;vertical-align:top}"
    "@media print{table.timeline tr{break-inside:avoid-page}}</style>"
)


def timeline_section(result: ScanResult) -> str:
    """The HTML section; empty when no app was flagged or removed."""
    timeline = build_timeline(result)
    if not timeline.events:
        return ""
    return (
        f"<section>{_CSS}<h2>{esc(HEADING)}</h2><p>{esc(timeline.zone_text)}</p>"
        f"<p>{esc(timeline.clock)}</p>{timeline_table(timeline)}</section>"
    )
