"""``phone-check signatures ...``: look at, import, update, sign and trust databases.

Part of the command line (prints and returns exit codes). ``update`` is the only thing
in the tool that uses the internet, and only when the user runs it.
"""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.text import Text

from scanner.errors import ScannerError
from scanner.sigdb import commands as sigdb
from scanner.sigdb.model import SignatureDB


def _describe(db: SignatureDB) -> str:
    s = sigdb.db_summary(db)
    return (
        f"Database: {s.source} ({s.date}), {s.families} app families "
        f"({s.stalkerware} stalkerware, {s.dual_use} monitoring apps), "
        f"{s.packages} package names, {s.certificates} certificates, "
        f"{s.samples} known files.\nSHA-256 {s.sha256}"
    )


def run(args: argparse.Namespace, console: Console) -> int:
    try:
        if args.action == "show":
            console.print(Text(_describe(sigdb.load_active_db())))
        elif args.action == "update":
            console.print("Downloading the current stalkerware indicators from Echap...")
            console.print(Text(_describe(sigdb.update_from_network())))
        elif args.action == "import":
            console.print(
                Text(_describe(sigdb.import_file(args.file, allow_unsigned=args.unsigned)))
            )
        elif args.action == "sign":
            key_id = sigdb.sign(args.database, args.key, args.out)
            console.print(Text(f"Signed bundle written to {args.out} (key {key_id})."))
        elif args.action == "trust":
            key_id = sigdb.trust(args.public_key)
            console.print(Text(f"Bundles signed by key {key_id} will now be accepted."))
        elif args.action == "keygen":
            private, public = sigdb.generate_key(args.directory)
            console.print(
                Text(f"Private key: {private} (keep it secret)\nPublic key to share: {public}")
            )
    except ScannerError as exc:
        console.print(Text(exc.message))
        if exc.detail:
            console.print(Text(f"Detail: {exc.detail}"), style="dim")
        return exc.exit_code
    return 0
