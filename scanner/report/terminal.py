"""The terminal report (rich): short enough to read in two minutes.

The first screen holds what matters most: the summary, what to do first and the
helplines; the end of the report says them again, since that is where a reader stops.
Between them, findings are grouped by the advice they share, each group explained once
in plain words before any evidence. The evidence, the full advice and every helpline are
in the HTML report and under ``--details``. ``--discreet`` shows only a neutral summary,
for a screen others can see; saved reports keep the full words.

Every string from the phone goes through ``Text`` (never parsed as markup), is folded onto
one line with its format characters shown (``clean_phone_text``: no line break, RLM or
zero-width space from a label can start or disguise a row), and has any control
character left replaced: an app label is attacker controlled. Styles are named by
meaning, so ``NO_COLOR`` or a plain terminal loses nothing but colour. Fits 80 columns;
wrapped lines keep their indent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.padding import Padding
from rich.text import Text
from rich.theme import Theme

from scanner import phrases
from scanner.guidance import Helpline
from scanner.i18n import ENGLISH, Catalogue
from scanner.model import Finding, HistoryDiff, ScanResult, Severity
from scanner.parse.text import clean_phone_text
from scanner.report import sections
from scanner.report.app_checks import app_checks_text
from scanner.report.headline import headline
from scanner.report.helpchoice import compact_lines
from scanner.report.language import language_lines, safe_catalogue
from scanner.report.legal_route import print_legal_route
from scanner.report.problem_words import part_text, problem_line
from scanner.report.sections import FindingGroup
from scanner.report.texts import ReportTexts
from scanner.report.timeline_views import print_timeline

THEME = Theme(
    {
        "sev.stalkerware": "bold red",
        "sev.high": "bold yellow",
        "sev.review": "cyan",
        "sev.info": "dim",
        "heading": "bold",
        "calm": "green",
        "muted": "dim",
    }
)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, slots=True)
class View:
    """How much the terminal shows."""

    details: bool = False
    """Every finding's evidence, the full advice and every helpline."""
    discreet: bool = False
    """Neutral words only, for a screen others can see."""
    demo: bool = False
    """The simulated phone: every part of the report says DEMO."""
    saved: bool = False
    """A report file was asked for (the discreet screen points to it)."""


def clean(text: str) -> str:
    """Phone-supplied text made safe for a terminal: no escapes, no bidi overrides."""
    return _CONTROL.sub("?", text)


def plain(text: str, style: str = "") -> Text:
    return Text(clean(text), style=style)


def phone(text: str, style: str = "") -> Text:
    """Text that holds anything that came from the phone: one line, nothing hidden."""
    return Text(clean(clean_phone_text(text)), style=style)


def _indent(text: Text, level: int = 1) -> Padding:
    return Padding(text, (0, 0, 0, 2 * level))


def render(
    result: ScanResult,
    console: Console,
    texts: ReportTexts | None = None,
    view: View | None = None,
) -> None:
    """Print the report to ``console``."""
    texts = texts or ReportTexts.load()
    view = view or View()
    console.push_theme(THEME)
    try:
        _render(result, console, texts, view)
    finally:
        console.pop_theme()


def _render(result: ScanResult, console: Console, texts: ReportTexts, view: View) -> None:
    _top(result, console, texts, view)
    if view.discreet:
        _discreet(result, console, texts, view)
        return
    say = texts.say
    _summary(result, console, say)
    _first(result, console, texts, again=False)
    _helplines(console, texts, full=False)
    _found(result, console, texts, view.details)
    print_timeline(result, console, full=view.details, say=say)
    print_legal_route(result, console, texts.library, full=view.details, say=say)
    _cannot_see(result, console, texts, view.details)
    _unread(result, console, view.details, say)
    _notes(result, console, say)
    console.rule(sections.heading(say, "next_steps"))
    console.print(plain(texts.after_scan if view.details else texts.ui("next_steps_short")))
    # Said again at the end: that is where a reader stops.
    _summary(result, console, say, again=True)
    _first(result, console, texts, again=True)
    _helplines(console, texts, full=view.details)
    _database(result, console, view.details, say)
    if say.lang == ENGLISH:
        console.print(plain(" ".join(language_lines(say)), "muted"))
    if view.demo:
        console.rule(sections.demo_mark(say))


