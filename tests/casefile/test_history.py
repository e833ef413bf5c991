"""History: what changed between scans, with dates, per phone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from scanner.casefile import (
    CaseFile,
    compare_scans,
    history_for,
    load_case,
    record_from_result,
    save_scan,
)
from scanner.commands import DUMPSYS_PACKAGE, SETTINGS_GLOBAL
from scanner.model import (
    AccessibilityService,
    Account,
    ChangeKind,
    DeviceAdmin,
    DeviceInfo,
    DeviceSnapshot,
    HistoryChange,
    NotificationListener,
    Package,
    PermissionGrant,
    SafetySettings,
)
from scanner.parse.snapshot import build_snapshot
from scanner.sources import SCAN_COMMANDS
from tests.casefile.conftest import FAST_SCRYPT, PASSPHRASE, pixel8_capture, scan_at

MARCH = datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
APRIL = datetime(2024, 4, 2, 9, 30, tzinfo=UTC)
MAY = datetime(2024, 5, 6, 16, 0, tzinfo=UTC)
PHONE = DeviceInfo(manufacturer="Google", model="Pixel 8", serial="SERIAL-A", fingerprint="fp-a")

BANK = Package("com.example.bank", label="Bank", version_name="5.0", version_code=50)
MDM = DeviceAdmin("com.example.findmyphone/.LockAdmin", "com.example.findmyphone")
SPY_INSTALLED = datetime(2024, 3, 20, 22, 14)
SPY = Package(
    "com.example.syncsvc",
    label="Sync Service",
    version_name="2.1",
    installer="com.android.packageinstaller",
    first_install=SPY_INSTALLED,
    permissions=(
        PermissionGrant("android.permission.RECORD_AUDIO", granted=True, runtime=True),
        PermissionGrant("android.permission.CAMERA", granted=False, runtime=True),
        PermissionGrant("android.permission.INTERNET", granted=True, runtime=False),
    ),
)


def _snapshot(**fields: object) -> DeviceSnapshot:
    return DeviceSnapshot(device=PHONE, sources_read=SCAN_COMMANDS, **fields)  # type: ignore[arg-type]


def _kinds(changes: tuple[HistoryChange, ...]) -> list[ChangeKind]:
    return [c.kind for c in changes]


def test_new_app_with_accessibility_and_a_permission_and_a_removed_admin_are_all_reported() -> None:
    earlier = _snapshot(packages=(BANK,), device_admins=(MDM,))
    later = _snapshot(
        packages=(BANK, SPY),
        accessibility=(
            AccessibilityService("com.example.syncsvc/.A11y", "com.example.syncsvc", bound=True),
        ),
    )

    diff = compare_scans(earlier, later, MARCH, APRIL)

    assert (diff.earlier_time, diff.later_time) == (MARCH, APRIL)
    assert diff.device == "Google Pixel 8 (serial SERIAL-A)"
    assert diff.not_compared == ()
    assert sorted(_kinds(diff.changes)) == sorted(
        [
            ChangeKind.APP_ADDED,
            ChangeKind.PERMISSION_GRANTED,
            ChangeKind.ACCESSIBILITY_ON,
            ChangeKind.DEVICE_ADMIN_REMOVED,
        ]
    )
    by_kind = {c.kind: c for c in diff.changes}
    added = by_kind[ChangeKind.APP_ADDED]
    assert added.package == "com.example.syncsvc"
    assert added.when == SPY_INSTALLED
    assert added.description == (
        "New app installed: Sync Service (com.example.syncsvc), version 2.1, "
        "installed 2024-03-20 22:14 (phone time), from com.android.packageinstaller."
    )
    granted = by_kind[ChangeKind.PERMISSION_GRANTED]
    assert granted.description == (
        "Sync Service (com.example.syncsvc) was given permission: microphone "
        "(android.permission.RECORD_AUDIO)."
    )
    assert "switched on for Sync Service" in by_kind[ChangeKind.ACCESSIBILITY_ON].description
    removed = by_kind[ChangeKind.DEVICE_ADMIN_REMOVED]
    assert removed.package == "com.example.findmyphone"
    assert removed.description == "com.example.findmyphone is no longer a device admin."
    assert all((c.earlier_scan, c.later_scan) == (MARCH, APRIL) for c in diff.changes)


def test_identical_scans_have_no_changes() -> None:
    snap = _snapshot(packages=(BANK, SPY), device_admins=(MDM,))

    assert compare_scans(snap, snap, MARCH, APRIL).changes == ()


def test_update_reinstall_and_revoked_permission_are_told_apart() -> None:
    reinstalled_at = datetime(2024, 4, 1, 3, 5)
    updated_at = datetime(2024, 3, 28, 12, 0)
    earlier = _snapshot(packages=(BANK, SPY))
    later = _snapshot(
        packages=(
            Package(
                "com.example.bank",
                label="Bank",
                version_name="5.1",
                version_code=51,
                last_update=updated_at,
            ),
            Package(
                "com.example.syncsvc",
                label="Sync Service",
                version_name="2.1",
                first_install=reinstalled_at,
                permissions=(
                    PermissionGrant("android.permission.RECORD_AUDIO", granted=False, runtime=True),
                ),
            ),
        )
    )

    changes = compare_scans(earlier, later, MARCH, APRIL).changes

    by_kind = {c.kind: c for c in changes}
    assert set(by_kind) == {
        ChangeKind.APP_UPDATED,
        ChangeKind.APP_REINSTALLED,
        ChangeKind.PERMISSION_REVOKED,
    }
    assert by_kind[ChangeKind.APP_UPDATED].when == updated_at
    assert by_kind[ChangeKind.APP_UPDATED].description == (
        "Bank (com.example.bank) changed version from 5.0 to 5.1, "
        "updated 2024-03-28 12:00 (phone time)."
    )
    assert by_kind[ChangeKind.APP_REINSTALLED].when == reinstalled_at
    assert "removed and installed again" in by_kind[ChangeKind.APP_REINSTALLED].description


def test_removed_app_is_reported() -> None:
    changes = compare_scans(
        _snapshot(packages=(BANK, SPY)), _snapshot(packages=(BANK,)), MARCH, APRIL
    ).changes

    assert [(c.kind, c.package) for c in changes] == [
        (ChangeKind.APP_REMOVED, "com.example.syncsvc")
    ]


def test_listeners_accounts_and_device_owner_changes_are_reported() -> None:
    earlier = _snapshot(
        notification_listeners=(NotificationListener("com.a/.L", "com.a"),),
        accounts=(Account("com.google", "me@example.com"),),
    )
    later = _snapshot(
        notification_listeners=(NotificationListener("com.b/com.b.L", "com.b"),),
        accounts=(
            Account("com.google", "me@example.com"),
            Account("com.google", "watcher@example.com"),
        ),
        device_admins=(DeviceAdmin("com.mdm/.Owner", "com.mdm", role="device_owner"),),
    )

    descriptions = {
        c.kind: c.description for c in compare_scans(earlier, later, MARCH, APRIL).changes
    }

    assert descriptions == {
        ChangeKind.NOTIFICATION_LISTENER_ON: (
            "Notification access switched on for com.b: it can read every notification."
        ),
        ChangeKind.NOTIFICATION_LISTENER_OFF: "Notification access switched off for com.a.",
        ChangeKind.ACCOUNT_ADDED: "Account added: watcher@example.com (com.google).",
        ChangeKind.DEVICE_ADMIN_ADDED: (
            "com.mdm became a device owner (full control of the phone)."
        ),
    }


def test_short_and_long_component_names_are_the_same_service() -> None:
    earlier = _snapshot(accessibility=(AccessibilityService("com.x/.Svc", "com.x"),))
    later = _snapshot(accessibility=(AccessibilityService("com.x/com.x.Svc", "com.x"),))

    assert compare_scans(earlier, later, MARCH, APRIL).changes == ()


def test_safety_setting_changes_are_described_and_unknown_values_skipped() -> None:
    earlier = _snapshot(
        settings=SafetySettings(package_verifier=True, adb_enabled=None, private_dns_mode="off")
    )
    later = _snapshot(
        settings=SafetySettings(
            package_verifier=False,
            adb_enabled=True,
            http_proxy="10.0.0.5:8080",
            private_dns_mode="hostname",
            private_dns_host="dns.example.net",
        )
    )

    descriptions = [c.description for c in compare_scans(earlier, later, MARCH, APRIL).changes]

    assert descriptions == [
        "Play Protect app scanning was switched off (it was on).",
        "A network proxy was set: 10.0.0.5:8080 (internet traffic may pass through it).",
        "Private DNS changed from off to hostname (dns.example.net).",
    ]


def test_a_section_one_scan_could_not_read_is_not_compared() -> None:
    # The earlier scan's app list failed: the apps must not all look newly installed.
    earlier = DeviceSnapshot(
        device=PHONE, sources_read=tuple(c for c in SCAN_COMMANDS if c != DUMPSYS_PACKAGE)
    )
    later = _snapshot(packages=(BANK, SPY))

    diff = compare_scans(earlier, later, MARCH, APRIL)

    assert diff.changes == ()
    assert diff.not_compared == (
        "Changes to installed apps and their permissions could not be checked: one of the "
        "two scans could not read them.",
    )


def test_history_keeps_two_phones_in_one_case_file_apart(tmp_path: Path) -> None:
    # Phone A: USB debugging switched off between March and May. Phone B, scanned in
    # April in between, must not be compared with either scan of phone A.
    phone_a_march = scan_at(pixel8_capture("SERIAL-A"), MARCH)
    phone_b_april = scan_at(pixel8_capture("SERIAL-B"), APRIL)
    phone_a_may = scan_at(
        pixel8_capture("SERIAL-A", {SETTINGS_GLOBAL: (b"adb_enabled=1", b"adb_enabled=0")}), MAY
    )
    path = tmp_path / "case.phc"
    for scan in (phone_a_march, phone_b_april, phone_a_may):
        save_scan(path, scan, PASSPHRASE, scrypt=FAST_SCRYPT)

    diffs = history_for(load_case(path, PASSPHRASE), build_snapshot)

    assert len(diffs) == 1
    (diff,) = diffs
    assert (diff.earlier_time, diff.later_time) == (MARCH, MAY)
    assert "SERIAL-A" in diff.device
    assert [c.description for c in diff.changes] == ["USB debugging was switched off (it was on)."]


def test_history_matches_by_fingerprint_when_a_scan_has_no_serial() -> None:
    with_serial = record_from_result(scan_at(pixel8_capture("SERIAL-A"), MARCH))
    without_serial = record_from_result(
        scan_at(
            pixel8_capture(
                "", {SETTINGS_GLOBAL: (b"package_verifier_enable=0", b"package_verifier_enable=1")}
            ),
            APRIL,
        )
    )

    diffs = history_for(CaseFile((without_serial, with_serial)), build_snapshot)

    assert len(diffs) == 1
    assert (diffs[0].earlier_time, diffs[0].later_time) == (MARCH, APRIL)
    assert [c.description for c in diffs[0].changes] == [
        "Play Protect app scanning was switched on (it was off)."
    ]


def test_a_phone_reached_at_another_network_address_is_still_the_same_phone(
    tmp_path: Path,
) -> None:
    from dataclasses import replace

    first = pixel8_capture("SERIAL-A")
    later = pixel8_capture("SERIAL-A", {SETTINGS_GLOBAL: (b"adb_enabled=1", b"adb_enabled=0")})
    moved = replace(later, serial="10.0.0.7:40123")  # wireless debugging, another visit
    path = tmp_path / "case.phc"
    save_scan(path, scan_at(first, MARCH), PASSPHRASE, scrypt=FAST_SCRYPT)
    save_scan(path, scan_at(moved, MAY), PASSPHRASE, scrypt=FAST_SCRYPT)

    (diff,) = history_for(load_case(path, PASSPHRASE), build_snapshot)

    assert (diff.earlier_time, diff.later_time) == (MARCH, MAY)
    assert any("USB debugging" in change.description for change in diff.changes)
