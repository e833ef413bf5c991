"""Command line: arguments, progress, exit codes. The only module that prints or exits.

Exit codes (documented in the README):
  0  scan finished and every command was read
  1  unexpected internal error
  2  wrong arguments
  3  no phone could be reached / USB unavailable
  4  the phone did not allow this computer (refused or not answered)
  5  the scan stopped early or some of it could not be read (report marked incomplete)
  6  output from the phone could not be understood at all
  7  the signature database was refused (missing, malformed, tampered, badly signed);
     the scan may still have run with the built-in one (the report says which)
  8  a report, guidance or case file could not be written or read
  9  a command outside the read-only list was stopped (a bug: please report it)
  130 stopped with Ctrl-C
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.text import Text

from scanner import TOOL_NAME, __version__
from scanner.device.connection import PhoneConnection, Timeouts
from scanner.device.keys import AdbSigner, ephemeral_signer, load_or_create_signer
from scanner.errors import (
    GuidanceError,
    NotConnected,
    ParseError,
    ReportError,
    ScannerError,
    SignatureDBError,
)
from scanner.model import ScanProblem, ScanResult
from scanner.pipeline import scan_phone
from scanner.quickexit import QuickExit, interactive, wait_for_close
from scanner.report import json_report, terminal
from scanner.report.texts import ReportTexts
from scanner.sigdb import commands as sigdb
from scanner.sigdb.model import SignatureDB

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 5
EXIT_INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scan.py",
        description="Phone check: look for stalkerware and risky settings on an Android "
        "phone. It only reads; it never changes the phone.",
    )
    parser.add_argument("--version", action="version", version=f"{TOOL_NAME} {__version__}")
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--serial",
        metavar="HOST:PORT",
        help="scan a phone over the network (wireless debugging) or a simulated phone",
    )
    source.add_argument(
        "--demo",
        action="store_true",
        help="scan the built-in simulated phone (nothing real is touched)",
    )
    source.add_argument("--usb-serial", metavar="SERIAL", help="pick one USB phone by serial")
    source.add_argument(
        "--bugreport",
        metavar="FILE",
        type=Path,
        help="scan an Android bug report (.zip or .txt) instead of a connected phone",
    )
    source.add_argument(
        "--androidqf", metavar="DIR", type=Path, help="scan a folder collected by androidqf"
    )
    source.add_argument(
        "--from-capture",
        metavar="DIR",
        type=Path,
        help="scan a capture saved earlier with --capture",
    )
    parser.add_argument(
        "--capture",
        metavar="DIR",
        type=Path,
        help="also save the raw outputs read from the phone, with hashes, to a new folder "
        "(to scan again later or replay as a simulated phone)",
    )
    parser.add_argument("--json", metavar="PATH", type=Path, help="write the JSON report here")
    parser.add_argument(
        "--html", metavar="PATH", type=Path, help="write a printable HTML report here"
    )
    parser.add_argument(
        "--save",
        metavar="CASEFILE",
        type=Path,
        help="add this scan to an encrypted case file (asks for a passphrase)",
    )
    parser.add_argument(
        "--evidence",
        metavar="DIR",
        type=Path,
        help="write an evidence pack (report, raw outputs, hashes) to a new folder; "
        "it is NOT encrypted",
    )
    parser.add_argument(
        "--evidence-key",
        metavar="KEYFILE",
        type=Path,
        help="sign the evidence pack with this Ed25519 key (see 'scan.py keygen')",
    )
    parser.add_argument(
        "--history",
        action="store_true",
        help="with --save: show what changed since earlier scans of this phone",
    )
    parser.add_argument(
        "--demo-profile",
        default="infected",
        metavar="NAME_OR_DIR",
        help="simulated phone used by --demo (default: infected)",
    )
    parser.add_argument(
        "--auth-timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="how long to wait for 'Allow' on the phone (default 60)",
    )
    parser.add_argument(
        "--command-timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="give up on one command after this long without an answer (default 60); "
        "the scan goes on with the rest",
    )
    parser.add_argument("--debug", action="store_true", help="show technical details")
    parser.add_argument(
        "--list-checks", action="store_true", help="list every check and exit (no phone needed)"
    )
    return parser


def _console() -> Console:
    return Console(stderr=False, highlight=False, no_color=bool(os.environ.get("NO_COLOR")))


def _setup_logging(debug: bool, console: Console) -> None:
    handler = RichHandler(console=Console(stderr=True), show_path=False)
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, handlers=[handler])


def _timeouts(args: argparse.Namespace) -> Timeouts:
    limit = max(args.command_timeout, 0.5)
    return Timeouts(
        auth_s=args.auth_timeout,
        transport_s=min(limit, 10.0),
        read_s=limit,
        command_s=3 * limit,
    )


def _parse_serial(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(value)
    return host.strip("[]"), int(port)


def _auth_prompt(console: Console) -> None:
    console.print(
        "\n[bold]Look at the phone now.[/bold] Unlock it. A message asks "
        '"Allow USB debugging?". Tap [bold]Allow[/bold].\n'
        "The scanner waits for you. It does not change anything on the phone.\n"
    )


def _connect(args: argparse.Namespace, signer: AdbSigner, console: Console) -> PhoneConnection:
    timeouts = _timeouts(args)
    if args.serial:
        host, port = _parse_serial(args.serial)
        console.print(f"Connecting to the phone at {host}:{port}...")
        return PhoneConnection.connect_tcp(
            host, port, signer, on_auth_prompt=lambda: _auth_prompt(console), timeouts=timeouts
        )
    return _connect_usb(args, signer, console, timeouts)


def _connect_usb(
    args: argparse.Namespace, signer: AdbSigner, console: Console, timeouts: Timeouts
) -> PhoneConnection:
    """Wait for a phone on USB (hotplug where udev exists), naming each obstacle met."""
    from scanner.cli_setup import step_printer
    from scanner.device.discovery import wait_for_phone
    from scanner.device.obstacles import before_connect, obstacle_for_error

    console.print("Waiting for a phone on USB. Plug it in and unlock it. (Ctrl-C to stop.)")
    phone = wait_for_phone(
        on_step=step_printer(console),
        serial=args.usb_serial,
        # No interactive chooser: the quick-exit listener owns the keyboard. With several
        # phones, SeveralPhones says which serials to pass with --usb-serial.
        choose=None,
    )
    for obstacle in before_connect(phone):
        console.print(Text(obstacle.as_text()))
    try:
        return PhoneConnection.connect_usb(
            signer,
            serial=phone.serial or args.usb_serial,
            on_auth_prompt=lambda: _auth_prompt(console),
            timeouts=timeouts,
        )
    except Exception as exc:  # libusb raises its own types; each known one has a fix
        obstacle = obstacle_for_error(exc, phone)
        if obstacle is None:
            raise
        raise NotConnected(obstacle.as_text(), detail=repr(exc)) from exc


def _run_live(args: argparse.Namespace, console: Console) -> ScanResult:
    database = load_database(console)
    signer = load_or_create_signer()
    connection = _connect(args, signer, console)
    try:
        return _scan(connection, console, database)
    finally:
        connection.close()


def _run_offline(args: argparse.Namespace, console: Console) -> ScanResult:
    """Bug report, androidqf folder or saved capture: same checks as a live scan."""
    from datetime import UTC, datetime

    from scanner import offline
    from scanner.pipeline import analyse

    database = load_database(console)
    started = datetime.now(UTC)
    if args.bugreport:
        console.print(Text(f"Reading the bug report {args.bugreport}..."))
        capture = offline.load_bugreport(args.bugreport)
    elif args.androidqf:
        console.print(Text(f"Reading the androidqf folder {args.androidqf}..."))
        capture = offline.load_androidqf(args.androidqf)
    else:
        console.print(Text(f"Reading the saved capture {args.from_capture}..."))
        capture = offline.load_capture(args.from_capture)
    # What an offline input cannot contain (e.g. the launcher query) is listed as not read.
    return analyse(capture, started, signatures=database.db, extra_problems=database.problems)


def _run_demo(args: argparse.Namespace, console: Console) -> ScanResult:
    from scanner.simulator import SimulatedPhone, load_profile

    database = load_database(console)
    profile = load_profile(args.demo_profile)
    console.print(f"Demo: scanning the simulated phone '{profile.name}'. No real phone is touched.")
    with SimulatedPhone(profile) as phone:
        # A throwaway key: the demo writes nothing to disk.
        connection = PhoneConnection.connect_tcp(
            "127.0.0.1",
            phone.port,
            ephemeral_signer(),
            on_auth_prompt=lambda: _auth_prompt(console),
            timeouts=_timeouts(args),
        )
        try:
            return _scan(connection, console, database)
        finally:
            connection.close()


class DatabaseChoice:
    """The signature database for this run, and why another one was refused (if so)."""

    def __init__(self, db: SignatureDB | None, problems: tuple[ScanProblem, ...]) -> None:
        self.db = db
        self.problems = problems


def load_database(console: Console) -> DatabaseChoice:
    """The active database; a refused one is named, and the built-in one used instead."""
    try:
        return DatabaseChoice(sigdb.load_active_db(), ())
    except SignatureDBError as exc:
        console.print(Text("The stalkerware database was refused. " + exc.message))
        refused = ScanProblem(message=exc.message, source="signature database", detail=exc.detail)
    try:
        db = sigdb.load_shipped_db()
        console.print("The scan uses the database that came with the scanner instead.")
        return DatabaseChoice(db, (refused,))
    except SignatureDBError as exc:
        console.print(
            Text(
                "The built-in database was refused too: "
                + exc.message
                + " Known stalkerware cannot be recognised by name in this scan; "
                "behaviour checks still run."
            )
        )
        second = ScanProblem(message=exc.message, source="signature database", detail=exc.detail)
        return DatabaseChoice(None, (refused, second))


def _scan(connection: PhoneConnection, console: Console, database: DatabaseChoice) -> ScanResult:
    with console.status("Reading the phone (this only reads, it changes nothing)...") as status:

        def progress(command: str, index: int, total: int) -> None:
            if command == "pull":
                status.update("Checking who made the apps that did not come from an app store")
            else:
                status.update(f"Reading the phone: step {index + 1} of {total}")

        return scan_phone(
            connection,
            signatures=database.db,
            progress=progress,
            extra_problems=database.problems,
        )


PASSPHRASE_ENV = "PHONE_CHECK_PASSPHRASE"  # noqa: S105 - a variable name, not a secret


def _passphrase(path: Path, console: Console) -> str:
    """Ask for the case file's passphrase (or read it from the environment, for scripts)."""
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    import getpass

    if path.exists():
        return getpass.getpass(f"Passphrase for {path}: ")
    console.print(
        "This creates a new encrypted case file. Choose a passphrase the other person "
        "cannot guess. If it is lost, the file cannot be opened."
    )
    first = getpass.getpass("New passphrase: ")
    if first != getpass.getpass("Type it again: "):
        raise ReportError("The two passphrases were different. Nothing was saved.")
    return first


