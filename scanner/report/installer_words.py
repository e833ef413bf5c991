"""Who installed an app, in words a police officer or a court can use.

Android records the app that asked for the install (``initiatingPackageName``, Android 14+
prints it) and a name the installing app may set itself (``installerPackageName``): the
first is the better witness, so it is preferred. ``com.android.shell`` is what ``adb
install`` leaves: someone used a computer and a cable with USB debugging on.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from scanner.i18n import Catalogue
from scanner.model import Package
from scanner.report.language import safe_catalogue

SHELL = "com.android.shell"

_PACKAGE_INSTALLERS = frozenset(
    {
        "com.android.packageinstaller",
        "com.google.android.packageinstaller",
        "com.samsung.android.packageinstaller",
        "com.miui.packageinstaller",
    }
)

# Package -> message id in installer.yaml (the store's name, in the reader's language).
_STORES: Mapping[str, str] = MappingProxyType(
    {
        "com.android.vending": "store_play",
        "com.sec.android.app.samsungapps": "store_galaxy",
        "com.amazon.venezia": "store_amazon",
        "com.huawei.appmarket": "store_huawei",
        "com.xiaomi.market": "store_xiaomi",
        "com.xiaomi.mipicks": "store_xiaomi",
        "com.heytap.market": "store_oppo_realme",
        "com.oppo.market": "store_oppo",
        "com.bbk.appstore": "store_vivo",
        "org.fdroid.fdroid": "store_fdroid",
        "com.aurora.store": "store_aurora",
        "com.apkpure.aegon": "store_apkpure",
    }
)

# Browsers are named by their brand, which no language translates.
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
        "com.google.android.apps.nbu.files": "files_google",
        "com.google.android.documentsui": "files_app",
        "com.android.documentsui": "files_app",
        "com.sec.android.app.myfiles": "files_samsung",
        "com.mi.android.globalFileexplorer": "files_xiaomi",
        "com.estrongs.android.pop": "files_es",
    }
)


def describe_installer(
    name: str | None, *, via: str | None = None, say: Catalogue | None = None
) -> str:
    """One installer package name in plain words; ``via`` is the app the install was for
    (``originatingPackageName``), e.g. the browser that downloaded the file."""
    say = say or safe_catalogue()

    def w(key: str, **values: str) -> str:
        return say.text(f"installer.{key}", **values)

    if not name:
        return w("not_recorded")
    if name == SHELL:
        return w("over_a_cable")
    if name in _STORES:
        return w("from_store", store=w(_STORES[name]))
    if name in _PACKAGE_INSTALLERS:
        if via and via in _BROWSERS:
            return w("downloaded_in", browser=_BROWSERS[via])
        if via and via in _FILE_MANAGERS:
            return w("opened_in", app=w(_FILE_MANAGERS[via]))
        return w("from_a_file")
    if name in _BROWSERS:
        return w("browser_itself", browser=_BROWSERS[name])
    if name in _FILE_MANAGERS:
        return w("file_manager_itself", app=w(_FILE_MANAGERS[name]))
    # Makers' own installers, browsers and stores the checks know but this list does not.
    # Imported here: the checks use this module, and importing them at load is a cycle.
    from scanner.checks.common import APP_STORES, SIDELOAD_INITIATORS

    kind = SIDELOAD_INITIATORS.get(name, "")
    if kind.startswith("the phone's package installer"):
        return w("from_a_file")
    if kind == "a web browser":
        return w("some_browser", package=name)
    if kind == "a file manager":
        return w("some_file_manager", package=name)
    if name in APP_STORES:
        return w("some_store", package=name)
    return w("other_app", package=name)


def installer_words(pkg: Package, say: Catalogue | None = None) -> str:
    """Who installed ``pkg``, preferring the app that really asked for the install."""
    say = say or safe_catalogue()
    asked = pkg.initiating_installer or pkg.installer
    if not asked and pkg.system and not pkg.updated_system:
        return say.text("installer.came_with_phone")
    words = describe_installer(asked, via=pkg.originating_installer, say=say)
    claim = pkg.installer_package_name
    if claim and pkg.initiating_installer and claim != pkg.initiating_installer:
        words = say.text("installer.also_names", words=words, package=claim)
    return words
