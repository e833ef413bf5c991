"""A phone that takes only 4 KiB per ADB message (Android 6 and older): the APK read
commands are split to fit, and every app is still checked in parts."""

from __future__ import annotations

from scanner.device.apk_commands import is_apk_read_command
from scanner.device.connection import PhoneConnection
from scanner.device.keys import ephemeral_signer
from scanner.model import CHECKED_IN_PARTS, CHECKED_SIGNING_BLOCK, HASHED_ON_PHONE
from scanner.pipeline import scan_phone
from scanner.simulator import Profile, SimulatedPhone
from scanner.simulator.apk_builder import build_apk
from scanner.simulator.faults import FaultPlan, Hostile
from scanner.sources import SCAN_COMMANDS
from tools.fabricate import big_phone, make_phone
from tools.fabricate.resolve import STORES, resolve_apps


def phone_with_apks(n_apps: int) -> tuple[Profile, set[str], set[str]]:
    """A generated phone serving an APK for every non-system app (store, sideloaded)."""
    files: dict[str, bytes] = {}
    store, sideloaded = set(), set()
    for app in resolve_apps(big_phone(n_apps, seed=0)):
        if app.spec.system:
            continue
        files[app.apk_file] = build_apk(app.spec.package, label=app.spec.label)
        (store if app.spec.installer in STORES else sideloaded).add(app.spec.package)
    profile = Profile(name="old-phone", commands=dict(make_phone(n_apps, seed=0)), files=files)
    return profile, store, sideloaded


def test_commands_fit_a_4_kib_maxdata_and_every_app_is_checked() -> None:
    profile, store, sideloaded = phone_with_apks(150)
    with SimulatedPhone(profile, faults=FaultPlan(hostile=Hostile(maxdata=4096))) as phone:
        connection = PhoneConnection.connect_tcp("127.0.0.1", phone.port, ephemeral_signer())
        try:
            result = scan_phone(connection)
        finally:
            connection.close()
        shell = [r.command for r in phone.received if r.service == "shell"]
    reads = shell[len(SCAN_COMMANDS) :]
    assert len(reads) > 4  # split: more commands than rounds
    assert all(is_apk_read_command(c) and len(f"shell:{c}") < 4096 for c in reads)
    assert result.link["apk_read_rounds"] <= 4
    checks = {c.package: c for c in result.app_checks}
    assert store and sideloaded
    for package in store:  # v2-signed, on Android 13: the signing block is enough
        assert checks[package].certificate == CHECKED_SIGNING_BLOCK, package
    for package in sideloaded:
        assert checks[package].certificate == CHECKED_IN_PARTS, package
    for package in sideloaded:
        assert checks[package].sha256 == HASHED_ON_PHONE, package
