"""The catalogue the command line speaks from, chosen once per run.

``--lang`` (when the parser has it) wins, then the system locale, then English; every
message the CLI prints comes from ``guidance/<lang>/messages/`` through this one place.
"""

from __future__ import annotations

import argparse

from scanner.errors import ScannerError
from scanner.i18n import Catalogue, catalogue, choose_language


def words_for(args: argparse.Namespace | None = None) -> Catalogue:
    """The catalogue for this run's language (English where a message is not translated)."""
    return catalogue(choose_language(getattr(args, "lang", None)))


def error_words(exc: ScannerError, say: Catalogue) -> str:
    """What to tell the person about ``exc``: its message id in ``say``'s language, or
    the words it was raised with when it names no id."""
    if exc.message_id and say.has(exc.message_id):
        return say.text(exc.message_id, **exc.values)
    return exc.message
