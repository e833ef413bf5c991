"""Installer truth: a store claim is checked against who really started the install.

The snapshot is parsed from ``pixel8_a14_installer_claims.txt``, written in the format
Android 14 prints (``installerPackageName=`` / ``initiatingPackageName=`` /
``originatingPackageName=`` / ``installerAttributionTag=`` / ``packageSource=``).
"""

from __future__ import annotations

from datetime import datetime

import pytest

from scanner.apks import pull_candidates
from scanner.checks.common import install_source
from scanner.checks.registry import CheckContext, run_checks
from scanner.checks.spy_behaviour import score_package
from scanner.commands import DUMPSYS_PACKAGE
from scanner.model import CommandResult, DeviceSnapshot, RawCapture
from scanner.parse.snapshot import build_snapshot
from tests.checks.phone import CLEAN, findings
from tests.parse.helpers import fixture_text

CONTEXT = CheckContext(now=datetime(2024, 5, 3, 12, 0, 0))


@pytest.fixture(scope="module")
def snapshot() -> DeviceSnapshot:
    text = fixture_text("dumpsys_package", "pixel8_a14_installer_claims.txt")
    return build_snapshot(RawCapture((CommandResult(DUMPSYS_PACKAGE, text.encode()),)))


def mismatches(snapshot: DeviceSnapshot) -> dict[str, object]:
    return {f.package: f for f in run_checks(snapshot, CONTEXT) if f.check == "SRC-001"}


@pytest.mark.fires("SRC-001")
def test_adb_install_claiming_google_play_is_a_finding(snapshot):
    finding = mismatches(snapshot)["com.example.fakeplay"]
    assert finding.package == "com.example.fakeplay"
    assert finding.severity.value == "review"
    assert finding.guidance == "installer_mismatch"
    assert "adb from a computer" in finding.title
    excerpts = [e.excerpt for e in finding.evidence]
    assert "installerPackageName=com.android.vending" in excerpts
    assert "initiatingPackageName=com.android.shell" in excerpts
    assert "packageSource=0 (not said)" in excerpts


def test_claim_made_by_another_app_is_a_finding_naming_that_app(snapshot):
    finding = mismatches(snapshot)["com.example.viadropper"]
    assert "another app (com.example.dropper)" in finding.title


def test_real_store_installs_and_honest_sideloads_are_not_findings(snapshot):
    found = mismatches(snapshot)
    # Play installed it; a browser download says so; a restore by a system app is trusted.
    for package in ("com.example.notes", "com.example.download", "com.example.restored"):
        assert package not in found
    assert set(found) == {"com.example.fakeplay", "com.example.viadropper"}


@pytest.mark.parametrize(
    ("package", "from_store"),
    [
        ("com.example.notes", True),  # initiated by Google Play
        ("com.example.restored", True),  # Play claim, started by a system app of the phone
        ("com.example.fakeplay", False),  # Play claim, started by adb
        ("com.example.viadropper", False),  # Play claim, started by an ordinary app
        ("com.example.download", False),  # package installer, downloaded file
        ("com.example.dropper", False),  # package installer, local file
    ],
)
def test_came_from_a_store_is_decided_by_the_initiator(snapshot, package, from_store):
    pkg = snapshot.package(package)
    assert pkg is not None
    assert install_source(pkg, snapshot).from_store is from_store


def test_false_store_claim_is_pulled_and_scored_as_installed_outside_a_store(snapshot):
    pulled = [package for package, _ in pull_candidates(snapshot)]
    assert "com.example.fakeplay" in pulled and "com.example.viadropper" in pulled
    assert "com.example.notes" not in pulled and "com.example.restored" not in pulled
    fake = snapshot.package("com.example.fakeplay")
    assert fake is not None
    reasons = [s.reason for s in score_package(fake, snapshot, CONTEXT)]
    assert any(
        r.startswith("installed from outside an app store") and "adb from a computer" in r
        for r in reasons
    )


def test_a_downloaded_file_claiming_a_store_is_not_from_a_store_on_older_dumps():
    # No initiator printed, but the package source says "downloaded file".
    text = (
        "Packages:\n  Package [com.example.apk] (4d):\n    codePath=/data/app/x\n"
        "    installerPackageName=com.android.vending\n    packageSource=4\n"
        "\nQueries:\n"
    )
    snap = build_snapshot(RawCapture((CommandResult(DUMPSYS_PACKAGE, text.encode()),)))
    pkg = snap.package("com.example.apk")
    assert pkg is not None
    source = install_source(pkg, snap)
    assert not source.from_store and source.mismatch and source.how == "a downloaded file"


def test_without_an_initiator_the_claim_decides():
    text = (
        "Packages:\n  Package [com.example.old] (5e):\n    codePath=/data/app/y\n"
        "    installerPackageName=com.android.vending\n"
        "\nQueries:\n"
    )
    snap = build_snapshot(RawCapture((CommandResult(DUMPSYS_PACKAGE, text.encode()),)))
    pkg = snap.package("com.example.old")
    assert pkg is not None and install_source(pkg, snap).from_store
    assert "com.example.old" not in mismatches(snap)


@pytest.mark.silent("SRC-001")
@pytest.mark.parametrize(
    "phone",
    [CLEAN, CLEAN.with_apps("notes_from_play.txt", "helper_downloaded.txt")],
    ids=["clean", "store-and-honest-sideload"],
)
def test_an_ordinary_phone_has_no_false_store_claims(phone):
    # Play installs that Play started, and a download that says it is one.
    assert findings("SRC-001", phone) == []
