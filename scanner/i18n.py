"""Words the code shows, kept in catalogues by id so every one can be translated.

Guidance texts (``guidance/<lang>/<key>.yaml``, ``ui.yaml``) are read by
``scanner.guidance``; this module serves the shorter messages code used to write itself:
headings, counts, titles built from facts, prompts and errors. They live in
``guidance/<lang>/messages/<group>.yaml`` and are named ``"<group>.<key>"``.

A message is either one string with named placeholders (``"{app} can read your
messages"``) or, where it carries a count, a mapping from CLDR plural categories
(``zero``, ``one``, ``two``, ``few``, ``many``, ``other``) to strings; Babel picks the
category for the language, so Polish, Romanian and Arabic plurals come out right. Every
message falls back to English on its own, so a partial translation never leaves a gap;
which messages fell back is recorded, so tests and reports can say so.

``guidance/<lang>/language.yaml`` says the language's own name, its direction and whether
a native reader has signed the translation off.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Literal

import yaml

from scanner.language_choice import CODE_RE as _CODE_RE
from scanner.language_choice import ENGLISH as ENGLISH
from scanner.language_choice import choose_language as choose_language
from scanner.resources import guidance_root
from scanner.strict_yaml import StrictLoader

PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
Direction = Literal["ltr", "rtl"]

_GROUP_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_FORMATTER = string.Formatter()

Message = str | Mapping[str, str]


@dataclass(frozen=True, slots=True)
class LanguageInfo:
    """What ``language.yaml`` says about one translation."""

    code: str
    name: str
    """The language's own name, e.g. ``Polski``."""
    english_name: str
    direction: Direction = "ltr"
    reviewed: bool = False
    """True once a native reader has signed the translation off in the catalogue."""
    reviewer: str | None = None
    reviewed_on: str | None = None


ENGLISH_INFO = LanguageInfo(ENGLISH, "English", "English", "ltr", True)


class MessageError(LookupError):
    """A message id no catalogue has, or a placeholder the caller did not give.

    Both are mistakes in our code, found by the tests that render every message."""


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The messages for one language, each falling back to English on its own."""

    info: LanguageInfo
    messages: Mapping[str, Message]
    english: Mapping[str, Message]
    fallbacks: frozenset[str] = field(default_factory=frozenset)
    """Message ids this language lacks (served in English)."""

    @property
    def lang(self) -> str:
        return self.info.code

    @property
    def rtl(self) -> bool:
        return self.info.direction == "rtl"

    def has(self, key: str) -> bool:
        return key in self.messages or key in self.english

    def _raw(self, key: str) -> Message:
        found = self.messages.get(key)
        if found is None:
            found = self.english.get(key)
        if found is None:
            raise MessageError(f"no message {key!r} in any catalogue")
        return found

    def text(self, key: str, **values: object) -> str:
        """The message ``key`` with its named placeholders filled."""
        raw = self._raw(key)
        if not isinstance(raw, str):
            raise MessageError(f"message {key!r} has plural forms; use count()")
        return _fill(key, raw, values)

    def count(self, key: str, n: int, **values: object) -> str:
        """The plural message ``key`` for ``n``; ``{count}`` is ``n`` written for the language."""
        raw = self._raw(key)
        if isinstance(raw, str):
            forms: Mapping[str, str] = {"other": raw}
        else:
            forms = raw
        category = plural_category(self.lang if key in self.messages else ENGLISH, n)
        chosen = forms.get(category) or forms.get("other")
        if chosen is None:
            raise MessageError(f"message {key!r} has no 'other' form")
        return _fill(key, chosen, {"count": self.number(n), **values})

    def number(self, n: int) -> str:
        """``n`` as the language writes it (digit grouping from CLDR)."""
        if self.lang == ENGLISH:
            return f"{n:,}" if abs(n) >= 10_000 else str(n)
        from babel.numbers import format_decimal  # Babel's data loads only when needed.

        return str(format_decimal(n, locale=self.lang))


def _fill(key: str, template: str, values: Mapping[str, object]) -> str:
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError) as exc:
        raise MessageError(f"message {key!r}: {exc!r} (given {sorted(values)})") from None


def placeholders(template: str) -> frozenset[str]:
    """The named placeholders in one message string."""
    return frozenset(name for _, name, _, _ in _FORMATTER.parse(template) if name)


def plural_category(lang: str, n: int) -> str:
    """The CLDR plural category of ``n`` in ``lang`` (``one``, ``few``, ``other``…)."""
    if lang == ENGLISH:
        return "one" if n == 1 else "other"
    from babel import Locale

    return str(Locale.parse(lang).plural_form(abs(n)))


def plural_categories(lang: str) -> tuple[str, ...]:
    """The categories a language uses, in CLDR order (English: one, other)."""
    if lang == ENGLISH:
        return ("one", "other")
    from babel import Locale

    rule = Locale.parse(lang).plural_form
    used = {str(rule(n)) for n in range(0, 1001)} | {"other"}
    return tuple(c for c in PLURAL_CATEGORIES if c in used)


def available_languages(base_dir: Traversable | None = None) -> tuple[str, ...]:
    """Codes that have a folder with ``language.yaml`` (English always)."""
    root = guidance_root() if base_dir is None else base_dir
    found = {ENGLISH}
    if root.is_dir():
        for child in root.iterdir():
            if _CODE_RE.match(child.name) and (child / "language.yaml").is_file():
                found.add(child.name)
    return tuple(sorted(found))


def load_language_info(lang: str, base_dir: Traversable | None = None) -> LanguageInfo:
    """``language.yaml`` for ``lang``; English's own facts for English."""
    if lang == ENGLISH:
        return ENGLISH_INFO
    root = guidance_root() if base_dir is None else base_dir
    data = _read_yaml(root / lang / "language.yaml")
    direction = data.get("direction", "ltr")
    if direction not in ("ltr", "rtl"):
        raise MessageError(f"{lang}/language.yaml: direction must be ltr or rtl")
    return LanguageInfo(
        code=lang,
        name=str(data.get("name") or lang),
        english_name=str(data.get("english_name") or lang),
        direction="rtl" if direction == "rtl" else "ltr",
        reviewed=data.get("reviewed") is True,
        reviewer=_opt_str(data.get("reviewer")),
        reviewed_on=_opt_str(data.get("reviewed_on")),
    )


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def read_messages(lang: str, base_dir: Traversable | None = None) -> dict[str, Message]:
    """Every message of one language, as ``group.key`` -> message (no fallback)."""
    root = guidance_root() if base_dir is None else base_dir
    folder = root / lang / "messages"
    out: dict[str, Message] = {}
    if not folder.is_dir():
        return out
    for child in sorted(folder.iterdir(), key=lambda c: c.name):
        if not child.name.endswith(".yaml"):
            continue
        group = child.name[: -len(".yaml")]
        if not _GROUP_RE.match(group):
            raise MessageError(f"{lang}/messages/{child.name}: group names are a-z, 0-9, _")
        for key, value in _read_yaml(child).items():
            out[f"{group}.{key}"] = _checked_message(f"{lang}/{group}.{key}", value)
    return out


