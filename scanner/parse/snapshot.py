"""``RawCapture`` -> ``DeviceSnapshot``: run every parser and merge what they found.

Never raises. A command that did not run, was cut short, or whose parser failed becomes a
``CollectionWarning`` naming it, so the report says what the scan could not see.

This is the boundary where phone text becomes report text: every string the snapshot
holds that a report can show (model, labels, components, accounts, proxy host ...) goes
through ``clean_phone_text``, so no report can be made to print a line the scanner did
not write. The raw bytes stay in the capture.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from types import MappingProxyType
from typing import Any, TypeVar

from scanner.commands import (
    BATTERYSTATS_DAILY,
    DUMPSYS_ACCESSIBILITY,
    DUMPSYS_ACCOUNT,
    DUMPSYS_ADB,
    DUMPSYS_APPOPS,
    DUMPSYS_DBINFO,
    DUMPSYS_DEVICE_POLICY,
    DUMPSYS_PACKAGE,
    GETPROP,
    LAUNCHER_ACTIVITIES,
    PHONE_CLOCK,
    SETTINGS_GLOBAL,
    SETTINGS_SECURE,
    WHICH_SU,
)
from scanner.model import (
    CUT_AT_LIMIT,
    AccessibilityService,
    CollectionWarning,
    CommandResult,
    DeviceSnapshot,
    Package,
    PermissionGrant,
    RawCapture,
)
from scanner.parse.accessibility import AccessibilityParse
from scanner.parse.accounts import AccountsParse
from scanner.parse.adb_keys import AdbParse
from scanner.parse.appops_traces import AppOpsWithTraces
from scanner.parse.battery_daily import BatteryDailyParse
from scanner.parse.clock import ClockParse
from scanner.parse.common import component_package, excerpt, normalize_component
from scanner.parse.dbinfo import DbInfoParse
from scanner.parse.device_policy import DevicePolicyParse
from scanner.parse.getprop import PropsParse, device_info
from scanner.parse.launcher import LauncherParse
from scanner.parse.packages import PackageRecord, PackagesParse
from scanner.parse.root import WhichSuParse, root_indicators
from scanner.parse.settings import (
    SettingsListParse,
    notification_listeners,
    safety_settings,
)
from scanner.parse.text import clean_optional, clean_phone_text
from scanner.phrases import error_words, known_words, warning, words
from scanner.sources import SCAN_COMMANDS, SOURCES

logger = logging.getLogger(__name__)

MAIN_USER = 0
"""Android's primary user; enabled/installed state and runtime grants are read for it."""

T = TypeVar("T")

PARSERS: Mapping[str, Callable[[str], object]] = MappingProxyType(
    {source.command: source.parser for source in SOURCES}
)
"""The parser of each command in the scan batch (pure functions: text -> dataclass)."""


@dataclass(frozen=True, slots=True)
class ParsedOutput:
    """One command's output run through its parser, with every warning it raised."""

    command: str
    source: CommandResult | None
    """The result that was parsed (None: the command was not run)."""
    value: object | None
    """The parser's dataclass; None when there was no output or the parser failed."""
    warnings: tuple[CollectionWarning, ...] = ()


NOT_TEXT = "the output contained bytes that are not text"
"""The English of ``problems.not_text`` (kept: warnings are sorted by it)."""

CHECKS_OWN_TEXT = frozenset({DUMPSYS_ADB})
"""Outputs that hold binary data by design (``dumpsys adb`` prints a binary keystore from
Android 12): their parser says where bytes that are not text matter."""

_NO_SERVICE = re.compile(r"Can't find service: (\S+)")


