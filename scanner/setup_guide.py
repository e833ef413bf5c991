"""Load the step-by-step texts that get a phone ready for the check.

The words live in ``guidance/<lang>/setup/``, beside the finding texts but in their own
folder with their own small schema, so ``scanner/guidance.py`` (which skips sub-folders)
is not involved:

- ``<vendor>.yaml``: how to turn USB debugging on, and back off, on one maker's phones
  (``generic.yaml`` is the fallback for any other Android phone);
- ``messages.yaml``: the fixed texts shown while waiting for a phone, and the headings
  of ``scan.py setup``;
- ``obstacles.yaml``: what went wrong and what to try, one entry per obstacle id in
  ``scanner/device/obstacles.py``.

English is complete. Another language may give any part of these files: each text it
lacks (a vendor's step list, a message, an obstacle's message or fix) is served in
English, and the facts (vendor ids, aliases, USB ids) always come from English.

This module checks the files' shape and hands the texts out; the wording rules (reading
ease, short sentences, the removal caveat in after-scan texts) are enforced by
``tests/discovery/``.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from importlib.resources.abc import Traversable
from pathlib import PurePosixPath
from types import MappingProxyType

import yaml

from scanner.errors import GuidanceError
from scanner.resources import guidance_root
from scanner.strict_yaml import StrictLoader as _StrictLoader

DEFAULT_BASE_DIR: Traversable = guidance_root()
FALLBACK_VENDOR = "generic"
MESSAGES_FILE = "messages"
OBSTACLES_FILE = "obstacles"

MESSAGE_KEYS: tuple[str, ...] = (
    "setup_title",
    "setup_intro",
    "developer_options_heading",
    "usb_debugging_heading",
    "notes_heading",
    "connect_heading",
    "after_scan_heading",
    "after_scan_intro",
    "menus_differ",
    "vendors_heading",
    "detected_vendor",
    "wait_plug_in",
    "wait_phone_found",
    "wait_unplugged",
    "wait_wrong_serial",
)
"""Single-paragraph texts in ``messages.yaml``."""

MESSAGE_LIST_KEYS: tuple[str, ...] = ("connect_steps",)
"""List-valued texts in ``messages.yaml`` (numbered steps)."""

MESSAGE_PLACEHOLDERS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "detected_vendor": frozenset({"vendor"}),
        "wait_phone_found": frozenset({"phone"}),
        "wait_wrong_serial": frozenset({"serial", "phones"}),
    }
)
"""The only ``{name}`` placeholders each message may use."""

OBSTACLE_IDS: tuple[str, ...] = (
    "usb_permission",
    "adb_server_busy",
    "adb_server_running",
    "several_phones",
    "no_phone_seen",
    "no_data_connection",
    "phone_locked",
    "usb_debugging_off",
)
"""Every obstacle ``scanner/device/obstacles.py`` can name; each needs a text."""

OBSTACLE_PLACEHOLDERS: Mapping[str, frozenset[str]] = MappingProxyType(
    {"several_phones": frozenset({"phones"}), "usb_permission": frozenset({"node"})}
)

_VENDOR_REQUIRED = ("id", "name", "developer_options", "usb_debugging", "after_scan")
_VENDOR_OPTIONAL = ("aliases", "usb_vendor_ids", "notes")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_HEX_ID_RE = re.compile(r"^[0-9a-f]{4}$")
_LANG_RE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$")
_WORD_SPLIT_RE = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class VendorGuide:
    """How to turn USB debugging on, and back off, on one maker's phones."""

    id: str
    """File name, e.g. ``samsung``; ``generic`` for any other Android phone."""
    name: str
    """What the reader calls the phone, e.g. "Samsung Galaxy"."""
    developer_options: tuple[str, ...]
    """Steps that open the hidden Developer options menu."""
    usb_debugging: tuple[str, ...]
    """Steps that turn on USB debugging inside Developer options."""
    after_scan: tuple[str, ...]
    """Steps that turn debugging and Developer options back off and revoke computers."""
    aliases: tuple[str, ...] = ()
    """Lower-case words that name this maker in USB, udev or getprop text ("redmi")."""
    usb_vendor_ids: tuple[int, ...] = ()
    """USB vendor ids the maker's phones report (a hint: many phones reuse Google's)."""
    notes: tuple[str, ...] = ()
    """Things that often trip people up on these phones."""


