"""Arguments and dispatch: ``phone-check [options]`` scans; subcommands do the rest.

Kept light on imports so ``--help`` and ``--version`` answer at once; each subcommand
imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeAlias

from scanner import TOOL_NAME, __version__
from scanner.cli.exits import Exit
from scanner.cli.help_words import HelpWords, help_words
from scanner.language_choice import ENGLISH

# The region names, without loading the report code (--help answers at once).
REGIONS = ("uk", "england", "scotland", "wales", "northern-ireland", "outside-uk")

PROG = TOOL_NAME


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake returns the documented code instead of raising SystemExit(2)
    from deep inside, so tests and callers see the code, and is said in the reader's
    language (``lang``: the one ``--help`` uses)."""

    def __init__(self, *args: Any, lang: str = ENGLISH, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lang = lang

    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse's English sentence is recognised and said again with its facts; only a
        # mistake reads usage_errors.yaml, the way --help reads help.yaml (no catalogues).
        from scanner.cli.help_words import group_words
        from scanner.cli.usage_errors import GROUP, TRY_HELP, understand

        said = understand(message)
        words = group_words(GROUP, self.lang)
        self.print_usage(sys.stderr)
        # A file that cannot be read leaves a text blank: argparse's own words then.
        sentence = words.text(said.key, **dict(said.values)) or message
        sys.stderr.write(f"{self.prog}: {sentence}\n")
        pointer = words.text(TRY_HELP, command=f"{PROG} --help") or f"{PROG} --help"
        sys.stderr.write(pointer + "\n")
        raise SystemExit(Exit.USAGE)


class _Formatter(argparse.HelpFormatter):
    """argparse's layout with the reader's word before the usage line."""

    usage_prefix = "usage: "

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        # argparse passes "" when it builds a subcommand's name: keep that as it is.
        super().add_usage(usage, actions, groups, self.usage_prefix if prefix is None else prefix)


def _formatter(h: HelpWords) -> type[_Formatter]:
    return type("Formatter", (_Formatter,), {"usage_prefix": h.text("help.usage_prefix")})


def _own_help(parser: argparse.ArgumentParser, h: HelpWords) -> argparse.ArgumentParser:
    """argparse's own headings and -h in the reader's language (the option names stay)."""
    parser._optionals.title = h.text("help.options")
    parser._positionals.title = h.text("help.positionals")
    parser.add_argument("-h", "--help", action="help", help=h.text("help.help"))
    return parser


def _scan_options(parser: argparse.ArgumentParser, h: HelpWords) -> None:
    source = parser.add_argument_group(h.text("help.group_source"))
    choice = source.add_mutually_exclusive_group()
    choice.add_argument("--serial", metavar="HOST:PORT", help=h.text("help.serial"))
    choice.add_argument("--usb-serial", metavar="SERIAL", help=h.text("help.usb_serial"))
    choice.add_argument("--demo", action="store_true", help=h.text("help.demo"))
    choice.add_argument("--bugreport", metavar="FILE", type=Path, help=h.text("help.bugreport"))
    choice.add_argument("--androidqf", metavar="DIR", type=Path, help=h.text("help.androidqf"))
    choice.add_argument(
        "--from-capture", metavar="DIR", type=Path, help=h.text("help.from_capture")
    )
    source.add_argument(
        "--demo-profile",
        default="infected",
        metavar="NAME_OR_DIR",
        help=h.text("help.demo_profile"),
    )

    out = parser.add_argument_group(h.text("help.group_output"))
    out.add_argument("--json", metavar="PATH", type=Path, help=h.text("help.json"))
    out.add_argument("--html", metavar="PATH", type=Path, help=h.text("help.html"))
    out.add_argument("--save", metavar="CASEFILE", type=Path, help=h.text("help.save"))
    out.add_argument("--history", action="store_true", help=h.text("help.history"))
    out.add_argument("--evidence", metavar="DIR", type=Path, help=h.text("help.evidence"))
    out.add_argument(
        "--evidence-key",
        metavar="KEYFILE",
        type=Path,
        help=h.text("help.evidence_key", command=f"{PROG} evidence keygen KEYFILE"),
    )
    case = parser.add_argument_group(h.text("help.group_case"))
    case.add_argument("--examiner", metavar="NAME", help=h.text("help.examiner"))
    case.add_argument("--organisation", metavar="NAME", help=h.text("help.organisation"))
    case.add_argument("--case-ref", dest="reference", metavar="REF", help=h.text("help.case_ref"))
    case.add_argument("--place", metavar="PLACE", help=h.text("help.place"))
    case.add_argument("--present", metavar="NAMES", help=h.text("help.present"))
    case.add_argument("--consent", metavar="TEXT", help=h.text("help.consent"))
    out.add_argument("--capture", metavar="DIR", type=Path, help=h.text("help.capture"))

    show = parser.add_argument_group(h.text("help.group_screen"))
    show.add_argument("--details", action="store_true", help=h.text("help.details"))
    show.add_argument("--region", default="uk", choices=REGIONS, help=h.text("help.region"))
    show.add_argument("--lang", metavar="CODE", help=h.text("help.lang"))
    show.add_argument("--discreet", action="store_true", help=h.text("help.discreet"))

    tune = parser.add_argument_group(h.text("help.group_scan"))
    tune.add_argument(
        "--auth-timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help=h.text("help.auth_timeout"),
    )
    tune.add_argument(
        "--command-timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help=h.text("help.command_timeout"),
    )
    tune.add_argument("--yes", action="store_true", help=h.text("help.confirm_note"))
    tune.add_argument("--debug", action="store_true", help=h.text("help.debug"))
    tune.add_argument("--list-checks", action="store_true", help=h.text("help.list_checks"))


Subcommands: TypeAlias = "argparse._SubParsersAction[Any]"
"""Where subcommands (or their actions) are added, whatever parser holds them."""


def _command(
    sub: Subcommands, h: HelpWords, name: str, help: str, description: str | None = None
) -> argparse.ArgumentParser:
    return _own_help(
        sub.add_parser(
            name,
            help=help,
            description=description,
            add_help=False,
            formatter_class=_formatter(h),
            lang=h.lang,
        ),
        h,
    )


def _setup_command(sub: Subcommands, h: HelpWords) -> None:
    setup = _command(sub, h, "setup", h.text("help.setup"), h.text("help.setup_description"))
    setup.add_argument("--vendor", metavar="NAME", help=h.text("help.setup_vendor"))
    setup.add_argument("--after", action="store_true", help=h.text("help.setup_after"))
    setup.add_argument("--udev-rule", action="store_true", help=h.text("help.setup_udev_rule"))


def _signatures_command(sub: Subcommands, h: HelpWords) -> None:
    sigs = _command(
        sub, h, "signatures", h.text("help.signatures"), h.text("help.signatures_description")
    )
    actions = sigs.add_subparsers(dest="action", required=True, metavar="ACTION")
    _command(actions, h, "show", h.text("help.signatures_show"))
    _command(actions, h, "update", h.text("help.signatures_update"))
    imp = _command(actions, h, "import", h.text("help.signatures_import"))
    imp.add_argument("file", type=Path)
    imp.add_argument("--unsigned", action="store_true", help=h.text("help.signatures_unsigned"))
    sign = _command(actions, h, "sign", h.text("help.signatures_sign"))
    sign.add_argument("database", type=Path)
    sign.add_argument("key", type=Path, help=h.text("help.signatures_sign_key"))
    sign.add_argument("out", type=Path)
    trust = _command(actions, h, "trust", h.text("help.signatures_trust"))
    trust.add_argument("public_key", type=Path)
    keygen = _command(actions, h, "keygen", h.text("help.signatures_keygen"))
    keygen.add_argument("directory", type=Path)


def _evidence_command(sub: Subcommands, h: HelpWords) -> None:
    evidence = _command(
        sub, h, "evidence", h.text("help.evidence_command"), h.text("help.evidence_description")
    )
    actions = evidence.add_subparsers(dest="action", required=True, metavar="ACTION")
    verify = _command(
        actions, h, "verify", h.text("help.verify"), h.text("help.verify_description")
    )
    verify.add_argument("directory", type=Path, help=h.text("help.pack_folder"))
    verify.add_argument("--key", type=Path, metavar="PUBKEY", help=h.text("help.verify_key"))
    verify.add_argument(
        "--trusted-keys", type=Path, metavar="DIR", help=h.text("help.verify_trusted_keys")
    )
    handover = _command(actions, h, "handover", h.text("help.handover"))
    handover.add_argument("directory", type=Path, help=h.text("help.pack_folder"))
    handover.add_argument("--to", required=True, metavar="NAME", help=h.text("help.handover_to"))
    handover.add_argument("--note", default="", help=h.text("help.handover_note"))
    handover.add_argument("--when", metavar="YYYY-MM-DDTHH:MM", help=h.text("help.handover_when"))
    keygen = _command(actions, h, "keygen", h.text("help.evidence_keygen"))
    keygen.add_argument("key", type=Path, help=h.text("help.evidence_keygen_key"))


def _capture_command(sub: Subcommands, h: HelpWords) -> None:
    capture = _command(
        sub,
        h,
        "capture-to-profile",
        h.text("help.capture_to_profile"),
        h.text("help.capture_to_profile_description"),
    )
    capture.add_argument("capture", type=Path, help=h.text("help.capture_folder"))
    capture.add_argument("out", type=Path, help=h.text("help.profile_folder"))


def _forget_command(sub: Subcommands, h: HelpWords) -> None:
    forget = _command(sub, h, "forget", h.text("help.forget"), h.text("help.forget_description"))
    forget.add_argument("--yes", action="store_true", help=h.text("help.forget_yes"))
    forget.add_argument(
        "--case-file",
        action="append",
        type=Path,
        metavar="CASEFILE",
        help=h.text("help.forget_case_file"),
    )


def build_parser(argv: Sequence[str] = (), h: HelpWords | None = None) -> argparse.ArgumentParser:
    """The parser, its help in the language ``--lang`` in ``argv`` (or the locale) asks for
    (or in ``h``'s words)."""
    h = h or help_words(argv)
    parser = _own_help(
        _Parser(
            prog=PROG,
            description=h.text("help.description"),
            epilog=h.text("help.epilog", demo=f"{PROG} --demo", setup=f"{PROG} setup"),
            add_help=False,
            formatter_class=_formatter(h),
            lang=h.lang,
        ),
        h,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"{TOOL_NAME} {__version__}",
        help=h.text("help.version"),
    )
    _scan_options(parser, h)
    sub = parser.add_subparsers(
        dest="command",
        title=h.text("help.subcommands"),
        metavar="SUBCOMMAND",
        parser_class=_Parser,
    )
    _setup_command(sub, h)
    _signatures_command(sub, h)
    _evidence_command(sub, h)
    _capture_command(sub, h)
    _forget_command(sub, h)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (see ``scanner.cli.exits``)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser(arguments).parse_args(arguments)
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
