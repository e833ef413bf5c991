"""Check wording as catalogue messages: built once with its facts, said in any language.

Checks name a message and its values (``words("checks.x", app=...)``); the English text
is kept beside it on the finding, so JSON and history read as before, and each report
renders the message again through the reader's catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from scanner.errors import ScannerError
from scanner.i18n import ENGLISH, Catalogue, MessageError, catalogue
from scanner.model import (
    CollectionWarning,
    CommandResult,
    Evidence,
    Finding,
    ScanProblem,
    Words,
    WordValue,
)

Value = str | int | Words | Iterable[Words]


def words(key: str, **values: Value) -> Words:
    """Message ``key`` with its named values; ints become text, lists become tuples."""
    return Words(key, tuple((name, _value(v)) for name, v in values.items()))


def _value(value: Value) -> WordValue:
    if isinstance(value, str | Words):
        return value
    if isinstance(value, int):
        return str(value)
    return tuple(value)


def render(said: Words, say: Catalogue | None = None) -> str:
    """The message in ``say``'s language (English when none is given).

    On an install whose message files are gone (no catalogue has the message) the facts
    alone are given, joined, so checks still report what they found; the report already
    says its words could not be read.
    """
    say = say or catalogue(ENGLISH)
    filled: dict[str, str] = {}
    for name, value in said.values:
        if isinstance(value, Words):
            filled[name] = render(value, say)
        elif isinstance(value, tuple):
            joiner = say.text("checks.list_joiner") if say.has("checks.list_joiner") else ", "
            filled[name] = joiner.join(render(item, say) for item in value)
        else:
            filled[name] = value
    if not say.has(said.key):
        return " · ".join(v for v in filled.values() if v) or said.key
    if "count" in filled:
        n = int(filled.pop("count"))
        return say.count(said.key, n, **filled)
    return say.text(said.key, **filled)


def said(source: str, key: str, **values: Value) -> Evidence:
    """Evidence from ``source`` worded by message ``key`` (English kept as the excerpt)."""
    message = words(key, **values)
    return Evidence(source, render(message), message)


def setting(source: str, value: str) -> Evidence:
    """A setting as the phone printed it (``name=value``), quoted as it is."""
    return said(source, "checks.setting_value", setting=value)


def excerpt(item: Evidence, say: Catalogue | None) -> str:
    """An evidence line in the reader's language; a line with no message as it was."""
    if item.words is None or say is None:
        return item.excerpt
    try:
        return render(item.words, say)
    except MessageError:  # a broken install: the English the check wrote is kept
        return item.excerpt


def title(finding: Finding, say: Catalogue | None) -> str:
    """A finding's title in the reader's language; a title with no message as it was."""
    if finding.title_words is None or say is None:
        return finding.title
    try:
        return render(finding.title_words, say)
    except MessageError:  # a broken install: the English the check wrote is kept
        return finding.title


def values_of(said_words: Words) -> list[str]:
    """Every raw fact inside a message (nested ones too), e.g. to find them in a report."""
    out: list[str] = []
    for _name, value in said_words.values:
        if isinstance(value, Words):
            out += values_of(value)
        elif isinstance(value, tuple):
            for item in value:
                out += values_of(item)
        else:
            out.append(value)
    return out


def as_json(said_words: Words) -> dict[str, object]:
    """The message id and its values, for the JSON report."""
    values: dict[str, object] = {}
    for name, value in said_words.values:
        if isinstance(value, Words):
            values[name] = as_json(value)
        elif isinstance(value, tuple):
            values[name] = [as_json(item) for item in value]
        else:
            values[name] = value
    return {"key": said_words.key, "values": values}


def from_json(data: object) -> Words:
    """The message ``as_json`` wrote, read back; ValueError when it is not that shape."""
    if not isinstance(data, dict) or set(data) != {"key", "values"}:
        raise ValueError("a message is an object with 'key' and 'values'")
    key, values = data["key"], data["values"]
    if not isinstance(key, str) or not isinstance(values, dict):
        raise ValueError("a message's 'key' is text and its 'values' an object")
    return Words(key, tuple((str(name), _value_from_json(v)) for name, v in values.items()))


def _value_from_json(value: object) -> WordValue:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return tuple(from_json(item) for item in value)
    return from_json(value)


def english(said_words: Words) -> str:
    """The message's English words, kept beside it for JSON, history and logs."""
    return render(said_words, catalogue(ENGLISH))


def of_error(exc: ScannerError) -> Words | None:
    """An error's words as a message (None for one raised with English words only)."""
    if exc.message_id is None:
        return None
    return Words(exc.message_id, tuple((k, _fact(v)) for k, v in exc.values.items()))


def _fact(value: object) -> WordValue:
    return value if isinstance(value, str | Words) else str(value)


def said_in(text: str, said_words: Words | None, say: Catalogue | None) -> str:
    """``said_words`` in the reader's language; ``text`` (its English) when there are none
    or the install cannot say them."""
    if said_words is None or say is None:
        return text
    try:
        return render(said_words, say)
    except MessageError:  # a broken install: the English kept beside the words
        return text


def problem(
    said_words: Words, source: str = "", *, detail: str = "", not_understood: bool = False
) -> ScanProblem:
    """A problem worded by a message, its English kept as ``message``."""
    return ScanProblem(english(said_words), source, detail, not_understood, words=said_words)


def warning(
    source: str,
    said_words: Words,
    *,
    line: int | None = None,
    excerpt: str = "",
    not_understood: bool = True,
) -> CollectionWarning:
    """A collection warning worded by a message, its English kept as ``message``."""
    return CollectionWarning(
        source, english(said_words), line, excerpt, not_understood, words=said_words
    )


KNOWN = (
    "problems.no_output",
    "problems.cut_at_limit",
    "problems.stopped_by_person",
    "problems.known_not_in_bugreport",
    "problems.known_not_in_androidqf",
    "problems.known_output_incomplete",
    "problems.known_bugreport_clock",
    "problems.known_androidqf_clock",
    "problems.known_bugreport_launcher",
    "problems.known_androidqf_launcher",
    "problems.known_bugreport_su",
    "problems.known_bugreport_apk",
    "problems.known_capture_apk",
    "problems.known_capture_clock",
    "problems.known_androidqf_no_packages",
    "problems.known_androidqf_unlisted",
    "problems.known_androidqf_no_files",
    "problems.known_androidqf_no_certificate",
    "problems.known_certificate_not_checked",
    "problems.known_database_incomplete",
)
"""Messages whose English is written elsewhere too (the sources table, a saved capture, the
signature database): a text equal to one's English is recognised as that message."""


def known_words(text: str) -> Words | None:
    """The message of ``KNOWN`` whose English is exactly ``text``, if there is one."""
    return _known_texts().get(text)


def error_words(result: CommandResult) -> Words | None:
    """Why a command gave no (full) output, as a message; a saved capture's English is
    recognised where it is one of ``KNOWN``."""
    return result.error_words or known_words(result.error)


@lru_cache(maxsize=1)
def _known_texts() -> dict[str, Words]:
    english_words = catalogue(ENGLISH).english
    return {raw: Words(key) for key in KNOWN if isinstance(raw := english_words.get(key), str)}