@dataclass(frozen=True, slots=True)
class ObstacleText:
    """The words for one obstacle: what is wrong, and what to try."""

    message: str
    fix: str


@dataclass(frozen=True, slots=True)
class SetupGuide:
    """Every setup text for one language, validated."""

    lang: str
    vendors: Mapping[str, VendorGuide]
    messages: Mapping[str, str]
    message_lists: Mapping[str, tuple[str, ...]]
    obstacles: Mapping[str, ObstacleText]
    fallbacks: frozenset[str] = field(default_factory=frozenset)
    """Texts served in English because the translation lacks them (``file:key``)."""

    def vendor(self, name: str) -> VendorGuide:
        """The guide for a vendor id or alias ("pixel", "redmi"); raises for an unknown one."""
        key = name.strip().lower()
        if key in self.vendors:
            return self.vendors[key]
        for guide in self.vendors.values():
            if key in guide.aliases:
                return guide
        raise GuidanceError.said(
            "errors.no_vendor_steps",
            f"unknown vendor {name!r}",
            name=repr(name),
            known=", ".join(self.vendor_ids()),
        )

    def vendor_ids(self) -> tuple[str, ...]:
        """Every vendor id, generic last."""
        ids = sorted(k for k in self.vendors if k != FALLBACK_VENDOR)
        return (*ids, FALLBACK_VENDOR)

    def match_vendor(
        self, *, usb_vendor_id: int | None = None, names: Iterable[str | None] = ()
    ) -> VendorGuide:
        """The best guide for what a phone reports; the generic guide when nothing fits.

        ``names`` are free texts such as udev's vendor and model, or getprop's
        ``ro.product.manufacturer``; a maker's word in them wins over the USB vendor id,
        because many phones use Google's vendor id for their debugging interface.
        """
        # Whole words only ("mi" must not match "microsoft"); udev writes "Pixel_7".
        words = set(_WORD_SPLIT_RE.split(" ".join(n.lower() for n in names if n)))
        for guide in self.vendors.values():
            if guide.id != FALLBACK_VENDOR and words & {guide.id, *guide.aliases}:
                return guide
        if usb_vendor_id is not None:
            for guide in self.vendors.values():
                if usb_vendor_id in guide.usb_vendor_ids:
                    return guide
        return self.vendors[FALLBACK_VENDOR]

    def phone_vendor_ids(self) -> frozenset[int]:
        """USB vendor ids of the phone makers we have steps for."""
        return frozenset(v for g in self.vendors.values() for v in g.usb_vendor_ids)

    def message(self, key: str, **values: str) -> str:
        """A fixed text, with its placeholders filled from ``values``."""
        try:
            text = self.messages[key]
        except KeyError:
            raise GuidanceError.said(
                "errors.setup_text_missing", f"unknown message {key!r}"
            ) from None
        return _fill(text, values) if MESSAGE_PLACEHOLDERS.get(key) else text

    def message_list(self, key: str) -> tuple[str, ...]:
        """A fixed list of steps, e.g. ``connect_steps``."""
        try:
            return self.message_lists[key]
        except KeyError:
            raise GuidanceError.said("errors.setup_text_missing", f"unknown list {key!r}") from None

    def obstacle(self, obstacle_id: str, **values: str) -> ObstacleText:
        """The words for one obstacle, placeholders filled from ``values``."""
        try:
            text = self.obstacles[obstacle_id]
        except KeyError:
            raise GuidanceError.said(
                "errors.setup_text_missing", f"unknown obstacle {obstacle_id!r}"
            ) from None
        if not OBSTACLE_PLACEHOLDERS.get(obstacle_id):
            return text
        return ObstacleText(_fill(text.message, values), _fill(text.fix, values))


def _fill(text: str, values: Mapping[str, str]) -> str:
    # format_map, not format: a stray brace in a phone's name is data, not a field.
    return text.format_map({k: v.replace("{", "(").replace("}", ")") for k, v in values.items()})


# --- YAML reading -------------------------------------------------------------------


def _fail(shown: str, problem: str) -> GuidanceError:
    return GuidanceError.said(
        "errors.setup_file_damaged", f"{shown}: {problem}", file=shown, problem=problem
    )


