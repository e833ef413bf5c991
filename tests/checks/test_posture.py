"""The phone's posture checks (POS-001..009, ACT-001), each on the clean phone and on the
clean phone with the one setting, property, app or account that makes it report."""

from __future__ import annotations

import pytest

from scanner.commands import DUMPSYS_ACCOUNT, WHICH_SU
from scanner.model import Severity
from tests.checks.phone import CLEAN, findings, shipped_index, the_finding

KNOWN_SERVER = "copy9.com"  # a TheTruthSpy server in the shipped database


@pytest.mark.fires("POS-001")
def test_an_app_allowed_to_install_other_apps_is_named():
    phone = CLEAN.with_apps("helper_downloaded.txt").with_appops(
        "u0a190", "com.example.helper", "REQUEST_INSTALL_PACKAGES (allow)"
    )
    found = the_finding(
        findings("POS-001", phone),
        severity=Severity.REVIEW,
        guidance="unknown_sources",
        package="com.example.helper",
    )
    assert "com.example.helper is allowed to install other apps" in found.title


@pytest.mark.fires("POS-001")
def test_the_global_unknown_sources_switch_counts_before_android_8():
    phone = CLEAN.with_props({"ro.build.version.sdk": "25"})
    found = the_finding(
        findings("POS-001", phone),
        severity=Severity.REVIEW,
        guidance="unknown_sources",
        package=None,
    )
    assert found.evidence[0].excerpt == "install_non_market_apps=1"


@pytest.mark.silent("POS-001")
def test_the_old_switch_means_nothing_from_android_8_and_no_app_holds_the_grant():
    # The clean Android 14 phone still reads install_non_market_apps=1.
    assert CLEAN.snapshot().settings.unknown_sources is True
    assert findings("POS-001", CLEAN) == []


@pytest.mark.fires("POS-002")
def test_play_protect_switched_off_is_high():
    phone = CLEAN.with_settings("global", package_verifier_enable="0")
    the_finding(
        findings("POS-002", phone),
        severity=Severity.HIGH,
        guidance="play_protect_off",
        package=None,
    )


@pytest.mark.silent("POS-002")
def test_play_protect_on_is_not_reported():
    assert findings("POS-002", CLEAN) == []


@pytest.mark.fires("POS-003")
def test_developer_options_on_is_a_reminder():
    # The clean phone is being scanned over USB, so developer options are on.
    the_finding(
        findings("POS-003", CLEAN),
        severity=Severity.INFO,
        guidance="developer_options",
        package=None,
    )


@pytest.mark.silent("POS-003")
def test_developer_options_off_is_not_reported():
    phone = CLEAN.with_settings("global", development_settings_enabled="0")
    assert findings("POS-003", phone) == []


@pytest.mark.fires("POS-004")
def test_usb_debugging_on_is_a_reminder():
    the_finding(
        findings("POS-004", CLEAN),
        severity=Severity.INFO,
        guidance="usb_debugging",
        package=None,
    )


@pytest.mark.silent("POS-004")
def test_usb_debugging_off_is_not_reported():
    # As in a bug report taken after debugging was switched back off.
    phone = CLEAN.with_settings("global", adb_enabled="0")
    assert findings("POS-004", phone) == []


@pytest.mark.fires("POS-005")
def test_wireless_debugging_on_is_reported():
    phone = CLEAN.with_settings("global", adb_wifi_enabled="1")
    the_finding(
        findings("POS-005", phone),
        severity=Severity.REVIEW,
        guidance="wireless_debugging",
        package=None,
    )


@pytest.mark.silent("POS-005")
def test_wireless_debugging_off_is_not_reported():
    assert CLEAN.snapshot().settings.adb_wifi_enabled is False
    assert findings("POS-005", CLEAN) == []


@pytest.mark.fires("POS-006")
@pytest.mark.parametrize(
    ("phone", "excerpt"),
    [
        (CLEAN.replaced(WHICH_SU, "/system/xbin/su\n"), "su found at /system/xbin/su"),
        (
            CLEAN.with_apps("magisk_downloaded.txt"),
            "root manager app installed: com.topjohnwu.magisk",
        ),
        (CLEAN.with_props({"ro.secure": "0"}), "ro.secure=0"),
    ],
    ids=["su", "magisk", "ro.secure"],
)
def test_each_sign_of_root_is_reported(phone, excerpt):
    found = the_finding(
        findings("POS-006", phone), severity=Severity.HIGH, guidance="rooted", package=None
    )
    assert [e.excerpt for e in found.evidence] == [excerpt]


@pytest.mark.silent("POS-006")
def test_a_phone_without_su_root_apps_or_insecure_build_is_not_rooted():
    assert CLEAN.outputs[WHICH_SU] == ""
    assert findings("POS-006", CLEAN) == []


@pytest.mark.fires("POS-007")
def test_a_security_patch_older_than_a_year_is_reported():
    phone = CLEAN.with_props({"ro.build.version.security_patch": "2024-03-01"})
    found = the_finding(
        findings("POS-007", phone),
        severity=Severity.REVIEW,
        guidance="old_security_patch",
        package=None,
    )
    assert "2024-03-01" in found.title


