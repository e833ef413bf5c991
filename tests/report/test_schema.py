"""The JSON report's schema matches what ``json_report.to_dict`` writes, and catches drift."""

from __future__ import annotations

import copy
import dataclasses
import sys
from dataclasses import replace
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from scanner.errors import ReportError
from scanner.model import DeviceInfo
from scanner.report import json_report
from scanner.report.schema import load_schema, validate_report
from tests.report.sample import (
    build_result,
    high_finding,
    info_finding,
    review_finding,
    stalkerware_finding,
)


def _report(**kwargs: Any) -> dict[str, Any]:
    findings = (stalkerware_finding(), high_finding(), review_finding(), info_finding())
    return json_report.to_dict(build_result(findings=findings, **kwargs))


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(load_schema())


def test_schema_id_and_version_match_the_json_report_version() -> None:
    schema = load_schema()
    assert schema["$id"].endswith(":" + json_report.SCHEMA_VERSION)
    assert schema["properties"]["schema_version"]["const"] == json_report.SCHEMA_VERSION


@pytest.mark.parametrize(
    ("complete", "signatures"),
    [(True, True), (False, True), (True, False)],
    ids=["complete", "incomplete", "no-signature-database"],
)
def test_report_built_from_a_scan_result_is_valid(complete: bool, signatures: bool) -> None:
    report = _report(complete=complete, signatures=signatures)
    assert report["complete"] is complete
    assert validate_report(report) == []


def test_clean_report_with_no_findings_is_valid() -> None:
    report = json_report.to_dict(build_result())
    assert report["findings"] == []
    assert validate_report(report) == []


def test_report_missing_complete_is_rejected() -> None:
    report = _report()
    del report["complete"]
    problems = validate_report(report)
    assert any("'complete' is a required property" in p for p in problems), problems


def test_finding_with_an_unknown_severity_is_rejected() -> None:
    report = _report()
    report["findings"][0]["severity"] = "critical"
    problems = validate_report(report)
    assert any(p.startswith("findings/0/severity:") for p in problems), problems


def test_finding_without_evidence_is_rejected() -> None:
    report = _report()
    report["findings"][1]["evidence"] = []
    assert any(p.startswith("findings/1/evidence:") for p in validate_report(report))


def test_unknown_key_inside_a_finding_is_rejected() -> None:
    report = _report()
    report["findings"][0]["note"] = "not in the schema"
    assert any(p.startswith("findings/0:") for p in validate_report(report))


def test_unknown_top_level_key_is_allowed_for_later_versions() -> None:
    report = _report()
    report["case"] = {"id": "abc"}
    assert validate_report(report) == []


@pytest.mark.parametrize("stamp", ["2024-05-01T10:02:03", "2024-05-01T11:02:03+01:00", "today"])
def test_timestamp_that_is_not_utc_with_z_is_rejected(stamp: str) -> None:
    report = _report()
    report["started_at"] = stamp
    assert any(p.startswith("started_at:") for p in validate_report(report))


def test_complete_report_that_lists_errors_is_rejected() -> None:
    report = _report(complete=False)
    report["complete"] = True
    assert any(p.startswith("errors:") for p in validate_report(report))


def test_incomplete_report_without_errors_is_rejected() -> None:
    report = _report()
    report["complete"] = False
    assert any(p.startswith("errors:") for p in validate_report(report))


def test_command_sha256_must_be_hex_or_null() -> None:
    report = _report()
    report["commands"][0]["sha256"] = "not-a-hash"
    assert any(p.startswith("commands/0/sha256:") for p in validate_report(report))
    report["commands"][0]["sha256"] = None
    assert validate_report(report) == []


def test_schema_names_every_device_field_the_report_writes() -> None:
    # A field added to DeviceInfo must be documented here too (device is strict).
    names = {f.name for f in dataclasses.fields(DeviceInfo)} | {"serial", "connection"}
    device = load_schema()["properties"]["device"]
    assert set(device["properties"]) == names
    assert set(device["required"]) == names


def test_every_schema_property_is_described() -> None:
    def walk(node: object, path: str) -> list[str]:
        missing = []
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if "description" not in sub:
                    missing.append(f"{path}/{name}")
            for key, value in node.items():
                if key != "allOf":  # constraints between properties, not their definitions
                    missing += walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                missing += walk(value, f"{path}/{index}")
        return missing

    assert walk(load_schema(), "") == []


def test_load_schema_returns_a_fresh_copy() -> None:
    first = load_schema()
    pristine = copy.deepcopy(first)
    first["properties"].clear()
    assert load_schema() == pristine


def test_validation_without_jsonschema_raises_a_clear_report_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # None in sys.modules makes `import jsonschema` raise ImportError, as if not installed.
    monkeypatch.setitem(sys.modules, "jsonschema", None)
    with pytest.raises(ReportError) as raised:
        validate_report(_report())
    assert "jsonschema" in raised.value.message


def test_demo_marker_comes_from_the_result_and_validates() -> None:
    result = build_result(findings=(stalkerware_finding(), info_finding()))
    real = json_report.to_dict(result)
    demo = json_report.to_dict(replace(result, demo=True))
    assert real["demo"] is False and demo["demo"] is True
    assert json_report.to_dict(result, demo=True)["demo"] is True  # a caller may say so
    for report in (real, demo):
        assert validate_report(report) == []
    bad = copy.deepcopy(demo)
    bad["demo"] = "yes"
    assert validate_report(bad)
