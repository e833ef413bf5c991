"""The HTML report: one self-contained page an advocate can read, or print, with a survivor.

Self-contained means inline CSS, no scripts, no links and nothing loaded from anywhere; a
Content-Security-Policy forbids it as a second line of defence. Every string that came
from the phone (labels, package names, evidence, device model ...) is attacker controlled,
so each one goes through ``_e`` (``html.escape`` plus visible control characters) before it
reaches the page. The words a survivor reads come from ``guidance/`` via ``_load_texts``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from scanner import TOOL_NAME, __version__
from scanner.errors import GuidanceError
from scanner.guidance import (
    GuidanceLibrary,
    GuidanceText,
    Helpline,
    HelplineRegion,
    load_guidance,
)
from scanner.labels import label_for
from scanner.model import Finding, ScanResult, Severity
from scanner.parse.text import mark_invisible
from scanner.report import fallback, sections
from scanner.report.app_checks import app_checks_text
from scanner.report.headline import headline
from scanner.report.helpchoice import HelpChoice, choose_help, compact_lines, from_region
from scanner.report.sections import FindingGroup

MAX_WARNINGS_SHOWN = 50
"""The report lists at most this many not-understood lines; the JSON report has them all."""

# Section headings: structure, not advice, and the same words as on the screen.
SEVERITY_HEADINGS: Mapping[Severity, str] = sections.SEVERITY_HEADINGS
_NO_GUIDANCE = "The advice texts could not be loaded, so only the findings are shown."
_NO_SIGNATURES = (
    "No signature database was used, so known stalkerware could not be recognised by name."
)


_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; "
    "base-uri 'none'; form-action 'none'"
)

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: #1b1b1b;
  font: 17px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
main { max-width: 46rem; margin: 0 auto; padding: 2rem 1.25rem 3rem; }
h1 { font-size: 1.9rem; margin: 0 0 .75rem; }
h2 { font-size: 1.35rem; margin: 2.25rem 0 .75rem; padding-bottom: .25rem;
  border-bottom: 2px solid #d5d5d5; }
h3 { font-size: 1.12rem; margin: 0 0 .5rem; }
h4 { font-size: 1rem; margin: 1rem 0 .25rem; }
p { margin: .4rem 0; }
ul { margin: .3rem 0; padding-left: 1.4rem; }
li { margin: .2rem 0; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font-size: .88em; }
code, .phone, td, dd { overflow-wrap: anywhere; }
.summary { font-size: 1.2rem; font-weight: 600; margin: .5rem 0; }
.note { background: #f3f5f8; border-left: 5px solid #5a6b85; padding: .6rem .9rem;
  margin: .8rem 0; }
.incomplete { background: #fff6e0; border-left-color: #a86a00; }
.finding { border: 1px solid #cfcfcf; border-left: 7px solid #8a8a8a; border-radius: 4px;
  padding: .9rem 1rem; margin: 1rem 0; }
.sev-stalkerware { border-left-color: #9b1c1c; }
.sev-high { border-left-color: #b45309; }
.sev-review { border-left-color: #1d4ed8; }
.sev-info { border-left-color: #6b7280; }
.tag { display: inline-block; font-size: .8rem; font-weight: 600; letter-spacing: .02em;
  text-transform: uppercase; border: 1px solid currentColor; border-radius: 3px;
  padding: 0 .35rem; margin-right: .4rem; vertical-align: .1em; }
.meta { color: #444; font-size: .95rem; }
.warning { background: #fdecec; border-left: 5px solid #9b1c1c; padding: .6rem .9rem;
  margin: .6rem 0; }
.warning strong { display: block; }
.evidence li { list-style: square; }
.evidence .src { color: #555; font-size: .9rem; margin-right: .4rem; }
.evidence code { white-space: pre-wrap; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem;
  margin: .5rem 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.helpline { margin: .6rem 0; }
.small { font-size: .9rem; color: #444; }
@page { margin: 10mm 10mm 12mm;
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font-size: 9pt; } }
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


def _facts(rows: Sequence[tuple[str, object]]) -> str:
    body = "".join(
        f"<dt>{_e(name)}</dt><dd>{_e(value)}</dd>"
        for name, value in rows
        if value not in ("", None)
    )
    return f'<dl class="facts">{body}</dl>' if body else ""


def _utc(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S UTC")


# --- the one seam to guidance/ ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Texts:
    """The guidance library and helplines for one report, or why they are missing."""

    library: GuidanceLibrary | None
    help: HelpChoice
    problems: tuple[str, ...] = ()

    def ui(self, key: str, default: str = "") -> str:
        if self.library is None:
            return default
        try:
            return self.library.ui(key)
        except GuidanceError:
            return default

    def ui_list(self, key: str) -> tuple[str, ...]:
        if self.library is None:
            return ()
        try:
            return self.library.ui_list(key)
        except GuidanceError:
            return ()

    def guidance(self, key: str) -> GuidanceText | None:
        if self.library is None:
            return None
        try:
            return self.library.get(key)
        except GuidanceError:
            return None


def _load_texts(
    guidance: GuidanceLibrary | None, helplines: HelplineRegion | None, region: str
) -> _Texts:
    """Use what the caller passed; load the English texts and the region's helplines for
    the rest."""
    problems: list[str] = []
    if guidance is None:
        try:
            guidance = load_guidance("en")
        except GuidanceError as exc:
            problems.append(exc.message)
    if helplines is not None:
        return _Texts(guidance, from_region(helplines), tuple(problems))
    try:
        help_choice = choose_help(region)
    except GuidanceError as exc:
        # The emergency numbers never depend on a file that can break.
        help_choice = from_region(fallback.UK_EMERGENCY)
        problems.append(exc.message)
    return _Texts(guidance, help_choice, tuple(problems))


# --- sections --------------------------------------------------------------------------


def _serious(result: ScanResult) -> bool:
    return any(f.severity in (Severity.STALKERWARE, Severity.HIGH) for f in result.findings)


def _removal_first(texts: _Texts) -> str:
    text = texts.guidance("known_stalkerware")
    return text.removal_warning if text and text.removal_warning else fallback.REMOVAL_WARNING


def _summary(result: ScanResult, texts: _Texts) -> str:
    """The first page: what was found, on which phone, when, with which tool and list."""
    opening = headline(result)
    # What was not checked comes first: a reader acts on the first lines.
    parts = [f"<h2>{sections.SUMMARY}</h2>"]
    parts.extend(_p(line, "summary incomplete") for line in opening.not_checked)
    parts.append(_p(opening.found, "summary"))
    if result.findings:
        parts.append(_p(sections.counts_line(result)))
        severity: Severity | None = None
        items: list[str] = []
        for group in sections.groups(result.findings):
            if group.severity is not severity:
                severity = group.severity
                items.append(f"</ul><h4>{_e(SEVERITY_HEADINGS[severity])}</h4><ul>")
            guide = texts.guidance(group.guidance)
            title = guide.title if guide is not None else group.findings[0].title
            names = "; ".join(_e(sections.subject(result, f)) for f in group.findings)
            items.append(f'<li>{_e(title)}: <span class="phone">{names}</span></li>')
        # The list opens with "</ul>" before the first heading: drop it and close the last.
        listed = "".join(items).removeprefix("</ul>") + "</ul>"
        parts.append(f'<div class="found-list small">{listed}</div>')
    if not result.complete:
        parts.append(_p(texts.ui("scan_incomplete", "The scan did not finish."), "note incomplete"))
    parts.extend(_p(problem, "note") for problem in texts.problems)
    device = result.snapshot.device
    phone = " ".join(x for x in (device.manufacturer, device.model) if x) or "Unknown phone"
    sig = result.signatures
    rows: list[tuple[str, object]] = [
        ("Phone", f"{phone}, Android {device.android_version or 'unknown'}"),
        ("Serial", device.serial or result.capture.serial),
        ("Scan started", _utc(result.started_at)),
        ("Scan finished", _utc(result.finished_at)),
        ("Scanner", f"{TOOL_NAME} {__version__}"),
        (
            "Stalkerware list",
            f"{sig.source}, version {sig.source_version or 'unknown'}, {sig.date}"
            if sig is not None
            else _NO_SIGNATURES,
        ),
    ]
    parts.append(_facts(rows))
    return "<section>" + "".join(parts) + "</section>"


def _first(result: ScanResult, texts: _Texts) -> str:
    parts = [f"<h2>{sections.FIRST}</h2>"]
    if _serious(result):
        warning = _removal_first(texts)
        parts.append(
            f'<div class="warning"><strong>Before you change anything</strong>{_p(warning)}</div>'
        )
    key = "clean_result_next" if result.nothing_found else "first_step"
    parts.extend(_p(texts.ui(k)) for k in (key, "advocate_explained") if texts.ui(k))
    return "<section>" + "".join(parts) + "</section>"


def _helplines_short(texts: _Texts) -> str:
    pointer = _p(texts.ui("outside_uk")) if texts.help.outside_uk else ""
    return (
        f"<section><h2>{sections.HELPLINES}</h2>{pointer}"
        + _ul(compact_lines(texts.help))
        + _p("Every helpline, in full, is at the end of this report.", "small")
        + "</section>"
    )


def _group(result: ScanResult, group: FindingGroup, texts: _Texts, shown: set[str]) -> str:
    guide = texts.guidance(group.guidance)
    parts = [f'<article class="finding sev-{_e(group.severity.value)}">']
    title = guide.title if guide is not None else group.findings[0].title
    parts.append(
        f'<h3><span class="tag">{_e(group.severity.value)}</span>'
        f'<span class="phone">{_e(title)}</span></h3>'
    )
    warning = guide.removal_warning if guide is not None else None
    if warning is None and group.severity in (Severity.STALKERWARE, Severity.HIGH):
        warning = fallback.REMOVAL_WARNING  # no missing file may drop this warning
    if warning and warning not in shown:
        # Removal risk before the choices; each warning once in the report.
        shown.add(warning)
        parts.append(
            f'<div class="warning"><strong>Before you change anything</strong>{_p(warning)}</div>'
        )
    if guide is not None:
        # The plain explanation before the choices and the evidence.
        parts.append(_p(guide.what_it_means))
    else:
        parts.append(_p(f"{_NO_GUIDANCE} (advice key: {group.guidance})", "small"))
    if any(sections.can_wipe(f) for f in group.findings):
        parts.append(f'<div class="warning">{_p(texts.ui("can_wipe"))}</div>')
    if guide is not None and group.severity is not Severity.INFO:
        new = [option for option in guide.options if option not in shown]
        shown.update(new)
        if new:
            parts.append(f"<h4>Your choices</h4>{_ul(new)}")
    parts.extend(_finding(result, finding) for finding in group.findings)
    parts.append("</article>")
    return "".join(parts)


def _finding(result: ScanResult, finding: Finding) -> str:
    meta = []
    label = _app_label(result, finding)
    if label and label not in finding.title:  # most titles already name the app
        meta.append(f'App: <span class="phone">{_e(label)}</span>')
    if finding.package:
        meta.append(f"Package: <code>{_e(finding.package)}</code>")
    if finding.family:
        meta.append(f'Known as: <span class="phone">{_e(finding.family)}</span>')
    meta.append(f"How sure the scan is: {_e(finding.confidence.value)}")
    meta.append(f"Check {_e(finding.check)}, finding {_e(finding.id)}")
    meta.append("What the scan saw:")
    # Title and facts on one line: the printout stays short enough to hand over.
    parts = [
        f'<p class="finding-title"><strong class="phone">{_e(finding.title)}</strong> '
        f'<span class="meta small">{" · ".join(meta)}</span></p>'
    ]
    if finding.capabilities:
        parts.append(_p("It can: " + "; ".join(finding.capabilities) + ".", "small"))
    evidence = "".join(
        f'<li><span class="src">{_e(item.source)}</span><code>{_e(item.excerpt)}</code></li>'
        for item in finding.evidence
    )
    parts.append(f'<ul class="evidence">{evidence}</ul>')
    return "".join(parts)


def _app_label(result: ScanResult, finding: Finding) -> str | None:
    if finding.package is None:
        return None
    return label_for(result.snapshot.package(finding.package), finding.package)


def _findings(result: ScanResult, texts: _Texts) -> str:
    if not result.findings:
        return ""
    parts = [f"<h2>{sections.FOUND}</h2>"]
    shown: set[str] = {_removal_first(texts)} if _serious(result) else set()
    severity: Severity | None = None
    for group in sections.groups(result.findings):
        if group.severity is not severity:
            severity = group.severity
            size = sum(1 for f in result.findings if f.severity is severity)
            parts.append(f"<h3>{_e(SEVERITY_HEADINGS[severity])} ({size})</h3>")
        parts.append(_group(result, group, texts, shown))
    return "<section>" + "".join(parts) + "</section>"


def _cannot_see(result: ScanResult, texts: _Texts) -> str:
    # A clean result is where a reader is most likely to over-trust the scan; beside
    # findings, "we found nothing we know of" would contradict them, but the other ways
    # in still matter.
    intro = "clean_result" if result.nothing_found else "found_result_cannot_see"
    body = _p(texts.ui(intro, _NO_GUIDANCE)) + _ul(
        texts.ui_list("clean_result_cannot_see_list"), "columns"
    )
    after = texts.ui("clean_result_next")
    return f"<section><h2>{sections.CANNOT_SEE}</h2>{body}{_p(after) if after else ''}</section>"


def _not_available(result: ScanResult) -> str:
    """What this kind of input cannot hold: not a failure, but never checked either."""
    if not result.not_applicable:
        return ""
    items = [part.reason for part in result.not_applicable]
    return f"<section><h2>{sections.NOT_AVAILABLE}</h2>{_ul(items)}</section>"


def _app_files(result: ScanResult) -> str:
    """Whose signing certificate and file hash were checked, and every app that was not."""
    files = app_checks_text(result)
    if files is None:
        return ""
    rest = _ul(files.not_checked) if files.not_checked else ""
    return f"<section><h2>{sections.APP_FILES}</h2>{_p(files.summary)}{rest}</section>"


def _next_steps(texts: _Texts) -> str:
    paragraphs = [
        texts.ui(key) for key in ("not_your_fault", "after_scan", "safer_device") if texts.ui(key)
    ]
    if not paragraphs:
        return ""
    return (
        f"<section><h2>{sections.NEXT_STEPS}</h2>"
        + "".join(_p(t) for t in paragraphs)
        + "</section>"
    )


def _helpline(line: Helpline) -> str:
    contact = [
        ("Phone", line.number),
        ("Website", line.website),
        ("Email", line.email),
        ("Open", line.hours),
    ]
    # Web addresses stay plain text: the page links to nothing.
    how = " · ".join(f"{name}: {_e(value)}" for name, value in contact if value)
    return (
        f'<div class="helpline"><p><strong>{_e(line.name)}</strong> · '
        f'<span class="small">{how}</span></p>{_p(line.description)}</div>'
    )


def _helplines(texts: _Texts) -> str:
    choice = texts.help
    intro = texts.ui("helplines_intro")
    pointer = _p(texts.ui("outside_uk")) if choice.outside_uk else ""
    lines = "".join(_helpline(line) for line in choice.all_lines)
    return (
        f"<section><h2>{sections.HELPLINES} ({_e(choice.name)})</h2>"
        f'{pointer}{_p(intro) if intro else ""}<div class="columns">{lines}</div></section>'
    )


def _about(result: ScanResult) -> str:
    device = result.snapshot.device
    rows: list[tuple[str, object]] = [
        ("Maker", device.manufacturer),
        ("Model", device.model),
        ("Brand", device.brand),
        ("Android version", device.android_version),
        ("Security update", device.security_patch),
        ("Serial", device.serial or result.capture.serial),
        ("Connection", result.capture.transport),
        ("Time zone", device.timezone),
        ("Build", device.fingerprint),
        ("Apps checked", len(result.snapshot.packages)),
        ("Complete", "yes" if result.complete else "no"),
    ]
    # The times and the scanner's version are on the first page, with the summary.
    parts = [f"<h2>{sections.ABOUT}</h2><h3>This phone and this scan</h3>{_facts(rows)}"]
    summary = result.signatures
    if summary is None:
        parts.append(f"<h3>Stalkerware list used</h3>{_p(_NO_SIGNATURES)}")
    else:
        # Source, version and date are on the first page.
        sig_rows: list[tuple[str, object]] = [
            ("Families", summary.families),
            ("SHA-256", summary.sha256),
            ("Licence", summary.licence),
            ("Credit", summary.attribution),
        ]
        note = _p(summary.warning, "note") if summary.warning else ""
        parts.append(f"<h3>Stalkerware list used</h3>{_facts(sig_rows)}{note}")
    return '<section class="about">' + "".join(parts) + "</section>"


def _not_read(result: ScanResult) -> str:
    parts = []
    if not result.complete:
        items = [
            f"{problem.source}: {problem.message}" if problem.source else problem.message
            for problem in result.problems
        ]
        parts.append(f"<h3>Parts that could not be read</h3>{_ul(items)}")
    warnings = result.warnings
    if warnings:
        items = [
            f"{w.source}" + (f" line {w.line}" if w.line is not None else "") + f": {w.message}"
            for w in warnings[:MAX_WARNINGS_SHOWN]
        ]
        more = len(warnings) - MAX_WARNINGS_SHOWN
        tail = _p(f"… and {more} more (see the JSON report).", "small") if more > 0 else ""
        parts.append(
            "<h3>Parts of the phone's answers that were not understood</h3>"
            f"{_ul(items, 'small')}{tail}"
        )
    if not parts:
        return ""
    return f"<section><h2>{sections.NOT_READ}</h2>" + "".join(parts) + "</section>"


_DEMO_CSS = """
@page { @top-center { content: "DEMO: a made up phone, not a real one"; font-size: 9pt;
  font-weight: 700; } }
"""


def render(
    result: ScanResult,
    guidance: GuidanceLibrary | None = None,
    helplines: HelplineRegion | None = None,
    *,
    region: str = "uk",
    demo: bool | None = None,
) -> str:
    """The whole report as one HTML document (UTF-8 text, no external resources, no scripts).

    ``guidance`` defaults to the English texts and ``helplines`` to the lines for
    ``region``; if they cannot be loaded the report still shows every finding and says
    the advice is missing. ``demo`` (default: as the result says) marks every printed page
    and the title.
    """
    demo = result.demo if demo is None else demo
    texts = _load_texts(guidance, helplines, region)
    title = texts.ui("screen_title", "Phone check") + (f" ({sections.DEMO_MARK})" if demo else "")
    lang = texts.library.lang if texts.library is not None else "en"
    top = [f"<h1>{_e(title)}</h1>"]
    if demo:
        top.append(_p(texts.ui("demo_notice", sections.DEMO_MARK), "demo"))
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
            _not_available(result),
            _app_files(result),
            _next_steps(texts),
            _helplines(texts),
            _about(result),
            _not_read(result),
        ]
    )
    css = _CSS + (_DEMO_CSS if demo else "")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{css}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
