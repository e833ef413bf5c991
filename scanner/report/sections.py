"""What the terminal and HTML reports share: section names, and findings grouped by advice.

Both reports use these names, so an advocate reading the printout and a survivor reading
the screen talk about the same sections. Findings that share one piece of advice (two apps
with accessibility access, say) form one group: the explanation is given once, then the
apps it applies to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from scanner import phrases
from scanner.guidance import GuidanceText
from scanner.i18n import Catalogue
from scanner.labels import name_for
from scanner.model import Finding, ScanResult, Severity
from scanner.report.language import safe_catalogue


def heading(say: Catalogue, section: str) -> str:
    """A section heading: ``summary``, ``first``, ``helplines``, ``found``, ``cannot_see``,
    ``not_available``, ``app_files``, ``not_read``, ``next_steps`` or ``about``."""
    return say.text(f"report.section_{section}")


def severity_heading(say: Catalogue, severity: Severity) -> str:
    """The heading over findings of one severity (``Known stalkerware`` ...)."""
    return say.text(f"report.severity_{severity.value}")


def severity_tag(say: Catalogue, severity: Severity) -> str:
    """The short label on a finding box."""
    return say.text(f"report.tag_{severity.value}")


def demo_mark(say: Catalogue) -> str:
    return say.text("report.demo_mark")


def demo_title(say: Catalogue, title: str) -> str:
    """The report title marked as a demo."""
    return say.text("report.title_demo", title=title, mark=demo_mark(say))


_WHY_MIN_CHARS = 45
# Sentence ends in the scripts the translations use (Arabic ؟, Urdu ۔, Bengali ।).
_SENTENCE_END = re.compile(r"(?<=[.!?؟۔।])\s+")


@dataclass(frozen=True, slots=True)
class FindingGroup:
    """Findings of one severity that share one guidance text, in report order."""

    severity: Severity
    guidance: str
    findings: tuple[Finding, ...]


def groups(findings: Sequence[Finding]) -> tuple[FindingGroup, ...]:
    """Most serious first; within a severity, advice groups in the order first met."""
    out: list[FindingGroup] = []
    for severity in Severity:
        keyed: dict[str, list[Finding]] = {}
        for finding in findings:
            if finding.severity is severity:
                keyed.setdefault(finding.guidance, []).append(finding)
        out.extend(FindingGroup(severity, key, tuple(items)) for key, items in keyed.items())
    return tuple(out)


_COUNT_IDS = {
    Severity.STALKERWARE: "report.count_stalkerware",
    Severity.HIGH: "report.count_high",
    Severity.REVIEW: "report.count_review",
    Severity.INFO: "report.count_info",
}
_DISCREET_COUNT_IDS = {
    Severity.STALKERWARE: "report.discreet_stalkerware",
    Severity.HIGH: "report.discreet_high",
    Severity.REVIEW: "report.discreet_review",
    Severity.INFO: "report.discreet_info",
}
"""Message ids kept literal so the catalogue tests can find every one in use."""


def capability_items(say: Catalogue, capabilities: Sequence[str]) -> str:
    """What a known app can do, in the report's language: a finding carries the English
    phrases (``CAPABILITY_WORDS``, as the JSON shows them), each shown by its message."""
    from scanner.sigdb.model import CAPABILITY_IDS, CAPABILITY_WORDS

    by_words = {words: CAPABILITY_IDS[key] for key, words in CAPABILITY_WORDS.items()}
    return "; ".join(say.text(by_words[c]) if c in by_words else c for c in capabilities)


def counts_line(result: ScanResult, discreet: bool = False, say: Catalogue | None = None) -> str:
    """``2 known stalkerware · 3 serious ...``: every severity that has findings
    (``discreet``: in neutral words, for a screen others can see)."""
    say = say or safe_catalogue()
    ids = _DISCREET_COUNT_IDS if discreet else _COUNT_IDS
    parts = []
    for severity in Severity:
        count = sum(1 for f in result.findings if f.severity is severity)
        if count:
            parts.append(say.count(ids[severity], count))
    return " · ".join(parts)


def can_wipe(finding: Finding) -> bool:
    """A device admin whose policies, as the phone lists them, include wiping the phone."""
    return finding.guidance == "device_admin" and any(
        "wipe-data" in item.excerpt for item in finding.evidence
    )


def subject(result: ScanResult, finding: Finding, say: Catalogue | None = None) -> str:
    """Who a finding is about, in plain words: the app's name and package, or the title
    the check wrote when the finding is about a setting."""
    package = None if finding.package is None else result.snapshot.package(finding.package)
    if finding.package is None or package is None:
        # A setting, or an app no longer on the phone: the check's title carries what
        # was found and when (a removed app's dates).
        return phrases.title(finding, say or safe_catalogue())
    say = say or safe_catalogue()
    name = name_for(package, finding.package, say)
    if finding.family and finding.family.lower() not in name.lower():
        name = say.text("report.known_as", name=name, family=finding.family)
    if can_wipe(finding):
        name = say.text("report.can_wipe_phone", name=name)
    return name


def why(guide: GuidanceText, severity: Severity) -> str:
    """The plain reason for a group, short: two sentences for the serious ones, else one
    (two when the first is too short to say why)."""
    if severity in (Severity.STALKERWARE, Severity.HIGH):
        return first_sentences(guide.what_it_means, 2)
    first = first_sentences(guide.what_it_means, 1)
    if severity is Severity.INFO or len(first) >= _WHY_MIN_CHARS:
        return first
    return first_sentences(guide.what_it_means, 2)


def first_sentences(text: str, count: int) -> str:
    """The first ``count`` sentences of ``text``: the plain reason, before any detail."""
    sentences = _SENTENCE_END.split(" ".join(text.split()))
    return " ".join(sentences[:count])
