"""The read-only shell commands the scan sends, by name.

Only the strings live here, so that parsers, offline readers, checks and the device layer
can name a command without depending on one another. Which of them run, in what order,
what parses each and where offline inputs hold them is the one table in
``scanner.sources``; the device layer's allowlist is built from that table.
"""

from __future__ import annotations

from typing import Final

PHONE_CLOCK: Final = "date +%s"
"""The phone's clock in seconds since 1970 (UTC). Sent first, straight after connecting,
so it can be set against this computer's clock at the scan's start: an evidence timeline
says how far the phone's clock was out."""

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
