"""``RawCapture`` -> ``DeviceSnapshot``: run every parser and merge what they found.

Never raises. A command that did not run, was cut short, or whose parser failed becomes a
``CollectionWarning`` naming it, so the report says what the scan could not see.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TypeVar

from scanner.device.allowlist import (
    DUMPSYS_ACCESSIBILITY,
    DUMPSYS_ACCOUNT,
    DUMPSYS_APPOPS,
    DUMPSYS_DEVICE_POLICY,
    DUMPSYS_PACKAGE,
    GETPROP,
    LAUNCHER_ACTIVITIES,
    SCAN_COMMANDS,
    SETTINGS_GLOBAL,
    SETTINGS_SECURE,
    WHICH_SU,
)
from scanner.model import (
    AccessibilityService,
    CollectionWarning,
    DeviceSnapshot,
    Package,
    PermissionGrant,
    RawCapture,
)
from scanner.parse.accessibility import AccessibilityParse, parse_dumpsys_accessibility
from scanner.parse.accounts import AccountsParse, parse_dumpsys_account
from scanner.parse.appops import AppOpsParse, parse_dumpsys_appops
from scanner.parse.common import component_package, excerpt, normalize_component
from scanner.parse.device_policy import DevicePolicyParse, parse_dumpsys_device_policy
from scanner.parse.getprop import PropsParse, device_info, parse_getprop
from scanner.parse.launcher import LauncherParse, parse_launcher_activities
from scanner.parse.packages import PackageRecord, PackagesParse, parse_dumpsys_package
from scanner.parse.root import WhichSuParse, parse_which_su, root_indicators
from scanner.parse.settings import (
    SettingsListParse,
    notification_listeners,
    parse_settings_list,
    safety_settings,
)

logger = logging.getLogger(__name__)

MAIN_USER = 0
"""Android's primary user; enabled/installed state and runtime grants are read for it."""

T = TypeVar("T")


class _Collector:
    """Reads each command's text once and keeps every warning in command order."""

    def __init__(self, capture: RawCapture) -> None:
        self.capture = capture
        self.warnings: list[CollectionWarning] = []
        self.sources_read: list[str] = []

    def text(self, command: str) -> str | None:
        """The command's decoded output, or None (with a warning) when there is none."""
        result = self.capture.get(command)
        if result is None:
            self.warnings.append(
                CollectionWarning(command, f"'{command}' was not run, so its data is missing")
            )
            return None
        if not result.ok:
            reason = result.error or "no output"
            self.warnings.append(
                CollectionWarning(command, f"'{command}' gave no output: {reason}")
            )
            return None
        if result.truncated:
            self.warnings.append(
                CollectionWarning(command, f"the output of '{command}' was cut at the size limit")
            )
        text = result.text()
        if "\ufffd" in text:
            self.warnings.append(
                CollectionWarning(command, "the output contained bytes that are not text")
            )
        return text

    def parse(self, command: str, parser: Callable[[str], T]) -> T | None:
        """Run ``parser`` on the command's output; any exception becomes a warning."""
        text = self.text(command)
        if text is None:
            return None
        try:
            parsed = parser(text)
        except Exception as exc:  # a parser bug must not lose the rest of the scan
            logger.debug("parser for %r failed", command, exc_info=True)
            self.warnings.append(
                CollectionWarning(
                    command,
                    f"could not read the output of '{command}'",
                    excerpt=excerpt(f"{type(exc).__name__}: {exc}"),
                )
            )
            return None
        self.sources_read.append(command)
        self.warnings.extend(getattr(parsed, "warnings", ()))
        return parsed


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
        package=record.package,
        apk_path=record.code_path,
        installer=record.installer,
        uid=record.app_id,
        version_name=record.version_name,
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


def _packages(parsed: PackagesParse | None, launcher: LauncherParse | None) -> tuple[Package, ...]:
    if parsed is None:
        return ()
    launcher_set = launcher.packages if launcher is not None else None
    hidden_names = frozenset(r.package for r in parsed.hidden_system)
    live_names = {r.package for r in parsed.records}
    out = [_package(r, launcher_set, hidden_names) for r in parsed.records]
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


def build_snapshot(capture: RawCapture) -> DeviceSnapshot:
    """Parse every command of the scan batch and merge the results; never raises."""
    c = _Collector(capture)
    props_parse: PropsParse | None = c.parse(GETPROP, parse_getprop)
    packages_parse: PackagesParse | None = c.parse(DUMPSYS_PACKAGE, parse_dumpsys_package)
    launcher_parse: LauncherParse | None = c.parse(LAUNCHER_ACTIVITIES, parse_launcher_activities)
    a11y_parse: AccessibilityParse | None = c.parse(
        DUMPSYS_ACCESSIBILITY, parse_dumpsys_accessibility
    )
    policy_parse: DevicePolicyParse | None = c.parse(
        DUMPSYS_DEVICE_POLICY, parse_dumpsys_device_policy
    )
    accounts_parse: AccountsParse | None = c.parse(DUMPSYS_ACCOUNT, parse_dumpsys_account)
    appops_parse: AppOpsParse | None = c.parse(DUMPSYS_APPOPS, parse_dumpsys_appops)
    global_parse: SettingsListParse | None = c.parse(
        SETTINGS_GLOBAL, lambda t: parse_settings_list(t, "global")
    )
    secure_parse: SettingsListParse | None = c.parse(
        SETTINGS_SECURE, lambda t: parse_settings_list(t, "secure")
    )
    su_parse: WhichSuParse | None = c.parse(WHICH_SU, parse_which_su)

    for result in capture.results:
        if result.command not in SCAN_COMMANDS:
            c.warnings.append(
                CollectionWarning(result.command, "output of a command not in the scan batch")
            )
    if capture.interrupted:
        c.warnings.insert(
            0, CollectionWarning("connection", f"collection stopped early: {capture.interrupted}")
        )

    props: Mapping[str, str] = (
        props_parse.props if props_parse is not None else MappingProxyType({})
    )
    packages = _packages(packages_parse, launcher_parse)
    settings = safety_settings(
        global_parse.values if global_parse is not None else None,
        secure_parse.values if secure_parse is not None else None,
    )
    root = root_indicators(
        su_parse.paths if su_parse is not None else (),
        (p.package for p in packages),
        props,
    )
    return DeviceSnapshot(
        device=device_info(props, capture.serial),
        packages=packages,
        accessibility=_accessibility(a11y_parse, settings.enabled_accessibility_services),
        device_admins=policy_parse.admins if policy_parse is not None else (),
        notification_listeners=notification_listeners(settings),
        accounts=accounts_parse.accounts if accounts_parse is not None else (),
        appops=appops_parse.ops if appops_parse is not None else (),
        settings=settings,
        root=root,
        warnings=tuple(c.warnings),
        sources_read=tuple(c.sources_read),
    )
