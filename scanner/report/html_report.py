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
    load_helplines,
)
from scanner.model import Finding, ScanResult, Severity
from scanner.parse.text import mark_invisible
from scanner.report import fallback
from scanner.report.headline import headline

MAX_WARNINGS_SHOWN = 50
"""The report lists at most this many not-understood lines; the JSON report has them all."""

# Section headings: structure, not advice. The advice itself lives in guidance/.
SEVERITY_HEADINGS: Mapping[Severity, str] = {
    Severity.STALKERWARE: "Apps known for spying",
    Severity.HIGH: "Important to look at",
    Severity.REVIEW: "Worth a look",
    Severity.INFO: "For your information",
}
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
@page { margin: 16mm 14mm; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid-page; }
  h3, h4 { break-after: avoid-page; }
  .warning, .evidence li, .helpline, dl.facts { break-inside: avoid-page; }
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
    helplines: HelplineRegion | None
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


def _load_texts(guidance: GuidanceLibrary | None, helplines: HelplineRegion | None) -> _Texts:
    """Use what the caller passed; load the English texts and UK helplines for the rest."""
    problems: list[str] = []
    if guidance is None:
        try:
            guidance = load_guidance("en")
        except GuidanceError as exc:
            problems.append(exc.message)
    if helplines is None:
        try:
            helplines = load_helplines("uk")
        except GuidanceError as exc:
            # The emergency numbers never depend on a file that can break.
            helplines = fallback.UK_EMERGENCY
            problems.append(exc.message)
    return _Texts(guidance, helplines, tuple(problems))


# --- sections --------------------------------------------------------------------------


def _app_label(result: ScanResult, finding: Finding) -> str | None:
    if finding.package is None:
        return None
    package = result.snapshot.package(finding.package)
    return package.label if package is not None and package.label else None


def _finding(result: ScanResult, finding: Finding, texts: _Texts) -> str:
    parts = [f'<article class="finding sev-{_e(finding.severity.value)}">']
    parts.append(
        f'<h3><span class="tag">{_e(finding.severity.value)}</span>'
        f'<span class="phone">{_e(finding.title)}</span></h3>'
    )
    meta = []
    label = _app_label(result, finding)
    if label:
        meta.append(f'App: <span class="phone">{_e(label)}</span>')
    if finding.package:
        meta.append(f"Package: <code>{_e(finding.package)}</code>")
    if finding.family:
        meta.append(f'Known as: <span class="phone">{_e(finding.family)}</span>')
    meta.append(f"How sure the scan is: {_e(finding.confidence.value)}")
    parts.append(f'<p class="meta">{" · ".join(meta)}</p>')

    text = texts.guidance(finding.guidance)
    warning = text.removal_warning if text is not None else None
    if warning is None and finding.severity in (Severity.STALKERWARE, Severity.HIGH):
        warning = fallback.REMOVAL_WARNING  # no missing file may drop this warning
    if warning:
        # Removal risk first: acting on a finding can alert the person who installed it.
        parts.append(
            f'<div class="warning"><strong>Before you change anything</strong>{_p(warning)}</div>'
        )
    if text is not None:
        parts.append(f"<h4>{_e(text.title)}</h4>{_p(text.what_it_means)}")
    if finding.capabilities:
        parts.append(f"<h4>What this app can do</h4>{_ul(finding.capabilities)}")
    if text is not None:
        intro = texts.ui("options_intro")
        parts.append(f"<h4>Your choices</h4>{_p(intro) if intro else ''}{_ul(text.options)}")
    else:
        parts.append(_p(f"{_NO_GUIDANCE} (advice key: {finding.guidance})", "small"))

    evidence = "".join(
        f'<li><span class="src">{_e(item.source)}</span><code>{_e(item.excerpt)}</code></li>'
        for item in finding.evidence
    )
    parts.append(f'<h4>What the scan saw</h4><ul class="evidence">{evidence}</ul>')
    parts.append(f'<p class="small">Check {_e(finding.check)}, finding {_e(finding.id)}</p>')
    parts.append("</article>")
    return "".join(parts)


def _findings(result: ScanResult, texts: _Texts) -> str:
    if not result.findings:
        return ""
    parts = []
    for severity in Severity:
        group = [f for f in result.findings if f.severity is severity]
        if group:
            parts.append(f"<h2>{_e(SEVERITY_HEADINGS[severity])} ({len(group)})</h2>")
            parts.extend(_finding(result, f, texts) for f in group)
    return "<section>" + "".join(parts) + "</section>"


