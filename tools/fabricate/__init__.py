"""Fabricated phones: every scan command's output rendered from a compact phone description.

A phone is a ``PhoneSpec`` (build properties, settings, accounts) holding ``AppSpec``s.
``render_outputs`` prints what each command in ``SCAN_COMMANDS`` prints on a real phone, so
an app shows up the same way in ``dumpsys package``, the launcher query, accessibility,
device policy, notification listeners, accounts and app-ops. Nothing is copied from real
captures; the text is generated in their formats.

Where each format comes from (real captures in ``../shared/device-outputs`` and AOSP):

* ``getprop``: ``[key]: [value]`` sorted by key.
* ``dumpsys package``: ``services/core/java/com/android/server/pm/Settings.java``
  ``dumpPackageLPr``. Android 13 prints ``appId=``; Android 14 moves ``firstInstallTime``
  into the per-user block and adds ``installerPackageUid``/``privatePkgFlags``. A full
  dump (no package argument) lists no ``requested permissions:``.
* ``cmd package query-activities --components``: ``PackageManagerShellCommand
  .runQueryIntentActivities``: one ``ComponentName.flattenToShortString()`` a line, no header.
* ``dumpsys accessibility``: ``AccessibilityUserState.dump`` (``Enabled services:{{a/.B}}``).
* ``dumpsys device_policy``: ``DevicePolicyManagerService.dump``, ``DevicePolicyData.dump``,
  ``ActiveAdmin.dump`` (an ``IndentingPrintWriter``, so blank lines keep their indent).
* ``dumpsys account``: ``AccountManagerService.dumpUser`` (``Account {name=, type=}``).
* ``dumpsys appops``: ``AppOpsService.dump`` and ``dumpStatesLocked``.
* ``settings list``: ``key=value`` sorted by key. ``which su``: nothing when not rooted.
* ``dumpsys adb``, ``dumpsys batterystats --daily``, ``dumpsys dbinfo``: see ``trace_dumps``
  (the traces a removed app and a trusted computer leave).

Modules: ``spec`` (the description), ``permissions`` (AOSP permission facts), ``resolve``
(uids, paths), ``package_dump`` and ``service_dumps`` (the renderers), ``render``,
``trace_dumps`` (what the phone remembers), ``catalog`` (building blocks),
``clean``/``infected``/``big`` (the phones), ``profile`` (profile folders).
"""

from __future__ import annotations

from tools.fabricate.big import big_phone, make_phone
from tools.fabricate.clean import CLEAN_SERIAL, clean_phone
from tools.fabricate.infected import (
    DUAL_USE,
    INFECTED_SERIAL,
    KNOWN_STALKERWARE,
    OTHER_COMPUTER,
    OTHER_COMPUTER_LAST_CONNECTION,
    REMOVED_INSTALLED,
    REMOVED_REMOVED,
    REMOVED_STALKERWARE,
    SECOND_STALKERWARE,
    UNKNOWN_SPY,
    infected_phone,
)
from tools.fabricate.profile import profile_files, write_profile
from tools.fabricate.render import render_outputs
from tools.fabricate.resolve import apk_path
from tools.fabricate.spec import (
    COMMAND_FILES,
    SYSTEM_IMAGE_TIME,
    AccountSpec,
    AppSpec,
    PhoneSpec,
    data_app_path,
    long_component,
    short_component,
)


def builtin_phones() -> tuple[PhoneSpec, ...]:
    """The phones shipped as built-in simulator profiles (``clean``, ``infected``)."""
    return (clean_phone(), infected_phone())


__all__ = [
    "CLEAN_SERIAL",
    "COMMAND_FILES",
    "DUAL_USE",
    "INFECTED_SERIAL",
    "KNOWN_STALKERWARE",
    "OTHER_COMPUTER",
    "OTHER_COMPUTER_LAST_CONNECTION",
    "REMOVED_INSTALLED",
    "REMOVED_REMOVED",
    "REMOVED_STALKERWARE",
    "SECOND_STALKERWARE",
    "SYSTEM_IMAGE_TIME",
    "UNKNOWN_SPY",
    "AccountSpec",
    "AppSpec",
    "PhoneSpec",
    "apk_path",
    "big_phone",
    "builtin_phones",
    "clean_phone",
    "data_app_path",
    "infected_phone",
    "long_component",
    "make_phone",
    "profile_files",
    "render_outputs",
    "short_component",
    "write_profile",
]
