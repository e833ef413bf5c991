"""``phone-check evidence ...``: keys for signing evidence packs."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.text import Text

from scanner.cli.exits import Exit
from scanner.errors import ScannerError


def run(args: argparse.Namespace, console: Console) -> int:
    from scanner.casefile.evidence import generate_evidence_key

    try:
        key = generate_evidence_key(args.key)
    except ScannerError as exc:
        console.print(Text(exc.message))
        return exc.exit_code
    console.print(
        Text(
            f"Private key: {key.private_path} (keep it secret; use it with --evidence-key)\n"
            f"Public key, for whoever checks a pack: {key.public_path}\n"
            f"Key fingerprint (note it down somewhere separate): {key.fingerprint}"
        )
    )
    return Exit.OK
