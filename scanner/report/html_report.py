"""The HTML report: one self-contained page an advocate can read, or print, with a survivor.

Self-contained means inline CSS, no scripts, no links and nothing loaded from anywhere; a
Content-Security-Policy forbids it as a second line of defence. Every string that came
from the phone (labels, package names, evidence, device model ...) is attacker controlled,
so each one goes through ``_e`` (``html.escape`` plus visible control characters) before it
reaches the page. The words a survivor reads come from ``guidance/`` via ``_load_texts``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from scanner import TOOL_NAME, __version__, phrases
from scanner.errors import GuidanceError
from scanner.guidance import (
    GuidanceLibrary,
    Helpline,
    HelplineRegion,
    load_guidance,
)
from scanner.i18n import Catalogue, isolate_html
from scanner.labels import label_for
from scanner.model import Finding, ScanResult, Severity
from scanner.parse.text import mark_invisible
from scanner.report import fallback, sections
from scanner.report.app_checks import app_checks_text
from scanner.report.headline import headline
from scanner.report.helpchoice import choose_help, compact_lines, from_region
from scanner.report.language import language_lines, safe_catalogue
from scanner.report.problem_words import (
    database_warning,
    part_text,
    problem_line,
    source_text,
    warning_text,
)
from scanner.report.sections import FindingGroup
from scanner.report.texts import ReportTexts
from scanner.report.timeline_views import html_text

MAX_WARNINGS_SHOWN = 50
"""The report lists at most this many not-understood lines; the JSON report has them all."""


_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; "
    "base-uri 'none'; form-action 'none'"
)

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: #1b1b1b;
  font: 17px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Arabic",
  "Noto Nastaliq Urdu", "Noto Sans Bengali", sans-serif; text-align: start; }
bdi { unicode-bidi: isolate; }
main { max-width: 46rem; margin: 0 auto; padding: 2rem 1.25rem 3rem; }
h1 { font-size: 1.9rem; margin: 0 0 .75rem; }
h2 { font-size: 1.35rem; margin: 2.25rem 0 .75rem; padding-bottom: .25rem;
  border-bottom: 2px solid #d5d5d5; }
h3 { font-size: 1.12rem; margin: 0 0 .5rem; }
h4 { font-size: 1rem; margin: 1rem 0 .25rem; }
p { margin: .4rem 0; }
ul { margin: .3rem 0; padding-inline-start: 1.4rem; }
li { margin: .2rem 0; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font-size: .88em; }
code, .phone, td, dd { overflow-wrap: anywhere; }
.summary { font-size: 1.2rem; font-weight: 600; margin: .5rem 0; }
.note { background: #f3f5f8; border-inline-start: 5px solid #5a6b85; padding: .6rem .9rem;
  margin: .8rem 0; }
.incomplete { background: #fff6e0; border-inline-start-color: #a86a00; }
.finding { border: 1px solid #cfcfcf; border-inline-start: 7px solid #8a8a8a; border-radius: 4px;
  padding: .9rem 1rem; margin: 1rem 0; }
.sev-stalkerware { border-inline-start-color: #9b1c1c; }
.sev-high { border-inline-start-color: #b45309; }
.sev-review { border-inline-start-color: #1d4ed8; }
.sev-info { border-inline-start-color: #6b7280; }
.tag { display: inline-block; font-size: .8rem; font-weight: 600; letter-spacing: .02em;
  text-transform: uppercase; border: 1px solid currentColor; border-radius: 3px;
  padding: 0 .35rem; margin-inline-end: .4rem; vertical-align: .1em; }
.meta { color: #444; font-size: .95rem; }
.warning { background: #fdecec; border-inline-start: 5px solid #9b1c1c; padding: .6rem .9rem;
  margin: .6rem 0; }
.warning strong { display: block; }
.evidence li { list-style: square; }
.evidence .src { color: #555; font-size: .9rem; margin-inline-end: .4rem; }
.evidence code { white-space: pre-wrap; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem;
  margin: .5rem 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.helpline { margin: .6rem 0; }
.small { font-size: .9rem; color: #444; }
@page { margin: 10mm 10mm 12mm; }
.found-list li { margin: .1rem 0; }
.demo { background: #fff3c4; border: 2px solid #8a6d00; padding: .4rem .8rem; font-weight: 700; }
.evidence { font-size: .85rem; }
.finding-title { margin-top: .5rem; }
@media print {
  body { font-size: 9pt; line-height: 1.2; }
  .summary { font-size: 11pt; margin: .2rem 0; }
  .found-list h4 { margin: .3rem 0 0; }
  h1 { font-size: 16pt; margin-bottom: .3rem; }
  h2 { font-size: 12.5pt; margin: .9rem 0 .3rem; }
  h3 { font-size: 10.5pt; margin: .5rem 0 .2rem; }
  h4 { font-size: 9.5pt; margin: .35rem 0 .1rem; }
  p { margin: .15rem 0; }
  ul { margin: .1rem 0; }
  li { margin: 0; }
  .evidence { font-size: 7pt; line-height: 1.15; }
  .warning, .note, .demo { padding: .25rem .6rem; margin: .3rem 0; }
  dl.facts { gap: 0 .8rem; margin: .2rem 0; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid-page; }
  h3, h4 { break-after: avoid-page; }
  .warning, .evidence li { break-inside: avoid-page; }
  .finding { padding: .3rem .6rem; margin: .4rem 0; }
  .columns { column-count: 2; column-gap: 1.2rem; }
  .columns .helpline, .columns li { break-inside: avoid; }
  .about dl.facts { font-size: 8pt; }
  .finding, .note, .warning { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _e(value: object) -> str:
    """Escape any text for HTML, making invisible and direction-changing characters visible.

    Every control and format character (RLM, ALM, isolates, zero-width, BOM ...), the
    Unicode line and paragraph separators and lone surrogates are shown as ``[U+XXXX]``,
    so a label cannot reorder the text around it, hide characters, or break the file's
    encoding. Phone text reaches this point already on one line (``clean_phone_text``).
    """
    return html.escape(mark_invisible(str(value), "[U+{:04X}]"), quote=True)


def _p(text: str, css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return f"<p{cls}>{_e(text)}</p>"


def _ul(items: Iterable[str], css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    body = "".join(f"<li>{_e(item)}</li>" for item in items)
    return f"<ul{cls}>{body}</ul>" if body else ""


def _utc(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S UTC")


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (quotes, backslashes and line breaks escaped)."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    out = out.replace("<", "\\3c ")  # never "</style>" inside the style sheet
    return f'"{out}"'


def _page_css(say: Catalogue, demo: bool) -> str:
    """Page numbers (and the demo mark) on every printed page, in the report's language."""
    # "Page {page} of {pages}" becomes "Page " counter(page) " of " counter(pages).
    marks = {"page": "\0page\0", "pages": "\0pages\0"}
    parts = say.text("report.page_of", **marks).split("\0")
    counters = {"page": "counter(page)", "pages": "counter(pages)"}
    content = " ".join(
        counters[part] if i % 2 else _css_string(part) for i, part in enumerate(parts) if part
    )
    css = f"@page {{ @bottom-center {{ content: {content}; font-size: 9pt; }} }}\n"
    if demo:
        css += (
            f"@page {{ @top-center {{ content: {_css_string(say.text('report.demo_page'))}; "
            "font-size: 9pt; font-weight: 700; } }\n"
        )
    return css


