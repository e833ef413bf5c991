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
from scanner.model import ScanResult
from scanner.report import html_report
from scanner.report.language import safe_catalogue
from scanner.report.legal_route import legal_route_section
from scanner.report.timeline_views import esc, timeline_section

SUMMARY = "summary.html"


def _facts(rows: Sequence[tuple[str, str]]) -> str:
    body = "".join(f"<dt>{esc(name)}</dt><dd>{esc(value)}</dd>" for name, value in rows)
    return f'<dl class="facts">{body}</dl>'


def _case(case: CaseDetails, result: ScanResult) -> str:
    steps = "".join(f"<li>{esc(step)}</li>" for step in examiner_steps(result))
    return (
        "<section><h2>Evidence pack: case details</h2>"
        f"{_facts(case.rows())}"
        f"<h3>What the examination did to the phone</h3><ul>{steps}</ul></section>"
    )


def _integrity(files: Sequence[tuple[str, str]], created_at: datetime, signer: str | None) -> str:
    rows = "".join(
        f"<tr><td><code>{esc(p)}</code></td><td><code>{esc(h)}</code></td></tr>" for p, h in files
    )
    signed = (
        f"The manifest is signed with the Ed25519 key whose fingerprint is {signer}."
        if signer
        else "The manifest is not signed."
    )
    return (
        "<section><h2>How to check this pack</h2>"
        f"<p>Made {esc(f'{created_at:%Y-%m-%d %H:%M:%S} UTC')} by {esc(TOOL_NAME)} "
        f"{esc(__version__)}. Every file in the pack, this page included, is listed in "
        "manifest.json with its SHA-256 and a hash chain that links them in order. "
        f"{esc(signed)} To check the pack, run: <code>{esc(TOOL_NAME)} evidence verify "
        "FOLDER</code> (with <code>--key</code> and the signer's public key for a signed "
        "pack).</p><h3>Raw outputs from the phone (SHA-256)</h3>"
        f'<table class="timeline"><tbody>{rows}</tbody></table></section>'
    )


def _apk_files(result: ScanResult) -> str:
    """The apps whose whole files the pack holds, and why any chosen one is not in it."""
    from scanner.evidence_apks import BUDGET_BYTES

    rows = []
    for apk in result.evidence_apks:
        held = (
            f"in the pack, SHA-256 {apk.sha256}"
            + (
                " (the same as the scan's)"
                if apk.sha256 == apk.phone_sha256
                else f" (the scan had {apk.phone_sha256})"
                if apk.phone_sha256
                else ""
            )
            if apk.data is not None
            else apk.not_pulled
        )
        rows.append(
            f"<tr><td><code>{esc(apk.package)}</code></td><td>{esc(apk.why_chosen)}</td>"
            f"<td>{esc(held)}</td></tr>"
        )
    if not rows:
        return (
            "<section><h2>App files in this pack</h2><p>No app had a finding that asks for "
            "its file to be kept, so the pack holds no app files.</p></section>"
        )
    return (
        "<section><h2>App files in this pack</h2><p>The whole installation file (APK) of "
        "each app with a finding of 'worth checking' or above, the most serious first, up "
        f"to {BUDGET_BYTES // 1_000_000} MB in all. Each is listed in manifest.json with "
        "its SHA-256.</p>"
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
    ``lang``: the language of the report's words (the pack's own facts stay English)."""
    say = safe_catalogue(lang)
    page = html_report.render(result, say=say)
    top = _case(case, result)
    bottom = (
        timeline_section(result, say)
        + legal_route_section(result, _library(say.lang), full=True, say=say)
        + _apk_files(result)
        + _integrity(raw_files, created_at, signer)
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
