"""The terminal report (rich): a calm summary first, then findings by severity with their
evidence and guidance, then what the scan cannot see, next steps and helplines.

Every string from the phone goes through ``Text`` (never parsed as markup), is folded onto
one line with its format characters shown (``clean_phone_text``: no line break, RLM or
zero-width space from a label can start or disguise a row), and has any control
character left replaced: an app label is attacker controlled. Styles are named by
meaning, so ``NO_COLOR`` or a plain terminal loses nothing but colour. Fits 80 columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.text import Text
from rich.theme import Theme

from scanner.model import Finding, HistoryDiff, ScanResult, Severity
from scanner.parse.text import clean_phone_text
from scanner.report.headline import headline
from scanner.report.texts import ReportTexts

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

HEADINGS = {
    Severity.STALKERWARE: "Known stalkerware",
    Severity.HIGH: "Serious: please look at these",
    Severity.REVIEW: "Worth checking",
    Severity.INFO: "For your information",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Phone-supplied text made safe for a terminal: no escapes, no bidi overrides."""
    return _CONTROL.sub("?", text)


def plain(text: str, style: str = "") -> Text:
    return Text(clean(text), style=style)


def phone(text: str, style: str = "") -> Text:
    """Text that holds anything that came from the phone: one line, nothing hidden."""
    return Text(clean(clean_phone_text(text)), style=style)


def _finding_block(
    finding: Finding, texts: ReportTexts, number: int, advice_at: dict[str, int]
) -> Group:
    parts: list[Text | Padding] = [
        Text.assemble((f"{number}. ", "heading"), phone(finding.title, "heading"))
    ]
    if finding.capabilities:
        parts.append(phone("   It can: " + "; ".join(finding.capabilities) + "."))
    parts.append(Text("   What the scan saw:", style="muted"))
    parts.extend(phone(f"    - {e.source}: {e.excerpt}") for e in finding.evidence)
    guide = texts.guidance(finding.guidance)
    if finding.guidance in advice_at:
        # The same advice once is enough; a long report is harder to take in.
        parts.append(Text(f"   What you could do: see number {advice_at[finding.guidance]}."))
    elif guide is not None and finding.severity is not Severity.INFO:
        advice_at[finding.guidance] = number
        if guide.removal_warning:
            parts.append(Padding(plain(guide.removal_warning, "heading"), (0, 3)))
        parts.append(Padding(plain(guide.what_it_means), (0, 3)))
        if guide.options:
            parts.append(Text("   Your options (you choose; nothing has to happen today):"))
            parts.extend(Padding(plain(f"• {opt}"), (0, 3)) for opt in guide.options)
    return Group(*parts, Text(""))


def render(result: ScanResult, console: Console, texts: ReportTexts | None = None) -> None:
    """Print the whole report to ``console``."""
    texts = texts or ReportTexts.load()
    console.push_theme(THEME)
    try:
        _render(result, console, texts)
    finally:
        console.pop_theme()


def _render(result: ScanResult, console: Console, texts: ReportTexts) -> None:
    device = result.snapshot.device
    console.rule(texts.title)
    name = " ".join(x for x in (device.manufacturer, device.model) if x) or "Unknown phone"
    version = f"Android {device.android_version}" if device.android_version else "Android"
    console.print(phone(f"{name}, {version}. Apps checked: {len(result.snapshot.packages)}."))
    console.print()
    opening = headline(result)
    # What was not checked comes first: a reader acts on the first lines.
    for line in opening.not_checked:
        console.print(Text(line, style="heading"))
    calm = not result.findings or _worst(result.findings).rank > 1
    console.print(
        Text(opening.found, style="calm" if calm and opening.known_ruled_out else "heading")
    )
    if not result.complete:
        console.print(Text(texts.incomplete, style="heading"))
    console.print()

    serious = [f for f in result.findings if f.severity in (Severity.STALKERWARE, Severity.HIGH)]
    if serious and texts.removal_first:
        console.print(Panel(plain(texts.removal_first), title="Before you change anything"))

    number = 0
    advice_at: dict[str, int] = {}
    for severity in Severity:
        group = [f for f in result.findings if f.severity is severity]
        if not group:
            continue
        console.rule(Text(f"{HEADINGS[severity]} ({len(group)})", style=f"sev.{severity.value}"))
        for finding in group:
            number += 1
            console.print(_finding_block(finding, texts, number, advice_at))

    console.rule("What this scan cannot see")
    console.print(plain(texts.cannot_see(clean=result.nothing_found)))
    if result.not_applicable:
        console.rule("Not available in this kind of input")
        for part in result.not_applicable:
            console.print(plain(f"- {part.reason}"))
    certified = [a for a in result.apks.values() if a.cert_sha1 or a.cert_sha256]
    if certified:
        sources = ", ".join(sorted({a.source for a in certified}))
        console.print(
            plain(
                f"Signing certificates were checked for {len(certified)} app(s) ({sources}); "
                "the JSON report lists them."
            ),
            style="muted",
        )
    if not result.complete:
        console.rule("What could not be read")
        for problem in result.problems:
            console.print(phone(f"- {problem.source}: {problem.message}"))
    if result.warnings:
        console.print(
            plain(
                f"{len(result.warnings)} part(s) of the phone's answers were not understood; "
                "the JSON report lists them."
            ),
            style="muted",
        )
    console.rule("Next steps")
    console.print(plain(texts.after_scan))
    console.rule("Help")
    for line in texts.helplines:
        console.print(plain(line))
    if result.signatures:
        sig = result.signatures
        console.print(
            plain(
                f"Database: {sig.source} ({sig.date}), {sig.families} app families. "
                f"Fingerprint (SHA-256): {sig.sha256}",
                "muted",
            )
        )


def _worst(findings: Sequence[Finding]) -> Severity:
    return min((f.severity for f in findings), key=lambda s: s.rank)


def render_history(diffs: Sequence[HistoryDiff], console: Console) -> None:
    """What changed between saved scans of the same phone, oldest first, with dates."""
    console.push_theme(THEME)
    try:
        _render_history(diffs, console)
    finally:
        console.pop_theme()


def _render_history(diffs: Sequence[HistoryDiff], console: Console) -> None:
    console.rule("Changes since earlier scans of this phone")
    if not diffs:
        console.print("This is the first scan of this phone in the case file.")
        return
    for diff in diffs:
        console.print(
            plain(
                f"Between {diff.earlier_time:%Y-%m-%d %H:%M} and "
                f"{diff.later_time:%Y-%m-%d %H:%M} UTC:"
            ),
            style="heading",
        )
        if not diff.changes:
            console.print("  Nothing changed in what both scans could read.")
        for change in diff.changes:
            when = f" ({change.when:%Y-%m-%d})" if change.when else ""
            console.print(phone(f"  - {change.description}{when}"))
        if diff.not_compared:
            console.print(plain("  Not compared: " + ", ".join(diff.not_compared)), style="muted")
