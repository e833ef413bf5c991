"""The few sentences every report opens with: what could not be checked, then what was found.

One function for the terminal, the HTML and the JSON report, so the rule holds in all of
them: "no known stalkerware" is said only when every app on the phone was read and
compared with a stalkerware database. Otherwise the headline first says what was not
checked, and never that the phone is clear.
"""

from __future__ import annotations

from dataclasses import dataclass

from scanner.i18n import Catalogue, catalogue
from scanner.model import ScanResult, Severity


@dataclass(frozen=True, slots=True)
class Headline:
    """The opening of a report, in the order it is shown."""

    not_checked: tuple[str, ...]
    """What the scan could not check, shown first; empty only for a scan that read every
    app and used a database."""
    found: str
    """One calm sentence about what was found in what could be read."""
    known_ruled_out: bool
    """True only when the report may say that no known stalkerware was found."""
    counts: dict[str, int]
    """Findings by severity (``stalkerware``, ``high``, ``review``, ``info``)."""

    @property
    def lines(self) -> tuple[str, ...]:
        return (*self.not_checked, self.found)


def not_checked(result: ScanResult, words: Catalogue | None = None) -> tuple[str, ...]:
    """Plain sentences naming each part of the check that did not cover the whole phone."""
    say = catalogue() if words is None else words
    lines = []
    if not result.known_check_ran:
        lines.append(say.text("headline.no_database"))
    if result.apps_unread:
        lines.append(say.text("headline.apps_unread"))
    elif not result.app_list_complete:
        lines.append(say.count("headline.apps_partly_read", len(result.snapshot.packages)))
    if not result.complete and result.app_list_complete:
        lines.append(say.text("headline.other_parts_unread"))
    if result.not_applicable:
        lines.append(say.text("headline.input_lacks_parts"))
    return tuple(lines)


def headline(result: ScanResult, words: Catalogue | None = None) -> Headline:
    """What every report says first about ``result``, in the language of ``words``."""
    say = catalogue() if words is None else words
    counts = dict.fromkeys((s.value for s in Severity), 0)
    for finding in result.findings:
        counts[finding.severity.value] += 1
    spy = counts[Severity.STALKERWARE.value]
    others = counts[Severity.HIGH.value] + counts[Severity.REVIEW.value]
    if spy:
        found = say.count("headline.found_known", spy)
        if others:
            found = f"{found} {say.count('headline.found_known_also', others)}"
    elif result.known_ruled_out:
        found = (
            say.count("headline.ruled_out_but_look", others)
            if others
            else say.text("headline.ruled_out_clean")
        )
    elif others:
        found = say.count("headline.partial_look", others)
    else:
        found = say.text("headline.partial_clean")
    return Headline(
        not_checked=not_checked(result, say),
        found=found,
        known_ruled_out=result.known_ruled_out,
        counts=counts,
    )