def _read(path: Traversable, shown: str) -> dict[str, object]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except OSError as exc:
        raise GuidanceError.said("errors.setup_file_unreadable", repr(exc), file=shown) from exc
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise _fail(shown, f"it is not valid UTF-8 YAML ({exc})") from exc
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise _fail(shown, "the top level must be a mapping of field: value")
    return data


def _text(value: object, shown: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(shown, f"{where} must be non-empty text")
    return " ".join(value.split())


def _texts(value: object, shown: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise _fail(shown, f"{where} must be a list with at least one item")
    return tuple(_text(item, shown, f"{where}[{i}]") for i, item in enumerate(value))


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def _check_placeholders(text: str, allowed: frozenset[str], shown: str, where: str) -> None:
    try:
        used = _placeholders(text)
    except ValueError as exc:
        raise _fail(shown, f"{where} has an unmatched brace") from exc
    if used - allowed:
        raise _fail(shown, f"{where} uses unknown placeholder(s) {sorted(used - allowed)}")


def _check_fields(
    data: Mapping[str, object], required: Iterable[str], optional: Iterable[str], shown: str
) -> None:
    required = tuple(required)
    missing = [name for name in required if name not in data]
    if missing:
        raise _fail(shown, f"missing field(s) {', '.join(missing)}")
    unknown = sorted(set(data) - set(required) - set(optional))
    if unknown:
        raise _fail(shown, f"unknown field(s) {', '.join(unknown)}")


def _parse_vendor(path: Traversable, shown: str) -> VendorGuide:
    data = _read(path, shown)
    _check_fields(data, _VENDOR_REQUIRED, _VENDOR_OPTIONAL, shown)
    vendor_id = _text(data["id"], shown, "id")
    stem = PurePosixPath(path.name).stem
    if vendor_id != stem:
        raise _fail(shown, f"id {vendor_id!r} must match the file name {stem!r}")
    aliases = _texts(data["aliases"], shown, "aliases") if "aliases" in data else ()
    if any(a != a.lower() for a in aliases):
        raise _fail(shown, "aliases must be lower case")
    raw_ids = (
        _texts(data["usb_vendor_ids"], shown, "usb_vendor_ids") if "usb_vendor_ids" in data else ()
    )
    if bad := [v for v in raw_ids if not _HEX_ID_RE.match(v)]:
        raise _fail(shown, f"usb_vendor_ids must be 4 lower-case hex digits in quotes, not {bad}")
    fields = {
        name: _texts(data[name], shown, name)
        for name in ("developer_options", "usb_debugging", "after_scan")
    }
    notes = _texts(data["notes"], shown, "notes") if "notes" in data else ()
    for name, items in (*fields.items(), ("notes", notes)):
        for index, item in enumerate(items):
            _check_placeholders(item, frozenset(), shown, f"{name}[{index}]")
    return VendorGuide(
        id=vendor_id,
        name=_text(data["name"], shown, "name"),
        aliases=aliases,
        usb_vendor_ids=tuple(int(v, 16) for v in raw_ids),
        notes=notes,
        **fields,
    )


def _parse_messages(
    path: Traversable, shown: str
) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    data = _read(path, shown)
    if data.get("id") != MESSAGES_FILE:
        raise _fail(shown, f"it must have the field 'id: {MESSAGES_FILE}'")
    _check_fields(data, ("id", *MESSAGE_KEYS, *MESSAGE_LIST_KEYS), (), shown)
    texts = {key: _text(data[key], shown, key) for key in MESSAGE_KEYS}
    lists = {key: _texts(data[key], shown, key) for key in MESSAGE_LIST_KEYS}
    for key, text in texts.items():
        _check_placeholders(text, MESSAGE_PLACEHOLDERS.get(key, frozenset()), shown, key)
    for key, items in lists.items():
        for index, item in enumerate(items):
            _check_placeholders(item, frozenset(), shown, f"{key}[{index}]")
    return texts, lists


def _parse_obstacles(path: Traversable, shown: str) -> dict[str, ObstacleText]:
    data = _read(path, shown)
    if data.get("id") != OBSTACLES_FILE:
        raise _fail(shown, f"it must have the field 'id: {OBSTACLES_FILE}'")
    _check_fields(data, ("id", *OBSTACLE_IDS), (), shown)
    loaded: dict[str, ObstacleText] = {}
    for obstacle_id in OBSTACLE_IDS:
        body = data[obstacle_id]
        if not isinstance(body, dict):
            raise _fail(shown, f"{obstacle_id} must be a mapping with message and fix")
        _check_fields(body, ("message", "fix"), (), f"{shown} ({obstacle_id})")
        allowed = OBSTACLE_PLACEHOLDERS.get(obstacle_id, frozenset())
        text = ObstacleText(
            message=_text(body["message"], shown, f"{obstacle_id}.message"),
            fix=_text(body["fix"], shown, f"{obstacle_id}.fix"),
        )
        _check_placeholders(text.message, allowed, shown, f"{obstacle_id}.message")
        _check_placeholders(text.fix, allowed, shown, f"{obstacle_id}.fix")
        loaded[obstacle_id] = text
    return loaded


_VENDOR_WORDS = ("name", "developer_options", "usb_debugging", "after_scan", "notes")
"""The parts of a vendor file a translation gives; the rest are facts, kept from English."""


def _translated_vendor(path: Traversable, shown: str, english: VendorGuide) -> VendorGuide:
    data = _read(path, shown)
    _check_fields(data, (), ("id", *_VENDOR_WORDS, "aliases", "usb_vendor_ids"), shown)
    steps = {
        name: _texts(data[name], shown, name)
        for name in ("developer_options", "usb_debugging", "after_scan", "notes")
        if name in data
    }
    for name, items in steps.items():
        for index, item in enumerate(items):
            _check_placeholders(item, frozenset(), shown, f"{name}[{index}]")
    return replace(
        english,
        name=_text(data["name"], shown, "name") if "name" in data else english.name,
        developer_options=steps.get("developer_options", english.developer_options),
        usb_debugging=steps.get("usb_debugging", english.usb_debugging),
        after_scan=steps.get("after_scan", english.after_scan),
        notes=steps.get("notes", english.notes),
    )


def _translated_messages(
    path: Traversable, shown: str
) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    data = _read(path, shown)
    _check_fields(data, (), ("id", *MESSAGE_KEYS, *MESSAGE_LIST_KEYS), shown)
    texts = {key: _text(data[key], shown, key) for key in MESSAGE_KEYS if key in data}
    lists = {key: _texts(data[key], shown, key) for key in MESSAGE_LIST_KEYS if key in data}
    for key, text in texts.items():
        _check_placeholders(text, MESSAGE_PLACEHOLDERS.get(key, frozenset()), shown, key)
    return texts, lists


def _translated_obstacles(
    path: Traversable, shown: str, english: Mapping[str, ObstacleText]
) -> tuple[dict[str, ObstacleText], set[str]]:
    """The obstacles a translation gives, each part it lacks in English; and those parts."""
    data = _read(path, shown)
    _check_fields(data, (), ("id", *OBSTACLE_IDS), shown)
    loaded: dict[str, ObstacleText] = {}
    lacking: set[str] = set()
    for obstacle_id in OBSTACLE_IDS:
        body = data.get(obstacle_id)
        if body is None:
            continue
        if not isinstance(body, dict):
            raise _fail(shown, f"{obstacle_id} must be a mapping with message and fix")
        _check_fields(body, (), ("message", "fix"), f"{shown} ({obstacle_id})")
        allowed = OBSTACLE_PLACEHOLDERS.get(obstacle_id, frozenset())
        parts = {}
        for part in ("message", "fix"):
            if part in body:
                parts[part] = _text(body[part], shown, f"{obstacle_id}.{part}")
                _check_placeholders(parts[part], allowed, shown, f"{obstacle_id}.{part}")
            else:
                lacking.add(f"obstacles:{obstacle_id}.{part}")
        loaded[obstacle_id] = replace(english[obstacle_id], **parts)
    return loaded, lacking


def _in_language(english: SetupGuide, folder: Traversable, lang: str) -> SetupGuide:
    """``english`` with every text the translation in ``folder`` gives."""
    vendors = dict(english.vendors)
    messages = dict(english.messages)
    lists = dict(english.message_lists)
    obstacles = dict(english.obstacles)
    given: set[str] = set()
    lacking: set[str] = set()
    for path in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if path.name.startswith(".") or not path.is_file():
            continue
        shown = f"guidance/{lang}/setup/{path.name}"
        name = PurePosixPath(path.name)
        if name.suffix != ".yaml":
            raise _fail(shown, "only lower-case .yaml files belong in the setup folder")
        if name.stem == MESSAGES_FILE:
            own_texts, own_lists = _translated_messages(path, shown)
            messages.update(own_texts)
            lists.update(own_lists)
            given |= {f"messages:{key}" for key in (*own_texts, *own_lists)}
        elif name.stem == OBSTACLES_FILE:
            own, parts_lacking = _translated_obstacles(path, shown, english.obstacles)
            obstacles.update(own)
            given |= {f"obstacles:{key}.{part}" for key in own for part in ("message", "fix")}
            lacking |= parts_lacking
        elif name.stem in english.vendors:
            vendors[name.stem] = _translated_vendor(path, shown, english.vendors[name.stem])
            given.add(f"vendor:{name.stem}")
        else:
            raise _fail(shown, f"there is no English setup file {name.stem}.yaml to translate")
    every = {f"messages:{k}" for k in (*english.messages, *english.message_lists)}
    every |= {f"obstacles:{k}.{part}" for k in english.obstacles for part in ("message", "fix")}
    every |= {f"vendor:{k}" for k in english.vendors}
    return SetupGuide(
        lang=lang,
        vendors=MappingProxyType(vendors),
        messages=MappingProxyType(messages),
        message_lists=MappingProxyType(lists),
        obstacles=MappingProxyType(obstacles),
        fallbacks=frozenset((every - given) | lacking),
    )


def load_setup_guide(lang: str = "en", base_dir: Traversable | None = None) -> SetupGuide:
    """Load and validate every setup text for ``lang``, English where it lacks one.

    Raises ``GuidanceError`` naming the file when one is missing or malformed.
    """
    if not _LANG_RE.match(lang):
        raise GuidanceError.said("errors.not_a_language", lang, lang=repr(lang))
    base = DEFAULT_BASE_DIR if base_dir is None else base_dir
    english = _load_english(base)
    if lang == "en":
        return english
    folder = base / lang / "setup"
    if not folder.is_dir():
        return replace(english, lang=lang, fallbacks=frozenset({"*"}))
    return _in_language(english, folder, lang)


def _load_english(base: Traversable) -> SetupGuide:
    lang = "en"
    folder = base / lang / "setup"
    if not folder.is_dir():
        raise GuidanceError.said("errors.setup_missing", f"no folder {folder}")
    vendors: dict[str, VendorGuide] = {}
    messages: dict[str, str] = {}
    lists: dict[str, tuple[str, ...]] = {}
    obstacles: dict[str, ObstacleText] = {}
    for path in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if path.name.startswith(".") or not path.is_file():
            continue
        shown = f"guidance/{lang}/setup/{path.name}"
        name = PurePosixPath(path.name)
        if name.suffix != ".yaml" or not _ID_RE.match(name.stem):
            raise _fail(shown, "only lower-case .yaml files belong in the setup folder")
        if name.stem == MESSAGES_FILE:
            messages, lists = _parse_messages(path, shown)
        elif name.stem == OBSTACLES_FILE:
            obstacles = _parse_obstacles(path, shown)
        else:
            vendors[name.stem] = _parse_vendor(path, shown)
    missing = [
        name
        for name, have in (
            (MESSAGES_FILE, messages),
            (OBSTACLES_FILE, obstacles),
            (FALLBACK_VENDOR, FALLBACK_VENDOR in vendors),
        )
        if not have
    ]
    if missing:
        raise GuidanceError.said(
            "errors.setup_incomplete",
            f"{folder}: missing {', '.join(f'{m}.yaml' for m in missing)}",
        )
    return SetupGuide(
        lang=lang,
        vendors=MappingProxyType(vendors),
        messages=MappingProxyType(messages),
        message_lists=MappingProxyType(lists),
        obstacles=MappingProxyType(obstacles),
    )


@functools.cache
def default_guide() -> SetupGuide:
    """The shipped English setup texts, loaded once."""
    return load_setup_guide()


@functools.cache
def guide_for(lang: str) -> SetupGuide:
    """The shipped setup texts in ``lang`` (English per text where not translated), loaded once."""
    return default_guide() if lang == "en" else load_setup_guide(lang)
