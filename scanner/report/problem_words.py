"""What a scan could not read, in the reader's language.

Problems, collection warnings, parts an input cannot hold and why an app's file was not
checked each keep their English beside their words (JSON and history read as before);
reports say them again through the reader's catalogue. Where one is named after its
source, a command or a path stays as it is; the scanner's own names for the connection,
the apps' files and the database are said in the reader's language.
"""

from __future__ import annotations

from scanner.i18n import Catalogue
from scanner.model import (
    AppFileCheck,
    CollectionWarning,
    DatabaseSummary,
    NotApplicable,
    ScanProblem,
)
from scanner.phrases import known_words, said_in, words

_CONNECTION = "connection"
_APP_FILES = "app files"
_DATABASE = "signature database"
_PREFIXES = (
    ("app file ", "problems.source_app_file", "package"),
    ("pull ", "problems.source_pull", "path"),
    ("signing certificate ", "problems.source_certificate", "package"),
)
_WHOLE = {
    "app names": "problems.source_app_names",
    _CONNECTION: "problems.source_connection",
    _APP_FILES: "problems.source_app_files",
    _DATABASE: "problems.source_database",
}


def source_text(source: str, say: Catalogue | None) -> str:
    """Where a problem came from: a command as it is, the scanner's own names translated."""
    key = _WHOLE.get(source)
    if key is not None:
        return said_in(source, words(key), say)
    for prefix, message, name in _PREFIXES:
        if source.startswith(prefix):
            fact = source.removeprefix(prefix)
            return said_in(source, words(message, **{name: fact}), say)
    return source


def problem_text(problem: ScanProblem, say: Catalogue | None) -> str:
    return said_in(problem.message, problem.words, say)


def problem_line(problem: ScanProblem, say: Catalogue | None) -> str:
    """``source: message``, as every report lists a part not read."""
    message = problem_text(problem, say)
    if not problem.source:
        return message
    return f"{source_text(problem.source, say)}: {message}"


def warning_text(warning: CollectionWarning, say: Catalogue | None) -> str:
    return said_in(warning.message, warning.words, say)


def part_text(part: NotApplicable, say: Catalogue | None) -> str:
    """Why this kind of input cannot hold a part of the scan."""
    return said_in(part.reason, part.words or known_words(part.reason), say)


def reason_text(check: AppFileCheck, say: Catalogue | None) -> str:
    """Why an app's signing certificate was not checked."""
    return said_in(check.certificate_not_checked, check.certificate_words, say)


def database_warning(summary: DatabaseSummary, say: Catalogue | None) -> str:
    """The database's own warning; the shipped one's words are known, any other is quoted."""
    return said_in(summary.warning, known_words(summary.warning), say)
