"""Writing what the person asked for: reports, capture, evidence pack, case file.

Each is written whole or not at all (a temporary file, then a rename), so a failure never
leaves half a report. The case file comes last: it is the only one that asks a question.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.text import Text

from scanner.casefile.casefile import CaseFile
from scanner.cli.words import words_for
from scanner.errors import ReportError, WrongPassphrase
from scanner.i18n import Catalogue
from scanner.model import ScanResult
from scanner.report import json_report

PASSPHRASE_ENV = "PHONE_CHECK_PASSPHRASE"  # noqa: S105 - a variable name, not a secret
PASSPHRASE_TRIES = 3

AskSecret = Callable[[str], str]
"""Asks for a secret without showing it (``getpass.getpass`` by default)."""


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, so a failure leaves no half file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent or Path("."), prefix=".phone-check-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _default_ask(prompt: str) -> str:
    import getpass

    return getpass.getpass(prompt)


def _can_ask() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def passphrase(
    path: Path, console: Console, ask: AskSecret | None = None, say: Catalogue | None = None
) -> str:
    """The case file's passphrase: from the environment (scripts) or asked for.

    Raises ``ReportError`` with a plain message when there is no terminal to ask on.
    """
    say = words_for() if say is None else say
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if ask is None:
        if not _can_ask():
            raise ReportError.said(
                "outputs.no_terminal_for_passphrase",
                "stdin is not a terminal",
                path=path,
                variable=PASSPHRASE_ENV,
            )
        ask = _default_ask
    if path.exists():
        return ask(say.text("outputs.ask_passphrase", path=path))
    from scanner.casefile.passphrase import WeakPassphrase, passphrase_strength
    from scanner.phrases import render

    console.print(Text(say.text("outputs.new_case_file")))
    for attempt in range(1, PASSPHRASE_TRIES + 1):
        first = ask(say.text("outputs.ask_new_passphrase"))
        strong, why = passphrase_strength(first)
        if strong:
            break
        if attempt == PASSPHRASE_TRIES:
            raise WeakPassphrase.said("outputs.weak_not_saved", why=why)
        console.print(Text(say.text("outputs.weak_choose_another", why=render(why, say))))
    if first != ask(say.text("outputs.ask_again")):
        raise ReportError.said("outputs.passphrases_differ")
    return first


def save_to_case(
    path: Path,
    result: ScanResult,
    console: Console,
    ask: AskSecret | None = None,
    say: Catalogue | None = None,
) -> CaseFile:
    """Add the scan to the case file, asking again (up to three times) for a wrong passphrase."""
    from scanner.casefile import save_scan

    say = words_for() if say is None else say
    for attempt in range(1, PASSPHRASE_TRIES + 1):
        secret = passphrase(path, console, ask, say)
        try:
            return save_scan(path, result, secret)
        except WrongPassphrase:
            if os.environ.get(PASSPHRASE_ENV) or attempt == PASSPHRASE_TRIES:
                raise
            console.print(Text(say.text("outputs.wrong_passphrase_retry", path=path)))
    raise AssertionError("unreachable")  # pragma: no cover


def _say(args: argparse.Namespace) -> Catalogue | None:
    """The report language chosen for this run (English when none was set)."""
    found = getattr(args, "report_language", None)
    return found if isinstance(found, Catalogue) else None


def write_outputs(
    args: argparse.Namespace,
    result: ScanResult,
    console: Console,
    ask: AskSecret | None = None,
    ask_line: AskSecret | None = None,
) -> None:
    """Everything the person asked to be written, in order; raises on the first failure."""
    say = words_for(args)
    if args.capture:
        from scanner.offline import write_capture

        folder = write_capture(args.capture, result.capture, created_at=datetime.now(UTC))
        console.print(Text(say.text("outputs.capture_saved", folder=folder)))
    if args.json:
        report = json_report.render(result, demo=args.demo, say=_say(args))
        atomic_write(args.json, report.encode("utf-8"))
        console.print(Text(say.text("outputs.json_written", path=args.json)))
    if args.html:
        from scanner.report import html_report

        page = html_report.render(result, region=args.region, demo=args.demo, say=_say(args))
        atomic_write(args.html, page.encode("utf-8"))
        console.print(Text(say.text("outputs.html_written", path=args.html)))
    if args.evidence:
        from scanner.casefile import load_signing_key, write_evidence
        from scanner.cli.case_prompt import confirm_pack

        key = load_signing_key(args.evidence_key) if args.evidence_key else None
        details = confirm_pack(args, result, console, ask_line)
        if details is not None:
            report_say = _say(args)
            lang = report_say.lang if report_say is not None else "en"
            pack = write_evidence(args.evidence, result, signing_key=key, case=details, lang=lang)
            console.print(
                Text(
                    say.text(
                        "outputs.evidence_written",
                        folder=pack.directory,
                        chain=pack.chain_head[:16],
                    )
                )
            )
            held = sum(apk.data is not None for apk in result.evidence_apks)
            if result.evidence_apks:
                console.print(
                    Text(
                        say.text(
                            "outputs.evidence_apks_held",
                            held=say.number(held),
                            total=say.number(len(result.evidence_apks)),
                        )
                    )
                )
    if args.save:
        from scanner.casefile import history_for
        from scanner.parse.snapshot import build_snapshot
        from scanner.report import terminal

        case = save_to_case(args.save, result, console, ask, say)
        console.print(Text(say.text("outputs.case_saved", path=args.save)))
        if args.history and getattr(args, "discreet", False):
            # The changes name what was found: on a screen others can see, not shown.
            console.print(Text(say.text("outputs.history_kept")))
        elif args.history:
            from scanner.report.history_timeline import print_history_timeline, with_history

            diffs = history_for(case, build_snapshot)
            terminal.render_history(diffs, console, _say(args))
            print_history_timeline(diffs, console, _say(args))
            if args.html:
                from scanner.report import html_report

                page = html_report.render(
                    result, region=args.region, demo=args.demo, say=_say(args)
                )
                atomic_write(args.html, with_history(page, diffs, _say(args)).encode("utf-8"))
                console.print(Text(say.text("outputs.html_with_history", path=args.html)))
