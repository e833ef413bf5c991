"""The few sentences every report opens with: what could not be checked, then what was found.

One function for the terminal, the HTML and the JSON report, so the rule holds in all of
them: "no known stalkerware" is said only when every app on the phone was read and
compared with a stalkerware database. Otherwise the headline first says what was not
checked, and never that the phone is clear.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def _things(count: int) -> str:
    return f"{count} thing{'s' if count != 1 else ''}"


def not_checked(result: ScanResult) -> tuple[str, ...]:
    """Plain sentences naming each part of the check that did not cover the whole phone."""
    lines = []
    if not result.known_check_ran:
        lines.append(
            "The check for known stalkerware did not run, because no stalkerware database "
            "could be used. This scan cannot say whether known stalkerware is on the phone."
        )
    if result.apps_unread:
        lines.append(
            "The list of apps on the phone could not be read, so no app was checked. "
            "This scan cannot say whether a spy app is on the phone."
        )
    elif not result.app_list_complete:
        read = len(result.snapshot.packages)
        lines.append(
            f"The list of apps could only be read in part ({read} app"
            f"{'s' if read != 1 else ''} read). Apps that were not read were not checked, "
            "so this scan cannot say that no known stalkerware is on the phone."
        )
    if not result.complete and result.app_list_complete:
        lines.append("Some other parts of the phone could not be read; the report lists them.")
    if result.not_applicable:
        lines.append(
            "This kind of input does not hold every part of the phone; what it lacks was not "
            "checked (see 'Not available in this kind of input')."
        )
    return tuple(lines)


def headline(result: ScanResult) -> Headline:
    """What every report says first about ``result``."""
    counts = dict.fromkeys((s.value for s in Severity), 0)
    for finding in result.findings:
        counts[finding.severity.value] += 1
    spy = counts[Severity.STALKERWARE.value]
    others = counts[Severity.HIGH.value] + counts[Severity.REVIEW.value]
    if spy:
        more = f", and {_things(others)} to look at" if others else ""
        found = f"The scan found {spy} known stalkerware app{'s' if spy != 1 else ''}{more}."
    elif result.known_ruled_out:
        found = (
            f"No known stalkerware was found, but {_things(others)} may need a closer look."
            if others
            else "No known stalkerware and nothing unusual was found."
        )
    elif others:
        found = f"In what the scan could read, {_things(others)} may need a closer look."
    else:
        found = "Nothing unusual was found in what the scan could read."
    return Headline(
        not_checked=not_checked(result),
        found=found,
        known_ruled_out=result.known_ruled_out,
        counts=counts,
    )