def _load_texts(
    guidance: GuidanceLibrary | None,
    helplines: HelplineRegion | None,
    region: str,
    say: Catalogue,
) -> ReportTexts:
    """Use what the caller passed; load the texts in ``say``'s language and the region's
    helplines for the rest."""
    problems: list[str] = []
    if guidance is None:
        try:
            guidance = load_guidance(say.lang)
        except GuidanceError as exc:
            problems.append(exc.message)
    if helplines is not None:
        return ReportTexts(guidance, from_region(helplines), tuple(problems), say)
    try:
        help_choice = choose_help(region, lang=say.lang)
    except GuidanceError as exc:
        # The emergency numbers never depend on a file that can break.
        help_choice = from_region(fallback.UK_EMERGENCY)
        problems.append(exc.message)
    return ReportTexts(guidance, help_choice, tuple(problems), say)


# --- sections --------------------------------------------------------------------------


def _h2(texts: ReportTexts, section: str) -> str:
    return f"<h2>{_e(sections.heading(texts.say, section))}</h2>"


def _serious(result: ScanResult) -> bool:
    return any(f.severity in (Severity.STALKERWARE, Severity.HIGH) for f in result.findings)


def _warning_box(texts: ReportTexts, warning: str) -> str:
    before = _e(texts.say.text("report.before_you_change"))
    return f'<div class="warning"><strong>{before}</strong>{_p(warning)}</div>'


