"""The timeline in the terminal and as an HTML section (one small hook in each report)."""

from __future__ import annotations

import html

from rich.console import Console
from rich.text import Text

from scanner.i18n import Catalogue, isolate_html
from scanner.model import ScanResult
from scanner.parse.text import clean_phone_text, mark_invisible
from scanner.report.language import safe_catalogue
from scanner.report.timeline import Timeline, build_timeline

_TIME = "%Y-%m-%d %H:%M"


def esc(value: object) -> str:
    """Escape text for HTML with invisible characters shown (phone text is hostile)."""
    return html.escape(mark_invisible(str(value), "[U+{:04X}]"), quote=True)


def ltr(value: object) -> str:
    """Escaped text that keeps its own left-to-right order (dates, package ids) inside
    right-to-left text."""
    return isolate_html(esc(value))


def html_text(say: Catalogue, key: str, **parts: str) -> str:
    """The message ``key`` escaped for HTML, with ``parts`` (already HTML) put in its
    placeholders: the sentence stays whole while a date or package id in it is isolated."""
    marks = {name: f"[[{i}]]" for i, name in enumerate(parts)}
    out = esc(say.text(key, **marks))
    for name, mark in marks.items():
        out = out.replace(mark, parts[name])
    return out


def print_timeline(
    result: ScanResult, console: Console, *, full: bool = True, say: Catalogue | None = None
) -> None:
    """The timeline under the findings; nothing when no app was flagged or removed.

    ``full`` False (the short screen report): one line saying where the timeline is.
    """
    say = say or safe_catalogue()
    timeline = build_timeline(result, say=say)
    if not timeline.events:
        return
    if not full:
        console.print(Text(say.count("timeline.pointer", len(timeline.events))))
        return
    console.rule(say.text("timeline.heading"))
    console.print(Text(timeline.zone_text))
    console.print(Text(timeline.clock))
    for event in timeline.events:
        when = event.when.text(say) if event.when else say.text("timeline.not_recorded")
        line = say.text("timeline.event", when=when, what=event.what, app=event.app)
        until = (
            "\n    " + say.text("timeline.by_then", when=event.until.text(say))
            if event.until
            else ""
        )
        how = (
            "\n    " + say.text("timeline.how_installed", installer=event.installer)
            if event.installer
            else ""
        )
        console.print(Text(clean_phone_text(f"- {line}") + until + how))


def timeline_table(timeline: Timeline, say: Catalogue | None = None) -> str:
    """The timeline as an HTML table (every cell escaped; times and apps isolated)."""
    say = say or safe_catalogue()
    rows = []
    for event in timeline.events:
        if event.when:
            phone = ltr(f"{event.when.phone:{_TIME}}")
        else:
            phone = esc(say.text("timeline.cell_not_recorded"))
        if event.when and event.when.utc:
            utc = ltr(f"{event.when.utc:{_TIME}}")
        else:
            utc = esc(say.text("timeline.not_known"))
        if event.until is not None:
            start = ltr(f"{event.when.phone:{_TIME}}") if event.when else ""
            end = ltr(f"{event.until.phone:{_TIME}}")
            phone = html_text(say, "timeline.cell_span", start=start, end=end)
            if event.until.utc and event.when and event.when.utc:
                start, end = ltr(f"{event.when.utc:{_TIME}}"), ltr(f"{event.until.utc:{_TIME}}")
                utc = html_text(say, "timeline.cell_span", start=start, end=end)
        note = event.when.note_text(say) if event.when else ""
        rows.append(
            f"<tr><td>{phone}</td><td>{utc}</td><td>{esc(event.what)}"
            f"{'<br><small>' + esc(note) + '</small>' if note else ''}</td>"
            f'<td class="phone">{ltr(event.app)}</td><td>{esc(event.installer or "-")}</td></tr>'
        )
    zone = ltr(timeline.zone) if timeline.zone else esc(say.text("timeline.not_read"))
    phone_time = html_text(say, "timeline.col_phone_time", zone=zone)
    cols = [phone_time] + [
        esc(say.text(f"timeline.col_{c}")) for c in ("utc", "what", "app", "installed")
    ]
    head = "".join(f"<th>{c}</th>" for c in cols)
    return (
        f'<table class="timeline"><thead><tr>{head}</tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )


TABLE_CSS = (
    "<style>table.timeline{border-collapse:collapse;width:100%;font-size:.9rem}"
    "table.timeline th,table.timeline td{border:1px solid #cfcfcf;padding:.25rem .4rem;"
    "text-align:start;vertical-align:top}"
    "@media print{table.timeline tr{break-inside:avoid-page}}</style>"
)


def timeline_section(result: ScanResult, say: Catalogue | None = None) -> str:
    """The HTML section; empty when no app was flagged or removed."""
    say = say or safe_catalogue()
    timeline = build_timeline(result, say=say)
    if not timeline.events:
        return ""
    return (
        f"<section>{TABLE_CSS}<h2>{esc(say.text('timeline.heading'))}</h2>"
        f"<p>{esc(timeline.zone_text)}</p><p>{esc(timeline.clock)}</p>"
        f"{timeline_table(timeline, say)}</section>"
    )