def _text(
    command: str, result: CommandResult | None, warnings: list[CollectionWarning]
) -> str | None:
    """The command's decoded output, or None (with a warning) when there is none."""
    if result is None:
        warnings.append(warning(command, words("problems.command_not_run", command=command)))
        return None
    if not result.ok:
        reason = error_words(result) or result.error or words("problems.no_output")
        said = words("problems.command_no_output", command=command, reason=reason)
        warnings.append(warning(command, said))
        return None
    if result.truncated:
        if result.error and result.error != CUT_AT_LIMIT:
            why = error_words(result) or result.error
            cut = words("problems.command_part_arrived", command=command, reason=why)
        else:
            cut = words("problems.command_cut", command=command)
        warnings.append(warning(command, cut))
    text = result.text()
    # A one-line answer only: never copy a big output just to strip it.
    missing = _NO_SERVICE.fullmatch(text.strip()) if len(text) < 200 else None
    if missing:
        # dumpsys's own answer for a service this phone does not run (or not yet: a
        # phone still booting). Understood, but that part of the phone was not read.
        warnings.append(
            warning(
                command,
                words("problems.no_service", service=missing[1]),
                excerpt=excerpt(text),
                not_understood=False,
            )
        )
        return None
    if "\ufffd" in text and command not in CHECKS_OWN_TEXT:
        warnings.append(warning(command, words("problems.not_text")))
    return text


def parse_output(command: str, result: CommandResult | None) -> ParsedOutput:
    """Decode and parse one command of the scan batch; never raises.

    Pure and independent of the other commands, so a live scan can parse each output
    while the phone is still sending the next one.
    """
    warnings: list[CollectionWarning] = []
    text = _text(command, result, warnings)
    value: object | None = None
    if text is not None:
        try:
            value = PARSERS[command](text)
        except Exception as exc:  # a parser bug must not lose the rest of the scan
            logger.debug("parser for %r failed", command, exc_info=True)
            warnings.append(
                warning(
                    command,
                    words("problems.parser_failed", command=command),
                    excerpt=excerpt(f"{type(exc).__name__}: {exc}"),
                )
            )
        else:
            warnings.extend(getattr(value, "warnings", ()))
    return ParsedOutput(command, result, value, tuple(warnings))


def _permissions(record: PackageRecord) -> tuple[PermissionGrant, ...]:
    grants = list(record.install_permissions)
    main = record.user(MAIN_USER)
    if main is not None:
        grants.extend(main.runtime_permissions)
    return tuple(grants)


def _package(
    record: PackageRecord,
    launcher: frozenset[str] | None,
    hidden_names: frozenset[str],
) -> Package:
    main = record.user(MAIN_USER)
    first_install = record.first_install
    if first_install is None and main is not None:
        first_install = main.first_install
    return Package(
        package=clean_phone_text(record.package),
        apk_path=clean_optional(record.code_path),
        splits=tuple(clean_phone_text(name) for name in record.splits),
        installer=clean_optional(record.installer),
        installer_package_name=clean_optional(record.installer_package_name),
        initiating_installer=clean_optional(record.initiating_installer),
        originating_installer=clean_optional(record.originating_installer),
        installer_attribution_tag=clean_optional(record.installer_attribution_tag),
        package_source=record.package_source,
        uid=record.app_id,
        version_name=clean_optional(record.version_name),
        version_code=record.version_code,
        first_install=first_install,
        last_update=record.last_update,
        enabled=main.enabled if main is not None else True,
        system=record.system or record.package in hidden_names,
        updated_system=record.updated_system or record.package in hidden_names,
        has_launcher=None if launcher is None else record.package in launcher,
        installed=main is None or main.installed is not False,
        permissions=_permissions(record),
        requested_permissions=record.requested_permissions,
    )


def _partial_package(record: PackageRecord, launcher: frozenset[str] | None) -> Package:
    """Only the id of an app whose entry was cut short: its other lines may be missing or
    cut mid-value, so nothing else read from them is kept."""
    name = clean_phone_text(record.package)
    return Package(
        package=name,
        has_launcher=None if launcher is None else record.package in launcher,
        partial=True,
    )