def _summary(result: ScanResult, texts: ReportTexts) -> str:
    """The first page: what was found, on which phone, when, with which tool and list."""
    say = texts.say
    opening = headline(result, say)
    # What was not checked comes first: a reader acts on the first lines.
    parts = [_h2(texts, "summary")]
    parts.extend(_p(line, "summary incomplete") for line in opening.not_checked)
    parts.append(_p(opening.found, "summary"))
    if result.findings:
        parts.append(_p(sections.counts_line(result, say=say)))
        severity: Severity | None = None
        items: list[str] = []
        for group in sections.groups(result.findings):
            if group.severity is not severity:
                severity = group.severity
                items.append(f"</ul><h4>{_e(sections.severity_heading(say, severity))}</h4><ul>")
            guide = texts.guidance(group.guidance)
            title = guide.title if guide is not None else phrases.title(group.findings[0], say)
            names = "; ".join(_subject(result, f, say) for f in group.findings)
            items.append(f'<li>{_e(title)}: <span class="phone" dir="auto">{names}</span></li>')
        # The list opens with "</ul>" before the first heading: drop it and close the last.
        listed = "".join(items).removeprefix("</ul>") + "</ul>"
        parts.append(f'<div class="found-list small">{listed}</div>')
    if not result.complete:
        missing = say.text("report.scan_did_not_finish")
        parts.append(_p(texts.ui("scan_incomplete", missing), "note incomplete"))
    parts.extend(_p(problem, "note") for problem in texts.problems)
    device = result.snapshot.device
    unknown = say.text("report.unknown")
    phone = " ".join(x for x in (device.manufacturer, device.model) if x)
    phone = phone or say.text("report.unknown_phone")
    sig = result.signatures
    rows: list[tuple[str, str]] = [
        (
            "fact_phone",
            html_text(
                say,
                "report.phone_value",
                phone=_e(phone),
                version=_ltr(device.android_version or unknown),
            ),
        ),
        ("fact_serial", _ltr_or_empty(device.serial or result.capture.serial)),
        ("fact_started", _ltr(_utc(result.started_at))),
        ("fact_finished", _ltr(_utc(result.finished_at))),
        ("fact_scanner", _ltr(f"{TOOL_NAME} {__version__}")),
        (
            "fact_list",
            html_text(
                say,
                "report.list_value",
                source=_e(sig.source),
                version=_ltr(sig.source_version or unknown),
                date=_ltr(sig.date),
            )
            if sig is not None
            else _e(say.text("report.no_signatures")),
        ),
    ]
    parts.append(_facts_html(say, rows))
    return "<section>" + "".join(parts) + "</section>"


def _ltr(value: object) -> str:
    """Escaped text kept left to right (numbers, ids, dates, hashes) inside any page."""
    return isolate_html(_e(value))


def _ltr_or_empty(value: object) -> str:
    return _ltr(value) if value not in ("", None) else ""


def _facts_html(say: Catalogue, rows: Sequence[tuple[str, str]]) -> str:
    """A facts table; ``rows``: (message id under ``report.``, value already HTML)."""
    body = "".join(
        f"<dt>{_e(say.text('report.' + name))}</dt><dd>{value}</dd>"
        for name, value in rows
        if value
    )
    return f'<dl class="facts">{body}</dl>' if body else ""


def _subject(result: ScanResult, finding: Finding, say: Catalogue) -> str:
    """Who a finding is about, escaped, with its package id kept left to right."""
    text = _e(sections.subject(result, finding, say))
    if finding.package:
        package = _e(finding.package)
        text = text.replace(package, isolate_html(package), 1)
    return text


def _first(result: ScanResult, texts: ReportTexts) -> str:
    parts = [_h2(texts, "first")]
    if _serious(result):
        parts.append(_warning_box(texts, texts.removal_first))
    key = "clean_result_next" if result.nothing_found else "first_step"
    parts.extend(_p(texts.ui(k)) for k in (key, "advocate_explained") if texts.ui(k))
    return "<section>" + "".join(parts) + "</section>"


