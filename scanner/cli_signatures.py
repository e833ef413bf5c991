"""``scan.py signatures ...``: look at, import, update, sign and trust databases.

Part of the command line (prints and returns exit codes). ``update`` is the only thing
in the tool that uses the internet, and only when the user runs it.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.text import Text

from scanner.errors import ScannerError
from scanner.sigdb import commands as sigdb
from scanner.sigdb.model import SignatureDB


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scan.py signatures", description="Manage the stalkerware signature database."
    )
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("show", help="show the database in use")
    sub.add_parser(
        "update",
        help="download Echap's current indicator set (uses the internet; never during a scan)",
    )
    imp = sub.add_parser(
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
    sign = sub.add_parser("sign", help="sign a database file into a bundle (organisations)")
    sign.add_argument("database", type=Path)
    sign.add_argument("key", type=Path, help="Ed25519 private key (from 'signatures keygen')")
    sign.add_argument("out", type=Path)
    trust = sub.add_parser("trust", help="trust an organisation's public key for bundles")
    trust.add_argument("public_key", type=Path)
    keygen = sub.add_parser("keygen", help="make a signing key pair for an organisation")
    keygen.add_argument("directory", type=Path)
    return parser


def _describe(db: SignatureDB) -> str:
    s = sigdb.db_summary(db)
    return (
        f"Database: {s.source} ({s.date}), {s.families} app families "
        f"({s.stalkerware} stalkerware, {s.dual_use} monitoring apps), "
        f"{s.packages} package names, {s.certificates} certificates, "
        f"{s.samples} known files.\nSHA-256 {s.sha256}"
    )


def main(argv: Sequence[str], console: Console) -> int:
    args = build_parser().parse_args(argv)
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
