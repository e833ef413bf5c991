"""What an app of a well-known kind needs, so its access is not taken for spying.

A kind is recognised in two ways:

- by what the phone itself records about the app (a trait): it is an enabled keyboard
  (its input-method service is in ``enabled_input_methods``), the autofill or credential
  provider (password managers), holds a companion-device permission (watch and car
  companions), or is the default SMS or phone app;
- by its package id, for kinds with no such trait (automation apps, launchers,
  accessibility tools, family-safety apps of the phone's maker, work-profile agents).

Either way a kind is credited only when the phone's records say an app store installed
the app (``install_source``, which trusts the initiating installer over the claim): a
sideloaded or re-signed copy with a borrowed package id, or a claim of Play that the
initiator contradicts, gets no credit, and every signal counts in full.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from scanner.checks.common import install_source, package_of
from scanner.model import DeviceSnapshot, Package

# Signal keys, shared with spy_behaviour (which owns their points and words).
ACCESSIBILITY = "accessibility"
NOTIFICATIONS = "notification access"
DEVICE_ADMIN = "device admin"
HIDDEN = "hidden"
LOCATION = "location"
BACKGROUND_LOCATION = "background location"
SMS = "sms"
CALL_LOG = "call log"
MICROPHONE = "microphone"
CAMERA = "camera"
CONTACTS = "contacts"
USAGE = "usage access"
OVERLAY = "draw over apps"


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of app and the signals its purpose explains."""

    key: str
    words: str
    """Plain words for the kind, as in "a keyboard"."""
    explains: frozenset[str]


def _kind(key: str, words: str, *explains: str) -> Kind:
    return Kind(key, words, frozenset(explains))


KEYBOARD = _kind("keyboard", "a keyboard", MICROPHONE, CONTACTS, HIDDEN)
PASSWORD_MANAGER = _kind(
    "password_manager", "a password manager", ACCESSIBILITY, CAMERA, OVERLAY, HIDDEN
)
COMPANION = _kind(
    "companion",
    "a companion app for a watch or car",
    NOTIFICATIONS,
    LOCATION,
    BACKGROUND_LOCATION,
    SMS,
    CALL_LOG,
    CONTACTS,
    MICROPHONE,
    CAMERA,
    HIDDEN,
)
MESSAGING = _kind(
    "messaging", "the phone's messages app", SMS, CONTACTS, CAMERA, MICROPHONE, LOCATION
)
DIALER = _kind("dialer", "the phone's calls app", CALL_LOG, CONTACTS, MICROPHONE, SMS, CAMERA)
AUTOMATION = _kind(
    "automation",
    "an automation app",
    ACCESSIBILITY,
    NOTIFICATIONS,
    DEVICE_ADMIN,
    USAGE,
    OVERLAY,
    LOCATION,
    BACKGROUND_LOCATION,
    SMS,
    CALL_LOG,
    CONTACTS,
    MICROPHONE,
    CAMERA,
)
LAUNCHER = _kind("launcher", "a home-screen app", NOTIFICATIONS, USAGE, CONTACTS, LOCATION)
ACCESSIBILITY_TOOL = _kind(
    "accessibility_tool",
    "an accessibility tool",
    ACCESSIBILITY,
    NOTIFICATIONS,
    MICROPHONE,
    CAMERA,
    OVERLAY,
    HIDDEN,
)
FAMILY_SAFETY = _kind(
    "family_safety",
    "the phone maker's family-safety app",
    DEVICE_ADMIN,
    ACCESSIBILITY,
    USAGE,
    LOCATION,
    BACKGROUND_LOCATION,
    OVERLAY,
    HIDDEN,
)
WORK_AGENT = _kind(
    "work_agent",
    "a work-profile or device-management agent",
    DEVICE_ADMIN,
    USAGE,
    LOCATION,
    BACKGROUND_LOCATION,
    CAMERA,
    HIDDEN,
)
COMMUNICATION = _kind(
    "communication", "a messaging or calling app", CONTACTS, CAMERA, MICROPHONE, LOCATION
)
NAVIGATION = _kind("navigation", "a maps or fitness app", LOCATION, BACKGROUND_LOCATION)

