"""What the terminal and HTML reports share: section names, and findings grouped by advice.

Both reports use these names, so an advocate reading the printout and a survivor reading
the screen talk about the same sections. Findings that share one piece of advice (two apps
with accessibility access, say) form one group: the explanation is given once, then the
apps it applies to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from scanner.guidance import GuidanceText
from scanner.labels import name_for
from scanner.model import Finding, ScanResult, Severity

SUMMARY = "Summary"
FIRST = "What to do first"
HELPLINES = "Helplines"
FOUND = "What the scan found"
CANNOT_SEE = "What this scan cannot see"
NOT_AVAILABLE = "Not available in this kind of input"
APP_FILES = "App files checked"
NOT_READ = "What could not be read"
NEXT_STEPS = "Next steps"
ABOUT = "About this scan"

SEVERITY_HEADINGS: Mapping[Severity, str] = MappingProxyType(
    {
        Severity.STALKERWARE: "Known stalkerware",
        Severity.HIGH: "Serious: please look at these",
        Severity.REVIEW: "Worth checking",
        Severity.INFO: "For your information",
    }
)

DISCREET_SEVERITY: Mapping[Severity, str] = MappingProxyType(
    {
        Severity.STALKERWARE: "need care first",
        Severity.HIGH: "important",
        Severity.REVIEW: "worth a look",
        Severity.INFO: "notes",
    }
)
"""Neutral words for a screen others can see (``--discreet``)."""

DEMO_MARK = "DEMO"

_WHY_MIN_CHARS = 45
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


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


def counts_line(result: ScanResult, discreet: bool = False) -> str:
    """``2 known stalkerware · 3 serious ...``: every severity that has findings."""
    names = DISCREET_SEVERITY if discreet else SEVERITY_HEADINGS
    parts = []
    for severity in Severity:
        count = sum(1 for f in result.findings if f.severity is severity)
        if count:
            label = names[severity] if discreet else names[severity].split(":")[0].lower()
            parts.append(f"{count} {label}")
    return " · ".join(parts)


def can_wipe(finding: Finding) -> bool:
    """A device admin whose policies, as the phone lists them, include wiping the phone."""
    return finding.guidance == "device_admin" and any(
        "wipe-data" in item.excerpt for item in finding.evidence
    )


def subject(result: ScanResult, finding: Finding) -> str:
    """Who a finding is about, in plain words: the app's name and package, or the title
    the check wrote when the finding is about a setting."""
    package = None if finding.package is None else result.snapshot.package(finding.package)
    if finding.package is None or package is None:
        # A setting, or an app no longer on the phone: the check's title carries what
        # was found and when (a removed app's dates).
        return finding.title
    name = name_for(package, finding.package)
    if finding.family and finding.family.lower() not in name.lower():
        name += f", known as {finding.family}"
    if can_wipe(finding):
        name += " (can wipe the phone)"
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
