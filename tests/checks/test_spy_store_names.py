"""SPY-001 with a store app's name read from its APK: broad personal data under a plain
name from a real store earns no breadth point; under a simple app's name, or a name
claiming to be part of the system, or with no name read, it still does."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scanner.checks.registry import CheckContext, all_checks
from scanner.model import CommandResult, Finding, RawCapture, Severity
from scanner.parse.snapshot import build_snapshot
from tests.checks.phone import NOW, shipped_index
from tests.checks.test_spy_calibration import app, with_app
from tools.fabricate.spy_calibration import CAMERA, CONTACTS, LOCATION, MIC, render

BROAD = (*CAMERA, *MIC, *LOCATION, *CONTACTS)
PACKAGE = "com.amberbirch.lotus"


def spy_finding(label: str | None, installer: str | None = "com.android.vending") -> Finding | None:
    spec = with_app(0, app(PACKAGE, label or "", BROAD, installer=installer))
    snapshot = build_snapshot(
        RawCapture(tuple(CommandResult(c, o) for c, o in render(spec).items()))
    )
    packages = tuple(
        replace(p, label=label, label_source="apk" if label else None)
        if p.package == PACKAGE
        else p
        for p in snapshot.packages
    )
    snapshot = replace(snapshot, packages=packages)
    (meta,) = [c for c in all_checks() if c.id == "SPY-001"]
    found = list(meta(snapshot, CheckContext(now=NOW, signatures=shipped_index())))
    return next((f for f in found if f.package == PACKAGE), None)


@pytest.mark.silent("SPY-001")
@pytest.mark.parametrize("label", ["Amber Chess", "Lotus Dating", "Birch Weather"])
def test_a_plain_name_from_a_store_with_broad_personal_data_is_silent(label: str) -> None:
    assert spy_finding(label) is None


@pytest.mark.fires("SPY-001")
def test_the_same_app_whose_name_was_not_read_reaches_review() -> None:
    finding = spy_finding(None)
    assert finding is not None and finding.severity is Severity.REVIEW


@pytest.mark.fires("SPY-001")
@pytest.mark.parametrize("label", ["Calculator Vault", "Flashlight", "Battery Saver"])
def test_a_simple_app_name_from_a_store_asking_for_that_data_reaches_review(label: str) -> None:
    finding = spy_finding(label)
    # "Battery" also claims a part of the system: serious there.
    assert finding is not None and finding.severity in (Severity.REVIEW, Severity.HIGH)
    assert label in str(finding.title)


@pytest.mark.fires("SPY-001")
def test_a_name_claiming_part_of_the_system_keeps_the_breadth_point() -> None:
    finding = spy_finding("Sync Service")
    assert finding is not None and finding.severity is Severity.REVIEW


@pytest.mark.fires("SPY-001")
def test_a_plain_name_gives_no_credit_to_an_app_from_outside_a_store() -> None:
    finding = spy_finding("Amber Chess", installer="com.google.android.packageinstaller")
    assert finding is not None and finding.severity is Severity.HIGH
