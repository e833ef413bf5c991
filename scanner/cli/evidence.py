"""``phone-check evidence ...``: check a pack, record a handover, make a signing key."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from rich.console import Console
from rich.text import Text

from scanner.cli.exits import Exit
from scanner.errors import ScannerError

_MARKS = {"passed": "holds", "failed": "FAILED", "not checked": "not checked"}


def _verify(args: argparse.Namespace, console: Console) -> int:
    from scanner.casefile.evidence import load_public_key
    from scanner.casefile.verify import load_trusted_keys, verify_evidence

    key = load_public_key(args.key) if args.key else None
    trusted = load_trusted_keys(args.trusted_keys) if args.trusted_keys else ()
    result = verify_evidence(args.directory, trusted_keys=trusted, key=key)
    for check in result.checks:
        console.print(
            Text(f"- {_MARKS.get(check.outcome.value, check.outcome.value)}: {check.sentence}")
        )
    if result.signer is not None:
        console.print(
            Text(f"Signed by key {result.signer.key_id} (fingerprint {result.signer.fingerprint}).")
        )
    for record in result.handovers:
        note = f" ({record.note})" if record.note else ""
        console.print(Text(f"Handed over to {record.received_by} on {record.when}{note}."))
    console.print(Text(result.summary), style="bold")
    return Exit.OK if result.ok else Exit.EVIDENCE_FAILED


def _handover(args: argparse.Namespace, console: Console) -> int:
    from scanner.casefile.handover import append_handover

    if args.when:
        try:
            when = datetime.fromisoformat(args.when)
        except ValueError:
            console.print(Text(f"--when must look like 2026-12-03T14:30, not {args.when!r}."))
            return Exit.USAGE
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
    else:
        when = datetime.now(UTC)
    record = append_handover(args.directory, args.to, when, args.note)
    console.print(
        Text(
            f"Handover to {record.received_by} recorded. Chain value {record.chain}: write it "
            "on the receipt, so a later change to the records can be shown."
        )
    )
    return Exit.OK


def _keygen(args: argparse.Namespace, console: Console) -> int:
    from scanner.casefile.evidence import generate_evidence_key

    key = generate_evidence_key(args.key)
    console.print(
        Text(
            f"Private key: {key.private_path} (keep it secret; use it with --evidence-key)\n"
            f"Public key, for whoever checks a pack: {key.public_path}\n"
            f"Key fingerprint (note it down somewhere separate): {key.fingerprint}"
        )
    )
    return Exit.OK


def run(args: argparse.Namespace, console: Console) -> int:
    actions = {"verify": _verify, "handover": _handover, "keygen": _keygen}
    try:
        return actions[args.action](args, console)
    except ScannerError as exc:
        console.print(Text(exc.message))
        return exc.exit_code
