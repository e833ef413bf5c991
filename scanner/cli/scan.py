"""A scan from start to finish, as the person runs it: connect, read, report, write.

Live (USB or network), demo (the built-in simulated phone) and offline inputs (bug
report, androidqf, saved capture) all end in the same ``ScanResult`` and the same
reports. Ctrl-C keeps what was read: the reports asked for are written, marked
incomplete, and the exit code is 130.
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass, replace

from rich.console import Console
from rich.text import Text

from scanner.cli import outputs
from scanner.cli.console import setup_logging
from scanner.cli.exits import DATABASE_SOURCE, Exit, for_scan
from scanner.cli.quickexit import QuickExit
from scanner.cli.words import error_words, words_for
from scanner.device.connection import PhoneConnection, Timeouts
from scanner.device.keys import AdbSigner, ephemeral_signer, load_or_create_signer
from scanner.errors import NotConnected, ScannerError, SignatureDBError
from scanner.i18n import Catalogue
from scanner.model import ScanProblem, ScanResult
from scanner.phrases import of_error
from scanner.pipeline import scan_phone
from scanner.report import terminal
from scanner.sigdb import commands as sigdb
from scanner.sigdb.model import SignatureDB

logger = logging.getLogger(__name__)


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


def _auth_prompt(console: Console, say: Catalogue) -> None:
    console.print()
    console.print(
        Text.assemble((say.text("scan.auth_look"), "bold"), " ", say.text("scan.auth_steps"))
    )
    console.print(Text(say.text("scan.auth_waits")))
    console.print()


def _connect(args: argparse.Namespace, signer: AdbSigner, console: Console) -> PhoneConnection:
    timeouts = _timeouts(args)
    say = words_for(args)
    if args.serial:
        host, port = _parse_serial(args.serial)
        console.print(Text(say.text("scan.connecting", address=f"{host}:{port}")))
        return PhoneConnection.connect_tcp(
            host,
            port,
            signer,
            on_auth_prompt=lambda: _auth_prompt(console, say),
            timeouts=timeouts,
        )
    return _connect_usb(args, signer, console, timeouts)


def _connect_usb(
    args: argparse.Namespace, signer: AdbSigner, console: Console, timeouts: Timeouts
) -> PhoneConnection:
    """Wait for a phone on USB (hotplug where udev exists), naming each obstacle met."""
    from scanner.cli.obstacle_text import obstacle_text
    from scanner.cli.setup import step_printer
    from scanner.device.discovery import NoUsablePhone, SeveralPhones, wait_for_phone
    from scanner.device.obstacles import before_connect, obstacle_for_error
    from scanner.setup_guide import guide_for

    say = words_for(args)
    guide = guide_for(say.lang)
    console.print(Text(say.text("scan.waiting_usb")))
    try:
        phone = wait_for_phone(
            on_step=step_printer(console, guide),
            serial=args.usb_serial,
            # No interactive chooser: the quick-exit listener owns the keyboard. With
            # several phones, the obstacle says which serials to pass with --usb-serial.
            choose=None,
        )
    except (SeveralPhones, NoUsablePhone) as exc:
        raise NotConnected(obstacle_text(exc.obstacle, guide), detail=exc.detail) from exc
    for obstacle in before_connect(phone):
        console.print(Text(obstacle_text(obstacle, guide)))
    try:
        return PhoneConnection.connect_usb(
            signer,
            serial=phone.serial or args.usb_serial,
            on_auth_prompt=lambda: _auth_prompt(console, say),
            timeouts=timeouts,
        )
    except Exception as exc:  # libusb raises its own types; each known one has a fix
        known = obstacle_for_error(exc, phone)
        if known is None:
            raise
        raise NotConnected(obstacle_text(known, guide), detail=repr(exc)) from exc


def _run_live(args: argparse.Namespace, console: Console) -> ScanResult:
    database = load_database(console, discreet=args.discreet, say=words_for(args))
    signer = load_or_create_signer()
    connection = _connect(args, signer, console)
    try:
        return _scan(
            connection, console, database, signer, words_for(args), evidence=bool(args.evidence)
        )
    finally:
        connection.close()


def _run_offline(args: argparse.Namespace, console: Console) -> ScanResult:
    """Bug report, androidqf folder or saved capture: same checks as a live scan."""
    from datetime import UTC, datetime

    from scanner import offline

    say = words_for(args)
    database = load_database(console, discreet=args.discreet, say=say)
    started = datetime.now(UTC)
    if args.bugreport:
        console.print(Text(say.text("scan.reading_bugreport", path=args.bugreport)))
        source = offline.read_input("bugreport", args.bugreport)
    elif args.androidqf:
        console.print(Text(say.text("scan.reading_androidqf", path=args.androidqf)))
        source = offline.read_input("androidqf", args.androidqf)
    else:
        console.print(Text(say.text("scan.reading_capture", path=args.from_capture)))
        source = offline.read_input("capture", args.from_capture)
    # What a kind of input cannot hold (e.g. a bug report's launcher list) is named in
    # the report, not counted as a failure.
    result = offline.analyse_input(
        source, started, signatures=database.db, extra_problems=database.problems
    )
    if not args.evidence:
        return result
    from scanner.evidence_apks import OFFLINE_INPUT, choose, not_pulled_for

    return replace(result, evidence_apks=not_pulled_for(OFFLINE_INPUT, choose(result)))


def _run_demo(args: argparse.Namespace, console: Console) -> ScanResult:
    from scanner.simulator import SimulatedPhone, load_profile

    say = words_for(args)
    database = load_database(console, discreet=args.discreet, say=say)
    profile = load_profile(args.demo_profile)
    console.print(Text(say.text("scan.demo_start", name=profile.name)))
    with SimulatedPhone(profile) as phone:
        # A throwaway key: the demo writes nothing to disk.
        signer = ephemeral_signer()
        connection = PhoneConnection.connect_tcp(
            "127.0.0.1",
            phone.port,
            signer,
            # The simulated phone allows this computer by itself: nothing to look at.
            on_auth_prompt=lambda: None,
            timeouts=_timeouts(args),
        )
        try:
            scanned = _scan(
                connection, console, database, signer, say, evidence=bool(args.evidence)
            )
            return replace(scanned, demo=True)
        finally:
            connection.close()


@dataclass(frozen=True, slots=True)
class DatabaseChoice:
    """The signature database for this run, and why another one was refused (if so)."""

    db: SignatureDB | None
    problems: tuple[ScanProblem, ...] = ()


def _refused(exc: SignatureDBError) -> ScanProblem:
    said = of_error(exc)
    return ScanProblem(exc.message, DATABASE_SOURCE, exc.detail, words=said)


def load_database(
    console: Console, *, discreet: bool = False, say: Catalogue | None = None
) -> DatabaseChoice:
    """The user's database, else the shipped one; each refusal is named, never silent.

    ``discreet``: the screen says it in neutral words (the saved reports keep the full
    reason, from the ``ScanProblem``).
    """
    say = words_for() if say is None else say
    problems: tuple[ScanProblem, ...] = ()
    try:
        user = sigdb.load_user_db()
        if user is not None:
            return DatabaseChoice(user)
    except SignatureDBError as exc:
        console.print(
            Text(
                say.text("scan.user_db_refused_discreet")
                if discreet
                else say.text("scan.user_db_refused", reason=error_words(exc, say))
            )
        )
        problems = (_refused(exc),)
    try:
        db = sigdb.load_shipped_db()
    except SignatureDBError as exc:
        console.print(
            Text(
                say.text("scan.shipped_db_refused_discreet")
                if discreet
                else say.text("scan.shipped_db_refused", reason=error_words(exc, say))
            )
        )
        return DatabaseChoice(None, (*problems, _refused(exc)))
    if problems:
        console.print(
            Text(
                say.text("scan.shipped_db_instead_discreet")
                if discreet
                else say.text("scan.shipped_db_instead")
            )
        )
    return DatabaseChoice(db, problems)


def _scan(
    connection: PhoneConnection,
    console: Console,
    database: DatabaseChoice,
    signer: AdbSigner,
    say: Catalogue,
    *,
    evidence: bool = False,
) -> ScanResult:
    """Scan; with ``evidence``, also copy the whole APKs of the apps that matter."""
    with console.status(Text(say.text("scan.reading"))) as status:

        def progress(command: str, index: int, total: int) -> None:
            if command == "pull":
                status.update(Text(say.text("scan.reading_signers")))
            else:
                status.update(
                    Text(
                        say.text(
                            "scan.reading_step", step=say.number(index + 1), total=say.number(total)
                        )
                    )
                )

        result = scan_phone(
            connection,
            signatures=database.db,
            progress=progress,
            extra_problems=database.problems,
            # The phone's trusted computers are told apart from this one by this key.
            own_adb_key=signer.public_key_bytes.decode("utf-8", errors="replace"),
        )
        if not evidence:
            return result
        from scanner.evidence_apks import (
            STOPPED_BEFORE,
            STOPPED_WHILE,
            choose,
            not_pulled_for,
            pull_for_evidence,
        )

        choices = choose(result)
        if result.stopped_by_person:
            return replace(result, evidence_apks=not_pulled_for(STOPPED_BEFORE, choices))
        status.update(Text(say.text("evidence_files.copying")))
        try:
            with connection.sync_session() as files:
                copied = pull_for_evidence(files.pull, choices)
        except KeyboardInterrupt:
            copied = not_pulled_for(STOPPED_WHILE, choices)
        return replace(result, evidence_apks=copied)


def _list_checks(console: Console, say: Catalogue) -> int:
    from scanner.checks.registry import all_checks
    from scanner.phrases import render
    from scanner.report.sections import severity_heading

    for meta in all_checks():
        line = say.text(
            "check_names.list_row",
            id=f"{meta.id:<10}",
            name=render(meta.said_name(), say),
            level=severity_heading(say, meta.severity),
        )
        console.print(Text(line))
    return Exit.OK


def _usage(console: Console, message: str) -> int:
    console.print(Text(message))
    return Exit.USAGE


def _after_scan_steps(result: ScanResult, console: Console) -> None:
    """How to switch debugging back off on this maker's phone (an open port is a way in)."""
    from scanner.cli.setup import print_after_scan
    from scanner.setup_guide import default_guide

    device = result.snapshot.device
    try:
        guide = default_guide()
    except ScannerError:
        return  # the generic after-scan text in the report still stands
    vendor = guide.match_vendor(names=(device.manufacturer, device.brand, device.model))
    print_after_scan(console, vendor, guide)


