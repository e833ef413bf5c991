"""A command line split as ``sh`` would, as far as the simulated shell plays it.

Played: words and quotes, and lists of simple commands joined by ``;``, ``&&`` and ``||``,
with ``$?`` (the last status). Not played: pipes, redirection, background ``&``,
subshells, other ``$`` expansions, backquotes, several lines; ``parse_list`` gives None
for those, so the caller can say so instead of guessing.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Final

CONNECTORS: Final = frozenset({";", "&&", "||"})
"""List operators: always, only after success, only after failure."""

_OPERATOR_CHARS: Final = frozenset("();<>|&")
_OTHER_EXPANSION: Final = re.compile(r"\$(?!\?)|`")


@dataclass(frozen=True, slots=True)
class ListItem:
    """One simple command of a list, and how it joins the one before it."""

    connector: str
    """``;`` for the first command, else the operator before it."""
    words: tuple[str, ...]


def parse_list(command: str) -> tuple[ListItem, ...] | None:
    """The simple commands of ``command`` in order; None when it holds syntax not played."""
    if "\n" in command or _OTHER_EXPANSION.search(command):
        return None
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError:  # an unclosed quote
        return None
    items: list[ListItem] = []
    connector, words = ";", list[str]()
    for part in tokens:
        if part and set(part) <= _OPERATOR_CHARS:
            if part not in CONNECTORS or not words:
                return None  # a pipe, a redirection, or an operator with nothing before it
            items.append(ListItem(connector, tuple(words)))
            connector, words = part, []
        else:
            words.append(part)
    if words:
        items.append(ListItem(connector, tuple(words)))
    elif connector in ("&&", "||"):
        return None  # sh: a list cannot end in && or ||
    return tuple(items)
