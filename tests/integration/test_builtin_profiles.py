"""Whole scans of the built-in simulated phones, as the demo runs them."""

from __future__ import annotations

import pytest

from scanner.device.connection import PhoneConnection
from scanner.device.keys import ephemeral_signer
from scanner.model import ScanResult, Severity
from scanner.pipeline import scan_phone
from scanner.sigdb.commands import load_shipped_db
from scanner.simulator import SimulatedPhone, load_profile


def scan_profile(name: str) -> ScanResult:
    with SimulatedPhone(load_profile(name)) as phone:
        connection = PhoneConnection.connect_tcp("127.0.0.1", phone.port, ephemeral_signer())
        try:
            return scan_phone(connection, signatures=load_shipped_db())
        finally:
            connection.close()


@pytest.fixture(scope="module")
def infected() -> ScanResult:
    return scan_profile("infected")


@pytest.fixture(scope="module")
def clean() -> ScanResult:
    return scan_profile("clean")


def by_check(result: ScanResult, check: str, package: str | None = None):
    return [
        f for f in result.findings if f.check == check and (package is None or f.package == package)
    ]


def test_every_planted_app_is_found_with_the_right_severity(infected):
    spy = by_check(infected, "KNOWN-001", "com.systemservice")
    assert spy and spy[0].severity is Severity.STALKERWARE
    assert spy[0].family == "TheTruthSpy"
    second = by_check(infected, "KNOWN-001", "com.mobiletrackerfree.www")
    assert second and second[0].severity is Severity.STALKERWARE
    unknown = by_check(infected, "SPY-001", "com.android.sys.wifiservice")
    assert unknown and unknown[0].severity is Severity.HIGH
    dual = by_check(infected, "DUAL-001", "com.life360.android.safetymapd")
    assert dual and dual[0].severity is Severity.INFO  # no special access: said calmly


def test_planted_spy_apps_special_access_is_each_reported(infected):
    for package in ("com.systemservice", "com.android.sys.wifiservice"):
        assert by_check(infected, "ACC-001", package)
        assert by_check(infected, "ADM-001", package)
        assert by_check(infected, "NOT-001", package)
        assert by_check(infected, "USG-001", package)


def test_infected_phone_posture_is_reported(infected):
    checks = {f.check for f in infected.findings}
    assert {"POS-002", "POS-005", "POS-007", "POS-008"} <= checks
    accounts = [f for f in by_check(infected, "ACT-001") if f.severity is Severity.REVIEW]
    assert any("sync.backup.am@gmail.com" in e.excerpt for f in accounts for e in f.evidence)


def test_every_finding_carries_evidence_and_guidance(infected):
    assert infected.findings
    for finding in infected.findings:
        assert finding.evidence, finding.id
        assert finding.guidance, finding.id


def test_infected_scan_is_complete_and_checked_the_sideloaded_apks(infected):
    assert infected.complete, infected.problems
    checked = {c.package for c in infected.app_checks if c.certificate and c.sha256}
    assert {"com.systemservice", "com.android.sys.wifiservice"} <= checked


def test_clean_phone_has_no_stalkerware_or_high_finding(clean):
    serious = [f for f in clean.findings if f.severity in (Severity.STALKERWARE, Severity.HIGH)]
    assert serious == []
    assert clean.complete
