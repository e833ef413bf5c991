"""``getprop``: build properties, one ``[key]: [value]`` per line.

A value may span several lines (``persist.sys.boot.reason.history`` does on every phone
we have seen): the ``[`` opened after ``: `` closes on a later line. Format in AOSP
``system/core/toolbox/getprop.cpp`` (unchanged Android 9-16).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from scanner.commands import GETPROP
from scanner.model import CollectionWarning, DeviceInfo
from scanner.parse.common import WarningLog, ascii_int, has_text, nonempty_lines
from scanner.phrases import words

MAX_CONTINUATION_LINES = 200
"""A value still open after this many lines is treated as broken, not swallowed whole."""

MAX_PROPS = 20_000
"""Properties kept; a phone has a few thousand."""


@dataclass(frozen=True, slots=True)
class PropsParse:
    """Every property read, plus what could not be read."""

    props: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    warnings: tuple[CollectionWarning, ...] = ()


def parse_getprop(text: str) -> PropsParse:
    """Parse ``getprop`` output into a read-only mapping of property -> value."""
    log = WarningLog(GETPROP)
    props: dict[str, str] = {}
    open_key: str | None = None
    open_parts: list[str] = []
    open_line = 0
    dropped = 0
    last = 0
    for number, line in nonempty_lines(text):
        if open_key is not None and number > last + 1:
            # Empty lines inside a value that spans lines are part of it.
            empty = number - last - 1
            if len(open_parts) + empty > MAX_CONTINUATION_LINES:
                log.line(open_line, open_key, words("problems.prop_never_closed"))
                open_key = None
            else:
                open_parts.extend([""] * empty)
        last = number
        if open_key is not None and line.startswith("[") and "]: [" in line:
            # A new property line while a value is open: the open one was cut short.
            log.line(open_line, open_key, words("problems.prop_never_closed"))
            open_key = None
        if open_key is not None:
            if line.endswith("]"):
                open_parts.append(line[:-1])
                if open_key in props or len(props) < MAX_PROPS:
                    props[open_key] = "\n".join(open_parts)
                else:
                    dropped += 1
                open_key = None
            elif len(open_parts) >= MAX_CONTINUATION_LINES:
                log.line(open_line, open_key, words("problems.prop_never_closed"))
                open_key = None
            else:
                open_parts.append(line)
            continue
        if not line.strip():
            continue
        key, value, complete = _split_prop_line(line)
        if key is None:
            log.line(number, line)
        elif complete:
            if key in props or len(props) < MAX_PROPS:
                props[key] = value
            else:
                dropped += 1
        else:
            open_key, open_parts, open_line = key, [value], number
    if open_key is not None:
        log.line(open_line, open_key, words("problems.prop_never_closed_cut"))
    if dropped:
        log.add(words("problems.props_dropped", count=dropped, limit=str(MAX_PROPS)))
    if has_text(text) and not props:
        log.add(words("problems.no_props"), text)
    return PropsParse(MappingProxyType(props), log.result())


def _split_prop_line(line: str) -> tuple[str | None, str, bool]:
    """(key, value, value_complete) for ``[key]: [value``; key None when not that shape."""
    if not line.startswith("["):
        return None, "", False
    close = line.find("]: [")
    if close <= 1:
        return None, "", False
    key = line[1:close]
    rest = line[close + 4 :]
    if rest.endswith("]"):
        return key, rest[:-1], True
    return key, rest, False


# Vendor/ODM images carry their own copies; some phones leave the generic one empty.
_MANUFACTURER_KEYS = (
    "ro.product.manufacturer",
    "ro.product.vendor.manufacturer",
    "ro.product.odm.manufacturer",
    "ro.product.system.manufacturer",
)
_MODEL_KEYS = (
    "ro.product.model",
    "ro.product.vendor.model",
    "ro.product.odm.model",
    "ro.product.system.model",
)
_BRAND_KEYS = ("ro.product.brand", "ro.product.vendor.brand", "ro.product.odm.brand")
_DEVICE_KEYS = ("ro.product.device", "ro.product.vendor.device", "ro.product.odm.device")
_FINGERPRINT_KEYS = ("ro.build.fingerprint", "ro.vendor.build.fingerprint")


def _first(props: Mapping[str, str], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = props.get(key, "").strip()
        if value:
            return value
    return ""


def device_info(props: Mapping[str, str], serial: str = "") -> DeviceInfo:
    """Who the phone is, from the properties; missing values stay empty / None."""
    debuggable_raw = props.get("ro.debuggable", "").strip()
    debuggable = {"1": True, "0": False}.get(debuggable_raw)
    return DeviceInfo(
        manufacturer=_first(props, _MANUFACTURER_KEYS),
        model=_first(props, _MODEL_KEYS),
        brand=_first(props, _BRAND_KEYS),
        device=_first(props, _DEVICE_KEYS),
        android_version=props.get("ro.build.version.release", "").strip(),
        sdk=ascii_int(props.get("ro.build.version.sdk", "")),
        security_patch=props.get("ro.build.version.security_patch", "").strip(),
        fingerprint=_first(props, _FINGERPRINT_KEYS),
        # The phone's own serial names it; a network address changes from visit to visit.
        serial=_first(props, ("ro.serialno", "ro.boot.serialno")) or serial,
        build_type=props.get("ro.build.type", "").strip(),
        build_tags=props.get("ro.build.tags", "").strip(),
        debuggable=debuggable,
        timezone=props.get("persist.sys.timezone", "").strip(),
    )
