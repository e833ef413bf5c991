"""Pure parsers: command output text in, dataclasses out.

Every parser returns its results together with ``CollectionWarning``s for what it could
not read, and never raises on unexpected text. The snapshot assembly is
``scanner.parse.snapshot`` (not imported here: it reads the table in ``scanner.sources``,
which imports the parsers).
"""

from __future__ import annotations

from scanner.parse.accessibility import AccessibilityParse, parse_dumpsys_accessibility
from scanner.parse.accounts import AccountsParse, parse_dumpsys_account
from scanner.parse.appops import SPECIAL_ACCESS_OPS, AppOpsParse, parse_dumpsys_appops
from scanner.parse.device_policy import DevicePolicyParse, parse_dumpsys_device_policy
from scanner.parse.getprop import PropsParse, device_info, parse_getprop
from scanner.parse.launcher import LauncherParse, parse_launcher_activities
from scanner.parse.packages import (
    PackageRecord,
    PackagesParse,
    UserPackageState,
    parse_dumpsys_package,
)
from scanner.parse.root import ROOT_PACKAGES, WhichSuParse, parse_which_su, root_indicators
from scanner.parse.settings import (
    SettingsListParse,
    notification_listeners,
    parse_settings_list,
    safety_settings,
)

__all__ = [
    "ROOT_PACKAGES",
    "SPECIAL_ACCESS_OPS",
    "AccessibilityParse",
    "AccountsParse",
    "AppOpsParse",
    "DevicePolicyParse",
    "LauncherParse",
    "PackageRecord",
    "PackagesParse",
    "PropsParse",
    "SettingsListParse",
    "UserPackageState",
    "WhichSuParse",
    "device_info",
    "notification_listeners",
    "parse_dumpsys_accessibility",
    "parse_dumpsys_account",
    "parse_dumpsys_appops",
    "parse_dumpsys_device_policy",
    "parse_dumpsys_package",
    "parse_getprop",
    "parse_launcher_activities",
    "parse_settings_list",
    "parse_which_su",
    "root_indicators",
    "safety_settings",
]
