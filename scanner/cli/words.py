"""The catalogue the command line speaks from, chosen once per run.

``--lang`` (when the parser has it) wins, then the system locale, then English; every
message the CLI prints comes from ``guidance/<lang>/messages/`` through this one place.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Mapping

from scanner.errors import WORDS_UNREADABLE, ScannerError, said_values
from scanner.i18n import ENGLISH_INFO, Catalogue, MessageError, catalogue, choose_language


class _LastResort(Mapping[str, str]):
    """Every message id, said as the one sentence that needs no catalogue: for an
    installation whose message files are gone, so the CLI still ends in plain words."""

    def __getitem__(self, key: str) -> str:
        return f"{WORDS_UNREADABLE} ({key})"

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


_LAST_RESORT = _LastResort()


def words_for(args: argparse.Namespace | None = None) -> Catalogue:
    """The catalogue for this run's language (English where a message is not translated)."""
    try:
        say = catalogue(choose_language(getattr(args, "lang", None)))
    except (MessageError, ScannerError, OSError, ValueError):
        say = None  # a damaged catalogue file: the same as none at all
    if say is None or not say.has("scan.internal"):
        return Catalogue(ENGLISH_INFO, _LAST_RESORT, _LAST_RESORT)
    return say


def readable(say: Catalogue) -> bool:
    """False when the message files could not be read (every message is the last resort)."""
    return say.english is not _LAST_RESORT


def error_words(exc: ScannerError, say: Catalogue) -> str:
    """What to tell the person about ``exc``: its message id in ``say``'s language, or
    the words it was raised with when it names no id."""
    if exc.message_id and readable(say) and say.has(exc.message_id):
        return say.text(exc.message_id, **said_values(exc.values, say))
    return exc.message
