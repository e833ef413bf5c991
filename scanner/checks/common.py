"""Small helpers shared by checks: naming apps and telling where an app came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from scanner.labels import name_for
from scanner.model import DeviceSnapshot, Package, Words
from scanner.phrases import words

APP_STORES: Final[frozenset[str]] = frozenset(
    {
        "com.android.vending",  # Google Play
        "com.sec.android.app.samsungapps",  # Galaxy Store
        "com.amazon.venezia",  # Amazon Appstore
        "com.huawei.appmarket",  # Huawei AppGallery
        "com.xiaomi.market",  # Xiaomi GetApps
        "com.xiaomi.mipicks",
        "com.heytap.market",  # OPPO / OnePlus
        "com.oppo.market",
        "com.bbk.appstore",  # vivo
        "org.fdroid.fdroid",  # F-Droid
        "com.google.android.feedback",  # Play-installed apps on some older builds
    }
)
"""Installers that are app stores, which review what they distribute."""

SHELL = "com.android.shell"

_SIDELOAD_KINDS: dict[str, tuple[str, ...]] = {
    "adb from a computer (the phone's shell)": (SHELL,),
    "the phone's package installer (an APK file opened on the phone)": (
        "com.google.android.packageinstaller",  # Android 10+ and Samsung
        "com.android.packageinstaller",  # AOSP, older Android
        "com.samsung.android.packageinstaller",
        "com.miui.packageinstaller",  # Xiaomi
        "com.oplus.packageinstaller",
        "com.coloros.packageinstaller",
        "com.huawei.packageinstaller",
    ),
    "a web browser": (
        "com.android.chrome",
        "com.chrome.beta",
        "com.sec.android.app.sbrowser",  # Samsung Internet
        "org.mozilla.firefox",
        "com.opera.browser",
        "com.opera.mini.native",
        "com.microsoft.emmx",  # Edge
        "com.brave.browser",
        "com.duckduckgo.mobile.android",
        "com.UCMobile.intl",
        "com.mi.globalbrowser",
        "com.huawei.browser",
        "com.android.browser",
    ),
    "a file manager": (
        "com.google.android.documentsui",
        "com.android.documentsui",
        "com.google.android.apps.nbu.files",  # Files by Google
        "com.sec.android.app.myfiles",  # Samsung My Files
        "com.mi.android.globalFileexplorer",
        "com.android.fileexplorer",
        "com.coloros.filemanager",
        "com.huawei.filemanager",
    ),
}

SIDELOAD_INITIATORS: Final[Mapping[str, str]] = MappingProxyType(
    {package: kind for kind, packages in _SIDELOAD_KINDS.items() for package in packages}
)
"""Apps that put other apps on a phone from outside any store, with what they are."""

LOCAL_FILE_SOURCES: Final = MappingProxyType({3: "a file on the phone", 4: "a downloaded file"})
"""``packageSource`` values that say the APK came from a file
(``PackageInstaller.PACKAGE_SOURCE_LOCAL_FILE`` / ``PACKAGE_SOURCE_DOWNLOADED_FILE``)."""


@dataclass(frozen=True, slots=True)
class InstallSource:
    """Where an app came from, as far as the phone's records can tell."""

    from_store: bool
    """True only when the phone's records say an app store installed it."""
    claim: str | None
    """``installerPackageName``: a name the installing app chose; it can be anything."""
    initiator: str | None
    """``initiatingPackageName``: the app that really asked for the install."""
    mismatch: bool = False
    """The claim names an app store, but the install was started some other way."""
    how: str = ""
    """Plain words for how it was really installed, when the records say."""


def install_source(pkg: Package, snapshot: DeviceSnapshot | None = None) -> InstallSource:
    """Decide whether ``pkg`` came from an app store, trusting the initiator over the claim.

    ``installerPackageName`` is set by whoever installs: ``adb install -i
    com.android.vending`` makes a sideloaded build claim Google Play. Android 11+ records
    the initiating package (printed from Android 14) and the package source, which the
    claim cannot change. So:

    - an initiator that is a store: from a store;
    - the shell, a package installer, a browser or a file manager: not from a store;
    - a package source of "local file" / "downloaded file": not from a store;
    - another initiator: from a store only when the claim names one and the initiator
      is a system app of this phone (setup restore, a maker's store agent); else not;
    - no initiator recorded (Android 13 and older): the claim decides.
    """
    if pkg.installer_package_name is not None or pkg.initiating_installer is not None:
        claim = pkg.installer_package_name
    else:
        claim = pkg.installer  # a Package built without the separate fields
    initiator = pkg.initiating_installer
    claims_store = claim in APP_STORES
    file_source = LOCAL_FILE_SOURCES.get(pkg.package_source or -1)
    if initiator is not None and initiator not in APP_STORES:
        kind = SIDELOAD_INITIATORS.get(initiator)
        trusted = kind is None and file_source is None and _is_system(snapshot, initiator)
        if trusted and claims_store:
            return InstallSource(True, claim, initiator)
        how = kind or f"another app ({initiator})"
        return InstallSource(False, claim, initiator, mismatch=claims_store, how=how)
    if file_source is not None:
        return InstallSource(False, claim, initiator, mismatch=claims_store, how=file_source)
    if initiator is not None:
        return InstallSource(True, claim, initiator)
    return InstallSource(claims_store, claim, initiator)


_HOW_KEYS: Final = {
    "adb from a computer (the phone's shell)": "checks.how_shell",
    "the phone's package installer (an APK file opened on the phone)": "checks.how_installer",
    "a web browser": "checks.how_browser",
    "a file manager": "checks.how_file_manager",
    "a file on the phone": "checks.how_local_file",
    "a downloaded file": "checks.how_downloaded_file",
}


def how_words(source: InstallSource) -> Words:
    """``source.how`` as a catalogue message (the initiating app's id stays as it is)."""
    key = _HOW_KEYS.get(source.how)
    if key is not None:
        return words(key)
    return words("checks.how_other_app", package=source.initiator or "")


def _is_system(snapshot: DeviceSnapshot | None, package: str) -> bool:
    found = snapshot.package(package) if snapshot is not None else None
    return found is not None and found.system


def from_store(pkg: Package, snapshot: DeviceSnapshot | None = None) -> bool:
    """True when the phone's records say an app store installed ``pkg`` (see
    ``install_source``); an app whose entry was cut short is never taken for one."""
    return not pkg.partial and install_source(pkg, snapshot).from_store


def app_name(snapshot: DeviceSnapshot, package: str) -> str:
    """``Label (package)`` when the label is known, else the package name."""
    return name_for(snapshot.package(package), package)


def is_system(snapshot: DeviceSnapshot, package: str) -> bool:
    pkg = snapshot.package(package)
    return pkg is not None and pkg.system


def package_of(component: str) -> str:
    """``com.x/.Svc`` -> ``com.x``."""
    return component.split("/", 1)[0].strip()