_BY_PACKAGE: Final[Mapping[str, Kind]] = MappingProxyType(
    {
        package: kind
        for kind, packages in (
            (
                AUTOMATION,
                (
                    "net.dinglisch.android.taskerm",  # Tasker
                    "com.arlosoft.macrodroid",  # MacroDroid
                    "com.llamalab.automate",  # Automate
                    "com.joaomgcd.autoinput",  # AutoInput (Tasker plugin)
                    "com.joaomgcd.autonotification",
                    "com.ifttt.ifttt",  # IFTTT
                    "com.kebab.Llama",
                    "com.jarsilio.android.autoautorotate",
                ),
            ),
            (
                LAUNCHER,
                (
                    "com.teslacoilsw.launcher",  # Nova
                    "com.microsoft.launcher",
                    "ch.deletescape.lawnchair.plah",
                    "app.lawnchair",
                    "com.niagara.launcher",  # Niagara
                    "bitpit.launcher",
                    "com.actionlauncher.playstore",
                ),
            ),
            (
                ACCESSIBILITY_TOOL,
                (
                    "com.google.android.marvin.talkback",  # Android Accessibility Suite
                    "com.google.android.apps.accessibility.voiceaccess",
                    "com.google.android.apps.accessibility.reveal",  # Lookout
                    "com.google.android.apps.accessibility.maui.actionblocks",
                    "com.google.audio.hearing.visualization.accessibility.scribe",  # Live
                    "com.bemyeyes.bemyeyes",
                    "com.nuance.nmdp.vocalizer",
                ),
            ),
            (
                FAMILY_SAFETY,
                (
                    "com.google.android.apps.kids.familylinkhelper",  # Family Link, child
                    "com.google.android.apps.kids.familylink",  # Family Link, parent
                    "com.samsung.android.kidsinstaller",
                ),
            ),
            (
                WORK_AGENT,
                (
                    "com.google.android.apps.work.clouddpc",  # Android Device Policy
                    "com.microsoft.windowsintune.companyportal",  # Intune Company Portal
                    "com.airwatch.androidagent",  # Workspace ONE Intelligent Hub
                    "com.fiberlink.maas360.android.control",  # MaaS360
                    "net.soti.mobicontrol.androidwork",  # SOTI MobiControl
                    "com.google.android.apps.work.oobconfig",
                ),
            ),
            (
                COMPANION,
                (
                    "com.google.android.wearable.app",  # Wear OS by Google
                    "com.google.android.apps.wear.companion",  # Pixel Watch
                    "com.samsung.android.app.watchmanager",  # Galaxy Wearable
                    "com.samsung.android.waterplugin",  # Galaxy Watch plugins
                    "com.samsung.android.modenplugin",
                    "com.samsung.android.geargplugin",
                    "com.fitbit.FitbitMobile",
                    "com.garmin.android.apps.connectmobile",
                    "com.google.android.projection.gearhead",  # Android Auto
                ),
            ),
            (
                COMMUNICATION,
                (
                    "com.whatsapp",
                    "com.whatsapp.w4b",
                    "org.telegram.messenger",
                    "org.thoughtcrime.securesms",  # Signal
                    "com.facebook.orca",  # Messenger
                    "com.viber.voip",
                    "com.instagram.android",
                    "com.snapchat.android",
                    "us.zoom.videomeetings",
                    "com.microsoft.teams",
                    "com.skype.raider",
                    "com.discord",
                    "jp.naver.line.android",
                    "com.tencent.mm",  # WeChat
                    "com.google.android.apps.tachyon",  # Google Meet
                ),
            ),
            (
                NAVIGATION,
                (
                    "com.waze",
                    "com.google.android.apps.maps",
                    "com.strava",
                    "com.citymapper.app.release",
                    "com.komoot.android",
                ),
            ),
        )
        for package in packages
    }
)
"""Kinds with no trait the phone records, by the maker's package id."""

_COMPANION_PERMISSIONS: Final = frozenset(
    {
        "android.permission.REQUEST_COMPANION_PROFILE_WATCH",
        "android.permission.REQUEST_COMPANION_PROFILE_AUTOMOTIVE_PROJECTION",
        "android.permission.REQUEST_COMPANION_PROFILE_GLASSES",
        "android.permission.REQUEST_COMPANION_RUN_IN_BACKGROUND",
        "android.permission.REQUEST_OBSERVE_COMPANION_DEVICE_PRESENCE",
    }
)
"""Companion-device permissions: an app holds one only to manage a paired watch, car or
similar (CompanionDeviceManager)."""


def purpose(pkg: Package, snapshot: DeviceSnapshot) -> Kind | None:
    """The kind whose needs explain this app's access, or None.

    None whenever the phone does not say an app store installed it (see module docstring).
    """
    if pkg.partial or pkg.system:
        return None
    source = install_source(pkg, snapshot)
    if not source.from_store or source.mismatch:
        return None
    secure = dict(snapshot.settings.raw_secure)
    mine = pkg.package
    if mine in _components(secure.get("enabled_input_methods", "")):
        return KEYBOARD
    providers = ("autofill_service", "credential_service", "credential_service_primary")
    if any(mine in _components(secure.get(key, "")) for key in providers):
        return PASSWORD_MANAGER
    if pkg.granted() & _COMPANION_PERMISSIONS:
        return COMPANION
    if secure.get("sms_default_application") == mine:
        return MESSAGING
    if secure.get("dialer_default_application") == mine:
        return DIALER
    return _BY_PACKAGE.get(mine)


def _components(value: str) -> set[str]:
    """Packages in a ``:``-separated setting of components (``pkg/cls:pkg2/cls``); an
    input-method list may append ``;subtype`` ids."""
    return {package_of(part.split(";", 1)[0]) for part in value.split(":") if part.strip()}
