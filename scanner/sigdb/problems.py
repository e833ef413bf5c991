"""Building the ``Malformed`` errors every importer raises, worded the same way.

The reader sees a catalogued sentence (``database_errors.*``) naming the file and the
entry; ``problem`` is the technical reason in the file format's own terms (a field name,
a value quoted from the file), kept as written like a library's exception text.
"""

from __future__ import annotations

from scanner.errors import Malformed


def malformed_entry(file: str, index: int, entry: str, problem: str, detail: str = "") -> Malformed:
    """A ``Malformed`` naming the file, the entry (1-based index and name) and the problem."""
    where = f"entry {index}"
    if entry:
        where += f" ({entry})"
    detail = detail or f"{file}: {where}: {problem}"
    if entry:
        return Malformed.said(
            "database_errors.entry_named_unusable",
            detail,
            file=file,
            index=index,
            entry=entry,
            problem=problem,
        )
    return Malformed.said(
        "database_errors.entry_unusable",
        detail,
        file=file,
        index=index,
        problem=problem,
    )


def malformed_file(file: str, problem: str, detail: str = "") -> Malformed:
    """A ``Malformed`` about the file as a whole (unreadable, wrong format...)."""
    return Malformed.said(
        "database_errors.file_unusable", detail or f"{file}: {problem}", file=file, problem=problem
    )


def unusable_file(file: str, message_id: str, detail: str = "", **values: object) -> Malformed:
    """A ``Malformed`` about the file as a whole for a plain reason, said by its own
    ``database_errors`` message (naming ``file``) in the reader's language."""
    return Malformed.said(message_id, detail, file=file, **values)