def _checked_message(where: str, value: object) -> Message:
    if isinstance(value, str):
        return value
    if (
        isinstance(value, dict)
        and value
        and all(k in PLURAL_CATEGORIES and isinstance(v, str) for k, v in value.items())
    ):
        if "other" not in value:
            raise MessageError(f"{where}: plural forms need 'other'")
        return MappingProxyType(dict(value))
    raise MessageError(f"{where}: a message is a string or a mapping of plural forms")


def _read_yaml(path: Traversable) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    data = yaml.load(text, Loader=StrictLoader)  # noqa: S506 - a SafeLoader subclass
    if not isinstance(data, dict):
        raise MessageError(f"{path.name}: expected a mapping")
    return {str(k): v for k, v in data.items()}


@lru_cache(maxsize=8)
def _cached(lang: str) -> Catalogue:
    return load_catalogue(lang)


def load_catalogue(lang: str, base_dir: Traversable | None = None) -> Catalogue:
    """The catalogue for ``lang`` with per-message English fallback.

    A language with no folder gives English messages under English's facts, so the
    caller can tell by ``info.code`` that it was not available.
    """
    english = MappingProxyType(read_messages(ENGLISH, base_dir))
    if lang == ENGLISH or lang not in available_languages(base_dir):
        return Catalogue(ENGLISH_INFO, english, english)
    own = read_messages(lang, base_dir)
    return Catalogue(
        load_language_info(lang, base_dir),
        MappingProxyType(own),
        english,
        frozenset(k for k in english if k not in own),
    )


def catalogue(lang: str = ENGLISH) -> Catalogue:
    """The installed catalogue for ``lang``, read once per process."""
    return _cached(lang)


# Bidirectional text: a package id, number or path inside right-to-left text must keep its
# own direction, or "com.example.app" shows as "app.example.com". HTML isolates it with
# <bdi>; a terminal cannot isolate reliably (many show the control characters), so the
# terminal report prints runs as they are and the README points to the HTML report.


def isolate_html(escaped: str) -> str:
    """Wrap already-escaped HTML text so its direction is its own."""
    return f'<bdi dir="ltr">{escaped}</bdi>'