def _helplines_short(texts: ReportTexts) -> str:
    pointer = _p(texts.ui("outside_uk")) if texts.help.outside_uk else ""
    return (
        f"<section>{_h2(texts, 'helplines')}{pointer}"
        + _ul(compact_lines(texts.help, texts.say))
        + _p(texts.say.text("report.all_helplines_below"), "small")
        + "</section>"
    )


def _group(result: ScanResult, group: FindingGroup, texts: ReportTexts, shown: set[str]) -> str:
    say = texts.say
    guide = texts.guidance(group.guidance)
    parts = [f'<article class="finding sev-{_e(group.severity.value)}">']
    title = guide.title if guide is not None else phrases.title(group.findings[0], say)
    parts.append(
        f'<h3><span class="tag">{_e(sections.severity_tag(say, group.severity))}</span>'
        f'<span class="phone" dir="auto">{_e(title)}</span></h3>'
    )
    warning = guide.removal_warning if guide is not None else None
    if warning is None and group.severity in (Severity.STALKERWARE, Severity.HIGH):
        warning = fallback.REMOVAL_WARNING  # no missing file may drop this warning
    if warning and warning not in shown:
        # Removal risk before the choices; each warning once in the report.
        shown.add(warning)
        parts.append(_warning_box(texts, warning))
    if guide is not None:
        # The plain explanation before the choices and the evidence.
        parts.append(_p(guide.what_it_means))
    else:
        parts.append(_p(say.text("report.no_guidance_key", advice=group.guidance), "small"))
    if any(sections.can_wipe(f) for f in group.findings):
        parts.append(f'<div class="warning">{_p(texts.ui("can_wipe"))}</div>')
    if guide is not None and group.severity is not Severity.INFO:
        new = [option for option in guide.options if option not in shown]
        shown.update(new)
        if new:
            parts.append(f"<h4>{_e(say.text('report.choices_heading'))}</h4>{_ul(new)}")
    parts.extend(_finding(result, finding, say) for finding in group.findings)
    parts.append("</article>")
    return "".join(parts)


def _finding(result: ScanResult, finding: Finding, say: Catalogue) -> str:
    meta = []
    label = _app_label(result, finding)
    title = phrases.title(finding, say)
    if label and label not in title:  # most titles already name the app
        meta.append(
            html_text(
                say, "report.meta_app", label=f'<span class="phone" dir="auto">{_e(label)}</span>'
            )
        )
    if finding.package:
        package = f"<code>{_ltr(finding.package)}</code>"
        meta.append(html_text(say, "report.meta_package", package=package))
    if finding.family:
        family = f'<span class="phone" dir="auto">{_e(finding.family)}</span>'
        meta.append(html_text(say, "report.meta_known_as", family=family))
    meta.append(_e(say.text(f"report.confidence_{finding.confidence.value}")))
    meta.append(html_text(say, "report.meta_check", check=_ltr(finding.check), id=_ltr(finding.id)))
    meta.append(_e(say.text("report.evidence_intro")))
    # Title and facts on one line: the printout stays short enough to hand over.
    parts = [
        f'<p class="finding-title"><strong class="phone" dir="auto">{_e(title)}</strong> '
        f'<span class="meta small">{" · ".join(meta)}</span></p>'
    ]
    if finding.capabilities:
        items = sections.capability_items(say, finding.capabilities)
        parts.append(_p(say.text("report.capabilities", items=items), "small"))
    # Evidence quotes what the phone printed: left to right, as it was, unless it is
    # worded in the reader's language around the quoted facts.
    evidence = "".join(
        f'<li><span class="src">{_ltr(item.source)}</span>'
        f'<code dir="{"auto" if item.words else "ltr"}">'
        f"{_e(phrases.excerpt(item, say))}</code></li>"
        for item in finding.evidence
    )
    parts.append(f'<ul class="evidence">{evidence}</ul>')
    return "".join(parts)


def _app_label(result: ScanResult, finding: Finding) -> str | None:
    if finding.package is None:
        return None
    return label_for(result.snapshot.package(finding.package), finding.package)


