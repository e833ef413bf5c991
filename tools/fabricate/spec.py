"""The description of a fabricated phone: ``PhoneSpec`` holding ``AppSpec``s, plus the
small stable helpers (ids, install paths, component names) every renderer shares.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

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
    SETTINGS_GLOBAL,
    SETTINGS_SECURE,
    WHICH_SU,
)

COMMAND_FILES: Final[Mapping[str, str]] = {
    GETPROP: "getprop.txt",
    DUMPSYS_PACKAGE: "dumpsys_package.txt",
    LAUNCHER_ACTIVITIES: "launcher_activities.txt",
    DUMPSYS_ACCESSIBILITY: "dumpsys_accessibility.txt",
    DUMPSYS_DEVICE_POLICY: "dumpsys_device_policy.txt",
    DUMPSYS_ACCOUNT: "dumpsys_account.txt",
    DUMPSYS_APPOPS: "dumpsys_appops.txt",
    SETTINGS_GLOBAL: "settings_global.txt",
    SETTINGS_SECURE: "settings_secure.txt",
    WHICH_SU: "which_su.txt",
    DUMPSYS_ADB: "dumpsys_adb.txt",
    BATTERYSTATS_DAILY: "batterystats_daily.txt",
    DUMPSYS_DBINFO: "dumpsys_dbinfo.txt",
}
"""Command -> the file in a profile folder that holds its output."""

SYSTEM_IMAGE_TIME: Final = "2009-01-01 00:00:00"
"""AOSP builds pin system file times, so preinstalled apps report this install time."""

TIME_FORMAT: Final = "%Y-%m-%d %H:%M:%S"


# --------------------------------------------------------------------------- the description


@dataclass(frozen=True, slots=True)
class AppSpec:
    """One installed package, described once; every command output is derived from it."""

    package: str
    label: str
    version_name: str = "1.0"
    version_code: int = 1
    installer: str | None = None
    """Installing package (``com.android.vending`` for Play); None prints ``null``."""
    system: bool = False
    partition: str = "system"
    """For system apps: ``system``, ``system_ext``, ``product`` or ``vendor``."""
    privileged: bool = False
    apk_dir: str = ""
    """System apps: folder under ``/<partition>/(priv-)app/``; defaults to the label."""
    code_path: str = ""
    """Explicit codePath; empty means derived (``/data/app/~~…==/pkg-…==`` for user apps)."""
    uid: int = 0
    """App id; 0 means allocated from 10100 upwards in list order."""
    shared_user: str = ""
    """``android.uid.system`` style shared user name (needs an explicit ``uid``)."""
    updated_system: bool = False
    """A preinstalled app updated from the store: runs from /data/app, old copy hidden."""
    overlay: bool = False
    """A resource overlay: no code, no activities."""
    persistent: bool = False
    launcher: str = ""
    """Launcher activity class (``.MainActivity`` or full); empty means no app-drawer icon."""
    first_install: str = ""
    """``YYYY-MM-DD HH:MM:SS`` phone-local; empty means the system image time."""
    last_update: str = ""
    min_sdk: int = 26
    target_sdk: int = 33
    permissions: tuple[str, ...] = ()
    """Install-time (normal/signature) permissions, all granted."""
    runtime_granted: tuple[str, ...] = ()
    runtime_denied: tuple[str, ...] = ()
    accessibility: str = ""
    """Accessibility service class, if the app declares one."""
    accessibility_enabled: bool = False
    device_admin: str = ""
    """Device admin receiver class, if the app declares one."""
    admin_active: bool = False
    admin_policies: tuple[str, ...] = ()
    notification_listener: str = ""
    listener_enabled: bool = False
    appops: tuple[tuple[str, str], ...] = ()
    """Special accesses as (op, mode), e.g. ``("SYSTEM_ALERT_WINDOW", "allow")``."""
    background_access: bool = False
    """Uses its permissions from the background (spyware does; shows in app-ops times)."""
    enabled_state: int = 0
    """COMPONENT_ENABLED_STATE: 0 default, 2 disabled, 3 disabled by user."""
    authenticator: str = ""
    """Account type this app authenticates (``com.google``), if any."""
    authenticator_service: str = ""
    splits: tuple[str, ...] = ("base",)


@dataclass(frozen=True, slots=True)
class AccountSpec:
    """One account signed in on the phone."""

    type: str
    name: str
    added: str = ""
    """When it was added (``YYYY-MM-DD HH:MM:SS``), for the accounts history."""


@dataclass(frozen=True, slots=True)
class RemovedAppSpec:
    """An app that was installed and removed before the scan: only its traces remain."""

    package: str
    version_code: int
    installed: str
    """``YYYY-MM-DD HH:MM:SS`` phone-local."""
    removed: str
    uid: int
    """The uid it had; no installed app may have it."""
    appops: tuple[tuple[str, str], ...] = ()
    """App-op records left behind for its uid, as (op, mode); each was last used just
    before it was removed."""


@dataclass(frozen=True, slots=True)
class TrustedComputerSpec:
    """A computer the phone trusts for USB debugging ("Always allow from this computer")."""

    comment: str
    """The name the computer sends with its key (``user@host``)."""
    last_connection: str
    """``YYYY-MM-DD HH:MM:SS`` phone-local."""
    asked_last: bool = False
    """It was the last computer to show the "Allow USB debugging?" prompt."""


@dataclass(frozen=True, slots=True)
class PhoneSpec:
    """A whole phone: everything ``render_outputs`` needs."""

    name: str
    description: str
    serial: str
    sdk: int
    props: Mapping[str, str]
    apps: tuple[AppSpec, ...]
    accounts: tuple[AccountSpec, ...] = ()
    global_settings: Mapping[str, str] = field(default_factory=dict)
    secure_settings: Mapping[str, str] = field(default_factory=dict)
    users: tuple[int, ...] = (0,)
    """Android users; every package gets a per-user block for each (big phones use two)."""
    su_path: str = ""
    now: str = "2026-11-28 10:42:17"
    """Phone-local time of the scan; app-ops access times are relative to it."""
    launcher_package: str = ""
    """The home app (its listener is a default notification listener)."""
    sideloaded_files: bool = True
    """Write ``files:`` entries (generated APKs) for apps from outside a store."""
    removed_apps: tuple[RemovedAppSpec, ...] = ()
    trusted_computers: tuple[TrustedComputerSpec, ...] = ()
    """Computers trusted before the scan; the scanning computer is added at run time."""
    running: tuple[str, ...] = ()
    """Packages with a running process that uses a database (``dumpsys dbinfo``)."""

    def app(self, package: str) -> AppSpec | None:
        """The app with this package name, if installed."""
        for app in self.apps:
            if app.package == package:
                return app
        return None


# --------------------------------------------------------------------------- small helpers


def digest(*parts: object) -> bytes:
    text = "\x1f".join(str(part) for part in parts)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def hex_id(*parts: object) -> str:
    """A stable stand-in for Java's identityHashCode in hex (no leading zeros)."""
    return format(int.from_bytes(digest(*parts)[:4], "big") & 0xFFFFFFF, "x")


