"""Which apps' whole APKs an evidence pack keeps, and copying them from the phone.

The scan itself reads only parts of each APK; for a pack the file itself is evidence.
Apps with a finding of ``review`` or above are chosen, the most serious first (known
stalkerware, then serious, then worth checking), each once. Their files are pulled over
the read-only sync service until ``BUDGET_BYTES`` is used; an app left out says why.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scanner.device.apk_commands import is_apk_path
from scanner.errors import Disconnected, FileTooLarge, PullTimeSpent, ScannerError
from scanner.model import EvidenceApk, ScanResult, Severity, Words
from scanner.phrases import english, of_error, words

BUDGET_BYTES = 200_000_000
"""The most APK bytes one pack takes (held in memory until the pack is written)."""

MAX_APKS = 50

_WHY_IDS = {
    Severity.STALKERWARE: "pack.why_stalkerware",
    Severity.HIGH: "pack.why_high",
    Severity.REVIEW: "pack.why_review",
}
"""Why an app's file is chosen, by its most serious finding."""


Puller = Callable[..., bytes]
"""``pull(device_path, max_bytes=N)``: one whole file, raising ``ScannerError`` subclasses."""


@dataclass(frozen=True, slots=True)
class Choice:
    package: str
    path: str
    why_chosen: Words
    phone_sha256: str


def choose(result: ScanResult) -> tuple[Choice, ...]:
    """The apps whose APKs a pack should hold, most serious finding first (pure)."""
    best: dict[str, Severity] = {}
    for finding in result.findings:
        package = finding.package
        if package is None or finding.severity not in _WHY_IDS:
            continue
        if package not in best or finding.severity.rank < best[package].rank:
            best[package] = finding.severity
    order = {pkg.package: i for i, pkg in enumerate(result.snapshot.packages)}
    paths = {check.package: check.path for check in result.app_checks}
    ranked = sorted(best, key=lambda p: (best[p].rank, order.get(p, len(order)), p))
    choices = []
    for package in ranked:
        facts = result.apks.get(package)
        path = paths.get(package) or (facts.path if facts else "")
        if package not in order:
            path = ""  # Not installed now: only traces of it were found.
        why = words(_WHY_IDS[best[package]])
        choices.append(Choice(package, path, why, facts.sha256 if facts else ""))
    return tuple(choices)


def not_pulled(choices: Sequence[Choice], why: Words) -> tuple[EvidenceApk, ...]:
    """Every choice recorded as left out for one reason (e.g. an offline input)."""
    return tuple(_left_out(c, why) for c in choices)


def _left_out(choice: Choice, why: Words) -> EvidenceApk:
    return EvidenceApk(
        choice.package,
        choice.path,
        english(choice.why_chosen),
        phone_sha256=choice.phone_sha256,
        not_pulled=english(why),
        not_pulled_words=why,
        why_chosen_words=choice.why_chosen,
    )


def _error_words(exc: ScannerError) -> Words:
    """Why a pull failed: the error's own message, or its English words as a fact."""
    return words("evidence_files.pull_failed", why=of_error(exc) or exc.message)


def pull_for_evidence(
    pull: Puller, choices: Sequence[Choice], budget: int | None = None
) -> tuple[EvidenceApk, ...]:
    """Pull each chosen APK whole, within ``budget`` bytes in all; never raises for a file.

    A file larger than what is left of the budget stops being read at that point (the
    pull's own size cap) and is named as not pulled; a lost phone ends the rest.
    """
    budget = BUDGET_BYTES if budget is None else budget
    records: list[EvidenceApk] = []
    left = budget
    stop: Words | None = None
    for number, choice in enumerate(choices):

        def skipped(why: Words, choice: Choice = choice) -> EvidenceApk:
            return _left_out(choice, why)

        if stop:
            records.append(skipped(stop))
            continue
        if number >= MAX_APKS:
            records.append(skipped(words("evidence_files.too_many", count=MAX_APKS)))
            continue
        if not choice.path:
            records.append(skipped(words("evidence_files.not_installed")))
            continue
        if not is_apk_path(choice.path):
            # Paths come from the phone: only its own APK path shapes are asked for.
            records.append(skipped(words("evidence_files.no_usable_path")))
            continue
        if left <= 0:
            records.append(skipped(_over_budget(budget)))
            continue
        try:
            data = pull(choice.path, max_bytes=left)
        except FileTooLarge:
            records.append(skipped(_over_budget(budget)))
            continue
        except (Disconnected, PullTimeSpent) as exc:
            stop = _error_words(exc)
            records.append(skipped(stop))
            continue
        except ScannerError as exc:
            records.append(skipped(_error_words(exc)))
            continue
        left -= len(data)
        digest = hashlib.sha256(data).hexdigest()
        records.append(
            EvidenceApk(
                choice.package,
                choice.path,
                english(choice.why_chosen),
                data=data,
                sha256=digest,
                phone_sha256=choice.phone_sha256,
                why_chosen_words=choice.why_chosen,
            )
        )
    return tuple(records)


def _over_budget(budget: int) -> Words:
    return words("evidence_files.over_budget", megabytes=budget // 1_000_000)


OFFLINE_INPUT = "evidence_files.offline_input"
STOPPED_BEFORE = "evidence_files.stopped_before"
STOPPED_WHILE = "evidence_files.stopped_while"
"""Why no file was copied, for the command line's own cases (said by ``not_pulled``)."""


def not_pulled_for(key: str, choices: Sequence[Choice]) -> tuple[EvidenceApk, ...]:
    """Every choice left out for one of the command line's reasons above."""
    return not_pulled(choices, words(key))
