"""The parsers read the built-in profiles into the snapshot the checks expect."""

from __future__ import annotations

import pytest

from scanner.commands import PHONE_CLOCK
from scanner.model import CommandResult, DeviceSnapshot, RawCapture
from scanner.parse.snapshot import build_snapshot
from scanner.sources import SCAN_COMMANDS
from tests.profiles.helpers import ProfileText
from tools.fabricate import (
    DUAL_USE,
    KNOWN_STALKERWARE,
    SECOND_STALKERWARE,
    UNKNOWN_SPY,
)


def _snapshot(name: str) -> DeviceSnapshot:
    profile = ProfileText(name)
    # The clock is answered live by the simulated phone: a fixed reading here.
    results = (
        CommandResult(PHONE_CLOCK, b"1764324000\n"),
        *(
            CommandResult(c, (profile.folder / profile.spec["commands"][c]).read_bytes())
            for c in SCAN_COMMANDS
            if c != PHONE_CLOCK
        ),
    )
    return build_snapshot(RawCapture(results, serial=profile.spec["serial"], transport="capture"))


@pytest.fixture(scope="module")
def infected() -> DeviceSnapshot:
    return _snapshot("infected")


@pytest.fixture(scope="module")
def clean() -> DeviceSnapshot:
    return _snapshot("clean")


def test_both_profiles_parse_without_warnings(
    clean: DeviceSnapshot, infected: DeviceSnapshot
) -> None:
    assert clean.warnings == ()
    assert infected.warnings == ()
    assert set(clean.sources_read) == set(SCAN_COMMANDS)


def test_infected_device_facts(infected: DeviceSnapshot) -> None:
    assert infected.device.model == "SM-A525F"
    assert infected.device.sdk == 33
    assert infected.device.security_patch == "2024-03-01"


def test_planted_apps_carry_the_expected_flags(infected: DeviceSnapshot) -> None:
    spy = infected.package(KNOWN_STALKERWARE)
    assert spy is not None
    assert not spy.system
    assert spy.has_launcher is False
    assert spy.installer == "com.google.android.packageinstaller"
    assert {"android.permission.READ_SMS", "android.permission.RECORD_AUDIO"} <= spy.granted()
    second = infected.package(SECOND_STALKERWARE)
    assert second is not None
    assert second.has_launcher is True
    unknown = infected.package(UNKNOWN_SPY)
    assert unknown is not None
    assert unknown.has_launcher is False
    life360 = infected.package(DUAL_USE)
    assert life360 is not None
    assert life360.installer == "com.android.vending"
    a11y = {service.package for service in infected.accessibility}
    assert a11y == {KNOWN_STALKERWARE, UNKNOWN_SPY}
    assert all(service.bound for service in infected.accessibility)
    admins = {admin.package for admin in infected.device_admins}
    assert {KNOWN_STALKERWARE, UNKNOWN_SPY} <= admins
    listeners = {listener.package for listener in infected.notification_listeners}
    assert {KNOWN_STALKERWARE, UNKNOWN_SPY} <= listeners
    ops = {(op.package, op.op, op.mode) for op in infected.appops}
    assert (KNOWN_STALKERWARE, "GET_USAGE_STATS", "allow") in ops
    assert (KNOWN_STALKERWARE, "SYSTEM_ALERT_WINDOW", "allow") in ops
    assert ("com.sec.android.app.sbrowser", "REQUEST_INSTALL_PACKAGES", "allow") in ops


def test_infected_settings_and_accounts(infected: DeviceSnapshot) -> None:
    settings = infected.settings
    assert settings.package_verifier is False
    assert settings.adb_enabled is True
    assert settings.development_settings is True
    assert settings.adb_wifi_enabled is True
    assert settings.http_proxy == "192.168.1.47:8888"
    google = [a.name for a in infected.accounts if a.type == "com.google"]
    assert len(google) == 2
    assert not infected.root.rooted


def test_clean_snapshot_shows_nothing_planted(clean: DeviceSnapshot) -> None:
    assert clean.device.model == "Pixel 7"
    assert clean.device.sdk == 34
    assert clean.accessibility == ()
    assert [admin.package for admin in clean.device_admins] == ["com.google.android.gms"]
    assert clean.settings.package_verifier is True
    assert clean.settings.adb_wifi_enabled is False
    assert not clean.root.rooted
    user_apps = [p for p in clean.packages if not p.system]
    assert user_apps
    assert all(p.installer == "com.android.vending" for p in user_apps)
