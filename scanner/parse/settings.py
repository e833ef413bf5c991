"""``settings list global`` / ``settings list secure``: the settings that matter for safety.

Each line is ``key=value`` (``SettingsService`` prints ``name=value`` per row, Android
4.2-16); the value may itself contain ``=`` and is printed raw, so a value with a
newline continues on the next line. ``null`` is printed for a row with no value.

Where a setting lives moved over the years: ``install_non_market_apps`` is in global on
Android 4.2-4.4 and in secure afterwards; both are read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scanner.commands import SETTINGS_GLOBAL, SETTINGS_SECURE
from scanner.model import CollectionWarning, NotificationListener, SafetySettings
from scanner.parse.common import (
    Capped,
    WarningLog,
    ascii_int,
    component_package,
    has_text,
    nonblank_lines,
)
from scanner.phrases import words

MAX_SETTINGS = 20_000
"""Settings kept per namespace; a phone has a few hundred."""

MAX_VALUE_LINES = 1000
"""Lines kept of one value that contains newlines (real values have a handful)."""


@dataclass(frozen=True, slots=True)
class SettingsListParse:
    """The ``key=value`` pairs of one namespace, in order, plus warnings."""

    values: tuple[tuple[str, str], ...] = ()
    warnings: tuple[CollectionWarning, ...] = ()


def _valid_key(key: str) -> bool:
    return bool(key) and all(c.isalnum() or c in "_.-:" for c in key) and key.isascii()


def parse_settings_list(text: str, namespace: str = "global") -> SettingsListParse:
    """Parse one ``settings list <namespace>`` output; never raises."""
    source = SETTINGS_SECURE if namespace == "secure" else SETTINGS_GLOBAL
    log = WarningLog(source)
    # Each value is kept as its lines and joined once at the end: appending to a growing
    # string would copy it per line, quadratic in a long multi-line value.
    pairs: Capped[tuple[str, list[str]]] = Capped(MAX_SETTINGS)
    last: list[str] | None = None  # the lines of the last value kept
    lines_dropped = 0
    for number, line in nonblank_lines(text):
        key, sep, value = line.partition("=")
        if sep and _valid_key(key):
            last = [value]
            if not pairs.add((key, last)):
                last = None  # over the limit: counted, and its lines are not kept
        elif last is not None:
            if len(last) < MAX_VALUE_LINES:
                last.append(line)  # a value that contained a newline
            else:
                lines_dropped += 1
        elif not pairs.items:
            log.line(number, line)
    if has_text(text) and not pairs.items:
        log.add(words("problems.settings_unknown", namespace=namespace), text)
    pairs.report(log, "problems.capped_settings")
    if lines_dropped:
        log.add(
            words("problems.value_lines_dropped", count=lines_dropped, limit=str(MAX_VALUE_LINES))
        )
    return SettingsListParse(tuple((k, "\n".join(v)) for k, v in pairs.items), log.result())


def _value(values: Mapping[str, str], key: str) -> str | None:
    raw = values.get(key)
    if raw is None:
        return None
    raw = raw.strip()
    return None if raw in ("", "null") else raw


def _flag(values: Mapping[str, str], key: str) -> bool | None:
    raw = _value(values, key)
    number = ascii_int(raw) if raw is not None else None
    return None if number is None else number != 0


def colon_list(value: str | None) -> tuple[str, ...]:
    """``a/.B:c/d.E`` -> ``("a/.B", "c/d.E")`` (empty entries dropped)."""
    if not value:
        return ()
    return tuple(dict.fromkeys(p.strip() for p in value.split(":") if p.strip()))


def _proxy(glob: Mapping[str, str]) -> str:
    proxy = _value(glob, "http_proxy") or ""
    if proxy in (":0", "0"):
        proxy = ""  # what Android writes to clear the proxy
    if not proxy:
        host = _value(glob, "global_http_proxy_host") or ""
        port = _value(glob, "global_http_proxy_port") or ""
        if host:
            proxy = f"{host}:{port}" if port and port != "0" else host
    return proxy


def safety_settings(
    global_pairs: Sequence[tuple[str, str]] | None,
    secure_pairs: Sequence[tuple[str, str]] | None,
) -> SafetySettings:
    """Map the two namespaces into ``SafetySettings``; None for a namespace not read."""
    glob = dict(global_pairs or ())
    sec = dict(secure_pairs or ())
    unknown_sources = _flag(sec, "install_non_market_apps")
    if unknown_sources is None:
        unknown_sources = _flag(glob, "install_non_market_apps")
    verifier: bool | None = None
    verify_adb: bool | None = None
    if global_pairs is not None:
        # Absent means Android's default, which is on for both.
        verifier = _flag(glob, "package_verifier_enable")
        verifier = True if verifier is None else verifier
        verify_adb = _flag(glob, "verifier_verify_adb_installs")
        verify_adb = True if verify_adb is None else verify_adb
    location = _value(sec, "location_mode")
    return SafetySettings(
        unknown_sources=unknown_sources,
        package_verifier=verifier,
        verify_adb_installs=verify_adb,
        adb_enabled=_flag(glob, "adb_enabled"),
        development_settings=_flag(glob, "development_settings_enabled"),
        adb_wifi_enabled=_flag(glob, "adb_wifi_enabled"),
        location_mode=ascii_int(location) if location is not None else None,
        http_proxy=_proxy(glob),
        private_dns_mode=_value(glob, "private_dns_mode") or "",
        private_dns_host=_value(glob, "private_dns_specifier") or "",
        enabled_accessibility_services=colon_list(_value(sec, "enabled_accessibility_services")),
        enabled_notification_listeners=colon_list(_value(sec, "enabled_notification_listeners")),
        raw_global=tuple(global_pairs or ()),
        raw_secure=tuple(secure_pairs or ()),
    )


def notification_listeners(settings: SafetySettings) -> tuple[NotificationListener, ...]:
    """One ``NotificationListener`` per component in ``enabled_notification_listeners``."""
    return tuple(
        NotificationListener(component=c, package=component_package(c))
        for c in settings.enabled_notification_listeners
    )
