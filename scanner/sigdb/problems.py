"""Building the ``Malformed`` errors every importer raises, worded the same way.

The reader sees a catalogued sentence (``database_errors.*``) naming the file and the
entry; the reason inside it is a catalogued message too (``database_problems.*``), so it
is said in the reader's language, with the facts (field names, values quoted from the
file) filled in as they were written. Its English, with any library's own error text,
is kept as the error's ``detail`` for ``--debug``.
"""

from __future__ import annotations

from scanner.errors import Malformed
from scanner.model import Words


class Reason(ValueError):
    """A ``ValueError`` whose reason is a ``database_problems`` message.

    ``key`` is the message's name in that group; values are facts quoted from the file
    (never translated) or a nested reason (``Words``). ``detail`` is technical text (a
    library's exception) kept only for ``--debug``.
    """

    def __init__(self, key: str, detail: str = "", **values: str | Words) -> None:
        self.words = problem(key, **values)
        self.detail = detail
        super().__init__(self.words.key)

    def __str__(self) -> str:
        return technical(self.words, self.detail)


def problem(key: str, **values: str | Words) -> Words:
    """The reason ``database_problems.<key>`` with its values; ``count`` picks the plural."""
    return Words(f"database_problems.{key}", tuple(values.items()))


def reason_of(exc: ValueError) -> Words:
    """The catalogued reason a ``ValueError`` carries; a general one for any other (its own
    text then appears only in the detail)."""
    return exc.words if isinstance(exc, Reason) else problem("value_unreadable")


def detail_of(exc: ValueError) -> str:
    """The technical text kept beside a reason: a ``Reason``'s own, or another error's."""
    return exc.detail if isinstance(exc, Reason) else str(exc)


def within(key: str, exc: ValueError, **values: str) -> Reason:
    """``exc``'s reason said inside another (``in 'packages': ...``), its detail kept."""
    return Reason(key, detail_of(exc), reason=reason_of(exc), **values)


def technical(reason: Words, detail: str = "") -> str:
    """The reason's English, with the technical detail after it when there is one."""
    from scanner.phrases import english

    said = english(reason)
    return f"{said} ({detail})" if detail else said


def malformed_entry(
    file: str, index: int, entry: str, reason: Words, detail: str = ""
) -> Malformed:
    """A ``Malformed`` naming the file, the entry (1-based index and name) and the reason."""
    where = f"entry {index}"
    if entry:
        where += f" ({entry})"
    debug = f"{file}: {where}: {technical(reason, detail)}"
    if entry:
        return Malformed.said(
            "database_errors.entry_named_unusable",
            debug,
            file=file,
            index=index,
            entry=entry,
            problem=reason,
        )
    return Malformed.said(
        "database_errors.entry_unusable", debug, file=file, index=index, problem=reason
    )


def malformed_entry_from(file: str, index: int, entry: str, exc: ValueError) -> Malformed:
    """``malformed_entry`` for a ``ValueError`` raised while reading the entry."""
    return malformed_entry(file, index, entry, reason_of(exc), detail_of(exc))


def malformed_file(file: str, reason: Words, detail: str = "") -> Malformed:
    """A ``Malformed`` about the file as a whole (unreadable, wrong format...)."""
    debug = f"{file}: {technical(reason, detail)}"
    return Malformed.said("database_errors.file_unusable", debug, file=file, problem=reason)


def unusable_file(file: str, message_id: str, detail: str = "", **values: object) -> Malformed:
    """A ``Malformed`` about the file as a whole for a plain reason, said by its own
    ``database_errors`` message (naming ``file``) in the reader's language."""
    return Malformed.said(message_id, detail, file=file, **values)
