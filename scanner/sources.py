"""The one table of what the scan reads: each command, its parser, the snapshot fields it
feeds, and where a bug report and an androidqf folder hold the same text.

Everything else is derived from this table: the device layer's allowlist and the order of
the batch (``SCAN_COMMANDS``), the parser run on each output (``parse.snapshot``), and how
the offline readers find each output (``offline.bugreport``, ``offline.androidqf``). Adding
a command means adding one row here (and its parser), nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
    PHONE_CLOCK,
    SETTINGS_GLOBAL,
    SETTINGS_SECURE,
    WHICH_SU,
)
from scanner.parse.accessibility import parse_dumpsys_accessibility
from scanner.parse.accounts import parse_dumpsys_account
from scanner.parse.adb_keys import parse_dumpsys_adb
from scanner.parse.appops_traces import parse_appops_and_traces
from scanner.parse.battery_daily import parse_batterystats_daily
from scanner.parse.clock import parse_phone_clock
from scanner.parse.dbinfo import parse_dumpsys_dbinfo
from scanner.parse.device_policy import parse_dumpsys_device_policy
from scanner.parse.getprop import parse_getprop
from scanner.parse.launcher import parse_launcher_activities
from scanner.parse.packages import parse_dumpsys_package
from scanner.parse.root import parse_which_su
from scanner.parse.settings import parse_settings_list

Parser = Callable[[str], object]
"""A pure function from a command's text to its parse dataclass; never raises by design
(the snapshot still guards against a parser bug)."""


# Where an offline input holds a command's output.


@dataclass(frozen=True, slots=True)
class Properties:
    """The build properties: a bug report's ``SYSTEM PROPERTIES`` section, androidqf's
    ``getprop.txt``."""


@dataclass(frozen=True, slots=True)
class Service:
    """A ``DUMP OF SERVICE <name>:`` block of a full ``dumpsys`` (a bug report's main text,
    androidqf's ``dumpsys.txt``)."""

    name: str


@dataclass(frozen=True, slots=True)
class SettingsTable:
    """One ``settings list <namespace>``: androidqf's ``settings_<namespace>.txt``, else
    rebuilt from the ``settings`` service's dump."""

    namespace: str


@dataclass(frozen=True, slots=True)
class RootSearch:
    """androidqf's ``root_binaries.json``: its ``which`` answer for ``su``."""


@dataclass(frozen=True, slots=True)
class NotHeld:
    """This kind of input never holds it: named in the report as not available, not as a
    part of the phone that could not be read."""

    reason: str


OfflinePlace = Properties | Service | SettingsTable | RootSearch | NotHeld


@dataclass(frozen=True, slots=True)
class DataSource:
    """One row of the table."""

    command: str
    """The exact read-only shell command (``scanner.commands``); on the allowlist."""
    parser: Parser
    feeds: tuple[str, ...]
    """The ``DeviceSnapshot`` fields its parse contributes to."""
    bugreport: OfflinePlace
    androidqf: OfflinePlace


SOURCES: Final[tuple[DataSource, ...]] = (
    # First, so this computer's clock at the scan's start is the time it was read.
    DataSource(
        PHONE_CLOCK,
        parse_phone_clock,
        ("phone_clock",),
        bugreport=NotHeld(
            "a bug report does not hold a reading of the phone's clock to compare with "
            "this computer's (its header gives the phone's time when it was made)"
        ),
        androidqf=NotHeld(
            "androidqf does not hold a reading of the phone's clock to compare with this "
            "computer's (it records when the acquisition was made)"
        ),
    ),
    DataSource(
        GETPROP,
        parse_getprop,
        ("device", "root"),
        bugreport=Properties(),
        androidqf=Properties(),
    ),
    DataSource(
        DUMPSYS_PACKAGE,
        parse_dumpsys_package,
        ("packages", "root"),
        bugreport=Service("package"),
        androidqf=Service("package"),
    ),
    DataSource(
        LAUNCHER_ACTIVITIES,
        parse_launcher_activities,
        ("packages",),
        bugreport=NotHeld("a bug report does not hold the list of apps with an icon"),
        androidqf=NotHeld("androidqf does not ask the phone which apps have an icon"),
    ),
    DataSource(
        DUMPSYS_ACCESSIBILITY,
        parse_dumpsys_accessibility,
        ("accessibility",),
        bugreport=Service("accessibility"),
        androidqf=Service("accessibility"),
    ),
    DataSource(
        DUMPSYS_DEVICE_POLICY,
        parse_dumpsys_device_policy,
        ("device_admins",),
        bugreport=Service("device_policy"),
        androidqf=Service("device_policy"),
    ),
    DataSource(
        DUMPSYS_ACCOUNT,
        parse_dumpsys_account,
        ("accounts",),
        bugreport=Service("account"),
        androidqf=Service("account"),
    ),
    DataSource(
        DUMPSYS_APPOPS,
        parse_appops_and_traces,
        ("appops", "app_traces"),
        bugreport=Service("appops"),
        androidqf=Service("appops"),
    ),
    DataSource(
        SETTINGS_GLOBAL,
        lambda text: parse_settings_list(text, "global"),
        ("settings",),
        bugreport=SettingsTable("global"),
        androidqf=SettingsTable("global"),
    ),
    DataSource(
        SETTINGS_SECURE,
        lambda text: parse_settings_list(text, "secure"),
        ("settings", "accessibility", "notification_listeners"),
        bugreport=SettingsTable("secure"),
        androidqf=SettingsTable("secure"),
    ),
    DataSource(
        WHICH_SU,
        parse_which_su,
        ("root",),
        bugreport=NotHeld("a bug report does not hold the search for an 'su' program"),
        androidqf=RootSearch(),
    ),
    DataSource(
        DUMPSYS_ADB,
        parse_dumpsys_adb,
        ("trusted_computers",),
        bugreport=Service("adb"),
        androidqf=Service("adb"),
    ),
    DataSource(
        BATTERYSTATS_DAILY,
        parse_batterystats_daily,
        ("app_traces",),
        # A dump of every service holds the full battery stats: its daily records are the
        # same section ``--daily`` prints, after the battery history (the parser skips to
        # them).
        bugreport=Service("batterystats"),
        androidqf=Service("batterystats"),
    ),
    DataSource(
        DUMPSYS_DBINFO,
        parse_dumpsys_dbinfo,
        ("app_traces",),
        bugreport=Service("dbinfo"),
        androidqf=Service("dbinfo"),
    ),
)
"""Every data source, in the order the live scan sends its command."""

SCAN_COMMANDS: Final[tuple[str, ...]] = tuple(source.command for source in SOURCES)
"""The scan's fixed batch, in order. Its length does not depend on how many apps are
installed: collection costs a constant number of round trips."""

BY_COMMAND: Final[dict[str, DataSource]] = {source.command: source for source in SOURCES}