def stable_number(low: int, high: int, *parts: object) -> int:
    return low + int.from_bytes(digest(*parts)[4:8], "big") % (high - low + 1)


def token(*parts: object) -> str:
    """22 base64url characters plus ``==``, as in Android 11+ /data/app folder names."""
    return base64.urlsafe_b64encode(digest(*parts)).decode("ascii")


def data_app_path(package: str, salt: str = "") -> str:
    """The randomised install folder Android 11+ gives a user-installed app."""
    return f"/data/app/~~{token('outer', package, salt)}/{package}-{token('inner', package, salt)}"


def short_class(package: str, cls: str) -> str:
    """``ComponentName.flattenToShortString`` class part: ``.Foo`` when under the package."""
    full = full_class(package, cls)
    if full.startswith(package + "."):
        return full[len(package) :]
    return full


def full_class(package: str, cls: str) -> str:
    """A class name with a leading dot expanded against its package."""
    return package + cls if cls.startswith(".") else cls


def short_component(package: str, cls: str) -> str:
    """``pkg/.Cls`` as Android's flattenToShortString prints it."""
    return f"{package}/{short_class(package, cls)}"


def long_component(package: str, cls: str) -> str:
    """``pkg/full.Cls`` as flattenToString prints it (settings store this form)."""
    return f"{package}/{full_class(package, cls)}"


def parse_time(value: str) -> datetime:
    return datetime.strptime(value, TIME_FORMAT)


def format_duration_ms(total_ms: int) -> str:
    """``TimeUtils.formatDuration``: ``-3d2h5m7s12ms``, ``+5s0ms``; zero leading units dropped."""
    sign = "-" if total_ms < 0 else "+"
    remaining = abs(total_ms)
    days, remaining = divmod(remaining, 86_400_000)
    hours, remaining = divmod(remaining, 3_600_000)
    minutes, remaining = divmod(remaining, 60_000)
    seconds, millis = divmod(remaining, 1000)
    parts = []
    started = False
    for value, unit in ((days, "d"), (hours, "h"), (minutes, "m")):
        if value or started:
            parts.append(f"{value}{unit}")
            started = True
    parts.append(f"{seconds}s{millis}ms")
    return sign + "".join(parts)
