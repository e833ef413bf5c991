"""Building the ``Malformed`` errors every importer raises, worded the same way."""

from __future__ import annotations

from scanner.errors import Malformed

_UNCHANGED = "Nothing was changed: the signature database in use is still the previous one."


def malformed_entry(
    file: str, index: int | None, entry: str, problem: str, detail: str = ""
) -> Malformed:
    """A ``Malformed`` naming the file, the entry (1-based index and name) and the problem."""
    where = f"entry {index}" if index is not None else "an entry"
    if entry:
        where += f" ({entry})"
    return Malformed(
        f"The file {file} could not be used: {where} has a problem: {problem}. {_UNCHANGED}",
        detail or f"{file}: {where}: {problem}",
    )


def malformed_file(file: str, problem: str, detail: str = "") -> Malformed:
    """A ``Malformed`` about the file as a whole (unreadable, wrong format...)."""
    return Malformed(
        f"The file {file} could not be used: {problem}. {_UNCHANGED}",
        detail or f"{file}: {problem}",
    )