def _top(result: ScanResult, console: Console, texts: ReportTexts, view: View) -> None:
    say = texts.say
    console.rule(sections.demo_title(say, texts.title) if view.demo else texts.title)
    if view.demo:
        console.print(plain(texts.ui("demo_notice", sections.demo_mark(say)), "heading"))
    device = result.snapshot.device
    name = " ".join(x for x in (device.manufacturer, device.model) if x)
    when = say.text("report.time_utc", time=f"{result.finished_at:%Y-%m-%d %H:%M}")
    values = {
        "phone": name or say.text("report.unknown_phone"),
        "version": device.android_version or "",
        "apps": say.number(len(result.snapshot.packages)),
        "when": when,
    }
    key = "report.phone_line" if device.android_version else "report.phone_line_no_version"
    console.print(phone(say.text(key, **values)))
    if say.lang != ENGLISH:
        # A translation says so at once, and whether a native reader has checked it.
        console.print(plain(" ".join(language_lines(say)), "muted"))


def _summary(result: ScanResult, console: Console, say: Catalogue, again: bool = False) -> None:
    console.rule(sections.heading(say, "summary"))
    opening = headline(result, say)
    # What was not checked comes first: a reader acts on the first lines.
    for line in opening.not_checked:
        console.print(Text(line, style="heading"))
    calm = not result.findings or _worst(result.findings).rank > 1
    console.print(
        Text(opening.found, style="calm" if calm and opening.known_ruled_out else "heading")
    )
    if result.findings and not again:
        # The counts once: at the end the sentence above is enough, and the report short.
        console.print(Text(sections.counts_line(result, say=say)))


def _serious(result: ScanResult) -> bool:
    return any(f.severity in (Severity.STALKERWARE, Severity.HIGH) for f in result.findings)


def _first(result: ScanResult, console: Console, texts: ReportTexts, again: bool) -> None:
    console.rule(sections.heading(texts.say, "first"))
    if not result.complete and not again:
        console.print(plain(texts.incomplete, "heading"))
    if _serious(result) and not again:
        # The one removal warning of the report, before anything else to do.
        console.print(plain(texts.removal_first, "heading"))
    if result.nothing_found:
        console.print(plain(texts.ui("clean_result_next")))
    else:
        console.print(plain(texts.ui("first_step")))
    if not again:
        console.print(plain(texts.ui("advocate_explained")))


def _line_text(where: str, line: Helpline, say: Catalogue, uk_name: str) -> str:
    contact = ", ".join(x for x in (line.number, line.website) if x)
    key = "report.helpline_full" if line.hours else "report.helpline_full_no_hours"
    values = {"name": line.name, "contact": contact, "description": line.description}
    text = say.text(key, hours=line.hours or "", **values)
    if where and where != uk_name:
        return say.text("report.helpline_place", place=where, line=text)
    return text


def _helplines(console: Console, texts: ReportTexts, full: bool) -> None:
    console.rule(sections.heading(texts.say, "helplines"))
    if full:
        lines = _full_helplines(texts)
    else:
        pointer = [texts.ui("outside_uk")] if texts.help.outside_uk else []
        lines = pointer + compact_lines(texts.help, texts.say)
    for line in lines:
        # Not indented: the numbers are what matters here, and every column saves a line.
        console.print(plain(f"• {line}"))


def _full_helplines(texts: ReportTexts) -> list[str]:
    choice = texts.help
    lines = [texts.ui("outside_uk")] if choice.outside_uk else []
    lines += [line.description for line in choice.urgent]
    uk = choice.uk_name
    lines += [_line_text(where, line, texts.say, uk) for where, line in choice.main]
    lines += [_line_text("", line, texts.say, uk) for line in (*choice.specialist, *choice.more)]
    return lines


