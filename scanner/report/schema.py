"""The JSON report's schema: load it, and check a report against it.

The schema file ships inside the package (``report.schema.json``). Checking needs the
``jsonschema`` library, which is a test extra: the scanner itself never validates at run
time, so a missing library is a clear ``ReportError``, not an import failure.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from scanner.errors import ReportError

SCHEMA_FILE = "report.schema.json"


@cache
def _schema_text() -> str:
    try:
        return resources.files("scanner.report").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    except OSError as exc:
        raise ReportError(
            "The report format description is missing. Please reinstall the scanner.",
            f"scanner/report/{SCHEMA_FILE}: {exc}",
        ) from exc


def load_schema() -> dict[str, Any]:
    """The report's JSON Schema (draft 2020-12) as a fresh dict."""
    try:
        data = json.loads(_schema_text())
    except json.JSONDecodeError as exc:
        raise ReportError(
            "The report format description is damaged. Please reinstall the scanner.",
            f"scanner/report/{SCHEMA_FILE}: {exc}",
        ) from exc
    if not isinstance(data, dict):
        raise ReportError(
            "The report format description is damaged. Please reinstall the scanner.",
            f"scanner/report/{SCHEMA_FILE}: top level is not an object",
        )
    return data


def validate_report(data: Mapping[str, Any]) -> list[str]:
    """Every way ``data`` breaks the schema, as ``path: message`` lines; empty when valid.

    Raises ``ReportError`` when the optional ``jsonschema`` library is not installed.
    """
    try:
        # Imported by name: an optional, untyped test extra the product never needs.
        jsonschema = importlib.import_module("jsonschema")
    except ImportError as exc:
        raise ReportError(
            "Checking a report against its schema needs the 'jsonschema' package, "
            "which is not installed.",
            "install the test extra: pip install 'phone-check[test]'",
        ) from exc
    validator = jsonschema.Draft202012Validator(load_schema())
    problems = []
    for error in validator.iter_errors(data):
        where = "/".join(str(part) for part in error.absolute_path) or "(top level)"
        problems.append(f"{where}: {error.message}")
    return sorted(problems)