def _after_scan_steps(result: ScanResult, console: Console) -> None:
    """How to switch debugging back off on this maker's phone (an open port is a way in)."""
    from scanner.cli_setup import print_after_scan
    from scanner.setup_guide import default_guide

    device = result.snapshot.device
    try:
        guide = default_guide()
    except ScannerError:
        return  # the generic after-scan text in the report still stands
    vendor = guide.match_vendor(names=(device.manufacturer, device.brand, device.model))
    print_after_scan(console, vendor, guide)


def _write_outputs(args: argparse.Namespace, result: ScanResult, console: Console) -> None:
    if args.capture:
        from datetime import UTC, datetime

        from scanner.offline import write_capture

        folder = write_capture(args.capture, result.capture, created_at=datetime.now(UTC))
        console.print(Text(f"Raw capture saved to {folder} (not encrypted: keep it safe)."))
    if args.json:
        _atomic_write(args.json, json_report.render(result).encode("utf-8"))
        console.print(Text(f"JSON report written to {args.json}"))
    if args.html:
        from scanner.report import html_report

        _atomic_write(args.html, html_report.render(result).encode("utf-8"))
        console.print(Text(f"HTML report written to {args.html}"))
    if args.evidence:
        from scanner.casefile import load_signing_key, write_evidence

        key = load_signing_key(args.evidence_key) if args.evidence_key else None
        pack = write_evidence(args.evidence, result, signing_key=key)
        console.print(
            Text(
                f"Evidence pack written to {pack.directory} (not encrypted: keep it safe). "
                f"Chain head {pack.chain_head[:16]}..."
            )
        )
    if args.save:
        from scanner.casefile import history_for, save_scan

        case = save_scan(args.save, result, _passphrase(args.save, console))
        console.print(Text(f"Scan saved to the encrypted case file {args.save}."))
        if args.history:
            from scanner.parse.snapshot import build_snapshot

            terminal.render_history(history_for(case, build_snapshot), console)