def _found(result: ScanResult, console: Console, texts: ReportTexts, details: bool) -> None:
    if not result.findings:
        return
    say = texts.say
    console.rule(sections.heading(say, "found"))
    shown: set[str] = {texts.removal_first} if _serious(result) else set()
    severity: Severity | None = None
    number = 0
    for group in sections.groups(result.findings):
        if group.severity is not severity:
            severity = group.severity
            size = sum(1 for f in result.findings if f.severity is severity)
            title = say.text(
                "report.heading_with_count",
                heading=sections.severity_heading(say, severity),
                count=say.number(size),
            )
            console.print(Text(title, style=f"sev.{severity.value} underline"))
        number = _group(result, group, console, texts, details, shown, number)
    if not details:
        console.print(plain(texts.ui("more_in_full_report"), "muted"))


def _group(
    result: ScanResult,
    group: FindingGroup,
    console: Console,
    texts: ReportTexts,
    details: bool,
    shown: set[str],
    number: int,
) -> int:
    guide = texts.guidance(group.guidance)
    one_setting = len(group.findings) == 1 and group.findings[0].package is None
    if guide is None or (one_setting and not details):
        first = group.findings[0]
        heading = phrases.title(first, texts.say) if len(group.findings) == 1 else first.check
        console.print(phone(heading, "heading"))
        listed = () if len(group.findings) == 1 else group.findings
    else:
        console.print(plain(guide.title, "heading"))
        listed = group.findings
    if not details:
        for finding in listed:
            console.print(_indent(phone(f"• {sections.subject(result, finding, texts.say)}")))
    advice = details and guide is not None and group.severity is not Severity.INFO
    warning = guide.removal_warning if guide is not None else None
    if advice and warning and warning not in shown:
        # Removal risk before the explanation and the choices, once in the report.
        shown.add(warning)
        console.print(_indent(plain(warning, "heading")))
    if guide is not None:
        # The plain reason before the evidence (under --details).
        why = guide.what_it_means if details else sections.why(guide, group.severity)
        console.print(_indent(plain(why)))
    if any(sections.can_wipe(f) for f in group.findings):
        console.print(_indent(plain(texts.ui("can_wipe"), "heading")))
    if advice and guide is not None:
        # A choice already given for an earlier group is not repeated.
        new = [option for option in guide.options if option not in shown]
        shown.update(new)
        if new:
            console.print(_indent(Text(texts.say.text("report.choices_intro"))))
        for option in new:
            console.print(_indent(plain(f"• {option}"), 2))
    if details:
        for finding in group.findings:
            number += 1
            _evidence(finding, number, console, texts.say)
    return number


def _evidence(finding: Finding, number: int, console: Console, say: Catalogue) -> None:
    console.print(
        _indent(
            Text.assemble((f"{number}. ", "heading"), phone(phrases.title(finding, say), "heading"))
        )
    )
    if finding.capabilities:
        items = sections.capability_items(say, finding.capabilities)
        console.print(_indent(phone(say.text("report.capabilities", items=items)), 2))
    console.print(_indent(Text(say.text("report.evidence_intro"), style="muted"), 2))
    for item in finding.evidence:
        console.print(_indent(phone(f"- {item.source}: {phrases.excerpt(item, say)}"), 3))


def _cannot_see(result: ScanResult, console: Console, texts: ReportTexts, details: bool) -> None:
    console.rule(sections.heading(texts.say, "cannot_see"))
    if details:
        console.print(plain(texts.cannot_see(clean=result.nothing_found)))
        return
    if result.nothing_found:
        console.print(plain(sections.first_sentences(texts.ui("clean_result"), 2)))
    console.print(plain(texts.ui("cannot_see_short")))


