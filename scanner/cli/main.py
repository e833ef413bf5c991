"""Arguments and dispatch: ``phone-check [options]`` scans; subcommands do the rest.

Kept light on imports so ``--help`` and ``--version`` answer at once; each subcommand
imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from scanner import TOOL_NAME, __version__
from scanner.cli.exits import Exit

# The region names, without loading the report code (--help answers at once).
REGIONS = ("uk", "england", "scotland", "wales", "northern-ireland", "outside-uk")

PROG = TOOL_NAME


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake returns the documented code instead of raising SystemExit(2)
    from deep inside, so tests and callers see the code."""

    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse's own words stay English; the pointer to --help is the reader's.
        # Only a mistake loads the catalogue, so --help and --version stay light.
        from scanner.cli.words import words_for

        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: {message}\n")
        sys.stderr.write(words_for().text("commands.try_help", command=f"{PROG} --help") + "\n")
        raise SystemExit(Exit.USAGE)


def _scan_options(parser: argparse.ArgumentParser) -> None:
    source = parser.add_argument_group("what to scan (one of these; default: a phone on USB)")
    choice = source.add_mutually_exclusive_group()
    choice.add_argument(
        "--serial",
        metavar="HOST:PORT",
        help="scan a phone over the network (wireless debugging) or a simulated phone",
    )
    choice.add_argument("--usb-serial", metavar="SERIAL", help="pick one USB phone by serial")
    choice.add_argument(
        "--demo",
        action="store_true",
        help="scan the built-in simulated phone (nothing real is touched)",
    )
    choice.add_argument(
        "--bugreport",
        metavar="FILE",
        type=Path,
        help="scan an Android bug report (.zip or .txt) instead of a connected phone",
    )
    choice.add_argument(
        "--androidqf", metavar="DIR", type=Path, help="scan a folder collected by androidqf"
    )
    choice.add_argument(
        "--from-capture", metavar="DIR", type=Path, help="scan a capture saved with --capture"
    )
    source.add_argument(
        "--demo-profile",
        default="infected",
        metavar="NAME_OR_DIR",
        help="simulated phone used by --demo: infected (default), clean, or a profile folder",
    )

    out = parser.add_argument_group("what to write (nothing is written unless you ask)")
    out.add_argument("--json", metavar="PATH", type=Path, help="write the JSON report here")
    out.add_argument("--html", metavar="PATH", type=Path, help="write a printable HTML report")
    out.add_argument(
        "--save",
        metavar="CASEFILE",
        type=Path,
        help="add this scan to an encrypted case file (asks for a passphrase)",
    )
    out.add_argument(
        "--history",
        action="store_true",
        help="with --save: show what changed since earlier scans of this phone",
    )
    out.add_argument(
        "--evidence",
        metavar="DIR",
        type=Path,
        help="write an evidence pack (report, raw outputs, hashes) to a new folder; "
        "it is NOT encrypted",
    )
    out.add_argument(
        "--evidence-key",
        metavar="KEYFILE",
        type=Path,
        help=f"sign the evidence pack with this Ed25519 key (make one with "
        f"'{PROG} evidence keygen KEYFILE')",
    )
    case = parser.add_argument_group(
        "case details for the evidence pack (with --evidence; asked for in a terminal)"
    )
    case.add_argument("--examiner", metavar="NAME", help="who examined the phone")
    case.add_argument("--organisation", metavar="NAME", help="the examiner's organisation")
    case.add_argument("--case-ref", dest="reference", metavar="REF", help="the case reference")
    case.add_argument("--place", metavar="PLACE", help="where the phone was examined")
    case.add_argument("--present", metavar="NAMES", help="who was present")
    case.add_argument(
        "--consent",
        metavar="TEXT",
        help="what the survivor agreed may be recorded, in their words",
    )
    out.add_argument(
        "--capture",
        metavar="DIR",
        type=Path,
        help="also save the raw outputs read from the phone, with hashes, to a new folder "
        "(to scan again later or replay as a simulated phone)",
    )

    show = parser.add_argument_group("what the screen shows")
    show.add_argument(
        "--details",
        action="store_true",
        help="show every finding's evidence, the full advice and every helpline",
    )
    show.add_argument(
        "--region",
        default="uk",
        choices=REGIONS,
        help="show the helplines for where you are: uk (default, all four nations), "
        "england, scotland, wales, northern-ireland or outside-uk",
    )
    show.add_argument(
        "--lang",
        metavar="CODE",
        help="the language of the reports, e.g. pl, ro, ar, ur, bn (default: this "
        "computer's language setting, else English)",
    )
    show.add_argument(
        "--discreet",
        action="store_true",
        help="for a screen others can see: a short, neutral summary only "
        "(saved reports keep the full words)",
    )

    tune = parser.add_argument_group("how to scan")
    tune.add_argument(
        "--auth-timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="how long to wait for 'Allow' on the phone (default 60)",
    )
    tune.add_argument(
        "--command-timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="give up on one command after this long without an answer (default 60); "
        "the scan goes on with the rest",
    )
    tune.add_argument(
        "--yes",
        action="store_true",
        help="show the 'before the check' note without waiting for Enter "
        "(for people who have read it)",
    )
    tune.add_argument("--debug", action="store_true", help="show technical details")
    tune.add_argument(
        "--list-checks", action="store_true", help="list every check and exit (no phone needed)"
    )


