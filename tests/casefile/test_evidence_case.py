"""Case details and the printable summary inside an evidence pack: recorded, chained, and
any edit to them is caught by ``verify_evidence``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.casefile import generate_evidence_key, load_public_key, write_evidence
from scanner.casefile.case_details import CaseDetails, details_from
from scanner.casefile.examiner import examiner_steps
from scanner.casefile.verify import verify_evidence
from scanner.model import ScanResult

CASE = CaseDetails(
    examiner="Sam Okafor",
    organisation="Refuge",
    reference="CR-2026-118",
    place="Leeds advice centre",
    present="Sam Okafor; the survivor",
    consent="apps and accounts may be recorded; not messages",
)


def _manifest(pack: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((pack / "manifest.json").read_text("utf-8"))
    return loaded


def test_case_details_are_in_the_manifest_a_chained_file_and_the_summary(
    tmp_path: Path, scan: ScanResult
) -> None:
    pack = write_evidence(tmp_path / "pack", scan, case=CASE).directory

    manifest = _manifest(pack)
    assert manifest["case"] == {
        "examiner": "Sam Okafor",
        "organisation": "Refuge",
        "reference": "CR-2026-118",
        "place": "Leeds advice centre",
        "present": "Sam Okafor; the survivor",
        "consent": "apps and accounts may be recorded; not messages",
    }
    listed = [entry["path"] for entry in manifest["files"]]  # type: ignore[attr-defined]
    assert listed[:3] == ["report.json", "case.json", "summary.html"]
    assert json.loads((pack / "case.json").read_text("utf-8")) == manifest["case"]
    summary = (pack / "summary.html").read_text("utf-8")
    for text in ("CR-2026-118", "Leeds advice centre", "What the examination did to the phone"):
        assert text in summary
    # The report's opening (what was and was not found) still comes first.
    assert summary.index('class="summary') < summary.index("Evidence pack: case details")
    assert manifest["examination"] == list(examiner_steps(scan))
    assert verify_evidence(pack).problems == ()


def test_details_not_given_are_recorded_as_not_given(tmp_path: Path, scan: ScanResult) -> None:
    details = details_from({"examiner": "  Sam   Okafor ", "place": ""})
    pack = write_evidence(tmp_path / "pack", scan, case=details).directory

    case = _manifest(pack)["case"]
    assert case == {
        "examiner": "Sam Okafor",
        "organisation": None,
        "reference": None,
        "place": None,
        "present": None,
        "consent": None,
    }
    assert "Case reference</dt><dd>not given" in (pack / "summary.html").read_text("utf-8")
    assert details.missing()[0] == "Examiner's organisation"


def _edit_manifest_case(pack: Path) -> None:
    manifest = _manifest(pack)
    manifest["case"]["examiner"] = "Someone Else"  # type: ignore[index]
    (pack / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")


def _edit_case_file(pack: Path) -> None:
    path = pack / "case.json"
    path.write_text(path.read_text("utf-8").replace("Sam Okafor", "Someone Else"), "utf-8")


def _edit_summary(pack: Path) -> None:
    path = pack / "summary.html"
    path.write_text(path.read_text("utf-8").replace("CR-2026-118", "CR-2026-999"), "utf-8")


@pytest.mark.parametrize(
    ("tamper", "words"),
    [
        (_edit_manifest_case, "case details in manifest.json and in case.json differ"),
        (_edit_case_file, "case.json has changed since the pack was made"),
        (_edit_summary, "summary.html has changed since the pack was made"),
    ],
    ids=["manifest-case", "case-file", "summary"],
)
def test_each_edit_to_the_case_or_summary_fails_an_unsigned_pack(
    tmp_path: Path, scan: ScanResult, tamper: object, words: str
) -> None:
    pack = write_evidence(tmp_path / "pack", scan, case=CASE).directory
    tamper(pack)  # type: ignore[operator]

    result = verify_evidence(pack)
    assert not result.ok
    assert any(words in problem for problem in result.problems), result.problems


def test_editing_the_case_of_a_signed_pack_breaks_its_signature(
    tmp_path: Path, scan: ScanResult
) -> None:
    key = generate_evidence_key(tmp_path / "keys" / "org.key")
    from scanner.casefile import load_signing_key

    pack = write_evidence(
        tmp_path / "pack", scan, case=CASE, signing_key=load_signing_key(key.private_path)
    ).directory
    public = load_public_key(key.public_path)
    assert verify_evidence(pack, key=public).ok

    _edit_manifest_case(pack)
    result = verify_evidence(pack, key=public)
    assert any("signature does not match" in problem for problem in result.problems)
