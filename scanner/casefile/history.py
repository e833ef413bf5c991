"""What changed on a phone between two scans, in plain words with dates.

Comparing scans over weeks shows patterns a single scan cannot: an app that reappears
after every removal, accessibility switched back on, Play Protect turned off again.
Each change carries the scan window and, where the phone said, when the app was
installed or updated. Descriptions quote app names and labels from the phone: they are
untrusted text, and renderers must escape them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from scanner.casefile.casefile import CaseFile, ScanRecord
from scanner.commands import (
    DUMPSYS_ACCESSIBILITY,
    DUMPSYS_ACCOUNT,
    DUMPSYS_DEVICE_POLICY,
    DUMPSYS_PACKAGE,
    SETTINGS_GLOBAL,
    SETTINGS_SECURE,
)
from scanner.labels import name_for
from scanner.model import (
    ChangeKind,
    DeviceSnapshot,
    HistoryChange,
    HistoryDiff,
    Package,
    RawCapture,
    SafetySettings,
)

# Plain names for the runtime permissions a survivor most needs to notice.
_PERMISSION_WORDS = {
    "android.permission.ACCESS_FINE_LOCATION": "precise location",
    "android.permission.ACCESS_COARSE_LOCATION": "approximate location",
    "android.permission.ACCESS_BACKGROUND_LOCATION": "location all the time",
    "android.permission.READ_SMS": "read text messages",
    "android.permission.RECEIVE_SMS": "receive text messages",
    "android.permission.SEND_SMS": "send text messages",
    "android.permission.READ_CALL_LOG": "call history",
    "android.permission.READ_PHONE_STATE": "phone status and identity",
    "android.permission.PROCESS_OUTGOING_CALLS": "outgoing calls",
    "android.permission.RECORD_AUDIO": "microphone",
    "android.permission.CAMERA": "camera",
    "android.permission.READ_CONTACTS": "contacts",
    "android.permission.READ_CALENDAR": "calendar",
    "android.permission.READ_EXTERNAL_STORAGE": "photos and files",
    "android.permission.READ_MEDIA_IMAGES": "photos",
    "android.permission.POST_NOTIFICATIONS": "show notifications",
    "android.permission.BODY_SENSORS": "body sensors",
    "android.permission.ACTIVITY_RECOGNITION": "physical activity",
}


def _permission_words(name: str) -> str:
    return _PERMISSION_WORDS.get(name, name.rsplit(".", 1)[-1])


def _app_name(pkg: Package | None, package: str) -> str:
    return name_for(pkg, package)


def _date(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def _section_read(snapshot: DeviceSnapshot, commands: Sequence[str]) -> bool:
    # Only what a scan actually read is compared: a command that failed must not make
    # every app look removed.
    return any(c in snapshot.sources_read for c in commands)


@dataclass(frozen=True, slots=True)
class _Section:
    name: str
    commands: tuple[str, ...]


_APPS = _Section("installed apps and their permissions", (DUMPSYS_PACKAGE,))
_ACCESSIBILITY = _Section("accessibility services", (DUMPSYS_ACCESSIBILITY, SETTINGS_SECURE))
_ADMINS = _Section("device admin apps", (DUMPSYS_DEVICE_POLICY,))
_LISTENERS = _Section("notification access", (SETTINGS_SECURE,))
_ACCOUNTS = _Section("accounts", (DUMPSYS_ACCOUNT,))
_SETTINGS = _Section("safety settings", (SETTINGS_GLOBAL, SETTINGS_SECURE))


def compare_scans(
    earlier: DeviceSnapshot,
    later: DeviceSnapshot,
    earlier_time: datetime,
    later_time: datetime,
) -> HistoryDiff:
    """Every change from ``earlier`` to ``later``; sections either scan missed are skipped."""
    changes: list[HistoryChange] = []
    not_compared: list[str] = []
    comparers: tuple[tuple[_Section, Callable[[DeviceSnapshot, DeviceSnapshot], list[_Draft]]], ...]
    comparers = (
        (_APPS, _apps),
        (_ACCESSIBILITY, _accessibility),
        (_ADMINS, _admins),
        (_LISTENERS, _listeners),
        (_ACCOUNTS, _accounts),
        (_SETTINGS, _settings),
    )
    for section, compare in comparers:
        if not (
            _section_read(earlier, section.commands) and _section_read(later, section.commands)
        ):
            not_compared.append(
                f"Changes to {section.name} could not be checked: one of the two scans "
                "could not read them."
            )
            continue
        changes.extend(
            HistoryChange(d.kind, d.package, d.description, d.when, earlier_time, later_time)
            for d in compare(earlier, later)
        )
    return HistoryDiff(
        earlier_time=earlier_time,
        later_time=later_time,
        device=device_label(later),
        changes=tuple(changes),
        not_compared=tuple(not_compared),
    )


def device_label(snapshot: DeviceSnapshot) -> str:
    """A plain name for the phone: maker, model and serial where known."""
    info = snapshot.device
    name = " ".join(p for p in (info.manufacturer, info.model) if p) or "Unknown phone"
    return f"{name} (serial {info.serial})" if info.serial else name


@dataclass(frozen=True, slots=True)
class _Draft:
    kind: ChangeKind
    package: str | None
    description: str
    when: datetime | None = None


def _apps(earlier: DeviceSnapshot, later: DeviceSnapshot) -> list[_Draft]:
    before = {p.package: p for p in earlier.packages if p.installed}
    after = {p.package: p for p in later.packages if p.installed}
    out: list[_Draft] = []
    for name in sorted(after.keys() - before.keys()):
        pkg = after[name]
        text = f"New app installed: {_app_name(pkg, name)}"
        if pkg.version_name:
            text += f", version {pkg.version_name}"
        if pkg.first_install:
            text += f", installed {_date(pkg.first_install)} (phone time)"
        if pkg.installer:
            text += f", from {pkg.installer}"
        out.append(_Draft(ChangeKind.APP_ADDED, name, text + ".", pkg.first_install))
    out.extend(
        _Draft(ChangeKind.APP_REMOVED, name, f"App removed: {_app_name(before[name], name)}.")
        for name in sorted(before.keys() - after.keys())
    )
    for name in sorted(before.keys() & after.keys()):
        out.extend(_app_changes(before[name], after[name]))
    # Permissions of new apps count as newly granted: that is what the survivor must see.
    for name in sorted(after):
        out.extend(_permission_changes(before.get(name), after[name]))
    return out


def _app_changes(old: Package, new: Package) -> list[_Draft]:
    name = _app_name(new, new.package)
    if old.first_install and new.first_install and old.first_install != new.first_install:
        return [
            _Draft(
                ChangeKind.APP_REINSTALLED,
                new.package,
                f"{name} was removed and installed again: it was installed "
                f"{_date(new.first_install)} (phone time), earlier it was installed "
                f"{_date(old.first_install)}.",
                new.first_install,
            )
        ]
    if (old.version_code, old.version_name) != (new.version_code, new.version_name) and (
        old.version_name or old.version_code is not None
    ):
        text = (
            f"{name} changed version from {old.version_name or old.version_code} "
            f"to {new.version_name or new.version_code}"
        )
        if new.last_update:
            text += f", updated {_date(new.last_update)} (phone time)"
        return [_Draft(ChangeKind.APP_UPDATED, new.package, text + ".", new.last_update)]
    return []


def _runtime_granted(pkg: Package | None) -> frozenset[str]:
    if pkg is None:
        return frozenset()
    return frozenset(p.name for p in pkg.permissions if p.runtime and p.granted)


def _permission_changes(old: Package | None, new: Package) -> list[_Draft]:
    name = _app_name(new, new.package)
    before, after = _runtime_granted(old), _runtime_granted(new)
    out = [
        _Draft(
            ChangeKind.PERMISSION_GRANTED,
            new.package,
            f"{name} was given permission: {_permission_words(perm)} ({perm}).",
        )
        for perm in sorted(after - before)
    ]
    out.extend(
        _Draft(
            ChangeKind.PERMISSION_REVOKED,
            new.package,
            f"{name} no longer has permission: {_permission_words(perm)} ({perm}).",
        )
        for perm in sorted(before - after)
    )
    return out


def _labels(snapshot: DeviceSnapshot) -> dict[str, Package]:
    return {p.package: p for p in snapshot.packages}


def _switched(
    earlier: Iterable[tuple[str, str]],
    later: Iterable[tuple[str, str]],
    labels: dict[str, Package],
    on: tuple[ChangeKind, str],
    off: tuple[ChangeKind, str],
) -> list[_Draft]:
    """Compare sets of (component, package); ``on``/``off`` give kind and sentence template."""
    before, after = dict(earlier), dict(later)
    out: list[_Draft] = []
    for comps, (kind, template) in (
        (sorted(after.keys() - before.keys()), on),
        (sorted(before.keys() - after.keys()), off),
    ):
        for comp in comps:
            package = after.get(comp) or before[comp]
            app = _app_name(labels.get(package), package)
            out.append(_Draft(kind, package, template.format(app=app, component=comp)))
    return out


def _accessibility(earlier: DeviceSnapshot, later: DeviceSnapshot) -> list[_Draft]:
    return _switched(
        ((_component_key(s.component, s.package), s.package) for s in earlier.accessibility),
        ((_component_key(s.component, s.package), s.package) for s in later.accessibility),
        _labels(earlier) | _labels(later),
        (
            ChangeKind.ACCESSIBILITY_ON,
            "Accessibility service switched on for {app} ({component}): it can read the "
            "screen and act for the user.",
        ),
        (ChangeKind.ACCESSIBILITY_OFF, "Accessibility service switched off for {app}."),
    )


def _listeners(earlier: DeviceSnapshot, later: DeviceSnapshot) -> list[_Draft]:
    return _switched(
        (
            (_component_key(n.component, n.package), n.package)
            for n in earlier.notification_listeners
        ),
        ((_component_key(n.component, n.package), n.package) for n in later.notification_listeners),
        _labels(earlier) | _labels(later),
        (
            ChangeKind.NOTIFICATION_LISTENER_ON,
            "Notification access switched on for {app}: it can read every notification.",
        ),
        (ChangeKind.NOTIFICATION_LISTENER_OFF, "Notification access switched off for {app}."),
    )


def _component_key(component: str, package: str) -> str:
    # Android prints "pkg/.Short" or "pkg/pkg.Short" for the same component.
    pkg, _, cls = component.partition("/")
    if cls.startswith("."):
        cls = (pkg or package) + cls
    return f"{pkg or package}/{cls}"


_ROLE_WORDS = {
    "admin": "device admin",
    "device_owner": "device owner (full control of the phone)",
    "profile_owner": "work profile owner",
}


def _admins(earlier: DeviceSnapshot, later: DeviceSnapshot) -> list[_Draft]:
    def keyed(snapshot: DeviceSnapshot) -> dict[tuple[str, str, int], str]:
        return {
            (_component_key(a.component, a.package), a.role, a.user): a.package
            for a in snapshot.device_admins
        }

    before, after = keyed(earlier), keyed(later)
    labels = _labels(earlier) | _labels(later)
    out: list[_Draft] = []
    for key in sorted(after.keys() - before.keys()):
        app = _app_name(labels.get(after[key]), after[key])
        role = _ROLE_WORDS.get(key[1], key[1])
        out.append(_Draft(ChangeKind.DEVICE_ADMIN_ADDED, after[key], f"{app} became a {role}."))
    for key in sorted(before.keys() - after.keys()):
        app = _app_name(labels.get(before[key]), before[key])
        role = _ROLE_WORDS.get(key[1], key[1])
        out.append(
            _Draft(ChangeKind.DEVICE_ADMIN_REMOVED, before[key], f"{app} is no longer a {role}.")
        )
    return out


def _accounts(earlier: DeviceSnapshot, later: DeviceSnapshot) -> list[_Draft]:
    before = {(a.type, a.name, a.user) for a in earlier.accounts}
    after = {(a.type, a.name, a.user) for a in later.accounts}
    out = [
        _Draft(ChangeKind.ACCOUNT_ADDED, None, f"Account added: {name} ({kind}).")
        for kind, name, _ in sorted(after - before)
    ]
    out.extend(
        _Draft(ChangeKind.ACCOUNT_REMOVED, None, f"Account removed: {name} ({kind}).")
        for kind, name, _ in sorted(before - after)
    )
    return out


def _onoff(value: bool) -> str:
    return "on" if value else "off"


# (field, plain name) for switches; None values mean "the phone did not say" and are skipped.
_SWITCHES = (
    ("package_verifier", "Play Protect app scanning"),
    ("verify_adb_installs", "Checking of apps installed over USB"),
    ("unknown_sources", "Installing apps from unknown sources"),
    ("adb_enabled", "USB debugging"),
    ("adb_wifi_enabled", "Wireless debugging"),
    ("development_settings", "Developer options"),
)


def _settings(earlier: DeviceSnapshot, later: DeviceSnapshot) -> list[_Draft]:
    old, new = earlier.settings, later.settings
    out: list[_Draft] = []
    for field_name, words in _SWITCHES:
        a, b = getattr(old, field_name), getattr(new, field_name)
        if a is not None and b is not None and a != b:
            out.append(
                _Draft(
                    ChangeKind.SETTING_CHANGED,
                    None,
                    f"{words} was switched {_onoff(b)} (it was {_onoff(a)}).",
                )
            )
    if old.http_proxy != new.http_proxy:
        out.append(_Draft(ChangeKind.SETTING_CHANGED, None, _proxy_text(old, new)))
    if (old.private_dns_mode, old.private_dns_host) != (new.private_dns_mode, new.private_dns_host):
        out.append(
            _Draft(
                ChangeKind.SETTING_CHANGED,
                None,
                f"Private DNS changed from {_dns(old)} to {_dns(new)}.",
            )
        )
    return out


def _proxy_text(old: SafetySettings, new: SafetySettings) -> str:
    if not new.http_proxy:
        return f"The network proxy {old.http_proxy} was removed."
    if not old.http_proxy:
        return f"A network proxy was set: {new.http_proxy} (internet traffic may pass through it)."
    return f"The network proxy changed from {old.http_proxy} to {new.http_proxy}."


def _dns(settings: SafetySettings) -> str:
    mode = settings.private_dns_mode or "not set"
    return f"{mode} ({settings.private_dns_host})" if settings.private_dns_host else mode


Rebuild = Callable[[RawCapture], DeviceSnapshot]
"""Turns saved raw outputs back into a snapshot; normally ``parse.snapshot.build_snapshot``."""


def history_for(case: CaseFile, rebuild: Rebuild) -> list[HistoryDiff]:
    """Compare consecutive scans of each phone in a case file, oldest first.

    Scans are matched to a phone by serial; the build fingerprint is used only when a
    scan has no serial (two phones of the same model and update share a fingerprint).
    Scans of different phones are kept apart. Phones appear in order of first scan.
    """
    groups: list[list[tuple[ScanRecord, DeviceSnapshot]]] = []
    for record in sorted(case.scans, key=lambda s: s.started_at):
        snapshot = rebuild(record.capture)
        for group in groups:
            if _same_phone(group[-1][1], snapshot):
                group.append((record, snapshot))
                break
        else:
            groups.append([(record, snapshot)])
    diffs: list[HistoryDiff] = []
    for group in groups:
        diffs.extend(
            compare_scans(a_snap, b_snap, a_rec.started_at, b_rec.started_at)
            for (a_rec, a_snap), (b_rec, b_snap) in itertools.pairwise(group)
        )
    return diffs


def _same_phone(a: DeviceSnapshot, b: DeviceSnapshot) -> bool:
    if a.device.serial and b.device.serial:
        return a.device.serial == b.device.serial
    return bool(a.device.fingerprint) and a.device.fingerprint == b.device.fingerprint