def _setup_command(sub: argparse._SubParsersAction[_Parser]) -> None:
    setup = sub.add_parser(
        "setup",
        help="how to turn on USB debugging, step by step (nothing is sent to the phone)",
        description="Show how to turn on USB debugging, step by step, and how to turn it "
        "back off after the check. Nothing is sent to the phone.",
    )
    setup.add_argument(
        "--vendor",
        metavar="NAME",
        help="the phone's maker: samsung, pixel, xiaomi (redmi, poco), motorola, "
        "oneplus (oppo, realme), huawei (honor) or generic",
    )
    setup.add_argument("--after", action="store_true", help="show only how to turn things back off")
    setup.add_argument(
        "--udev-rule",
        action="store_true",
        help="print the Linux udev rule that lets you use the phone without sudo",
    )


def _signatures_command(sub: argparse._SubParsersAction[_Parser]) -> None:
    sigs = sub.add_parser(
        "signatures",
        help="show, update, import, sign or trust the stalkerware database",
        description="Manage the stalkerware signature database.",
    )
    actions = sigs.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("show", help="show the database in use")
    actions.add_parser(
        "update",
        help="download Echap's current indicator set (uses the internet; never during a scan)",
    )
    imp = actions.add_parser(
        "import",
        help="import a signed bundle, an Echap ioc.yaml/watchware.yaml/samples.csv, "
        "a STIX 2 bundle or a phone-check database",
    )
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--unsigned",
        action="store_true",
        help="accept a file that is not signed by a trusted organisation",
    )
    sign = actions.add_parser("sign", help="sign a database file into a bundle (organisations)")
    sign.add_argument("database", type=Path)
    sign.add_argument("key", type=Path, help="Ed25519 private key (from 'signatures keygen')")
    sign.add_argument("out", type=Path)
    trust = actions.add_parser("trust", help="trust an organisation's public key for bundles")
    trust.add_argument("public_key", type=Path)
    keygen = actions.add_parser("keygen", help="make a signing key pair for an organisation")
    keygen.add_argument("directory", type=Path)


