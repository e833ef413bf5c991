"""Special access (ACC-001, ADM-001, ADM-002, NOT-001, USG-001, OVL-001): the clean phone
says nothing; the same phone with an app holding the access is reported."""

from __future__ import annotations

import pytest

from scanner.commands import DUMPSYS_DEVICE_POLICY
from scanner.model import Severity
from tests.checks.phone import CLEAN, Phone, findings, the_finding
from tests.parse.helpers import fixture_text

HELPER = "com.example.helper"  # installed from a downloaded file, not from a store
WITH_HELPER = CLEAN.with_apps("helper_downloaded.txt")
_ADMINS = "  Enabled Device Admins (User 0, provisioningState: 3):\n"
HELPER_ADMIN = (
    "    com.example.helper/.AdminReceiver:\n"
    "      uid=10190\n"
    "      testOnlyAdmin=false\n"
    "      policies:\n"
    "        force-lock\n"
    "        wipe-data\n"
)


def with_admin(phone: Phone, block: str) -> Phone:
    text = phone.outputs[DUMPSYS_DEVICE_POLICY]
    assert _ADMINS in text
    return phone.replaced(DUMPSYS_DEVICE_POLICY, text.replace(_ADMINS, _ADMINS + block, 1))


def with_owner(phone: Phone, package: str) -> Phone:
    """A device owner, in the Android 14 layout of ``pixel8_a14_device_owner.txt``."""
    text = fixture_text("device_policy", "pixel8_a14_device_owner.txt")
    return phone.replaced(DUMPSYS_DEVICE_POLICY, text.replace("com.example.mdmagent", package))


@pytest.mark.fires("ACC-001")
def test_an_app_with_an_accessibility_service_switched_on_is_for_review():
    phone = WITH_HELPER.with_accessibility(f"{HELPER}/{HELPER}.SyncService")
    found = the_finding(
        findings("ACC-001", phone),
        severity=Severity.REVIEW,
        guidance="accessibility_service",
        package=HELPER,
    )
    # Both places the phone records it are quoted, as one finding.
    assert {e.source for e in found.evidence} == {"dumpsys accessibility", "settings list secure"}


@pytest.mark.fires("ACC-001")
def test_the_phones_own_screen_reader_is_listed_at_info():
    talkback = (
        "com.google.android.marvin.talkback/com.google.android.marvin.talkback.TalkBackService"
    )
    the_finding(
        findings("ACC-001", CLEAN.with_accessibility(talkback)),
        severity=Severity.INFO,
        guidance="accessibility_service",
        package="com.google.android.marvin.talkback",
    )


@pytest.mark.silent("ACC-001")
def test_no_accessibility_service_switched_on_is_not_reported():
    assert findings("ACC-001", CLEAN) == []


@pytest.mark.fires("ADM-001")
def test_an_app_that_is_a_device_administrator_is_for_review():
    found = the_finding(
        findings("ADM-001", with_admin(WITH_HELPER, HELPER_ADMIN)),
        severity=Severity.REVIEW,
        guidance="device_admin",
        package=HELPER,
    )
    assert "policies: force-lock, wipe-data" in [e.excerpt for e in found.evidence]


@pytest.mark.silent("ADM-001")
def test_the_phones_own_find_my_device_admin_is_not_reported():
    assert [a.package for a in CLEAN.snapshot().device_admins] == ["com.google.android.gms"]
    assert findings("ADM-001", CLEAN) == []


@pytest.mark.fires("ADM-002")
def test_a_device_owner_from_outside_a_store_is_high():
    found = the_finding(
        findings("ADM-002", with_owner(WITH_HELPER, HELPER)),
        severity=Severity.HIGH,
        guidance="device_owner",
        package=HELPER,
    )
    assert found.title == "com.example.helper is in charge of the whole phone"


@pytest.mark.fires("ADM-002")
def test_a_device_owner_installed_from_a_store_is_for_review():
    phone = with_owner(CLEAN.with_apps("mdmagent_from_play.txt"), "com.example.mdmagent")
    the_finding(
        findings("ADM-002", phone),
        severity=Severity.REVIEW,
        guidance="device_owner",
        package="com.example.mdmagent",
    )


@pytest.mark.silent("ADM-002")
def test_a_phone_without_an_owner_is_not_reported():
    assert findings("ADM-002", CLEAN) == []


@pytest.mark.fires("NOT-001")
def test_an_app_reading_all_notifications_is_for_review():
    launcher = CLEAN.snapshot().settings.enabled_notification_listeners
    phone = WITH_HELPER.with_settings(
        "secure", enabled_notification_listeners=":".join([*launcher, f"{HELPER}/.Listener"])
    )
    the_finding(
        findings("NOT-001", phone),
        severity=Severity.REVIEW,
        guidance="notification_listener",
        package=HELPER,
    )


@pytest.mark.silent("NOT-001")
def test_the_launchers_own_notification_listener_is_not_reported():
    assert CLEAN.snapshot().notification_listeners  # the Pixel launcher's dots
    assert findings("NOT-001", CLEAN) == []


@pytest.mark.fires("USG-001")
def test_usage_access_of_an_app_from_outside_a_store_is_for_review():
    phone = WITH_HELPER.with_appops("u0a190", HELPER, "GET_USAGE_STATS (allow)")
    the_finding(
        findings("USG-001", phone),
        severity=Severity.REVIEW,
        guidance="usage_access",
        package=HELPER,
    )


@pytest.mark.fires("USG-001")
def test_usage_access_of_a_store_app_is_listed_at_info():
    phone = CLEAN.with_apps("notes_from_play.txt").with_appops(
        "u0a191", "com.example.notes", "GET_USAGE_STATS (allow)"
    )
    the_finding(
        findings("USG-001", phone),
        severity=Severity.INFO,
        guidance="usage_access",
        package="com.example.notes",
    )


@pytest.mark.silent("USG-001")
@pytest.mark.parametrize(
    "phone",
    [
        CLEAN,
        CLEAN.with_appops("1000", "com.google.android.gms", "GET_USAGE_STATS (allow)"),
        WITH_HELPER.with_appops("u0a190", HELPER, "GET_USAGE_STATS (default)"),
    ],
    ids=["nobody", "system-app", "not-allowed"],
)
def test_no_usage_access_beyond_the_systems_own_is_not_reported(phone):
    assert findings("USG-001", phone) == []


@pytest.mark.fires("OVL-001")
def test_an_app_from_outside_a_store_drawing_over_other_apps_is_for_review():
    phone = WITH_HELPER.with_appops("u0a190", HELPER, "SYSTEM_ALERT_WINDOW (allow)")
    found = the_finding(
        findings("OVL-001", phone),
        severity=Severity.REVIEW,
        guidance="draw_over_apps",
        package=HELPER,
    )
    assert found.evidence[0].excerpt == f"{HELPER}: SYSTEM_ALERT_WINDOW mode=allow"


@pytest.mark.silent("OVL-001")
@pytest.mark.parametrize(
    "phone",
    [
        CLEAN,
        CLEAN.with_appops("1000", "com.google.android.gms", "SYSTEM_ALERT_WINDOW (allow)"),
        WITH_HELPER.with_appops("u0a190", HELPER, "SYSTEM_ALERT_WINDOW (ignore)"),
    ],
    ids=["nobody", "system-app", "refused"],
)
def test_no_app_drawing_over_others_beyond_the_systems_own_is_not_reported(phone):
    assert findings("OVL-001", phone) == []