def _packages(
    parsed: PackagesParse | None, launcher: LauncherParse | None, cut: PackageRecord | None
) -> tuple[Package, ...]:
    if parsed is None:
        return ()
    launcher_set = launcher.packages if launcher is not None else None
    hidden_names = frozenset(r.package for r in parsed.hidden_system)
    live_names = {r.package for r in parsed.records}
    out = [
        _partial_package(r, launcher_set) if r is cut else _package(r, launcher_set, hidden_names)
        for r in parsed.records
    ]
    # A hidden system copy with no live entry (should not happen): keep it, not lose it.
    out.extend(
        _package(r, launcher_set, hidden_names)
        for r in parsed.hidden_system
        if r.package not in live_names
    )
    # One entry per package name; the first (live) one wins.
    unique: dict[str, Package] = {}
    for pkg in out:
        unique.setdefault(pkg.package, pkg)
    return tuple(unique.values())


def _cut_record(
    parsed: PackagesParse, cut_known: bool, warnings: list[CollectionWarning]
) -> PackageRecord | None:
    """The last app of a package list that ends open: a cut ran through it.

    Its later lines (installer, flags, permissions) are missing, and a half-read app
    would look like one installed outside an app store: a false alarm. So only its id is
    kept, marked partial: an id alone is enough to recognise known stalkerware, and the
    checks that judge behaviour skip it. A full dump from a real phone always has more
    sections after ``Packages:``, so one that ends inside it was cut short even when the
    transfer itself ended normally (``cut_known`` False).
    """
    if not parsed.ends_open or not parsed.records:
        return None
    cut = parsed.records[-1]
    key = "problems.cut_in_app" if cut_known else "problems.cut_in_app_list_short"
    said = words(key, package=clean_phone_text(cut.package))
    warnings.append(warning(DUMPSYS_PACKAGE, said, not_understood=False))
    return cut


def _accessibility(
    parsed: AccessibilityParse | None, from_settings: tuple[str, ...]
) -> tuple[AccessibilityService, ...]:
    services = list(parsed.enabled) if parsed is not None else []
    seen = {normalize_component(s.component) for s in services}
    # The secure setting lists what the user switched on even when dumpsys is unreadable.
    for comp in from_settings:
        if normalize_component(comp) not in seen:
            seen.add(normalize_component(comp))
            services.append(AccessibilityService(comp, component_package(comp), None))
    return tuple(services)


