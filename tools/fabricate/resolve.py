"""Derive what every renderer needs from an ``AppSpec`` once: uid, paths, install times."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from tools.fabricate.permissions import (
    PROTECTION,
)
from tools.fabricate.spec import (
    SYSTEM_IMAGE_TIME,
    AppSpec,
    PhoneSpec,
    data_app_path,
)

# --------------------------------------------------------------------------- resolution


@dataclass(frozen=True, slots=True)
class ResolvedApp:
    """An AppSpec with everything derived once: uid, paths, times."""

    spec: AppSpec
    uid: int
    code_path: str
    apk_file: str
    system_path: str
    """The preinstalled location (codePath of the hidden copy for updated system apps)."""
    first_install: str
    last_update: str
    install_permissions: tuple[str, ...]


APPOP_PERMISSION: Final[Mapping[str, str]] = {
    "SYSTEM_ALERT_WINDOW": "android.permission.SYSTEM_ALERT_WINDOW",
    "GET_USAGE_STATS": "android.permission.PACKAGE_USAGE_STATS",
    "REQUEST_INSTALL_PACKAGES": "android.permission.REQUEST_INSTALL_PACKAGES",
    "MANAGE_EXTERNAL_STORAGE": "android.permission.MANAGE_EXTERNAL_STORAGE",
    "WRITE_SETTINGS": "android.permission.WRITE_SETTINGS",
    "SCHEDULE_EXACT_ALARM": "android.permission.SCHEDULE_EXACT_ALARM",
}
"""App-ops that are switched on through an 'appop' permission the app must request."""

STORES: Final = frozenset({"com.android.vending", "com.sec.android.app.samsungapps"})
"""Installers that are app stores; anything else (or none) is a sideload."""


def _system_path(spec: AppSpec) -> str:
    folder = "overlay" if spec.overlay else ("priv-app" if spec.privileged else "app")
    name = spec.apk_dir or spec.label.replace(" ", "")
    return f"/{spec.partition}/{folder}/{name}"


def resolve_apps(phone: PhoneSpec) -> list[ResolvedApp]:
    # A removed app's uid stays taken: Android does not hand a freed app id out again soon.
    used = {app.uid for app in phone.apps if app.uid} | {app.uid for app in phone.removed_apps}
    next_uid = 10100
    resolved = []
    for spec in phone.apps:
        uid = spec.uid
        if not uid:
            while next_uid in used:
                next_uid += 1
            uid = next_uid
            used.add(uid)
        system_path = spec.code_path if spec.system and spec.code_path else _system_path(spec)
        if spec.code_path and not spec.updated_system:
            code_path = spec.code_path
        elif not spec.system or spec.updated_system:
            code_path = data_app_path(spec.package, str(spec.version_code))
        else:
            code_path = system_path
        if code_path.endswith(".apk"):
            apk_file = code_path
        elif code_path.startswith("/data/"):
            apk_file = f"{code_path}/base.apk"
        else:
            apk_file = f"{code_path}/{code_path.rsplit('/', 1)[-1].split('@')[0]}.apk"
        first = spec.first_install or SYSTEM_IMAGE_TIME
        last = spec.last_update or first
        perms = list(spec.permissions)
        perms.extend(
            APPOP_PERMISSION[op]
            for op, _mode in spec.appops
            if op in APPOP_PERMISSION and APPOP_PERMISSION[op] not in perms
        )
        resolved.append(
            ResolvedApp(spec, uid, code_path, apk_file, system_path, first, last, tuple(perms))
        )
    return resolved


def apk_path(phone: PhoneSpec, package: str) -> str:
    """Where the phone keeps the installed APK of ``package`` (its codePath + base.apk)."""
    for app in resolve_apps(phone):
        if app.spec.package == package:
            return app.apk_file
    raise KeyError(package)


def format_uid(uid: int, user: int = 0) -> str:
    """``UserHandle.formatUid``: ``1000``, or ``u0a123`` for app uids."""
    if uid < 10000:
        return str(uid) if user == 0 else f"u{user}s{uid}"
    return f"u{user}a{uid - 10000}"


def is_runtime(permission: str) -> bool:
    return PROTECTION.get(permission, "").startswith("dangerous")
