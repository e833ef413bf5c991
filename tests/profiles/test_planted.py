"""What is planted on the infected phone, and what the clean phone lacks, read from the text."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from scanner.commands import DUMPSYS_ACCESSIBILITY, GETPROP, SETTINGS_GLOBAL
from tests.profiles.helpers import ProfileText
from tools.fabricate import (
    DUAL_USE,
    KNOWN_STALKERWARE,
    SECOND_STALKERWARE,
    UNKNOWN_SPY,
)

SCAN_DAY = datetime(2026, 11, 28)
SPY_RUNTIME = (
    "ACCESS_FINE_LOCATION",
    "ACCESS_BACKGROUND_LOCATION",
    "READ_SMS",
    "READ_CALL_LOG",
    "RECORD_AUDIO",
    "CAMERA",
    "READ_CONTACTS",
)


@pytest.fixture(scope="module")
def infected() -> ProfileText:
    return ProfileText("infected")


@pytest.fixture(scope="module")
def clean() -> ProfileText:
    return ProfileText("clean")


def _field(block: str, name: str) -> str:
    match = re.search(rf"^\s+{name}=(.*)$", block, re.M)
    assert match is not None, name
    return match.group(1)


def _granted(block: str) -> set[str]:
    return set(re.findall(r"android\.permission\.(\w+): granted=true, flags", block))


def _global(profile: ProfileText) -> dict[str, str]:
    lines = profile.output(SETTINGS_GLOBAL).splitlines()
    return dict(line.split("=", 1) for line in lines)


def test_known_stalkerware_is_hidden_sideloaded_and_holds_every_spy_access(
    infected: ProfileText,
) -> None:
    block = infected.package_block(KNOWN_STALKERWARE)
    assert _field(block, "installerPackageName") == "com.google.android.packageinstaller"
    assert KNOWN_STALKERWARE not in infected.launcher_packages()
    assert KNOWN_STALKERWARE in infected.enabled_accessibility_packages()
    assert KNOWN_STALKERWARE in infected.device_admin_packages()
    assert KNOWN_STALKERWARE in infected.secure_components("enabled_notification_listeners")
    assert set(SPY_RUNTIME) <= _granted(block)
    ops = dict(infected.appops_for(KNOWN_STALKERWARE))
    assert ops["GET_USAGE_STATS"] == "allow"
    assert ops["SYSTEM_ALERT_WINDOW"] == "allow"
    installed = datetime.strptime(_field(block, "firstInstallTime"), "%Y-%m-%d %H:%M:%S")
    assert SCAN_DAY - timedelta(days=7) < installed < SCAN_DAY
    labels = {entry["package"]: entry["label"] for entry in infected.spec["files"].values()}
    assert labels[KNOWN_STALKERWARE] == "System Service"
    assert "Service[label=System Service," in infected.output(DUMPSYS_ACCESSIBILITY)


def test_second_stalkerware_has_an_icon_but_was_sideloaded(infected: ProfileText) -> None:
    block = infected.package_block(SECOND_STALKERWARE)
    assert SECOND_STALKERWARE in infected.launcher_packages()
    assert _field(block, "installerPackageName") != "com.android.vending"
    assert {"READ_SMS", "ACCESS_FINE_LOCATION"} <= _granted(block)
    assert SECOND_STALKERWARE not in infected.enabled_accessibility_packages()


def test_unknown_spy_has_no_installer_no_icon_and_spy_accesses(infected: ProfileText) -> None:
    block = infected.package_block(UNKNOWN_SPY)
    assert _field(block, "installerPackageName") == "null"
    assert UNKNOWN_SPY not in infected.launcher_packages()
    assert UNKNOWN_SPY in infected.enabled_accessibility_packages()
    assert UNKNOWN_SPY in infected.device_admin_packages()
    assert UNKNOWN_SPY in infected.secure_components("enabled_notification_listeners")
    assert set(SPY_RUNTIME) <= _granted(block)
    labels = {entry["package"]: entry["label"] for entry in infected.spec["files"].values()}
    assert labels[UNKNOWN_SPY] == "Wi-Fi Service"


def test_dual_use_app_comes_from_the_play_store_with_location(infected: ProfileText) -> None:
    block = infected.package_block(DUAL_USE)
    assert _field(block, "installerPackageName") == "com.android.vending"
    assert DUAL_USE in infected.launcher_packages()
    assert {"ACCESS_FINE_LOCATION", "ACCESS_BACKGROUND_LOCATION"} <= _granted(block)


def test_infected_posture_is_weak(infected: ProfileText) -> None:
    settings = _global(infected)
    assert settings["package_verifier_enable"] == "0"
    assert settings["adb_enabled"] == "1"
    assert settings["development_settings_enabled"] == "1"
    assert settings["adb_wifi_enabled"] == "1"
    assert re.fullmatch(r"[\w.-]+:\d+", settings["http_proxy"])
    browser_ops = dict(infected.appops_for("com.sec.android.app.sbrowser"))
    assert browser_ops["REQUEST_INSTALL_PACKAGES"] == "allow"
    google = [name for name, kind in infected.accounts() if kind == "com.google"]
    assert len(google) == 2, "the owner's account and one they may not recognise"
    patch = re.search(
        r"^\[ro\.build\.version\.security_patch\]: \[(.*)\]$", infected.output(GETPROP), re.M
    )
    assert patch is not None
    assert datetime.strptime(patch.group(1), "%Y-%m-%d") < SCAN_DAY - timedelta(days=365)


def test_clean_phone_has_nothing_risky_but_debugging(clean: ProfileText) -> None:
    assert clean.enabled_accessibility_packages() == []
    assert clean.device_admin_packages() == ["com.google.android.gms"]
    listeners = clean.secure_components("enabled_notification_listeners")
    assert listeners == ["com.google.android.apps.nexuslauncher"]
    settings = _global(clean)
    assert settings["adb_enabled"] == "1"
    assert settings["adb_wifi_enabled"] == "0"
    assert settings.get("package_verifier_enable") == "1"
    assert "http_proxy" not in settings
    ops = [op for package in clean.appops_packages() for op, _ in clean.appops_for(package)]
    assert "REQUEST_INSTALL_PACKAGES" not in ops
    assert "GET_USAGE_STATS" not in ops
    patch = re.search(
        r"^\[ro\.build\.version\.security_patch\]: \[(.*)\]$", clean.output(GETPROP), re.M
    )
    assert patch is not None
    assert datetime.strptime(patch.group(1), "%Y-%m-%d") > SCAN_DAY - timedelta(days=90)


def test_clean_phone_has_talkback_installed_but_not_enabled(clean: ProfileText) -> None:
    assert "com.google.android.marvin.talkback" in clean.installed_packages()
    assert "installedServiceCount=1" in clean.output(DUMPSYS_ACCESSIBILITY)
    assert "Enabled services:{}" in clean.output(DUMPSYS_ACCESSIBILITY)
