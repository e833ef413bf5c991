"""The evidence pack's printable summary: the HTML report plus what a pack needs.

It is the ordinary HTML report (same findings, advice and helplines) with the case
details, what the examination did to the phone, the timeline, and the integrity facts
added. It is one of the pack's files, so the manifest's hash chain covers it; the chain
head itself is therefore only in ``manifest.json``, never in the summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from scanner import TOOL_NAME, __version__
from scanner.casefile.case_details import CaseDetails
from scanner.casefile.examiner import examiner_steps
from scanner.errors import GuidanceError
from scanner.guidance import GuidanceLibrary, load_guidance
from scanner.i18n import Catalogue, isolate_html
from scanner.model import EvidenceApk, ScanResult
from scanner.phrases import said_in
from scanner.report import html_report
from scanner.report.language import safe_catalogue
from scanner.report.legal_route import legal_route_section
from scanner.report.timeline_views import esc, timeline_section

SUMMARY = "summary.html"


def _facts(rows: Sequence[tuple[str, str]]) -> str:
    body = "".join(f"<dt>{esc(name)}</dt><dd>{esc(value)}</dd>" for name, value in rows)
    return f'<dl class="facts">{body}</dl>'


def _case(case: CaseDetails, result: ScanResult, say: Catalogue) -> str:
    steps = "".join(f"<li>{esc(step)}</li>" for step in examiner_steps(result, say))
    return (
        f"<section><h2>{esc(say.text('pack.case_heading'))}</h2>"
        f"{_facts(case.rows(say))}"
        f"<h3>{esc(say.text('pack.examination_heading'))}</h3><ul>{steps}</ul></section>"
    )


def _integrity(
    files: Sequence[tuple[str, str]], created_at: datetime, signer: str | None, say: Catalogue
) -> str:
    rows = "".join(
        f"<tr><td><code>{esc(p)}</code></td><td><code>{esc(h)}</code></td></tr>" for p, h in files
    )
    signed = (
        _with_html(say.text("pack.signed", fingerprint=_MARK), isolate_html(esc(signer)))
        if signer
        else esc(say.text("pack.unsigned"))
    )
    made = say.text(
        "pack.made_by", time=f"{created_at:%Y-%m-%d %H:%M:%S}", tool=TOOL_NAME, version=__version__
    )
    command = f"<code>{esc(f'{TOOL_NAME} evidence verify FOLDER')}</code>"
    how = _with_html(say.text("pack.how_to_check", command=_MARK), command)
    return (
        f"<section><h2>{esc(say.text('pack.check_heading'))}</h2>"
        f"<p>{esc(made)} {esc(say.text('pack.chained'))} {signed} {how}</p>"
        f"<h3>{esc(say.text('pack.raw_heading'))}</h3>"
        f'<table class="timeline"><tbody>{rows}</tbody></table></section>'
    )


_MARK = "\ue000"
"""Stands for a piece of HTML inside a translated sentence until the sentence is escaped
(a private-use character: no translation or fact contains it)."""


def _with_html(sentence: str, html: str) -> str:
    """``sentence`` escaped, with its one ``_MARK`` replaced by ``html``."""
    return esc(sentence).replace(_MARK, html)


def _held(apk: EvidenceApk, say: Catalogue) -> str:
    """Where the app's file is: in the pack (with its hash), or why it is not."""
    if apk.data is None:
        return said_in(apk.not_pulled, apk.not_pulled_words, say)
    if apk.sha256 == apk.phone_sha256:
        return say.text("pack.held_same", sha256=apk.sha256)
    if apk.phone_sha256:
        return say.text("pack.held_other", sha256=apk.sha256, scan_sha256=apk.phone_sha256)
    return say.text("pack.held", sha256=apk.sha256)


def _apk_files(result: ScanResult, say: Catalogue) -> str:
    """The apps whose whole files the pack holds, and why any chosen one is not in it."""
    from scanner.evidence_apks import BUDGET_BYTES

    rows = []
    for apk in result.evidence_apks:
        why = said_in(apk.why_chosen, apk.why_chosen_words, say)
        rows.append(
            f"<tr><td><code>{isolate_html(esc(apk.package))}</code></td>"
            f"<td>{esc(why)}</td>"
            f"<td>{esc(_held(apk, say))}</td></tr>"
        )
    heading = f"<h2>{esc(say.text('pack.apps_heading'))}</h2>"
    if not rows:
        return f"<section>{heading}<p>{esc(say.text('pack.no_apps'))}</p></section>"
    intro = say.text("pack.apps_intro", megabytes=say.number(BUDGET_BYTES // 1_000_000))
    return (
        f"<section>{heading}<p>{esc(intro)}</p>"
        f'<table class="timeline"><tbody>{"".join(rows)}</tbody></table></section>'
    )


def _library(lang: str) -> GuidanceLibrary | None:
    try:
        return load_guidance(lang)
    except GuidanceError:
        return None  # the report itself already says the advice texts are missing


def render_summary(
    result: ScanResult,
    case: CaseDetails,
    *,
    raw_files: Sequence[tuple[str, str]],
    created_at: datetime,
    signer: str | None,
    lang: str = "en",
) -> str:
    """The summary page. ``raw_files``: (path in the pack, SHA-256) of each raw output.
    ``lang``: the language of its words (the manifest keeps English)."""
    say = safe_catalogue(lang)
    page = html_report.render(result, say=say)
    top = _case(case, result, say)
    bottom = (
        timeline_section(result, say)
        + legal_route_section(result, _library(say.lang), full=True, say=say)
        + _apk_files(result, say)
        + _integrity(raw_files, created_at, signer, say)
    )
    # Case details after the report's opening section (what was and was not found stays
    # first); the timeline, the legal route and integrity after its own sections (the HTML
    # report keeps to its page budget and leaves them to the pack).
    if "</section>" in page:
        page = page.replace("</section>", "</section>" + top, 1)
    else:
        bottom = top + bottom
    marker = "</main>" if "</main>" in page else "</body>"
    return page.replace(marker, bottom + marker, 1)
