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

from scanner.casefile.case_details import FIELD_NAMES, CaseDetails, details_from
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


def given_details(args: argparse.Namespace) -> CaseDetails:
    return details_from({name: getattr(args, name, None) for name, _ in FIELD_NAMES})


def any_given(args: argparse.Namespace) -> bool:
    return any(getattr(args, name, None) for name, _ in FIELD_NAMES)


def pack_contents(result: ScanResult, case: CaseDetails, *, discreet: bool = False) -> list[str]:
    """What the pack will hold, line by line (phone text cleaned onto one line each).

    ``discreet``: on a screen others may see, the accounts and apps are counted, not
    listed (an app's name can say what it is).
    """
    snapshot = result.snapshot
    lines = ["Case details:"]
    lines += [f"  {label}: {value}" for label, value in case.rows()]
    if discreet:
        lines.append(f"The accounts on the phone ({len(snapshot.accounts)}), listed in the pack.")
        lines.append(
            f"Every app on the phone ({len(snapshot.packages)}), with its details, listed in "
            "the pack."
        )
    else:
        lines.append(f"Accounts on the phone ({len(snapshot.accounts)}):")
        lines += [f"  {a.name} ({a.type})" for a in snapshot.accounts] or ["  none read"]
        lines.append(f"Every app on the phone ({len(snapshot.packages)}), with its details:")
        for pkg in sorted(snapshot.packages, key=lambda p: p.package):
            label = f" ({pkg.label})" if pkg.label and pkg.label != pkg.package else ""
            lines.append(f"  {pkg.package}{label}")
    read = sum(1 for r in result.capture.results if r.output is not None)
    lines.append(f"The phone's own answers to {read} read-only commands, byte for byte.")
    lines.append("The findings, a printable summary, and the hashes that show any change.")
    return [clean_phone_text(line) if line.startswith("  ") else line for line in lines]


def confirm_pack(
    args: argparse.Namespace, result: ScanResult, console: Console, ask: AskLine | None
) -> CaseDetails | None:
    """The case details for the pack, or None when the person chose not to write it."""
    case = given_details(args)
    if ask is None:
        missing = case.missing()
        if missing:
            console.print(
                Text(
                    "Not given for the evidence pack (no terminal to ask in): "
                    + ", ".join(missing)
                    + ". They are recorded as not given."
                )
            )
        return case
    values = {name: getattr(case, name) for name, _ in FIELD_NAMES}
    console.print(Text("Details for the evidence pack (press Enter to leave one out):"))
    for name, label in FIELD_NAMES:
        if not values[name]:
            values[name] = ask(f"{label}: ")
    case = details_from(values)
    console.print(Text("The evidence pack will contain:"), style="bold")
    for line in pack_contents(result, case, discreet=getattr(args, "discreet", False)):
        console.print(Text(line))
    console.print(Text("It is NOT encrypted. Anyone who has the folder can read all of it."))
    answer = ask("Press Enter to write the evidence pack, or Q and Enter to not write it: ")
    if answer.strip().lower() in ("q", "quit", "n", "no"):
        console.print(Text("The evidence pack was not written."))
        return None
    return case
