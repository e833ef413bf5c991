"""Small helpers shared by checks: naming apps and recognising app stores."""

from __future__ import annotations

from typing import Final

from scanner.model import DeviceSnapshot, Package

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


def from_store(pkg: Package) -> bool:
    return pkg.installer in APP_STORES


def app_name(snapshot: DeviceSnapshot, package: str) -> str:
    """``Label (package)`` when the label is known, else the package name."""
    pkg = snapshot.package(package)
    if pkg is not None and pkg.label and pkg.label != package:
        return f"{pkg.label} ({package})"
    return package


def is_system(snapshot: DeviceSnapshot, package: str) -> bool:
    pkg = snapshot.package(package)
    return pkg is not None and pkg.system


def package_of(component: str) -> str:
    """``com.x/.Svc`` -> ``com.x``."""
    return component.split("/", 1)[0].strip()