def _atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, so a failure leaves no half file."""
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=path.parent or Path("."), prefix=".phone-check-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _capture_to_profile(argv: Sequence[str], console: Console) -> int:
    parser = argparse.ArgumentParser(
        prog="scan.py capture-to-profile",
        description="Turn a saved capture into a simulated-phone profile folder.",
    )
    parser.add_argument("capture", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    from scanner.offline import capture_to_profile

    try:
        folder = capture_to_profile(args.capture, args.out)
    except ScannerError as exc:
        console.print(Text(exc.message))
        return exc.exit_code
    console.print(
        Text(f"Profile written to {folder}. Run: python -m scanner.simulator --profile {folder}")
    )
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    console = _console()
    if argv[:1] == ["signatures"]:
        from scanner import cli_signatures

        return cli_signatures.main(argv[1:], console)
    if argv[:1] == ["setup"]:
        from scanner import cli_setup

        return cli_setup.main(argv[1:], console)
    if argv[:1] == ["capture-to-profile"]:
        return _capture_to_profile(argv[1:], console)
    parser = build_parser()
    args = parser.parse_args(argv)
    _setup_logging(args.debug, console)
    if args.list_checks:
        from scanner.checks.registry import all_checks

        for meta in all_checks():
            console.print(Text(f"{meta.id:10} {meta.severity.value:12} {meta.title}"))
        return EXIT_OK
    if args.history and not args.save:
        parser.print_usage(sys.stderr)
        console.print("--history needs --save CASEFILE (history is kept in the case file).")
        return EXIT_USAGE
    if args.serial:
        try:
            _parse_serial(args.serial)
        except ValueError:
            parser.print_usage(sys.stderr)
            console.print(f"--serial must look like 192.168.1.20:5555, not {args.serial!r}")
            return EXIT_USAGE
    scan_done = False
    try:
        with QuickExit():
            if interactive():
                console.print("Quick exit: press Q at any time to clear the screen and close.")
            if args.demo:
                result = _run_demo(args, console)
            elif args.bugreport or args.androidqf or args.from_capture:
                result = _run_offline(args, console)
            else:
                result = _run_live(args, console)
            texts = ReportTexts.load()
            terminal.render(result, console, texts)
            if not (args.demo or args.bugreport or args.androidqf or args.from_capture):
                _after_scan_steps(result, console)
        scan_done = True
        _write_outputs(args, result, console)
        wait_for_close()
    except KeyboardInterrupt:
        console.print("\nStopped. Nothing was changed on the phone.")
        return EXIT_INTERRUPTED
    except ScannerError as exc:
        lead = "The scan finished, but" if scan_done else "The scan could not go on."
        console.print(f"\n[bold]{lead}[/bold] {escape(exc.message)}")
        if args.debug and exc.detail:
            console.print(f"Detail: {exc.detail}", markup=False)
        return exc.exit_code
    except OSError as exc:
        console.print(f"\nA file could not be written: {exc}", markup=False)
        return 8
    if any(p.source == "signature database" for p in result.problems):
        # The scan ran, but not with the database that was asked for: say so in the code.
        return SignatureDBError.exit_code
    if texts.problems:
        # The reports were written with the code's own safety words, not the advice texts.
        console.print(Text("The advice texts could not be read: " + " ".join(texts.problems)))
        return GuidanceError.exit_code
    if result.complete:
        return EXIT_OK
    if all(p.not_understood for p in result.problems):
        return ParseError.exit_code  # everything arrived; some of it was not understood
    return EXIT_INCOMPLETE
