"""In a terminal, the case details not given are asked for, the pack's contents are shown
(accounts, every app), and Q stops the pack from being written."""

from __future__ import annotations

import argparse
import io
from collections.abc import Iterator

from rich.console import Console

from scanner.cli.case_prompt import confirm_pack
from scanner.cli.main import build_parser
from scanner.model import Account
from tests.report.sample import HOSTILE_LABEL, SPY_PACKAGE, build_result


def _args(*extra: str) -> argparse.Namespace:
    return build_parser().parse_args(["--demo", "--evidence", "pack", *extra])


def _answers(*typed: str) -> tuple[list[str], object]:
    asked: list[str] = []
    given: Iterator[str] = iter(typed)

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return next(given)

    return asked, ask


def _result():  # type: ignore[no-untyped-def]
    import dataclasses

    base = build_result()
    accounts = (Account("com.google", "someone.else@example.com"),)
    return dataclasses.replace(base, snapshot=dataclasses.replace(base.snapshot, accounts=accounts))


def test_missing_details_are_asked_then_the_contents_shown_and_enter_goes_on() -> None:
    out = io.StringIO()
    asked, ask = _answers("Refuge", "CR-9", "", "Sam; the survivor", "apps only", "")
    case = confirm_pack(
        _args("--examiner", "Sam Okafor"),
        _result(),
        Console(file=out, width=200),
        ask,  # type: ignore[arg-type]
    )

    assert case is not None
    assert (case.examiner, case.organisation, case.reference, case.place) == (
        "Sam Okafor",
        "Refuge",
        "CR-9",
        "",
    )
    assert asked[0] == "Examiner's organisation: "  # the examiner was given as an option
    assert asked[-1].startswith("Press Enter to write the evidence pack, or Q")
    shown = out.getvalue()
    assert "someone.else@example.com (com.google)" in shown
    assert f"{SPY_PACKAGE} ({HOSTILE_LABEL})" in shown
    assert "com.android.chrome (Chrome)" in shown
    assert "Place of the examination: not given" in shown


def test_q_means_no_pack() -> None:
    out = io.StringIO()
    _, ask = _answers("", "", "", "", "", "", "q")
    case = confirm_pack(_args(), _result(), Console(file=out, width=200), ask)  # type: ignore[arg-type]
    assert case is None
    assert "The evidence pack was not written." in out.getvalue()


def test_a_discreet_screen_counts_the_accounts_and_apps_instead_of_listing_them() -> None:
    out = io.StringIO()
    _, ask = _answers("Sam Okafor", "Refuge", "CR-9", "", "", "yes", "")
    case = confirm_pack(
        _args("--discreet"),
        _result(),
        Console(file=out, width=200),
        ask,  # type: ignore[arg-type]
    )
    assert case is not None
    shown = out.getvalue()
    assert "The account on the phone (1), listed in the pack." in shown
    assert "someone.else@example.com" not in shown and SPY_PACKAGE not in shown
    assert "Every app on the phone (" in shown