def _offline(args: argparse.Namespace) -> bool:
    return bool(args.bugreport or args.androidqf or args.from_capture)


def _collect(args: argparse.Namespace, console: Console) -> ScanResult:
    if args.demo:
        return _run_demo(args, console)
    if _offline(args):
        return _run_offline(args, console)
    return _run_live(args, console)


def _view(args: argparse.Namespace) -> terminal.View:
    saved = bool(args.json or args.html or args.save or args.evidence)
    return terminal.View(details=args.details, discreet=args.discreet, demo=args.demo, saved=saved)


def run(args: argparse.Namespace, console: Console) -> int:
    """The scan subcommand (no subcommand given); returns the exit code."""
    setup_logging(args.debug)
    if args.list_checks:
        return _list_checks(console, words_for(args))
    say = words_for(args)
    if args.history and not args.save:
        return _usage(console, say.text("scan.history_needs_save"))
    if args.evidence_key and not args.evidence:
        return _usage(console, say.text("scan.key_needs_evidence"))
    from scanner.cli.case_prompt import any_given

    if any_given(args) and not args.evidence:
        return _usage(console, say.text("scan.case_needs_evidence"))
    if args.serial:
        try:
            _parse_serial(args.serial)
        except ValueError:
            return _usage(console, say.text("scan.serial_form", given=repr(args.serial)))
    from scanner.cli.prescan import before_scan
    from scanner.report.language import choose
    from scanner.report.texts import ReportTexts

    language = choose(getattr(args, "lang", None))
    args.report_language = language.say

    scan_done = False
    try:
        # Before any connection: the person accepts that the check can be seen.
        left = before_scan(args, console)
        if left is not None:
            return left
        with QuickExit() as keys:
            if keys.enabled:
                console.print(Text(say.text("scan.quick_exit")))
            result = _collect(args, console)
            texts = ReportTexts.load(language.code, args.region, say=language.say)
            if language.note:
                console.print(Text(language.note))
            terminal.render(result, console, texts, _view(args))
            if not (args.demo or _offline(args)) and not result.stopped_by_person:
                _after_scan_steps(result, console)
            scan_done = True
            ask = keys.ask_secret if keys.enabled else None
            outputs.write_outputs(args, result, console, ask, keys.ask_line if ask else None)
            if not result.stopped_by_person:
                keys.wait_for_close(say=say)
    except KeyboardInterrupt:
        # Ctrl-C outside the reading (connecting, or while writing): nothing more to keep.
        console.print()
        console.print(Text(say.text("scan.stopped_nothing_changed")))
        return Exit.STOPPED
    except ScannerError as exc:
        lead = say.text("scan.lead_finished" if scan_done else "scan.lead_stopped")
        console.print()
        console.print(Text.assemble((lead, "bold"), " ", error_words(exc, say)))
        if args.debug and exc.detail:
            console.print(Text(say.text("scan.detail", detail=exc.detail)))
        return exc.exit_code
    except OSError as exc:
        console.print()
        console.print(Text(say.text("scan.file_problem", problem=str(exc))))
        return Exit.FILE_PROBLEM
    except Exception as exc:  # a bug: say so plainly, never a traceback on screen
        logger.debug("internal error", exc_info=True)
        console.print()
        console.print(Text(say.text("scan.internal", name=type(exc).__name__)))
        return Exit.INTERNAL
    if result.stopped_by_person:
        console.print(
            Text(
                say.text("scan.stopped_kept_files")
                if args.json or args.html
                else say.text("scan.stopped_kept")
            )
        )
    if texts.problems:
        console.print(Text(say.text("scan.advice_unread", problems=" ".join(texts.problems))))
    return for_scan(result, advice_missing=bool(texts.problems))