@pytest.mark.silent("POS-007")
def test_a_recent_security_patch_is_not_reported():
    assert CLEAN.snapshot().device.security_patch == "2026-10-05"
    assert findings("POS-007", CLEAN) == []


@pytest.mark.fires("POS-008")
def test_a_proxy_is_reported_for_review():
    phone = CLEAN.with_settings("global", http_proxy="10.0.0.5:8080")
    found = the_finding(
        findings("POS-008", phone, signatures=shipped_index()),
        severity=Severity.REVIEW,
        guidance="http_proxy",
        package=None,
    )
    assert found.family is None


@pytest.mark.fires("POS-008")
def test_a_proxy_run_by_known_stalkerware_is_high():
    phone = CLEAN.with_settings("global", http_proxy=f"{KNOWN_SERVER}:8080")
    found = the_finding(
        findings("POS-008", phone, signatures=shipped_index()),
        severity=Severity.HIGH,
        guidance="proxy_known_stalkerware",
        package=None,
    )
    assert found.family == "TheTruthSpy"


@pytest.mark.silent("POS-008")
@pytest.mark.parametrize("phone", [CLEAN, CLEAN.with_settings("global", http_proxy=":0")])
def test_no_proxy_or_a_cleared_one_is_not_reported(phone):
    assert findings("POS-008", phone, signatures=shipped_index()) == []


@pytest.mark.fires("POS-009")
def test_a_chosen_private_dns_server_is_reported_for_review():
    phone = CLEAN.with_settings(
        "global", private_dns_mode="hostname", private_dns_specifier="dns.example.net"
    )
    found = the_finding(
        findings("POS-009", phone, signatures=shipped_index()),
        severity=Severity.REVIEW,
        guidance="private_dns",
        package=None,
    )
    assert "dns.example.net" in found.title


@pytest.mark.fires("POS-009")
def test_a_private_dns_server_of_known_stalkerware_is_high():
    phone = CLEAN.with_settings(
        "global", private_dns_mode="hostname", private_dns_specifier=f"dns.{KNOWN_SERVER}"
    )
    found = the_finding(
        findings("POS-009", phone, signatures=shipped_index()),
        severity=Severity.HIGH,
        guidance="proxy_known_stalkerware",
        package=None,
    )
    assert found.family == "TheTruthSpy"


@pytest.mark.silent("POS-009")
def test_automatic_private_dns_is_not_reported():
    assert CLEAN.snapshot().settings.private_dns_mode == "opportunistic"
    assert findings("POS-009", CLEAN, signatures=shipped_index()) == []


@pytest.mark.fires("ACT-001")
def test_a_second_account_of_the_same_kind_is_for_review():
    text = CLEAN.outputs[DUMPSYS_ACCOUNT]
    first = "    Account {name=sam.taylor.home@gmail.com, type=com.google}\n"
    second = "    Account {name=sam.backup.2026@gmail.com, type=com.google}\n"
    assert first in text
    phone = CLEAN.replaced(
        DUMPSYS_ACCOUNT, text.replace("Accounts: 3", "Accounts: 4").replace(first, first + second)
    )
    review = [f for f in findings("ACT-001", phone) if f.severity is Severity.REVIEW]
    found = the_finding(
        review, severity=Severity.REVIEW, guidance="unfamiliar_account", package=None
    )
    assert found.title == "2 Google accounts are signed in: do you know each one?"


@pytest.mark.silent("ACT-001")
def test_one_account_of_each_kind_is_only_listed():
    # ACT-001 lists every account by design, so the person can spot one they do not know;
    # on an ordinary phone that is a list at "info", with nothing raised for review.
    found = findings("ACT-001", CLEAN)
    assert {f.severity for f in found} == {Severity.INFO}
    assert sorted(f.id for f in found) == [
        "ACT-001:com.google",
        "ACT-001:com.whatsapp",
        "ACT-001:org.thoughtcrime.securesms",
    ]
    titles = {f.id: f.title for f in found}
    # Named as people know them, not by Android's account type.
    assert titles["ACT-001:com.whatsapp"] == "A WhatsApp account is signed in: do you know it?"
    assert titles["ACT-001:org.thoughtcrime.securesms"].startswith("A Signal account")


@pytest.mark.fires("ACT-001")
def test_an_account_of_a_kind_without_a_known_name_shows_its_type():
    text = CLEAN.outputs[DUMPSYS_ACCOUNT]
    first = "    Account {name=sam.taylor.home@gmail.com, type=com.google}\n"
    odd = "    Account {name=watcher, type=com.example.sync}\n"
    phone = CLEAN.replaced(
        DUMPSYS_ACCOUNT, text.replace("Accounts: 3", "Accounts: 4").replace(first, first + odd)
    )
    found = [f for f in findings("ACT-001", phone) if f.id == "ACT-001:com.example.sync"]
    assert [f.title for f in found] == [
        "An account of the kind 'com.example.sync' is signed in: do you know it?"
    ]
