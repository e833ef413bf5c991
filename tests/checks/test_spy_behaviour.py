"""SPY-001, the explained behaviour score: an unknown app is reported for what it does,
and the ordinary store and system apps of the clean phone score too low to be named."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from scanner.checks.registry import CheckContext
from scanner.checks.spy_behaviour import package_signals, score_ahead, score_package
from scanner.commands import LAUNCHER_ACTIVITIES
from scanner.model import AppOp, Confidence, Finding, Severity
from tests.checks.phone import CLEAN, NOW, Phone, findings, shipped_index, the_finding


def points(found: Finding) -> int:
    """The score, added up from the signal lines (``+3 ...``)."""
    return sum(int(e.excerpt.split()[0]) for e in found.evidence if e.source == "behaviour")


def with_icon(phone: Phone, component: str) -> Phone:
    """The launcher query lists ``component``: the app has an icon in the app drawer."""
    text = phone.outputs[LAUNCHER_ACTIVITIES].rstrip("\n") + f"\n{component}\n"
    return phone.replaced(LAUNCHER_ACTIVITIES, text)


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
    assert (
        "+3 uses Google's package names, but is not a system app and not from Google's store"
        in (reasons)
    )
    assert points(found) >= 8
    assert found.evidence[-1].excerpt == f"{points(found)} points; review from 5, serious from 8"


@pytest.mark.fires("SPY-001")
def test_a_sideloaded_app_with_no_icon_has_some_signs():
    phone = CLEAN.with_apps("helper_downloaded.txt")
    found = the_finding(
        findings("SPY-001", phone, signatures=shipped_index()),
        severity=Severity.REVIEW,
        guidance="spy_behaviour",
        package="com.example.helper",
    )
    assert found.confidence is Confidence.LOW
    assert found.title == "com.example.helper has some signs of a spy app"
    reasons = [e.excerpt for e in found.evidence]
    assert reasons == [
        "+2 no icon in the app drawer (hidden)",
        "+3 installed from outside an app store, by the phone's package installer (an APK file "
        "opened on the phone)",
        "5 points; review from 5, serious from 8",
    ]


@pytest.mark.silent("SPY-001")
@pytest.mark.parametrize(
    "phone",
    [
        CLEAN,
        CLEAN.with_apps("notes_from_play.txt"),
        with_icon(CLEAN.with_apps("helper_downloaded.txt"), "com.example.helper/.Main"),
    ],
    ids=["clean", "store-app", "plain-sideload"],
)
def test_store_apps_and_a_plain_sideload_are_not_called_spy_apps(phone):
    assert findings("SPY-001", phone, signatures=shipped_index()) == []


@pytest.mark.silent("SPY-001")
def test_known_stalkerware_is_left_to_the_known_check():
    phone = CLEAN.with_apps("systemservice_sideloaded.txt")
    assert findings("SPY-001", phone, signatures=shipped_index()) == []


def test_an_apps_signals_are_made_once_and_again_when_what_they_read_changes():
    """The store-label pass asks for the scores the check has just made, and the final run
    shares its memo: a score is kept while the app and what else it reads are the same
    (another snapshot with only names changed), and made again when either changes."""
    snapshot = CLEAN.with_apps("wifiservice_by_adb.txt").snapshot()
    pkg = snapshot.package("com.android.sys.wifiservice")
    assert pkg is not None
    ctx = CheckContext(now=NOW, signatures=shipped_index())
    first = package_signals(pkg, snapshot, ctx)
    assert first == tuple(score_package(pkg, snapshot, ctx))
    assert package_signals(pkg, snapshot, ctx) is first, "kept for the same snapshot"
    names_changed = replace(snapshot, packages=(*snapshot.packages,))
    assert package_signals(pkg, names_changed, ctx) is first, "the app and all it reads: same"
    renamed = replace(pkg, label="Wi-Fi Service", label_source="apk")
    again = package_signals(renamed, snapshot, ctx)
    assert again is not first and again == tuple(score_package(renamed, snapshot, ctx))
    app = pkg.package
    settings = replace(snapshot.settings, enabled_accessibility_services=(f"{app}/.Watch",))
    system_apps_changed = tuple(replace(p, system=False) for p in snapshot.packages)
    for changed, days in [
        (replace(snapshot, settings=settings), 0),
        (replace(snapshot, appops=(AppOp(app, "GET_USAGE_STATS", "allow"),)), 0),
        (replace(snapshot, device_admins=()), 0),
        (replace(snapshot, packages=system_apps_changed), 0),
        (names_changed, 30),
    ]:
        fresh = CheckContext(now=NOW, signatures=shipped_index())
        made_before = package_signals(pkg, snapshot, fresh)
        later = CheckContext(now=NOW + timedelta(days=days), memo=fresh.memo)
        made = package_signals(pkg, changed, later)
        assert made is not made_before and made == tuple(score_package(pkg, changed, later))


def test_apps_scored_ahead_are_not_scored_again_by_a_later_run_sharing_the_memo():
    """The live scan scores apps on a worker while the link is busy: each app the check
    scores is scored then, and the store-label pass's run, sharing the memo, finds each
    score made for an equal app (a later snapshot builds its apps anew)."""
    snapshot = CLEAN.with_apps("wifiservice_by_adb.txt").snapshot()
    ahead = CheckContext(now=NOW, signatures=shipped_index())
    score_ahead(snapshot, ahead)
    (held,) = ahead.memo.values()
    made = dict(held.by_package)  # type: ignore[attr-defined]
    scored = {p.package for p in snapshot.packages if not p.system and p.installed}
    assert "com.android.sys.wifiservice" in made
    assert set(made) == scored
    later = replace(snapshot, packages=tuple(replace(p) for p in snapshot.packages))
    pass_ctx = CheckContext(now=NOW, signatures=shipped_index(), memo=ahead.memo)
    for pkg in later.packages:
        if pkg.package in scored:
            ((_, signals),) = made[pkg.package]
            assert package_signals(pkg, later, pass_ctx) is signals


def test_an_app_named_early_keeps_both_scores_for_the_pass_and_the_final_run():
    """A store app's name read on the worker (``LabelsAhead``) is scored there too: the
    label pass then finds the app's score without its name, and the final run (after the
    pass names it) the score with it; a third version of the app is scored anew."""
    snapshot = CLEAN.with_apps("wifiservice_by_adb.txt").snapshot()
    pkg = snapshot.package("com.android.sys.wifiservice")
    assert pkg is not None
    ctx = CheckContext(now=NOW, signatures=shipped_index())
    unnamed = package_signals(pkg, snapshot, ctx)
    named_pkg = replace(pkg, label="Wi-Fi Service", label_source="apk")
    named = package_signals(named_pkg, snapshot, ctx)
    assert named != unnamed, "the name is a signal of its own"
    later = replace(snapshot, packages=tuple(replace(p) for p in snapshot.packages))
    assert package_signals(replace(pkg), later, ctx) is unnamed
    assert package_signals(replace(named_pkg), later, ctx) is named
    other_pkg = replace(pkg, label="Torch", label_source="apk")
    other = package_signals(other_pkg, later, ctx)
    assert other == tuple(score_package(other_pkg, later, ctx))
    assert package_signals(named_pkg, later, ctx) is named, "the last two versions are kept"
    assert package_signals(pkg, later, ctx) is not unnamed, "the oldest was let go"