def _findings(result: ScanResult, texts: ReportTexts) -> str:
    if not result.findings:
        return ""
    say = texts.say
    parts = [_h2(texts, "found")]
    shown: set[str] = {texts.removal_first} if _serious(result) else set()
    severity: Severity | None = None
    for group in sections.groups(result.findings):
        if group.severity is not severity:
            severity = group.severity
            size = sum(1 for f in result.findings if f.severity is severity)
            heading = say.text(
                "report.heading_with_count",
                heading=sections.severity_heading(say, severity),
                count=say.number(size),
            )
            parts.append(f"<h3>{_e(heading)}</h3>")
        parts.append(_group(result, group, texts, shown))
    return "<section>" + "".join(parts) + "</section>"


def _cannot_see(result: ScanResult, texts: ReportTexts) -> str:
    # A clean result is where a reader is most likely to over-trust the scan; beside
    # findings, "we found nothing we know of" would contradict them, but the other ways
    # in still matter.
    intro = "clean_result" if result.nothing_found else "found_result_cannot_see"
    body = _p(texts.ui(intro, texts.missing)) + _ul(
        texts.ui_list("clean_result_cannot_see_list"), "columns"
    )
    after = texts.ui("clean_result_next")
    return f"<section>{_h2(texts, 'cannot_see')}{body}{_p(after) if after else ''}</section>"


def _not_available(result: ScanResult, texts: ReportTexts) -> str:
    """What this kind of input cannot hold: not a failure, but never checked either."""
    if not result.not_applicable:
        return ""
    items = [part_text(part, texts.say) for part in result.not_applicable]
    return f"<section>{_h2(texts, 'not_available')}{_ul(items)}</section>"


def _app_files(result: ScanResult, texts: ReportTexts) -> str:
    """Whose signing certificate and file hash were checked, and every app that was not."""
    files = app_checks_text(result, texts.say)
    if files is None:
        return ""
    rest = _ul(files.not_checked) if files.not_checked else ""
    return f"<section>{_h2(texts, 'app_files')}{_p(files.summary)}{rest}</section>"


def _next_steps(texts: ReportTexts) -> str:
    paragraphs = [
        texts.ui(key) for key in ("not_your_fault", "after_scan", "safer_device") if texts.ui(key)
    ]
    if not paragraphs:
        return ""
    return (
        f"<section>{_h2(texts, 'next_steps')}" + "".join(_p(t) for t in paragraphs) + "</section>"
    )


def _helpline(line: Helpline, say: Catalogue) -> str:
    contact = [
        ("helpline_phone", line.number, True),
        ("helpline_website", line.website, True),
        ("helpline_email", line.email, True),
        ("helpline_hours", line.hours, False),
    ]
    # Web addresses stay plain text: the page links to nothing.
    how = " · ".join(
        f"{_e(say.text('report.' + name))}: {_ltr(value) if ltr else _e(value)}"
        for name, value, ltr in contact
        if value
    )
    return (
        f'<div class="helpline"><p><strong>{_e(line.name)}</strong> · '
        f'<span class="small">{how}</span></p>{_p(line.description)}</div>'
    )


def _helplines(texts: ReportTexts) -> str:
    choice = texts.help
    intro = texts.ui("helplines_intro")
    pointer = _p(texts.ui("outside_uk")) if choice.outside_uk else ""
    lines = "".join(_helpline(line, texts.say) for line in choice.all_lines)
    heading = texts.say.text("report.section_helplines_for", region=choice.name)
    return (
        f"<section><h2>{_e(heading)}</h2>"
        f'{pointer}{_p(intro) if intro else ""}<div class="columns">{lines}</div></section>'
    )


