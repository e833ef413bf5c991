"""The language a report is written in: ``--lang`` first, then the computer's setting.

A code with no translation gives English, and when it was asked for by ``--lang`` the
report says so plainly. Every report says which language it is in and, for a translation
no native reader has signed off, that it has not yet been checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources.abc import Traversable

from scanner.i18n import (
    ENGLISH_INFO,
    Catalogue,
    MessageError,
    available_languages,
    catalogue,
    choose_language,
    load_catalogue,
)


class _LastResort(Catalogue):
    """The catalogue when no message file can be read (a broken install): the code's own
    words for what matters most (``fallback.MESSAGES``), and for any other message its
    facts alone (names, numbers), so the report still shows every finding and helpline."""

    __slots__ = ()

    def text(self, key: str, **values: object) -> str:
        from scanner.report.fallback import MESSAGES

        if key in MESSAGES:
            return MESSAGES[key].format_map(_Blank(values))
        shown = [str(v) for v in values.values() if v not in ("", None)]
        return " ".join(shown) if shown else key.rsplit(".", 1)[-1].replace("_", " ")

    def count(self, key: str, n: int, **values: object) -> str:
        return self.text(key, count=n, **values)


class _Blank(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return ""


_NO_MESSAGES = _LastResort(ENGLISH_INFO, {}, {})


def safe_catalogue(lang: str = "en") -> Catalogue:
    """The installed catalogue for ``lang``; message ids when none can be read."""
    try:
        found = catalogue(lang)
    except (MessageError, OSError, UnicodeDecodeError, ValueError):
        return _NO_MESSAGES
    return found if found.english else _NO_MESSAGES


@dataclass(frozen=True, slots=True)
class LanguageChoice:
    """The catalogue a report uses, and the code that was asked for."""

    say: Catalogue
    asked: str
    """The code asked for (by ``--lang`` or the system locale), as a base code."""
    by_option: bool = False
    """True when ``--lang`` asked for it (a missing translation is then worth a note)."""

    @property
    def code(self) -> str:
        return self.say.lang

    @property
    def note(self) -> str | None:
        """A plain note when the language asked for by ``--lang`` has no translation."""
        if self.by_option and self.asked != self.code:
            return self.say.text("report.language_missing", code=self.asked)
        return None


def choose(
    asked: str | None,
    environ: Mapping[str, str] | None = None,
    base_dir: Traversable | None = None,
) -> LanguageChoice:
    """The report language for ``--lang`` ``asked`` (or the system locale when None)."""
    code = choose_language(asked, environ)
    if base_dir is None:
        return LanguageChoice(safe_catalogue(code), code, by_option=bool(asked))
    found = code if code in available_languages(base_dir) else "en"
    return LanguageChoice(load_catalogue(found, base_dir), code, by_option=bool(asked))


def language_lines(say: Catalogue) -> tuple[str, ...]:
    """Which language the report is in, and whether a native reader has checked it."""
    lines = [say.text("report.language_line", name=say.info.name)]
    if not say.info.reviewed:
        lines.append(say.text("report.not_reviewed"))
    return tuple(lines)
