"""The language a report is written in: ``--lang`` first, then the computer's setting.

A code with no translation gives English, and when it was asked for by ``--lang`` the
report says so plainly. Every report says which language it is in and, for a translation
no native reader has signed off, that it has not yet been checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources.abc import Traversable

from scanner.i18n import Catalogue, available_languages, catalogue, choose_language, load_catalogue


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
    if code in available_languages(base_dir):
        say = catalogue(code) if base_dir is None else load_catalogue(code, base_dir)
    else:
        say = catalogue() if base_dir is None else load_catalogue("en", base_dir)
    return LanguageChoice(say, code, by_option=bool(asked))


def language_lines(say: Catalogue) -> tuple[str, ...]:
    """Which language the report is in, and whether a native reader has checked it."""
    lines = [say.text("report.language_line", name=say.info.name)]
    if not say.info.reviewed:
        lines.append(say.text("report.not_reviewed"))
    return tuple(lines)
