"""Who installed an app, in words a police officer or a court can use.

Android records the app that asked for the install (``initiatingPackageName``, Android 14+
prints it) and a name the installing app may set itself (``installerPackageName``): the
first is the better witness, so it is preferred. ``com.android.shell`` is what ``adb
install`` leaves: someone used a computer and a cable with USB debugging on.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from scanner.model import Package

SHELL = "com.android.shell"
OVER_A_CABLE = "from a computer over a cable (USB debugging)"
FROM_A_FILE = "from a file, by someone using the phone"
NOT_RECORDED = "not recorded by the phone"
CAME_WITH_PHONE = "came with the phone (part of the system)"

_PACKAGE_INSTALLERS = frozenset(
    {
        "com.android.packageinstaller",
        "com.google.android.packageinstaller",
        "com.samsung.android.packageinstaller",
        "com.miui.packageinstaller",
    }
)

_STORES: Mapping[str, str] = MappingProxyType(
    {
        "com.android.vending": "the Google Play Store",
        "com.sec.android.app.samsungapps": "the Samsung Galaxy Store",
        "com.amazon.venezia": "the Amazon Appstore",
        "com.huawei.appmarket": "Huawei AppGallery",
        "com.xiaomi.market": "the Xiaomi app store (GetApps)",
        "com.xiaomi.mipicks": "the Xiaomi app store (GetApps)",
        "com.heytap.market": "the OPPO / realme app market",
        "com.oppo.market": "the OPPO app market",
        "com.bbk.appstore": "the vivo app store",
        "org.fdroid.fdroid": "F-Droid",
        "com.aurora.store": "Aurora Store (a copy of Play Store apps)",
        "com.apkpure.aegon": "APKPure (an app download site)",
    }
)

_BROWSERS: Mapping[str, str] = MappingProxyType(
    {
        "com.android.chrome": "Chrome",
        "org.mozilla.firefox": "Firefox",
        "com.sec.android.app.sbrowser": "Samsung Internet",
        "com.opera.browser": "Opera",
        "com.opera.mini.native": "Opera Mini",
        "com.microsoft.emmx": "Microsoft Edge",
        "com.brave.browser": "Brave",
        "com.duckduckgo.mobile.android": "DuckDuckGo",
        "com.UCMobile.intl": "UC Browser",
        "com.mi.globalbrowser": "Mi Browser",
    }
)

_FILE_MANAGERS: Mapping[str, str] = MappingProxyType(
    {
        "com.google.android.apps.nbu.files": "Files by Google",
        "com.google.android.documentsui": "the Files app",
        "com.android.documentsui": "the Files app",
        "com.sec.android.app.myfiles": "Samsung My Files",
        "com.mi.android.globalFileexplorer": "the Xiaomi file manager",
        "com.estrongs.android.pop": "ES File Explorer",
    }
)


def describe_installer(name: str | None, *, via: str | None = None) -> str:
    """One installer package name in plain words; ``via`` is the app the install was for
    (``originatingPackageName``), e.g. the browser that downloaded the file."""
    if not name:
        return NOT_RECORDED
    if name == SHELL:
        return OVER_A_CABLE
    if name in _STORES:
        return f"from {_STORES[name]}"
    if name in _PACKAGE_INSTALLERS:
        if via and via in _BROWSERS:
            return f"from a file downloaded in {_BROWSERS[via]}, by someone using the phone"
        if via and via in _FILE_MANAGERS:
            return f"from a file opened in {_FILE_MANAGERS[via]}, by someone using the phone"
        return FROM_A_FILE
    if name in _BROWSERS:
        return f"from a file downloaded in the {_BROWSERS[name]} browser"
    if name in _FILE_MANAGERS:
        return f"from a file opened in the file manager {_FILE_MANAGERS[name]}"
    # Makers' own installers, browsers and stores the checks know but this list does not.
    # Imported here: the checks use this module, and importing them at load is a cycle.
    from scanner.checks.common import APP_STORES, SIDELOAD_INITIATORS

    kind = SIDELOAD_INITIATORS.get(name, "")
    if kind.startswith("the phone's package installer"):
        return FROM_A_FILE
    if kind == "a web browser":
        return f"from a file downloaded in a web browser ({name})"
    if kind == "a file manager":
        return f"from a file opened in a file manager ({name})"
    if name in APP_STORES:
        return f"from an app store ({name})"
    return f"by another app on the phone ({name})"


def installer_words(pkg: Package) -> str:
    """Who installed ``pkg``, preferring the app that really asked for the install."""
    asked = pkg.initiating_installer or pkg.installer
    if not asked and pkg.system and not pkg.updated_system:
        return CAME_WITH_PHONE
    words = describe_installer(asked, via=pkg.originating_installer)
    claim = pkg.installer_package_name
    if claim and pkg.initiating_installer and claim != pkg.initiating_installer:
        words += f"; the phone also names {claim}, a name the installing app can choose"
    return words
