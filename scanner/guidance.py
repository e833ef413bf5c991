"""Load and validate the plain-language guidance a survivor or an advocate reads.

The words live in data files, not in code, so they can be reviewed and translated:
``guidance/<lang>/<key>.yaml`` (one file per guidance key), ``guidance/<lang>/ui.yaml``
(fixed report texts) and ``guidance/helplines.yaml``. English is complete; another
language may be partial, and each text it lacks falls back to English, so a report never
has a gap. This module only checks the files' shape and hands the texts out; the wording
rules (reading ease, removal risk first) are enforced by ``tests/guidance/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from importlib.resources.abc import Traversable
from pathlib import PurePosixPath
from types import MappingProxyType

import yaml

# The checks declare their guidance keys; they never read texts, so this import is one-way.
from scanner.checks.registry import guidance_keys
from scanner.errors import GuidanceError
from scanner.resources import guidance_root
from scanner.strict_yaml import StrictLoader as _StrictLoader

DEFAULT_BASE_DIR: Traversable = guidance_root()
"""The installed ``guidance`` package (a folder in a checkout or a normal install)."""
FALLBACK_LANG = "en"

FINDING_KEYS: tuple[str, ...] = guidance_keys()
"""Every guidance key a finding may name, as the checks declare them (plus the runner's);
English must have a file for each."""

REPORT_KEYS: tuple[str, ...] = ("legal_route",)
"""Texts a report shows beside its findings, named by no finding (the legal route)."""

UI_TEXT_KEYS: tuple[str, ...] = (
    "screen_title",
    "options_intro",
    "not_your_fault",
    "safer_device",
    "before_scan",
    "before_scan_cable",
    "before_scan_wireless",
    "before_scan_bug_report",
    "before_scan_demo",
    "before_scan_discreet",
    "before_scan_keys",
    "reads_only",
    "clean_result",
    "found_result_cannot_see",
    "clean_result_next",
    "scan_incomplete",
    "after_scan",
    "helplines_intro",
    "demo_notice",
    "first_step",
    "advocate_explained",
    "can_wipe",
    "cannot_see_short",
    "more_in_full_report",
    "next_steps_short",
    "outside_uk",
    "discreet_notice",
    "discreet_no_files",
    "cleaning_up_computer",
    "cleaning_up_phone",
    "forget_keys",
)
"""Single-paragraph texts in ``ui.yaml``."""

UI_LIST_KEYS: tuple[str, ...] = ("clean_result_cannot_see_list",)
"""List-valued texts in ``ui.yaml`` (short items, shown as a bulleted list)."""


_TEXT_REQUIRED = ("id", "title", "what_it_means", "options")
_TEXT_OPTIONAL = ("removal_warning",)
_LINE_REQUIRED = ("id", "name", "description", "sources")
_LINE_OPTIONAL = ("number", "website", "email", "hours", "kind", "short")
HELPLINE_WORDS = ("description", "short", "hours")
"""The helpline fields a translation may give (``guidance/<lang>/helplines.yaml``); numbers,
sites and sources stay in ``guidance/helplines.yaml`` for every language."""
HELPLINE_KINDS = ("urgent", "main", "specialist", "more")
"""How prominent a helpline is: danger now, the first screen, help for particular people,
or the full report only."""

_NOT_TEXTS = frozenset({"language", "helplines"})
"""Files in a language folder that are not guidance texts: the language's facts
(``language.yaml``) and its helpline words."""
_LANG_RE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_REGION_RE = re.compile(r"^[a-z]{2}(?:[a-z-]*[a-z])?$")
_NUMBER_RE = re.compile(r"^[0-9][0-9 -]*[0-9]$")
_URL_RE = re.compile(r"^https?://\S+$")
_BRACE_RE = re.compile(r"[{}]")


@dataclass(frozen=True, slots=True)
class GuidanceText:
    """What one kind of finding means and what the reader could do about it."""

    id: str
    """The guidance key, e.g. ``accessibility_service``."""
    title: str
    """A short, calm heading."""
    what_it_means: str
    """What was found and what it can do, in plain words."""
    options: tuple[str, ...]
    """Choices, not orders; shown after ``removal_warning`` where there is one."""
    removal_warning: str | None = None
    """Why removing or changing anything may be unsafe; show it before the options."""
    lang: str = FALLBACK_LANG
    """The language this text is actually in (English when a translation is missing)."""


@dataclass(frozen=True, slots=True)
class GuidanceLibrary:
    """Every guidance text and fixed report text for one language, validated."""

    lang: str
    """The language asked for."""
    texts: Mapping[str, GuidanceText]
    ui_texts: Mapping[str, str]
    ui_lists: Mapping[str, tuple[str, ...]]
    fallbacks: frozenset[str] = field(default_factory=frozenset)
    """Names served in English because the translation lacks them (``ui.<key>`` for UI)."""

    def get(self, key: str) -> GuidanceText:
        """The guidance text for ``key``; raises ``GuidanceError`` for an unknown key."""
        try:
            return self.texts[key]
        except KeyError:
            raise GuidanceError.said(
                "errors.no_advice_text",
                f"unknown guidance key {key!r}; known: {', '.join(sorted(self.texts))}",
            ) from None

    def keys(self) -> tuple[str, ...]:
        """Every guidance key, sorted."""
        return tuple(sorted(self.texts))

    def ui(self, key: str) -> str:
        """A fixed one-paragraph report text, e.g. ``ui("clean_result")``."""
        try:
            return self.ui_texts[key]
        except KeyError:
            raise GuidanceError.said(
                "errors.report_text_missing",
                f"unknown UI text {key!r}; known: {', '.join(sorted(self.ui_texts))}",
            ) from None

    def ui_list(self, key: str) -> tuple[str, ...]:
        """A fixed list-valued report text, e.g. ``ui_list("clean_result_cannot_see_list")``."""
        try:
            return self.ui_lists[key]
        except KeyError:
            raise GuidanceError.said(
                "errors.report_text_missing",
                f"unknown UI list {key!r}; known: {', '.join(sorted(self.ui_lists))}",
            ) from None


@dataclass(frozen=True, slots=True)
class Helpline:
    """One place to get help: a phone number, a website, or both."""

    id: str
    name: str
    description: str
    sources: tuple[str, ...]
    """Where the number was checked (web addresses), for reviewers; not shown to users."""
    number: str | None = None
    website: str | None = None
    email: str | None = None
    hours: str | None = None
    kind: str = "main"
    """One of ``HELPLINE_KINDS``."""
    short: str | None = None
    """One line for the first screen of a report (the description is the full text)."""
    translated: frozenset[str] = frozenset()
    """Which of ``HELPLINE_WORDS`` are in the language asked for; the rest are English."""


@dataclass(frozen=True, slots=True)
class HelplineRegion:
    """The helplines for one region, most urgent first."""

    code: str
    """Short region code, e.g. ``uk``."""
    name: str
    lines: tuple[Helpline, ...]

    def __iter__(self) -> Iterator[Helpline]:
        return iter(self.lines)


# --- YAML reading -------------------------------------------------------------------


def _display(*parts: str) -> str:
    """How a file is named in messages: ``guidance/en/ui.yaml``, wherever it is installed."""
    return "/".join(("guidance", *parts))


def _fail(shown: str, problem: str) -> GuidanceError:
    return GuidanceError.said(
        "errors.advice_file_damaged", f"{shown}: {problem}", file=shown, problem=problem
    )


def _read_mapping(path: Traversable, shown: str) -> dict[str, object]:
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GuidanceError.said(
            "errors.advice_file_unreadable", f"{shown}: {exc}", file=shown
        ) from exc
    except UnicodeDecodeError as exc:
        raise _fail(shown, "it is not UTF-8 text") from exc
    try:
        data = yaml.load(raw, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise GuidanceError.said(
            "errors.advice_file_not_yaml", f"{shown}: {exc}", file=shown
        ) from exc
    if not isinstance(data, dict):
        raise _fail(shown, "the top level must be a mapping of field: value")
    for key in data:
        if not isinstance(key, str):
            raise _fail(shown, f"field name {key!r} must be text")
    return data


def _text(value: object, shown: str, where: str) -> str:
    if not isinstance(value, str):
        raise _fail(shown, f"{where} must be text (put it in quotes if it looks like a number)")
    stripped = value.strip()
    if not stripped:
        raise _fail(shown, f"{where} is empty")
    return stripped


def _text_list(value: object, shown: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise _fail(shown, f"{where} must be a list with at least one item")
    return tuple(_text(item, shown, f"{where}[{index}]") for index, item in enumerate(value))


def _check_fields(
    data: Mapping[str, object],
    required: tuple[str, ...],
    optional: tuple[str, ...],
    shown: str,
    where: str = "",
) -> None:
    prefix = f"{where}: " if where else ""
    missing = [name for name in required if name not in data]
    if missing:
        raise _fail(shown, f"{prefix}missing field(s) {', '.join(missing)}")
    unknown = sorted(set(data) - set(required) - set(optional))
    if unknown:
        raise _fail(shown, f"{prefix}unknown field(s) {', '.join(unknown)}")


# --- guidance texts -----------------------------------------------------------------


def _parse_text(path: Traversable, shown: str, lang: str) -> GuidanceText:
    data = _read_mapping(path, shown)
    _check_fields(data, _TEXT_REQUIRED, _TEXT_OPTIONAL, shown)
    text_id = _text(data["id"], shown, "id")
    stem = PurePosixPath(path.name).stem
    if text_id != stem:
        raise _fail(shown, f"id {text_id!r} must match the file name {stem!r}")
    warning = data.get("removal_warning")
    return GuidanceText(
        id=text_id,
        title=_text(data["title"], shown, "title"),
        what_it_means=_text(data["what_it_means"], shown, "what_it_means"),
        options=_text_list(data["options"], shown, "options"),
        removal_warning=None if warning is None else _text(warning, shown, "removal_warning"),
        lang=lang,
    )


def _parse_ui(path: Traversable, shown: str) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    data = _read_mapping(path, shown)
    if data.get("id") != "ui":
        raise _fail(shown, "it must have the field 'id: ui'")
    unknown = sorted(set(data) - {"id", *UI_TEXT_KEYS, *UI_LIST_KEYS})
    if unknown:
        raise _fail(shown, f"unknown text(s) {', '.join(unknown)}")
    texts = {k: _text(data[k], shown, k) for k in UI_TEXT_KEYS if k in data}
    lists = {k: _text_list(data[k], shown, k) for k in UI_LIST_KEYS if k in data}
    for key, value in texts.items():
        if _BRACE_RE.search(value):
            raise _fail(shown, f"{key} has a {{...}} placeholder; UI texts take none")
    for key, items in lists.items():
        if any(_BRACE_RE.search(item) for item in items):
            raise _fail(shown, f"{key} must not contain {{...}} placeholders")
    return texts, lists


def _lang_dir(base_dir: Traversable, lang: str) -> Traversable:
    if not _LANG_RE.match(lang):
        raise GuidanceError.said(
            "errors.not_a_language_we_know",
            f"language code {lang!r} does not match {_LANG_RE.pattern}",
            lang=repr(lang),
        )
    return base_dir / lang


def _load_language(
    base_dir: Traversable, lang: str
) -> tuple[dict[str, GuidanceText], dict[str, str], dict[str, tuple[str, ...]]]:
    folder = _lang_dir(base_dir, lang)
    texts: dict[str, GuidanceText] = {}
    ui_texts: dict[str, str] = {}
    ui_lists: dict[str, tuple[str, ...]] = {}
    if not folder.is_dir():
        return texts, ui_texts, ui_lists
    for path in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if path.name.startswith(".") or not path.is_file():
            continue
        shown = _display(lang, path.name)
        name = PurePosixPath(path.name)
        if name.suffix != ".yaml":
            raise _fail(shown, "only .yaml files belong in a guidance language folder")
        if name.stem in _NOT_TEXTS:
            continue  # read by scanner.i18n and the helpline loader
        if name.stem == "ui":
            ui_texts, ui_lists = _parse_ui(path, shown)
        elif not _ID_RE.match(name.stem):
            raise _fail(shown, "file names must be lower-case keys like known_stalkerware.yaml")
        else:
            texts[name.stem] = _parse_text(path, shown, lang)
    return texts, ui_texts, ui_lists


def load_guidance(
    lang: str = FALLBACK_LANG, base_dir: Traversable | None = None
) -> GuidanceLibrary:
    """Load every guidance text for ``lang``, falling back to English text by text.

    English must be complete: a file for every key in ``FINDING_KEYS`` and every UI text.
    A translation may be partial, but may not hold keys English does not have. Raises
    ``GuidanceError`` naming the file when any file is missing or malformed.
    """
    base = DEFAULT_BASE_DIR if base_dir is None else base_dir
    en_dir = base / FALLBACK_LANG
    if not en_dir.is_dir():
        raise GuidanceError.said("errors.advice_missing", f"no folder {en_dir}")
    texts, ui_texts, ui_lists = _load_language(base, FALLBACK_LANG)
    missing = [key for key in (*FINDING_KEYS, *REPORT_KEYS) if key not in texts]
    missing += [
        f"ui.{key}"
        for key in (*UI_TEXT_KEYS, *UI_LIST_KEYS)
        if key not in ui_texts and key not in ui_lists
    ]
    if missing:
        raise GuidanceError.said(
            "errors.advice_incomplete",
            f"{en_dir}: missing {', '.join(missing)}",
        )

    fallbacks: frozenset[str] = frozenset()
    if lang != FALLBACK_LANG:
        own_texts, own_ui, own_lists = _load_language(base, lang)
        extra = sorted(set(own_texts) - set(texts))
        if extra:
            raise GuidanceError.said(
                "errors.advice_mismatch",
                f"{base / lang}: keys with no English original: {', '.join(extra)}",
                lang=repr(lang),
            )
        fallbacks = frozenset(
            [key for key in texts if key not in own_texts]
            + [f"ui.{key}" for key in ui_texts if key not in own_ui]
            + [f"ui.{key}" for key in ui_lists if key not in own_lists]
        )
        texts = {**texts, **own_texts}
        ui_texts = {**ui_texts, **own_ui}
        ui_lists = {**ui_lists, **own_lists}

    return GuidanceLibrary(
        lang=lang,
        texts=MappingProxyType(texts),
        ui_texts=MappingProxyType(ui_texts),
        ui_lists=MappingProxyType(ui_lists),
        fallbacks=fallbacks,
    )


# --- helplines ----------------------------------------------------------------------


def _parse_line(item: object, shown: str, where: str) -> Helpline:
    if not isinstance(item, dict):
        raise _fail(shown, f"{where} must be a mapping of field: value")
    _check_fields(item, _LINE_REQUIRED, _LINE_OPTIONAL, shown, where)
    line_id = _text(item["id"], shown, f"{where}.id")
    if not _ID_RE.match(line_id):
        raise _fail(shown, f"{where}.id {line_id!r} must be a lower-case key")
    optional = {
        name: _text(item[name], shown, f"{where}.{name}") for name in _LINE_OPTIONAL if name in item
    }
    number = optional.get("number")
    if number is not None and not _NUMBER_RE.match(number):
        raise _fail(shown, f"{where}.number {number!r} may hold only digits, spaces and dashes")
    if number is None and "website" not in optional:
        raise _fail(shown, f"{where} needs a number or a website")
    kind = optional.get("kind", "main")
    if kind not in HELPLINE_KINDS:
        raise _fail(shown, f"{where}.kind must be one of {', '.join(HELPLINE_KINDS)}")
    sources = _text_list(item["sources"], shown, f"{where}.sources")
    bad = [source for source in sources if not _URL_RE.match(source)]
    if bad:
        raise _fail(shown, f"{where}.sources must be web addresses, not {bad[0]!r}")
    return Helpline(
        id=line_id,
        name=_text(item["name"], shown, f"{where}.name"),
        description=_text(item["description"], shown, f"{where}.description"),
        sources=sources,
        number=number,
        website=optional.get("website"),
        email=optional.get("email"),
        hours=optional.get("hours"),
        kind=kind,
        short=optional.get("short"),
    )


def _load_regions(base_dir: Traversable | None) -> dict[str, HelplineRegion]:
    base = DEFAULT_BASE_DIR if base_dir is None else base_dir
    path = base / "helplines.yaml"
    shown = _display("helplines.yaml")
    data = _read_mapping(path, shown)
    _check_fields(data, ("regions",), (), shown)
    regions = data["regions"]
    if not isinstance(regions, dict) or not regions:
        raise _fail(shown, "regions must map region codes (like uk) to their helplines")
    loaded: dict[str, HelplineRegion] = {}
    for code, body in regions.items():
        if not isinstance(code, str) or not _REGION_RE.match(code):
            raise _fail(
                shown, f"region code {code!r} must be lower-case letters, like uk or outside-uk"
            )
        if not isinstance(body, dict):
            raise _fail(shown, f"regions.{code} must be a mapping with name and lines")
        _check_fields(body, ("name", "lines"), (), shown, f"regions.{code}")
        raw_lines = body["lines"]
        if not isinstance(raw_lines, list) or not raw_lines:
            raise _fail(shown, f"regions.{code}.lines must be a list with at least one helpline")
        lines = tuple(
            _parse_line(item, shown, f"regions.{code}.lines[{index}]")
            for index, item in enumerate(raw_lines)
        )
        ids = [line.id for line in lines]
        duplicates = sorted({line_id for line_id in ids if ids.count(line_id) > 1})
        if duplicates:
            raise _fail(shown, f"regions.{code} repeats helpline id(s) {', '.join(duplicates)}")
        loaded[code] = HelplineRegion(
            code=code, name=_text(body["name"], shown, f"regions.{code}.name"), lines=lines
        )
    return loaded


def _helpline_words(
    base_dir: Traversable | None, lang: str, regions: Mapping[str, HelplineRegion]
) -> dict[str, tuple[str | None, dict[str, dict[str, str]]]]:
    """``guidance/<lang>/helplines.yaml``: a region's name and its lines' words, by id.

    Only words: a number or web address here would go unchecked, so it is refused."""
    base = DEFAULT_BASE_DIR if base_dir is None else base_dir
    path = _lang_dir(base, lang) / "helplines.yaml"
    if lang == FALLBACK_LANG or not path.is_file():
        return {}
    shown = _display(lang, "helplines.yaml")
    data = _read_mapping(path, shown)
    _check_fields(data, ("regions",), (), shown)
    raw = data["regions"]
    if not isinstance(raw, dict):
        raise _fail(shown, "regions must map region codes (like uk) to their words")
    found: dict[str, tuple[str | None, dict[str, dict[str, str]]]] = {}
    for code, body in raw.items():
        if code not in regions:
            raise _fail(shown, f"region {code!r} is not in guidance/helplines.yaml")
        if not isinstance(body, dict):
            raise _fail(shown, f"regions.{code} must be a mapping with name and lines")
        _check_fields(body, (), ("name", "lines"), shown, f"regions.{code}")
        name = _text(body["name"], shown, f"regions.{code}.name") if "name" in body else None
        known = {line.id for line in regions[code].lines}
        lines: dict[str, dict[str, str]] = {}
        raw_lines = body.get("lines") or {}
        if not isinstance(raw_lines, dict):
            raise _fail(shown, f"regions.{code}.lines must map helpline ids to their words")
        for line_id, words in raw_lines.items():
            where = f"regions.{code}.lines.{line_id}"
            if line_id not in known:
                raise _fail(shown, f"{where}: no helpline {line_id!r} in region {code!r}")
            if not isinstance(words, dict):
                raise _fail(shown, f"{where} must be a mapping of field: words")
            _check_fields(words, (), HELPLINE_WORDS, shown, where)
            lines[str(line_id)] = {
                field_name: _text(value, shown, f"{where}.{field_name}")
                for field_name, value in words.items()
            }
        found[str(code)] = (name, lines)
    return found


def _in_language(
    region: HelplineRegion, words: tuple[str | None, dict[str, dict[str, str]]]
) -> HelplineRegion:
    """The region with each field the translation gives; every other field stays English."""
    name, by_line = words
    lines = []
    for line in region.lines:
        own = by_line.get(line.id, {})
        lines.append(
            replace(
                line,
                description=own.get("description", line.description),
                short=own.get("short", line.short),
                hours=own.get("hours", line.hours),
                translated=frozenset(own),
            )
        )
    return HelplineRegion(code=region.code, name=name or region.name, lines=tuple(lines))


def helpline_regions(base_dir: Traversable | None = None) -> tuple[str, ...]:
    """The region codes that have helplines, in file order (UK first)."""
    return tuple(_load_regions(base_dir))


def load_helplines(
    region: str = "uk", base_dir: Traversable | None = None, lang: str = FALLBACK_LANG
) -> HelplineRegion:
    """The validated helplines for ``region``, their words in ``lang`` where translated
    (English field by field otherwise); raises ``GuidanceError`` for an unknown region."""
    regions = _load_regions(base_dir)
    try:
        found = regions[region]
    except KeyError:
        raise GuidanceError.said(
            "errors.no_region",
            f"helplines.yaml has no region {region!r}",
            region=repr(region),
            known=", ".join(regions),
        ) from None
    words = _helpline_words(base_dir, lang, regions).get(region)
    return found if words is None else _in_language(found, words)