def _about(result: ScanResult, texts: ReportTexts) -> str:
    say = texts.say
    device = result.snapshot.device
    complete = say.text("report.answer_yes" if result.complete else "report.answer_no")
    rows: list[tuple[str, str]] = [
        ("fact_maker", _e(device.manufacturer or "")),
        ("fact_model", _e(device.model or "")),
        ("fact_brand", _e(device.brand or "")),
        ("fact_android", _ltr_or_empty(device.android_version)),
        ("fact_patch", _ltr_or_empty(device.security_patch)),
        ("fact_serial", _ltr_or_empty(device.serial or result.capture.serial)),
        ("fact_connection", _ltr_or_empty(result.capture.transport)),
        ("fact_timezone", _ltr_or_empty(device.timezone)),
        ("fact_build", _ltr_or_empty(device.fingerprint)),
        ("fact_apps", _ltr(say.number(len(result.snapshot.packages)))),
        ("fact_complete", _e(complete)),
    ]
    # The times and the scanner's version are on the first page, with the summary.
    about = _e(say.text("report.about_phone"))
    parts = [f"{_h2(texts, 'about')}<h3>{about}</h3>{_facts_html(say, rows)}"]
    summary = result.signatures
    listed = _e(say.text("report.about_list"))
    if summary is None:
        parts.append(f"<h3>{listed}</h3>{_p(say.text('report.no_signatures'))}")
    else:
        # Source, version and date are on the first page.
        sig_rows: list[tuple[str, str]] = [
            ("fact_families", _ltr(say.number(summary.families))),
            ("fact_sha256", _ltr(summary.sha256)),
            ("fact_licence", _e(summary.licence or "")),
            ("fact_credit", _e(summary.attribution or "")),
        ]
        warned = database_warning(summary, say)
        note = _p(warned, "note") if summary.warning else ""
        parts.append(f"<h3>{listed}</h3>{_facts_html(say, sig_rows)}{note}")
    return '<section class="about">' + "".join(parts) + "</section>"


def _not_read(result: ScanResult, texts: ReportTexts) -> str:
    say = texts.say
    parts = []
    if not result.complete:
        items = [problem_line(problem, say) for problem in result.problems]
        parts.append(f"<h3>{_e(say.text('report.parts_not_read'))}</h3>{_ul(items)}")
    warnings = result.warnings
    if warnings:
        items = [
            say.text(
                "report.warning_line",
                source=source_text(w.source, say),
                line=w.line,
                message=warning_text(w, say),
            )
            if w.line is not None
            else say.text(
                "report.warning_no_line",
                source=source_text(w.source, say),
                message=warning_text(w, say),
            )
            for w in warnings[:MAX_WARNINGS_SHOWN]
        ]
        more = len(warnings) - MAX_WARNINGS_SHOWN
        tail = _p(say.count("report.more_warnings", more), "small") if more > 0 else ""
        parts.append(
            f"<h3>{_e(say.text('report.answers_not_understood_heading'))}</h3>"
            f"{_ul(items, 'small')}{tail}"
        )
    if not parts:
        return ""
    return f"<section>{_h2(texts, 'not_read')}" + "".join(parts) + "</section>"


def render(
    result: ScanResult,
    guidance: GuidanceLibrary | None = None,
    helplines: HelplineRegion | None = None,
    *,
    region: str = "uk",
    demo: bool | None = None,
    say: Catalogue | None = None,
    texts: ReportTexts | None = None,
) -> str:
    """The whole report as one HTML document (UTF-8 text, no external resources, no scripts).

    ``say`` is the report's language (English by default); ``guidance`` defaults to the
    texts in that language and ``helplines`` to the lines for ``region``; ``texts`` gives
    all of them at once. If they cannot be loaded the report still shows every finding
    and says the advice is missing. ``demo`` (default: as the result says) marks every
    printed page and the title.
    """
    demo = result.demo if demo is None else demo
    if texts is None:
        texts = _load_texts(guidance, helplines, region, say or safe_catalogue())
    say = texts.say
    title = texts.ui("screen_title", "Phone check")
    title = sections.demo_title(say, title) if demo else title
    top = [f"<h1>{_e(title)}</h1>"]
    if demo:
        top.append(_p(texts.ui("demo_notice", sections.demo_mark(say)), "demo"))
    # Which language this is, and whether a native reader has checked it.
    top.append(_p(" ".join(language_lines(say)), "small language"))
    intro = texts.ui("reads_only")
    first_page = "".join([*top, _summary(result, texts)])
    body = "".join(
        [
            f'<div class="first-page">{first_page}</div>',
            _first(result, texts),
            _helplines_short(texts),
            _p(intro, "small") if intro else "",
            _findings(result, texts),
            _cannot_see(result, texts),
            _not_available(result, texts),
            _app_files(result, texts),
            _next_steps(texts),
            _helplines(texts),
            _about(result, texts),
            _not_read(result, texts),
        ]
    )
    css = _CSS + _page_css(say, demo)
    direction = "rtl" if say.rtl else "ltr"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(say.lang)}" dir="{direction}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{css}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
