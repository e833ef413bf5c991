"""``phone-check evidence ...``: check a pack, record a handover, make a signing key."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from rich.console import Console
from rich.text import Text

from scanner.cli.exits import Exit
from scanner.cli.words import error_words, words_for
from scanner.errors import ScannerError
from scanner.i18n import Catalogue

_MARKS = {
    "passed": "commands.mark_passed",
    "failed": "commands.mark_failed",
    "not checked": "commands.mark_not_checked",
}
"""Each verify outcome's mark on screen, by message id."""


def _verify(args: argparse.Namespace, console: Console, say: Catalogue) -> int:
    from scanner.casefile.evidence import load_public_key
    from scanner.casefile.verify import load_trusted_keys, verify_evidence

    key = load_public_key(args.key) if args.key else None
    trusted = load_trusted_keys(args.trusted_keys) if args.trusted_keys else ()
    result = verify_evidence(args.directory, trusted_keys=trusted, key=key)
    for check in result.checks:
        mark_id = _MARKS.get(check.outcome.value)
        mark = say.text(mark_id) if mark_id else check.outcome.value
        sentence = check.words(say)
        console.print(Text(say.text("commands.verify_line", mark=mark, sentence=sentence)))
    if result.signer is not None:
        signer = result.signer
        console.print(
            Text(
                say.text("commands.signed_by", key_id=signer.key_id, fingerprint=signer.fingerprint)
            )
        )
    for record in result.handovers:
        facts = {"name": record.received_by, "when": record.when}
        console.print(
            Text(
                say.text("commands.handed_over_note", note=record.note, **facts)
                if record.note
                else say.text("commands.handed_over", **facts)
            )
        )
    console.print(Text(result.summary_in(say)), style="bold")
    return Exit.OK if result.ok else Exit.EVIDENCE_FAILED


def _handover(args: argparse.Namespace, console: Console, say: Catalogue) -> int:
    from scanner.casefile.handover import append_handover

    if args.when:
        try:
            when = datetime.fromisoformat(args.when)
        except ValueError:
            console.print(Text(say.text("commands.when_form", given=repr(args.when))))
            return Exit.USAGE
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
    else:
        when = datetime.now(UTC)
    record = append_handover(args.directory, args.to, when, args.note)
    console.print(
        Text(say.text("commands.handover_recorded", name=record.received_by, chain=record.chain))
    )
    return Exit.OK


def _keygen(args: argparse.Namespace, console: Console, say: Catalogue) -> int:
    from scanner.casefile.evidence import generate_evidence_key

    key = generate_evidence_key(args.key)
    console.print(
        Text(
            say.text(
                "commands.evidence_keys_written",
                private=key.private_path,
                public=key.public_path,
                fingerprint=key.fingerprint,
            )
        )
    )
    return Exit.OK


def run(args: argparse.Namespace, console: Console) -> int:
    actions = {"verify": _verify, "handover": _handover, "keygen": _keygen}
    say = words_for(args)
    try:
        return actions[args.action](args, console, say)
    except ScannerError as exc:
        console.print(Text(error_words(exc, say)))
        return exc.exit_code
