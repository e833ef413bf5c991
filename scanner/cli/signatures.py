"""``phone-check signatures ...``: look at, import, update, sign and trust databases.

Part of the command line (prints and returns exit codes). ``update`` is the only thing
in the tool that uses the internet, and only when the user runs it.
"""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.text import Text

from scanner.cli.words import error_words, words_for
from scanner.errors import ScannerError
from scanner.i18n import Catalogue
from scanner.sigdb import commands as sigdb
from scanner.sigdb.model import SignatureDB


def _describe(db: SignatureDB, say: Catalogue) -> str:
    s = sigdb.db_summary(db)
    n = say.number
    summary = say.text(
        "commands.database_summary",
        source=s.source,
        date=s.date,
        families=n(s.families),
        stalkerware=n(s.stalkerware),
        dual_use=n(s.dual_use),
        packages=n(s.packages),
        certificates=n(s.certificates),
        samples=n(s.samples),
    )
    return f"{summary}\n{say.text('commands.database_hash', sha256=s.sha256)}"


def run(args: argparse.Namespace, console: Console) -> int:
    say = words_for(args)
    try:
        if args.action == "show":
            console.print(Text(_describe(sigdb.load_active_db(), say)))
        elif args.action == "update":
            console.print(Text(say.text("commands.downloading")))
            console.print(Text(_describe(sigdb.update_from_network(), say)))
        elif args.action == "import":
            imported = sigdb.import_file(args.file, allow_unsigned=args.unsigned)
            console.print(Text(_describe(imported, say)))
        elif args.action == "sign":
            key_id = sigdb.sign(args.database, args.key, args.out)
            console.print(Text(say.text("commands.bundle_signed", path=args.out, key_id=key_id)))
        elif args.action == "trust":
            key_id = sigdb.trust(args.public_key)
            console.print(Text(say.text("commands.key_trusted", key_id=key_id)))
        elif args.action == "keygen":
            private, public = sigdb.generate_key(args.directory)
            console.print(
                Text(say.text("commands.org_keys_written", private=private, public=public))
            )
    except ScannerError as exc:
        console.print(Text(error_words(exc, say)))
        if exc.detail and getattr(args, "debug", False):  # technical: only with --debug
            console.print(Text(say.text("commands.detail", detail=exc.detail)), style="dim")
        return exc.exit_code
    return 0
