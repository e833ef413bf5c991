"""Before an evidence pack is written: its case details, and what it will hold.

In a terminal, each case detail not given as an option is asked for (Enter skips it),
then the person sees what the pack will contain (their accounts, every app) and chooses
to go on (Enter) or not (Q). Without a terminal nothing is asked: the details come only
from the options, and the ones not given are named.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from rich.console import Console
from rich.text import Text

from scanner.casefile.case_details import FIELD_MESSAGES, FIELD_NAMES, CaseDetails, details_from
from scanner.cli.words import words_for
from scanner.i18n import Catalogue
from scanner.model import ScanResult
from scanner.parse.text import clean_phone_text

AskLine = Callable[[str], str]
"""Reads one line typed by the person (shown as typed)."""

OPTION_OF = {
    "examiner": "--examiner",
    "organisation": "--organisation",
    "reference": "--case-ref",
    "place": "--place",
    "present": "--present",
    "consent": "--consent",
}


LABEL_IDS = FIELD_MESSAGES
"""Each case detail's name on screen, by message id (the pack keeps its English names)."""


def given_details(args: argparse.Namespace) -> CaseDetails:
    return details_from({name: getattr(args, name, None) for name, _ in FIELD_NAMES})


def any_given(args: argparse.Namespace) -> bool:
    return any(getattr(args, name, None) for name, _ in FIELD_NAMES)


def pack_contents(
    result: ScanResult, case: CaseDetails, *, discreet: bool = False, say: Catalogue | None = None
) -> list[str]:
    """What the pack will hold, line by line (phone text cleaned onto one line each).

    ``discreet``: on a screen others may see, the accounts and apps are counted, not
    listed (an app's name can say what it is).
    """
    say = words_for() if say is None else say
    snapshot = result.snapshot
    accounts, apps = len(snapshot.accounts), len(snapshot.packages)
    lines = [say.text("case.details_heading")]
    lines += [
        say.text(
            "case.detail_row",
            label=say.text(LABEL_IDS[name]),
            value=getattr(case, name) or say.text("case.value_not_given"),
        )
        for name, _ in FIELD_NAMES
    ]
    if discreet:
        lines.append(say.count("case.accounts_counted", accounts))
        lines.append(say.count("case.apps_counted", apps))
    else:
        lines.append(say.count("case.accounts_heading", accounts))
        lines += [
            say.text("case.account_row", name=a.name, kind=a.type) for a in snapshot.accounts
        ] or [say.text("case.no_accounts")]
        lines.append(say.count("case.apps_heading", apps))
        for pkg in sorted(snapshot.packages, key=lambda p: p.package):
            # A package id and the app's own label are phone text: never translated.
            label = f" ({pkg.label})" if pkg.label and pkg.label != pkg.package else ""
            lines.append(f"  {pkg.package}{label}")
    read = sum(1 for r in result.capture.results if r.output is not None)
    lines.append(say.count("case.raw_answers", read))
    lines.append(say.text("case.findings_and_hashes"))
    return [clean_phone_text(line) if line.startswith("  ") else line for line in lines]


def confirm_pack(
    args: argparse.Namespace, result: ScanResult, console: Console, ask: AskLine | None
) -> CaseDetails | None:
    """The case details for the pack, or None when the person chose not to write it."""
    say = words_for(args)
    case = given_details(args)
    if ask is None:
        missing = case.missing()
        if missing:
            names = [say.text(LABEL_IDS[n]) for n, _ in FIELD_NAMES if not getattr(case, n)]
            console.print(Text(say.text("case.not_given", fields=", ".join(names))))
        return case
    values = {name: getattr(case, name) for name, _ in FIELD_NAMES}
    console.print(Text(say.text("case.ask_intro")))
    for name, _ in FIELD_NAMES:
        if not values[name]:
            values[name] = ask(say.text("case.ask_field", label=say.text(LABEL_IDS[name])))
    case = details_from(values)
    console.print(Text(say.text("case.will_contain")), style="bold")
    for line in pack_contents(result, case, discreet=getattr(args, "discreet", False), say=say):
        console.print(Text(line))
    console.print(Text(say.text("case.not_encrypted")))
    answer = ask(say.text("case.confirm"))
    if answer.strip().lower() in ("q", "quit", "n", "no"):
        console.print(Text(say.text("case.not_written")))
        return None
    return case
