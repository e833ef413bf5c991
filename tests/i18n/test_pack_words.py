"""The evidence pack's own sections (case details, what the examination did, app files,
how to check the pack) are said in the pack's language, from pack.yaml; the manifest keeps
the English."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from scanner import TOOL_NAME, __version__
from scanner.casefile.case_details import CaseDetails
from scanner.casefile.examiner import examiner_steps
from scanner.casefile.summary import _apk_files, _case, _integrity, render_summary
from scanner.errors import DeviceError
from scanner.evidence_apks import STOPPED_WHILE, Choice, choose, not_pulled_for, pull_for_evidence
from scanner.i18n import Catalogue, catalogue, load_catalogue
from scanner.model import EvidenceApk, ScanResult
from scanner.phrases import english
from tests.i18n import pseudo
from tests.i18n.test_no_english_left import CODE, english_words, html_text, leftovers, scan

CASE = CaseDetails(examiner="Ann Lee", reference="CR-7", consent="photos of the report only")
MADE = datetime(2026, 12, 3, 11, 0, 0)
SIGNER = "ab12" * 16
COMMAND = f"{TOOL_NAME} evidence verify FOLDER"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pseudo.build(tmp_path_factory.mktemp("pseudo"), CODE)


@pytest.fixture(scope="module")
def say(root: Path) -> Catalogue:
    return load_catalogue(CODE, root)


@pytest.fixture(scope="module")
def result() -> ScanResult:
    """The infected demo with the apps a pack chooses: one held, the others not."""
    found = scan("infected")
    chosen = choose(found)
    data = b"PK\x03\x04 not a real app"
    digest = hashlib.sha256(data).hexdigest()
    first = chosen[0]
    held = EvidenceApk(
        first.package,
        first.path,
        english(first.why_chosen),
        data,
        digest,
        why_chosen_words=first.why_chosen,
    )
    # The others left out for the reasons a pack gives: the copy stopped, the app gone,
    # and a pull that failed with the device's own words (or with English ones only).
    stopped = not_pulled_for(STOPPED_WHILE, chosen[1:2])

    def refuse(path: str, max_bytes: int) -> bytes:
        raise DeviceError.said("device.file_too_large", path=path, megabytes=24)

    pulled = pull_for_evidence(refuse, [*chosen[2:], Choice("gone.app", "", first.why_chosen, "")])
    assert {apk.not_pulled_words is not None for apk in (*stopped, *pulled)} == {True}
    return replace(found, evidence_apks=(held, *stopped, *pulled))


def _pack_sections(result: ScanResult, say: Catalogue, signer: str | None) -> str:
    raw = [("raw/01-getprop.txt", "0" * 64)]
    return (
        _case(CASE, result, say)
        + _apk_files(result, say)
        + _integrity(raw, MADE, signer, say)
        + _apk_files(replace(result, evidence_apks=()), say)
    )


@pytest.mark.parametrize("signer", [SIGNER, None])
def test_no_english_in_the_packs_own_sections(
    root: Path, say: Catalogue, result: ScanResult, signer: str | None
) -> None:
    text = html_text(_pack_sections(result, say, signer))
    assert pseudo.OPEN in text
    # Facts and literal commands stay as they are.
    for fact in (
        COMMAND,
        "--key",
        "manifest.json",
        __version__,
        *(v for _, v in CASE.rows(say)),
        "raw/01-getprop.txt",
        *(apk.sha256 for apk in result.evidence_apks),
        *(apk.path for apk in result.evidence_apks),
        *(apk.package for apk in result.evidence_apks),
    ):
        if fact:  # an empty fact (an app not copied has no hash) would split every word
            text = text.replace(fact, " ")
    assert leftovers(text, result, english_words(root)) == []


def test_english_left_in_the_sections_would_be_caught(root: Path, result: ScanResult) -> None:
    text = html_text(_pack_sections(result, catalogue(), SIGNER))
    assert "examination" in leftovers(text, result, english_words(root))


def test_the_summary_speaks_the_packs_language_and_the_manifest_keeps_english(
    result: ScanResult,
) -> None:
    page = render_summary(result, CASE, raw_files=[], created_at=MADE, signer=None, lang="pl")
    assert f"uruchom: <code>{COMMAND}</code> (z --key" in page  # the command stays whole
    signed = render_summary(result, CASE, raw_files=[], created_at=MADE, signer=SIGNER, lang="ar")
    assert f'<bdi dir="ltr">{SIGNER}</bdi>' in signed
    assert "Pakiet dowodów: dane sprawy" in page
    assert "Co badanie zrobiło z telefonem" in page
    assert "znana aplikacja szpiegująca" in page  # why the first app's file was kept
    assert "Manifest nie jest podpisany." in page
    assert "Evidence pack: case details" not in page
    english = examiner_steps(result)
    assert english[0] == "The phone was connected to this computer over the network " + (
        "(wireless debugging)."
    )
    assert examiner_steps(result, catalogue("pl"))[0] != english[0]
