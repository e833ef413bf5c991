"""What the reports say about the apps' files: whose certificate and hash were checked.

The JSON report lists every app (``app_file_checks``); the terminal and HTML reports give
the counts and name, by package, every app outside the phone's own software that was not
checked, with why.
"""

from __future__ import annotations

from dataclasses import dataclass

from scanner.apks import NOT_SYSTEM_ONLY
from scanner.i18n import Catalogue
from scanner.model import CHECKED_IN_PARTS, CHECKED_SIGNING_BLOCK, HASHED_ON_PHONE, ScanResult
from scanner.report.language import safe_catalogue
from scanner.report.problem_words import reason_text

_IN_PARTS = frozenset({CHECKED_IN_PARTS, CHECKED_SIGNING_BLOCK})


@dataclass(frozen=True, slots=True)
class AppChecksText:
    """One summary line, then one line per reason an app was not checked, naming the apps
    (system apps are only counted in the summary)."""

    summary: str
    short: str
    """The same in one or two lines, for the short screen report."""
    not_checked: tuple[str, ...]
    unchecked_apps: int


def app_checks_text(result: ScanResult, say: Catalogue | None = None) -> AppChecksText | None:
    """None when the apps' files were not checked at all (offline input, or turned off)."""
    say = say or safe_catalogue()
    num = say.number
    checks = result.app_checks
    if not checks:
        return None
    system = sum(1 for c in checks if c.certificate_not_checked == NOT_SYSTEM_ONLY)
    others = [c for c in checks if c.certificate_not_checked != NOT_SYSTEM_ONLY]
    certified = [c for c in others if c.certificate]
    in_parts = sum(1 for c in certified if c.certificate in _IN_PARTS)
    block_only = sum(1 for c in certified if c.certificate == CHECKED_SIGNING_BLOCK)
    hashed = [c for c in others if c.sha256]
    on_phone = sum(1 for c in hashed if c.sha256 == HASHED_ON_PHONE)
    summary = say.text(
        "app_files.summary",
        certified=num(len(certified)),
        others=num(len(others)),
        in_parts=num(in_parts),
        whole=num(len(certified) - in_parts),
        hashed=num(len(hashed)),
        on_phone=num(on_phone),
        system=num(system),
    )
    if block_only:
        summary += " " + say.count("app_files.v1_not_read", block_only)
    by_reason: dict[str, list[str]] = {}
    for check in others:
        if not check.certificate:
            by_reason.setdefault(reason_text(check, say), []).append(check.package)
    lines = tuple(
        say.text("app_files.reason_apps", reason=why, apps=", ".join(apps))
        for why, apps in by_reason.items()
    )
    unchecked = sum(len(apps) for apps in by_reason.values())
    counts = {"certified": num(len(certified)), "others": num(len(others))}
    short = (
        say.count("app_files.short_some_unchecked", unchecked, **counts)
        if unchecked
        else say.text("app_files.short", **counts)
    )
    return AppChecksText(summary, short, lines, unchecked)
