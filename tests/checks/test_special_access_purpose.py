"""Special access that an app's kind explains (a password manager's accessibility, a watch
companion's notification access) is listed for information, not among the things to check,
but only when an app store really installed the app under its maker's id."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scanner.checks.registry import CheckContext, all_checks
from scanner.model import CommandResult, Finding, RawCapture, Severity
from scanner.parse.snapshot import build_snapshot
from tests.checks.phone import NOW, shipped_index
from tools.fabricate.spec import PhoneSpec
from tools.fabricate.spy_calibration import DEVELOPMENT, ordinary_spec, render

PASSWORDS = "com.x8bit.bitwarden"
WATCH = "com.huami.watch.hmwatchmanager"  # on no list of ours: its permission says what it is


def findings(spec: PhoneSpec, check: str, package: str) -> list[Finding]:
    snapshot = build_snapshot(
        RawCapture(tuple(CommandResult(c, o) for c, o in render(spec).items()))
    )
    (meta,) = [c for c in all_checks() if c.id == check]
    found = meta(snapshot, CheckContext(now=NOW, signatures=shipped_index()))
    return [f for f in found if f.package == package]


def sideloaded(spec: PhoneSpec, package: str) -> PhoneSpec:
    apps = tuple(
        replace(a, installer="com.google.android.packageinstaller") if a.package == package else a
        for a in spec.apps
    )
    return replace(spec, apps=apps)


def phone_with(package: str) -> PhoneSpec:
    for seed in DEVELOPMENT.seeds:
        spec, _ = ordinary_spec(seed, DEVELOPMENT)
        if any(a.package == package for a in spec.apps):
            return spec
    raise AssertionError(f"no development phone has {package}")


@pytest.mark.silent("ACC-001")
def test_a_password_manager_from_play_is_listed_for_information_with_the_reason():
    (found,) = findings(phone_with(PASSWORDS), "ACC-001", PASSWORDS)
    assert found.severity is Severity.INFO
    assert any(
        "a password manager, installed from an app store" in e.excerpt for e in found.evidence
    )


@pytest.mark.fires("ACC-001")
def test_the_same_password_manager_sideloaded_is_for_review():
    (found,) = findings(sideloaded(phone_with(PASSWORDS), PASSWORDS), "ACC-001", PASSWORDS)
    assert found.severity is Severity.REVIEW
    assert not any("installed from an app store" in e.excerpt for e in found.evidence)


@pytest.mark.silent("NOT-001")
def test_an_unlisted_watch_companion_from_a_store_reading_notifications_is_information():
    (found,) = findings(phone_with(WATCH), "NOT-001", WATCH)
    assert found.severity is Severity.INFO


@pytest.mark.fires("NOT-001")
def test_the_same_watch_companion_sideloaded_reading_notifications_is_for_review():
    (found,) = findings(sideloaded(phone_with(WATCH), WATCH), "NOT-001", WATCH)
    assert found.severity is Severity.REVIEW
