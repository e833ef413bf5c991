"""SPY-001, the explained behaviour score: an unknown app is reported for what it does,
and the ordinary store and system apps of the clean phone score too low to be named."""

from __future__ import annotations

import pytest

from scanner.model import Confidence, Severity
from tests.checks.phone import CLEAN, findings, shipped_index, the_finding


@pytest.mark.fires("SPY-001")
def test_a_hidden_adb_installed_app_imitating_the_system_is_high():
    # Installed four days before the scan, by adb, no icon, a com.android.* name, and
    # location, messages, call history, microphone and camera granted.
    phone = CLEAN.with_apps("wifiservice_by_adb.txt")
    found = the_finding(
        findings("SPY-001", phone, signatures=shipped_index()),
        severity=Severity.HIGH,
        guidance="spy_behaviour",
        package="com.android.sys.wifiservice",
    )
    assert found.confidence is Confidence.MEDIUM
    reasons = [e.excerpt for e in found.evidence]
    assert "+2 no icon in the app drawer (hidden)" in reasons
    assert "+2 package name com.android.sys.wifiservice imitates a system package" in reasons
    assert sum(int(r.split(" ", 1)[0]) for r in reasons) >= 8


@pytest.mark.fires("SPY-001")
def test_a_sideloaded_app_with_usage_access_has_some_signs():
    phone = CLEAN.with_apps("helper_downloaded.txt").with_appops(
        "u0a190", "com.example.helper", "GET_USAGE_STATS (allow)"
    )
    found = the_finding(
        findings("SPY-001", phone, signatures=shipped_index()),
        severity=Severity.REVIEW,
        guidance="spy_behaviour",
        package="com.example.helper",
    )
    assert found.confidence is Confidence.LOW
    assert found.title == "com.example.helper has some signs of a spy app"
    assert sum(int(e.excerpt.split()[0]) for e in found.evidence) == 5  # the score, in points


@pytest.mark.silent("SPY-001")
@pytest.mark.parametrize(
    "phone",
    [CLEAN, CLEAN.with_apps("notes_from_play.txt"), CLEAN.with_apps("helper_downloaded.txt")],
    ids=["clean", "store-app", "plain-sideload"],
)
def test_store_apps_and_a_plain_sideload_are_not_called_spy_apps(phone):
    assert findings("SPY-001", phone, signatures=shipped_index()) == []


@pytest.mark.silent("SPY-001")
def test_known_stalkerware_is_left_to_the_known_check():
    phone = CLEAN.with_apps("systemservice_sideloaded.txt")
    assert findings("SPY-001", phone, signatures=shipped_index()) == []
