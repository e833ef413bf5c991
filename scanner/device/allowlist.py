"""Every shell command the scanner may send to a phone: the read-only allowlist.

This is the one list. ``device.connection`` refuses any shell command that is not
exactly one of these strings before a byte reaches the phone, and the test suite proves
that a full scan of the simulated phone sent nothing else. Each command only reads:
none installs, uninstalls, disables, grants or changes a setting.

File pulls (``sync:`` RECV/STAT) are read-only by construction; the device layer never
opens a sync SEND (push) and never any service other than ``shell:`` and ``sync:``.
"""

from __future__ import annotations

from typing import Final

GETPROP: Final = "getprop"
"""Build properties: manufacturer, model, Android version, patch level, fingerprint."""

DUMPSYS_PACKAGE: Final = "dumpsys package"
"""Every package with its path, installer, uid, versions, times, flags and permissions."""

LAUNCHER_ACTIVITIES: Final = (
    "cmd package query-activities --components"
    " -a android.intent.action.MAIN -c android.intent.category.LAUNCHER"
)
"""Which packages show an icon in the app drawer (Android 7+), one component a line."""

DUMPSYS_ACCESSIBILITY: Final = "dumpsys accessibility"
DUMPSYS_DEVICE_POLICY: Final = "dumpsys device_policy"
DUMPSYS_ACCOUNT: Final = "dumpsys account"
DUMPSYS_APPOPS: Final = "dumpsys appops"
"""Special accesses granted through app-ops: usage access, draw over other apps."""

SETTINGS_GLOBAL: Final = "settings list global"
SETTINGS_SECURE: Final = "settings list secure"
"""Includes enabled accessibility services and notification listeners."""

WHICH_SU: Final = "which su"
"""Prints the path of an ``su`` binary if one is on PATH (a root indicator)."""

DUMPSYS_ADB: Final = "dumpsys adb"
"""The computers the phone trusts for USB debugging, with their names (Android 10+;
Android 9 has no ``adb`` service and says so)."""

BATTERYSTATS_DAILY: Final = "dumpsys batterystats --daily"
"""Only the daily battery records: about ten days of app installs, updates and removals
("Package changes"), without the battery history that makes the full dump megabytes."""

DUMPSYS_DBINFO: Final = "dumpsys dbinfo"
"""The databases each running app used recently, with times."""

# The scan's fixed batch, in the order it is sent. Its length does not depend on how
# many apps are installed: collection costs a constant number of round trips.
SCAN_COMMANDS: Final[tuple[str, ...]] = (
    GETPROP,
    DUMPSYS_PACKAGE,
    LAUNCHER_ACTIVITIES,
    DUMPSYS_ACCESSIBILITY,
    DUMPSYS_DEVICE_POLICY,
    DUMPSYS_ACCOUNT,
    DUMPSYS_APPOPS,
    SETTINGS_GLOBAL,
    SETTINGS_SECURE,
    WHICH_SU,
    DUMPSYS_ADB,
    BATTERYSTATS_DAILY,
    DUMPSYS_DBINFO,
)

ALLOWED_SHELL_COMMANDS: Final[frozenset[str]] = frozenset(SCAN_COMMANDS)


def is_allowed(command: str) -> bool:
    """True only for an exact allowlisted command string (no prefixes, no extra words)."""
    return command in ALLOWED_SHELL_COMMANDS
