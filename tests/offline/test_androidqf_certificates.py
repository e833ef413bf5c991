"""androidqf's packages.json feeds the same certificate and hash checks a live scan's pulls do.

Every test starts from a copy of the real androidqf acquisition in ../shared; only the
field a test is about is changed.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from scanner.model import Severity
from scanner.offline import analyse_input, read_input
from scanner.offline.analyse import CERTIFICATE_SOURCE
from scanner.offline.packages_json import SOURCE
from scanner.pipeline import ScanResult
from scanner.report import json_report, terminal
from scanner.report.schema import validate_report
from scanner.sigdb.model import Family, Kind, SignatureDB
from tests.offline.builders import (
    ai_pin_system_settings,
    androidqf_folder,
    real_androidqf_copy,
    set_package_record,
    zip_folder,
)

RENAMED = "org.nuclearfog.apollo"  # a real app in the acquisition, listed in no database
UNCHECKED = (f"{CERTIFICATE_SOURCE} im.agg.imagedemo",)  # the Ai Pin's one off-store app


def known_family(db: SignatureDB, field: str) -> Family:
    return next(f for f in db.families if f.kind is Kind.STALKERWARE and getattr(f, field))


def scan(path: Path, signatures: SignatureDB) -> ScanResult:
    return analyse_input(read_input("androidqf", path), datetime.now(UTC), signatures=signatures)


def test_renamed_build_with_a_known_certificate_is_reported(tmp_path, signatures):
    family = known_family(signatures, "certificates")
    folder = real_androidqf_copy(tmp_path / "acq")
    # androidqf writes digests in lower case; the database lists them in upper case.
    set_package_record(folder, RENAMED, cert_sha1=family.certificates[0].lower())
    found = [f for f in scan(folder, signatures).findings if f.check == "KNOWN-002"]
    assert [(f.package, f.family, f.severity) for f in found] == [
        (RENAMED, family.name, Severity.STALKERWARE)
    ]
    assert found[0].evidence[0].source == SOURCE
    assert any(family.certificates[0] in e.excerpt.upper() for e in found[0].evidence)


def test_unchanged_acquisition_matches_no_certificate_or_sample(tmp_path, signatures):
    result = scan(real_androidqf_copy(tmp_path / "acq"), signatures)
    assert not [f for f in result.findings if f.check in ("KNOWN-002", "KNOWN-003")]
    # ...yet every app's certificate was read from packages.json.
    recorded = json.loads((tmp_path / "acq" / "packages.json").read_text())
    assert {p: (a.cert_sha1, a.cert_sha256, a.sha256) for p, a in result.apks.items()} == {
        p["name"]: (
            (p["files"][0]["certificate"]["Sha1"],),
            (p["files"][0]["certificate"]["Sha256"],),
            p["files"][0]["sha256"],
        )
        for p in recorded
    }


def test_known_sample_hash_is_reported(tmp_path, signatures):
    family = known_family(signatures, "samples")
    folder = real_androidqf_copy(tmp_path / "acq")
    set_package_record(folder, RENAMED, sha256=family.samples[0].sha256)
    found = [f for f in scan(folder, signatures).findings if f.check == "KNOWN-003"]
    assert [(f.package, f.family) for f in found] == [(RENAMED, family.name)]


def test_certificate_organisation_in_the_subject_is_matched(tmp_path, signatures):
    folder = real_androidqf_copy(tmp_path / "acq")
    family = Family(
        name="OrgSpy",
        kind=Kind.STALKERWARE,
        certificate_organizations=("ReVanced",),  # as androidqf wrote it: O=ReVanced
        sources=("test",),
    )
    db = replace(signatures, families=(*signatures.families, family))
    found = [f for f in scan(folder, db).findings if f.check == "KNOWN-002"]
    assert [(f.package, f.family) for f in found] == [("app.revanced.manager.flutter", "OrgSpy")]


@pytest.mark.parametrize("under", ["", "6f1c7a52-acquisition"], ids=["top-level", "in-a-folder"])
def test_zip_of_the_acquisition_gives_what_the_folder_gives(tmp_path, signatures, under):
    family = known_family(signatures, "certificates")
    folder = real_androidqf_copy(tmp_path / "acq")
    set_package_record(folder, RENAMED, cert_sha1=family.certificates[0])
    archive = zip_folder(folder, tmp_path / "acq.zip", under=under)
    from_folder, from_zip = scan(folder, signatures), scan(archive, signatures)
    assert from_zip.capture.results == from_folder.capture.results
    assert from_zip.apks == from_folder.apks
    assert [f.id for f in from_zip.findings] == [f.id for f in from_folder.findings]
    assert f"KNOWN-002:{RENAMED}" in {f.id for f in from_zip.findings}


def test_report_says_which_apps_certificates_were_and_were_not_checked(tmp_path, ai_pin):
    # The Ai Pin has one app from outside an app store, the one a live scan would pull.
    folder = androidqf_folder(tmp_path / "acq", ai_pin, system_settings=ai_pin_system_settings())
    recorded = json.loads((real_androidqf_copy(tmp_path / "real") / "packages.json").read_text())
    unchecked = dict(recorded[0], name="im.agg.imagedemo")
    unchecked["files"] = [dict(recorded[0]["files"][0], certificate={"Sha1": "", "Sha256": ""})]
    (folder / "packages.json").write_text(json.dumps([recorded[1], unchecked]))

    result = analyse_input(read_input("androidqf", folder), datetime.now(UTC))
    report = json_report.to_dict(result)
    assert validate_report(report) == []
    checked = {a["package"]: a for a in report["app_files_checked"]}
    assert checked[recorded[1]["name"]]["certificate_sha1"] == [
        recorded[1]["files"][0]["certificate"]["Sha1"]
    ]
    assert checked["im.agg.imagedemo"]["certificate_sha1"] == []  # its hash only
    not_checked = [e for e in report["errors"] if e["source"].startswith(CERTIFICATE_SOURCE)]
    assert not_checked == [
        {
            "source": f"{CERTIFICATE_SOURCE} im.agg.imagedemo",
            "message": "androidqf recorded no signing certificate for this app "
            "(its APK was not downloaded)",
            "detail": "",
        }
    ]
    assert report["complete"] is False
    out = io.StringIO()
    terminal.render(result, Console(file=out, width=80, color_system=None))
    text = " ".join(out.getvalue().split())
    assert "Signing certificates were checked for 1 app (androidqf packages.json)" in text
    assert "im.agg.imagedemo: androidqf recorded no signing certificate" in text


def test_acquisition_without_packages_json_names_the_apps_left_unchecked(tmp_path, ai_pin):
    folder = androidqf_folder(tmp_path / "acq", ai_pin)
    (folder / "packages.json").unlink()
    result = analyse_input(read_input("androidqf", folder), datetime.now(UTC))
    assert result.apks == {}
    assert [(p.source, p.message) for p in result.problems if p.source in UNCHECKED] == [
        (
            f"{CERTIFICATE_SOURCE} im.agg.imagedemo",
            "this androidqf acquisition has no packages.json, so no app's signing "
            "certificate or file hash could be checked",
        )
    ]


def test_damaged_packages_json_keeps_the_rest_and_says_so(tmp_path, ai_pin):
    folder = androidqf_folder(tmp_path / "acq", ai_pin)
    (folder / "packages.json").write_text('[{"name": "im.agg.imagedemo", "files": [')
    result = analyse_input(read_input("androidqf", folder), datetime.now(UTC))
    assert result.snapshot.packages  # the acquisition's other files were still read
    [problem] = [p for p in result.problems if p.source in UNCHECKED]
    assert problem.message.startswith("androidqf's packages.json could not be read (not JSON")