def build_snapshot(
    capture: RawCapture, parsed: Mapping[str, ParsedOutput] | None = None
) -> DeviceSnapshot:
    """Parse every command of the scan batch and merge the results; never raises.

    ``parsed`` holds outputs already parsed while collecting (``parse_output``); one is
    used only if it was made from the very result this capture holds.
    """
    outputs: dict[str, ParsedOutput] = {}
    warnings: list[CollectionWarning] = []
    sources_read: list[str] = []
    for command in SCAN_COMMANDS:
        result = capture.get(command)
        if (result is None or not result.ok) and capture.not_held(command):
            # This kind of input cannot hold it: the report names it as such, not as a
            # part of the phone's answers that was not understood.
            outputs[command] = ParsedOutput(command, result, None)
            continue
        ready = (parsed or {}).get(command)
        if ready is None or ready.source is not result:
            ready = parse_output(command, result)
        outputs[command] = ready
        warnings.extend(ready.warnings)
        if ready.value is not None:
            sources_read.append(command)

    def value(command: str, kind: type[T]) -> T | None:
        found = outputs[command].value
        return found if isinstance(found, kind) else None

    props_parse = value(GETPROP, PropsParse)
    packages_parse = value(DUMPSYS_PACKAGE, PackagesParse)
    launcher_parse = value(LAUNCHER_ACTIVITIES, LauncherParse)
    a11y_parse = value(DUMPSYS_ACCESSIBILITY, AccessibilityParse)
    policy_parse = value(DUMPSYS_DEVICE_POLICY, DevicePolicyParse)
    accounts_parse = value(DUMPSYS_ACCOUNT, AccountsParse)
    appops_both = value(DUMPSYS_APPOPS, AppOpsWithTraces)
    global_parse = value(SETTINGS_GLOBAL, SettingsListParse)
    secure_parse = value(SETTINGS_SECURE, SettingsListParse)
    su_parse = value(WHICH_SU, WhichSuParse)
    adb_parse = value(DUMPSYS_ADB, AdbParse)
    daily_parse = value(BATTERYSTATS_DAILY, BatteryDailyParse)
    dbinfo_parse = value(DUMPSYS_DBINFO, DbInfoParse)
    clock_parse = value(PHONE_CLOCK, ClockParse)

    warnings.extend(
        warning(result.command, words("problems.not_in_batch"))
        for result in capture.results
        if result.command not in SCAN_COMMANDS
    )
    if capture.interrupted:
        why = capture.interrupted_words or known_words(capture.interrupted) or capture.interrupted
        said = words("problems.stopped_early", reason=why)
        warnings.insert(0, warning("connection", said))

    props: Mapping[str, str] = (
        props_parse.props if props_parse is not None else MappingProxyType({})
    )
    cut: PackageRecord | None = None
    if packages_parse is not None:
        packages_result = capture.get(DUMPSYS_PACKAGE)
        cut_known = packages_result is not None and packages_result.truncated
        cut = _cut_record(packages_parse, cut_known, warnings)
    packages = _packages(packages_parse, launcher_parse, cut)
    settings = safety_settings(
        global_parse.values if global_parse is not None else None,
        secure_parse.values if secure_parse is not None else None,
    )
    root = root_indicators(
        su_parse.paths if su_parse is not None else (),
        (p.package for p in packages),
        props,
    )
    settings = _cleaned(settings)
    return DeviceSnapshot(
        phone_clock=clock_parse.phone_utc if clock_parse is not None else None,
        device=_cleaned(
            device_info(
                props,
                # Over USB the connection's serial is the phone's; over the network it is
                # only an address, which must not identify the phone across scans.
                clean_phone_text(capture.serial) if capture.transport == "usb" else "",
            )
        ),
        packages=packages,
        accessibility=tuple(
            _cleaned(s) for s in _accessibility(a11y_parse, settings.enabled_accessibility_services)
        ),
        device_admins=tuple(
            _cleaned(a) for a in (policy_parse.admins if policy_parse is not None else ())
        ),
        notification_listeners=notification_listeners(settings),
        accounts=tuple(
            _cleaned(a) for a in (accounts_parse.accounts if accounts_parse is not None else ())
        ),
        appops=tuple(_cleaned(o) for o in (appops_both.ops.ops if appops_both is not None else ())),
        settings=settings,
        root=_cleaned(root),
        warnings=tuple(warnings),
        sources_read=tuple(sources_read),
        trusted_computers=tuple(
            _cleaned(c) for c in (adb_parse.computers if adb_parse is not None else ())
        ),
        app_traces=tuple(
            _cleaned(t)
            for t in (
                *(daily_parse.changes if daily_parse is not None else ()),
                *(dbinfo_parse.uses if dbinfo_parse is not None else ()),
                *(appops_both.traces.named if appops_both is not None else ()),
            )
        ),
    )


def _clean_value(value: Any) -> Any:
    """``value`` with ``clean_phone_text`` applied to every string in it (strings, and
    tuples of them, nested); the same object when nothing needed cleaning."""
    if isinstance(value, str):
        return clean_phone_text(value)
    if isinstance(value, tuple):
        cleaned = tuple(_clean_value(v) for v in value)
        return value if all(a is b for a, b in zip(cleaned, value, strict=True)) else cleaned
    return value


D = TypeVar("D")


def _cleaned(item: D) -> D:
    """A flat dataclass with every phone-supplied string in it made safe to show."""
    changes = {}
    for spec in fields(item):  # type: ignore[arg-type]
        value = getattr(item, spec.name)
        cleaned = _clean_value(value)
        if cleaned is not value:
            changes[spec.name] = cleaned
    return replace(item, **changes) if changes else item  # type: ignore[type-var]