def _unread(result: ScanResult, console: Console, details: bool, say: Catalogue) -> None:
    if result.not_applicable:
        console.rule(sections.heading(say, "not_available"))
        for part in result.not_applicable:
            console.print(plain(f"- {part_text(part, say)}"))
    files = app_checks_text(result, say)
    if files is not None:
        console.rule(sections.heading(say, "app_files"))
        if details:
            console.print(plain(files.summary))
            for line in files.not_checked:
                console.print(phone(f"- {line}"))
        else:
            console.print(plain(files.short))
    if not result.complete:
        console.rule(sections.heading(say, "not_read"))
        for problem in result.problems:
            console.print(phone(f"- {problem_line(problem, say)}"))


def _notes(result: ScanResult, console: Console, say: Catalogue) -> None:
    notes = []
    certified = [a for a in result.apks.values() if a.cert_sha1 or a.cert_sha256]
    if certified and not result.app_checks:  # a live scan says more under "app files"
        sources = ", ".join(sorted({a.source for a in certified}))
        notes.append(say.count("report.certificates_checked", len(certified), sources=sources))
    if result.warnings:
        notes.append(say.count("report.answers_not_understood", len(result.warnings)))
    if notes:
        console.print(plain(" ".join([*notes, say.text("report.json_lists_them")]), "muted"))


def _database(result: ScanResult, console: Console, details: bool, say: Catalogue) -> None:
    sig = result.signatures
    if sig is None:
        return
    if details:
        console.rule(sections.heading(say, "about"))
        line = say.count(
            "report.database_full",
            sig.families,
            source=sig.source,
            date=sig.date,
            sha256=sig.sha256,
        )
    else:
        line = say.count("report.database_short", sig.families, date=sig.date)
    console.print(plain(line, "muted"))


def _discreet(result: ScanResult, console: Console, texts: ReportTexts, view: View) -> None:
    """A neutral summary: counts, what to do first, helplines, and where the rest is."""
    say = texts.say
    console.rule(sections.heading(say, "summary"))
    if headline(result, say).not_checked:
        console.print(Text(say.text("report.discreet_partial"), style="heading"))
    if result.findings:
        counts = sections.counts_line(result, discreet=True, say=say)
        console.print(Text(say.text("report.discreet_found", counts=counts)))
    else:
        console.print(Text(say.text("report.discreet_none")))
    console.print(plain(texts.ui("discreet_notice" if view.saved else "discreet_no_files")))
    console.rule(sections.heading(say, "first"))
    if _serious(result):
        console.print(plain(texts.removal_first, "heading"))
    console.print(plain(texts.ui("first_step")))
    console.print(plain(texts.ui("advocate_explained")))
    _helplines(console, texts, full=False)
    if view.demo:
        console.rule(sections.demo_mark(say))


def _worst(findings: Sequence[Finding]) -> Severity:
    return min((f.severity for f in findings), key=lambda s: s.rank)


def render_history(
    diffs: Sequence[HistoryDiff], console: Console, say: Catalogue | None = None
) -> None:
    """What changed between saved scans of the same phone, oldest first, with dates."""
    console.push_theme(THEME)
    try:
        _render_history(diffs, console, say or safe_catalogue())
    finally:
        console.pop_theme()


def _render_history(diffs: Sequence[HistoryDiff], console: Console, say: Catalogue) -> None:
    console.rule(say.text("report.history_heading"))
    if not diffs:
        console.print(Text(say.text("report.history_first")))
        return
    for diff in diffs:
        start, end = (f"{t:%Y-%m-%d %H:%M}" for t in (diff.earlier_time, diff.later_time))
        console.print(
            plain(say.text("report.history_between", start=start, end=end)), style="heading"
        )
        if not diff.changes:
            console.print(Text("  " + say.text("report.history_nothing")))
        for change in diff.changes:
            when = f" ({change.when:%Y-%m-%d})" if change.when else ""
            console.print(phone(f"  - {change.description}{when}"))
        if diff.not_compared:
            items = ", ".join(diff.not_compared)
            console.print(
                plain("  " + say.text("report.history_not_compared", items=items)), style="muted"
            )
