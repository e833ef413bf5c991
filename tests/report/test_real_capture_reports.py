"""Reports of a scan of a real phone capture: the JSON fits the schema, the HTML escapes it."""

from __future__ import annotations

import html
from datetime import UTC, datetime

from scanner.commands import GETPROP
from scanner.model import CommandResult, RawCapture, ScanResult
from scanner.pipeline import analyse
from scanner.report import html_report, json_report
from scanner.report.schema import validate_report
from scanner.sigdb.store import load_verified, shipped_dir
from tests.conftest import shared_path
from tests.integration.real_captures import AI_PIN_FILES


def _ai_pin_scan() -> ScanResult:
    folder = shared_path("device-outputs", "penumbraos-ai-pin-android12")
    results = tuple(
        CommandResult(command, (folder / name).read_bytes(), duration_s=0.5)
        for command, name in AI_PIN_FILES.items()
    )
    capture = RawCapture(results=results, serial="AIPINREAL", transport="capture")
    # The database that ships with the scanner, so `signatures` has its real shape.
    database = load_verified(shipped_dir())
    return analyse(capture, datetime(2024, 5, 1, 9, 0, tzinfo=UTC), signatures=database)


def test_json_report_of_a_real_capture_fits_the_schema() -> None:
    result = _ai_pin_scan()
    report = json_report.to_dict(result)
    assert report["packages_scanned"] > 0
    assert report["signatures"]["families"] > 0
    assert validate_report(report) == []


def test_html_report_of_a_real_capture_shows_the_phone_and_its_findings() -> None:
    result = _ai_pin_scan()
    assert result.capture.get(GETPROP) is not None
    page = html_report.render(result)
    assert html.escape(result.snapshot.device.model) in page
    for finding in result.findings:
        assert html_report._e(finding.title) in page
    assert result.signatures is not None
    assert html_report._e(result.signatures.sha256) in page
    assert "<script" not in page.lower()
