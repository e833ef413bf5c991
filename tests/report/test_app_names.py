"""Every app in every report is named as a person sees it, with its package id beside it.

The demo is scanned once by the real command line (terminal short and ``--details``,
HTML, JSON, evidence pack); each finding about an app must name it ``Label (package)``
in every one of them. Labels come from the app's own file when read (that wins), else
the app-name catalogue shipped with the scanner, and the JSON says which.
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

from scanner.labels import with_catalogue_labels
from scanner.model import DeviceInfo, DeviceSnapshot, Package
from scanner.sigdb import app_names

REPO = Path(__file__).resolve().parents[2]


@cache
def _demo(folder: Path) -> dict[str, Any]:
    args = [sys.executable, str(REPO / "scan.py"), "--demo", "--yes"]
    outputs = {
        "json": folder / "r.json",
        "html": folder / "r.html",
        "evidence": folder / "pack",
    }
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    run = {"stdin": subprocess.DEVNULL, "capture_output": True, "text": True, "env": env}
    short = subprocess.run(args, timeout=300, check=False, **run)  # type: ignore[call-overload]
    details = subprocess.run(
        [*args, "--details", *(x for k, p in outputs.items() for x in (f"--{k}", str(p)))],
        timeout=300,
        check=False,
        **run,
    )
    return {
        "short": short.stdout,
        "details": details.stdout,
        "json": json.loads(outputs["json"].read_text(encoding="utf-8")),
        "html": html.unescape(outputs["html"].read_text(encoding="utf-8")),
        "summary": html.unescape((outputs["evidence"] / "summary.html").read_text("utf-8")),
    }


def test_every_app_finding_is_named_with_its_label_in_every_report(tmp_path_factory) -> None:
    out = _demo(tmp_path_factory.mktemp("names"))
    named = [
        (f["label"], f["package"], f["label_source"])
        for f in out["json"]["findings"]
        if f["package"] and f["check"] != "TRACE-001"  # a removed app: titled by its family
    ]
    assert {source for *_, source in named} == {"apk", "catalogue"}
    for label, package, _source in named:
        assert label, package
        shown = f"{label} ({package})"
        for where in ("short", "details", "html", "summary"):
            assert shown in out[where], (where, shown)
    # An app no longer on the phone is still named by the catalogue in the JSON.
    (removed,) = [f for f in out["json"]["findings"] if f["check"] == "TRACE-001"]
    assert (removed["label"], removed["label_source"]) == ("TheTruthSpy", "catalogue")


def test_the_json_says_where_every_checked_apps_label_came_from(tmp_path_factory) -> None:
    out = _demo(tmp_path_factory.mktemp("names"))
    checks = out["json"]["app_file_checks"]
    assert checks
    for entry in checks:
        assert entry["label_source"] in {"apk", "catalogue", "none"}
        assert (entry["label"] is None) == (entry["label_source"] == "none")
        if entry["label_source"] == "catalogue":
            assert app_names.shipped()[entry["package"]] == entry["label"]


def _snapshot(*packages: Package) -> DeviceSnapshot:
    return DeviceSnapshot(device=DeviceInfo(), packages=packages)


def test_the_label_read_from_the_app_wins_over_the_catalogue() -> None:
    read = Package("com.whatsapp", label="WhatsApp Business?", label_source="apk")
    (pkg,) = with_catalogue_labels(_snapshot(read)).packages

    assert (pkg.label, pkg.label_source) == ("WhatsApp Business?", "apk")


def test_an_app_the_catalogue_knows_gets_its_name_and_an_unknown_one_keeps_its_id() -> None:
    known, unknown = with_catalogue_labels(
        _snapshot(Package("net.dinglisch.android.taskerm"), Package("org.example.nobody"))
    ).packages

    assert (known.label, known.label_source) == ("Tasker", "catalogue")
    assert (unknown.label, unknown.label_source) == (None, None)


def test_the_catalogue_holds_the_sources_titles_and_common_apps() -> None:
    names = app_names.shipped()
    # Our list of common apps, an Echap family name, an ISDi title.
    assert names["com.sec.android.app.myfiles"] == "My Files"
    assert names["com.life360.android.safetymapd"] == "Life360"
    assert names["com.catalinagroup.callrecorder"] == "Cube Call Recorder ACR"