def _cannot_see(result: ScanResult, texts: _Texts) -> str:
    # A clean result is where a reader is most likely to over-trust the scan; beside
    # findings, "we found nothing we know of" would contradict them, but the other ways
    # in still matter.
    intro = "clean_result" if result.nothing_found else "found_result_cannot_see"
    body = _p(texts.ui(intro, _NO_GUIDANCE)) + _ul(texts.ui_list("clean_result_cannot_see_list"))
    after = texts.ui("clean_result_next")
    return (
        f"<section><h2>What this check cannot see</h2>{body}{_p(after) if after else ''}</section>"
    )


def _not_available(result: ScanResult) -> str:
    """What this kind of input cannot hold: not a failure, but never checked either."""
    if not result.not_applicable:
        return ""
    items = [part.reason for part in result.not_applicable]
    return f"<section><h2>Not available in this kind of input</h2>{_ul(items)}</section>"


def _next_steps(texts: _Texts) -> str:
    paragraphs = [
        texts.ui(key) for key in ("not_your_fault", "after_scan", "safer_device") if texts.ui(key)
    ]
    if not paragraphs:
        return ""
    return "<section><h2>Next steps</h2>" + "".join(_p(t) for t in paragraphs) + "</section>"


def _helpline(line: Helpline) -> str:
    contact = [
        ("Phone", line.number),
        ("Website", line.website),
        ("Email", line.email),
        ("Open", line.hours),
    ]
    # Web addresses stay plain text: the page links to nothing.
    facts = _facts([(name, value) for name, value in contact if value])
    return f'<div class="helpline"><h3>{_e(line.name)}</h3>{facts}{_p(line.description)}</div>'


def _helplines(texts: _Texts) -> str:
    if texts.helplines is None:
        return ""
    intro = texts.ui("helplines_intro")
    lines = "".join(_helpline(line) for line in texts.helplines)
    return (
        f"<section><h2>Helplines ({_e(texts.helplines.name)})</h2>"
        f"{_p(intro) if intro else ''}{lines}</section>"
    )


def _device(result: ScanResult) -> str:
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
    ]
    return f"<section><h2>This phone</h2>{_facts(rows)}</section>"


def _signatures(result: ScanResult) -> str:
    summary = result.signatures
    if summary is None:
        return f"<section><h2>Stalkerware list used</h2>{_p(_NO_SIGNATURES)}</section>"
    rows: list[tuple[str, object]] = [
        ("Source", summary.source),
        ("Version", summary.source_version),
        ("Date", summary.date),
        ("Families", summary.families),
        ("SHA-256", summary.sha256),
        ("Licence", summary.licence),
        ("Credit", summary.attribution),
    ]
    note = _p(summary.warning, "note") if summary.warning else ""
    return f"<section><h2>Stalkerware list used</h2>{_facts(rows)}{note}</section>"


def _times(result: ScanResult) -> str:
    rows: list[tuple[str, object]] = [
        ("Started", _utc(result.started_at)),
        ("Finished", _utc(result.finished_at)),
        ("Complete", "yes" if result.complete else "no"),
        ("Scanner", f"{TOOL_NAME} {__version__}"),
    ]
    return f"<section><h2>About this scan</h2>{_facts(rows)}</section>"


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
    return "<section><h2>What could not be read</h2>" + "".join(parts) + "</section>"


def render(
    result: ScanResult,
    guidance: GuidanceLibrary | None = None,
    helplines: HelplineRegion | None = None,
) -> str:
    """The whole report as one HTML document (UTF-8 text, no external resources, no scripts).

    ``guidance`` and ``helplines`` default to the English texts and the UK helplines; if
    they cannot be loaded the report still shows every finding and says the advice is missing.
    """
    texts = _load_texts(guidance, helplines)
    title = texts.ui("screen_title", "Phone check")
    lang = texts.library.lang if texts.library is not None else "en"
    opening = headline(result)
    # What was not checked comes first: a reader acts on the first lines.
    top = [f"<h1>{_e(title)}</h1>"]
    top.extend(_p(line, "summary incomplete") for line in opening.not_checked)
    top.append(_p(opening.found, "summary"))
    if not result.complete:
        top.append(_p(texts.ui("scan_incomplete", "The scan did not finish."), "note incomplete"))
    top.extend(_p(problem, "note") for problem in texts.problems)
    intro = texts.ui("reads_only")
    if intro:
        top.append(_p(intro, "small"))
    body = "".join(
        [
            *top,
            _findings(result, texts),
            _cannot_see(result, texts),
            _not_available(result),
            _next_steps(texts),
            _helplines(texts),
            _device(result),
            _signatures(result),
            _times(result),
            _not_read(result),
        ]
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