def _evidence_command(sub: argparse._SubParsersAction[_Parser]) -> None:
    evidence = sub.add_parser(
        "evidence",
        help="check an evidence pack, record its handover, or make a signing key",
        description="Work with evidence packs written by --evidence.",
    )
    actions = evidence.add_subparsers(dest="action", required=True, metavar="ACTION")
    verify = actions.add_parser(
        "verify",
        help="check a pack's files, hash chain, signature and handover records",
        description="Check an evidence pack and say, in plain words, what holds. A signed "
        "pack passes only with the signer's public key (--key) or a folder of trusted keys.",
    )
    verify.add_argument("directory", type=Path, help="the evidence pack folder")
    verify.add_argument("--key", type=Path, metavar="PUBKEY", help="the signer's public key")
    verify.add_argument(
        "--trusted-keys",
        type=Path,
        metavar="DIR",
        help="a folder of public keys (*.pub) you trust to sign packs",
    )
    handover = actions.add_parser(
        "handover",
        help="record who received the pack, without breaking its chain",
    )
    handover.add_argument("directory", type=Path, help="the evidence pack folder")
    handover.add_argument("--to", required=True, metavar="NAME", help="who received it")
    handover.add_argument("--note", default="", help="anything else to record (optional)")
    handover.add_argument(
        "--when",
        metavar="YYYY-MM-DDTHH:MM",
        help="when it was handed over, UTC (default: now)",
    )
    keygen = actions.add_parser(
        "keygen", help="make an Ed25519 key pair to sign evidence packs with --evidence-key"
    )
    keygen.add_argument(
        "key", type=Path, help="file for the private key (the public key goes beside it, .pub)"
    )


def _capture_command(sub: argparse._SubParsersAction[_Parser]) -> None:
    capture = sub.add_parser(
        "capture-to-profile",
        help="turn a saved capture into a simulated-phone profile",
        description="Turn a capture saved with --capture into a simulated-phone profile "
        "folder (for training and tests).",
    )
    capture.add_argument("capture", type=Path, help="the capture folder")
    capture.add_argument("out", type=Path, help="a new folder for the profile")


def _forget_command(sub: argparse._SubParsersAction[_Parser]) -> None:
    forget = sub.add_parser(
        "forget",
        help="take away what the tool keeps on this computer (key, databases, settings), "
        "and say what it cannot reach",
        description="Take away the connection key, the downloaded or imported databases, "
        "caches and settings this tool keeps on this computer. Case files are evidence: "
        "they are kept unless you name them. Then it says what it cannot reach (shell "
        "history, the udev rule, the program, the phone's memory of this computer) and how.",
    )
    forget.add_argument("--yes", action="store_true", help="do not ask before taking things away")
    forget.add_argument(
        "--case-file",
        action="append",
        type=Path,
        metavar="CASEFILE",
        help="also take away this case file (it is evidence: only if you are sure); "
        "may be given more than once",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Phone check: look for stalkerware and risky settings on an Android "
        "phone. It only reads; it never changes the phone. Run with no subcommand to scan.",
        epilog=f"Examples: '{PROG} --demo' scans the built-in simulated phone; "
        f"'{PROG} setup' shows how to get a phone ready.",
    )
    parser.add_argument("--version", action="version", version=f"{TOOL_NAME} {__version__}")
    _scan_options(parser)
    sub = parser.add_subparsers(
        dest="command",
        title="subcommands",
        metavar="SUBCOMMAND",
        parser_class=_Parser,
    )
    _setup_command(sub)
    _signatures_command(sub)
    _evidence_command(sub)
    _capture_command(sub)
    _forget_command(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (see ``scanner.cli.exits``)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(arguments)
    except SystemExit as exc:  # --help, --version, or a usage error already printed
        return exc.code if isinstance(exc.code, int) else Exit.USAGE
    from scanner.cli import console as consoles

    console = consoles.stdout_console()
    if args.command == "setup":
        from scanner.cli import setup

        return setup.run(args, console)
    if args.command == "signatures":
        from scanner.cli import signatures

        return signatures.run(args, console)
    if args.command == "evidence":
        from scanner.cli import evidence

        return evidence.run(args, console)
    if args.command == "forget":
        from scanner.cli import forget

        return forget.run(args, console)
    if args.command == "capture-to-profile":
        from scanner.cli import capture

        return capture.run(args, console)
    from scanner.cli import scan

    return scan.run(args, console)
