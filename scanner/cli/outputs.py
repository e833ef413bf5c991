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


def passphrase(path: Path, console: Console, ask: AskSecret | None = None) -> str:
    """The case file's passphrase: from the environment (scripts) or asked for.

    Raises ``ReportError`` with a plain message when there is no terminal to ask on.
    """
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if ask is None:
        if not _can_ask():
            raise ReportError(
                f"The case file {path} needs a passphrase, but there is no terminal to type "
                f"it in. Run the scanner in a terminal, or set {PASSPHRASE_ENV}. The scan "
                "was not added to the case file; the other reports you asked for were written.",
                "stdin is not a terminal",
            )
        ask = _default_ask
    if path.exists():
        return ask(f"Passphrase for {path}: ")
    from scanner.casefile.passphrase import WeakPassphrase, passphrase_strength

    console.print(
        "This creates a new encrypted case file. Choose a passphrase the other person "
        "cannot guess: a few words are easier to remember than a short password. If it "
        "is lost, the file cannot be opened."
    )
    for attempt in range(1, PASSPHRASE_TRIES + 1):
        first = ask("New passphrase: ")
        strong, why = passphrase_strength(first)
        if strong:
            break
        if attempt == PASSPHRASE_TRIES:
            raise WeakPassphrase(f"{why} The scan was not saved to the case file.")
        console.print(Text(f"{why} Please choose another."))
    if first != ask("Type it again: "):
        raise ReportError("The two passphrases were different. The scan was not saved.")
    return first


def save_to_case(
    path: Path, result: ScanResult, console: Console, ask: AskSecret | None = None
) -> CaseFile:
    """Add the scan to the case file, asking again (up to three times) for a wrong passphrase."""
    from scanner.casefile import save_scan

    for attempt in range(1, PASSPHRASE_TRIES + 1):
        secret = passphrase(path, console, ask)
        try:
            return save_scan(path, result, secret)
        except WrongPassphrase:
            if os.environ.get(PASSPHRASE_ENV) or attempt == PASSPHRASE_TRIES:
                raise
            console.print(Text(f"That passphrase does not open {path}. Please try again."))
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
    if args.capture:
        from scanner.offline import write_capture

        folder = write_capture(args.capture, result.capture, created_at=datetime.now(UTC))
        console.print(Text(f"Raw capture saved to {folder} (not encrypted: keep it safe)."))
    if args.json:
        report = json_report.render(result, demo=args.demo, say=_say(args))
        atomic_write(args.json, report.encode("utf-8"))
        console.print(Text(f"JSON report written to {args.json}"))
    if args.html:
        from scanner.report import html_report

        page = html_report.render(result, region=args.region, demo=args.demo, say=_say(args))
        atomic_write(args.html, page.encode("utf-8"))
        console.print(Text(f"HTML report written to {args.html}"))
    if args.evidence:
        from scanner.casefile import load_signing_key, write_evidence
        from scanner.cli.case_prompt import confirm_pack

        key = load_signing_key(args.evidence_key) if args.evidence_key else None
        details = confirm_pack(args, result, console, ask_line)
        if details is not None:
            say = _say(args)
            lang = say.lang if say is not None else "en"
            pack = write_evidence(args.evidence, result, signing_key=key, case=details, lang=lang)
            console.print(
                Text(
                    f"Evidence pack written to {pack.directory} (not encrypted: keep it safe). "
                    f"Chain head {pack.chain_head[:16]}..."
                )
            )
            held = sum(apk.data is not None for apk in result.evidence_apks)
            if result.evidence_apks:
                console.print(
                    Text(
                        f"It holds the files of {held} of the {len(result.evidence_apks)} apps "
                        "that matter; the pack's summary says why any other is not there."
                    )
                )
    if args.save:
        from scanner.casefile import history_for
        from scanner.parse.snapshot import build_snapshot
        from scanner.report import terminal

        case = save_to_case(args.save, result, console, ask)
        console.print(Text(f"Scan saved to the encrypted case file {args.save}."))
        if args.history and getattr(args, "discreet", False):
            # The changes name what was found: on a screen others can see, not shown.
            console.print(Text("The changes since earlier scans are kept in the case file."))
        elif args.history:
            from scanner.report.history_timeline import print_history_timeline, with_history

            diffs = history_for(case, build_snapshot)
            say = _say(args)
            terminal.render_history(diffs, console, say)
            print_history_timeline(diffs, console, say)
            if args.html:
                from scanner.report import html_report

                page = html_report.render(result, region=args.region, demo=args.demo, say=say)
                atomic_write(args.html, with_history(page, diffs, say).encode("utf-8"))
                console.print(Text(f"HTML report {args.html} now shows the changes across visits."))
