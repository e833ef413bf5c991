"""An evidence pack holds the whole APKs of the apps that matter, through the command line
against the simulated phone: known stalkerware first, byte for byte what the phone
serves, hashed and chained, checked by ``evidence verify``; what does not fit the budget,
is no longer installed or comes from a saved input is named with why."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import scanner.evidence_apks as evidence_apks
from scanner.cli.exits import Exit
from scanner.simulator import load_profile
from tests.cli.helpers import private_dirs, run  # noqa: F401 - private_dirs applies here

APKSIGNER = "/usr/bin/apksigner"


def apps_in(pack: Path) -> list[dict[str, Any]]:
    apps: list[dict[str, Any]] = json.loads((pack / "manifest.json").read_text("utf-8"))["apks"][
        "apps"
    ]
    return apps


def test_pack_holds_the_phones_own_apk_bytes_known_stalkerware_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, "--demo", "--yes", "--evidence", "pack", "--json", "r.json")
    assert code == Exit.OK
    pack = tmp_path / "pack"
    apps = apps_in(pack)
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    flagged = {
        f["package"]
        for f in report["findings"]
        if f["package"] and f["severity"] in ("stalkerware", "high", "review")
    }
    assert {app["package"] for app in apps} == flagged
    order = ("known stalkerware", "a serious finding", "a finding worth checking")
    ranks = [order.index(app["why_chosen"]) for app in apps]
    assert ranks == sorted(ranks) and ranks[0] == 0
    served = load_profile("infected").files
    held = [app for app in apps if app["file"]]
    assert {"com.systemservice", "com.mobiletrackerfree.www"} <= {a["package"] for a in held}
    assert all(a["sha256_in_scan"] for a in held if a["why_chosen"] == "known stalkerware")
    for app in held:
        data = (pack / app["file"]).read_bytes()
        assert data == served[app["device_path"]]
        assert app["sha256"] == hashlib.sha256(data).hexdigest()
        # Off-store apps were hashed on the phone during the scan: the copy is that file.
        assert app["sha256_in_scan"] in (app["sha256"], None)
        assert app["size_bytes"] == len(data)
    for app in apps:
        assert bool(app["file"]) != bool(app["not_pulled"]), app
    # TheTruthSpy's removed build left only traces: named, with why.
    gone = next(app for app in apps if app["package"] == "com.ispyoo")
    assert gone["not_pulled"] == "not copied: the app is not installed now"
    assert f"It holds the files of {len(held)} of the {len(apps)} apps that matter" in out
    summary = (pack / "summary.html").read_text("utf-8")
    assert "App files in this pack" in summary and "not installed now" in summary

    code, out = run(capsys, "evidence", "verify", str(pack))
    assert code == Exit.OK, out
    assert f"The {len(held)} app files the manifest lists are chained files" in out


@pytest.mark.skipif(not Path(APKSIGNER).exists(), reason="apksigner is not installed")
def test_held_apks_verify_with_apksigner(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "--demo", "--yes", "--evidence", "pack")[0] == Exit.OK
    held = [app for app in apps_in(tmp_path / "pack") if app["file"]]
    assert held
    checked = subprocess.run(
        [APKSIGNER, "verify", str(tmp_path / "pack" / held[0]["file"])],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stderr


def test_a_changed_or_swapped_apk_fails_verify(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "--demo", "--yes", "--evidence", "pack")[0] == Exit.OK
    pack = tmp_path / "pack"
    held = [app for app in apps_in(pack) if app["file"]]
    first, second = (pack / held[0]["file"]), (pack / held[1]["file"])
    swapped = tmp_path / "swapped"
    shutil.copytree(pack, swapped)
    (swapped / held[0]["file"]).write_bytes(second.read_bytes())
    code, out = run(capsys, "evidence", "verify", str(swapped))
    assert code == Exit.EVIDENCE_FAILED
    assert f"{held[0]['file']} has changed since the pack was made" in out
    assert first.read_bytes() != second.read_bytes()


def test_what_does_not_fit_the_budget_is_named_most_serious_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    served = load_profile("infected").files
    first_size = min(len(data) for data in served.values())
    # Room for one generated APK (they are all about the same size), not two.
    monkeypatch.setattr(evidence_apks, "BUDGET_BYTES", first_size + 100)
    assert run(capsys, "--demo", "--yes", "--evidence", "pack")[0] == Exit.OK
    pack = tmp_path / "pack"
    apps = apps_in(pack)
    held = [app for app in apps if app["file"]]
    assert len(held) == 1 and held[0]["why_chosen"] == "known stalkerware"
    over = [app for app in apps if app["not_pulled"] and "MB of app files" in app["not_pulled"]]
    assert over and all(app["device_path"] in served for app in over)
    manifest = json.loads((pack / "manifest.json").read_text("utf-8"))
    assert manifest["apks"]["budget_bytes"] == first_size + 100
    assert "did not fit in what was left" in (pack / "summary.html").read_text("utf-8")
    assert run(capsys, "evidence", "verify", str(pack))[0] == Exit.OK


def test_a_pack_from_a_saved_capture_names_each_app_file_as_not_pulled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "--demo", "--yes", "--capture", "cap")[0] == Exit.OK
    code, _ = run(capsys, "--from-capture", "cap", "--yes", "--evidence", "pack")
    assert code == Exit.OK
    apps = apps_in(tmp_path / "pack")
    assert apps and not list((tmp_path / "pack").glob("apks/*"))
    for app in apps:
        assert app["not_pulled"] == "not copied: this scan read a saved copy, not a connected phone"
