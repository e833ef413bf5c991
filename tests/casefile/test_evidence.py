"""Writing the evidence pack and its signing key (checking one: test_evidence_verify.py)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from scanner import TOOL_NAME, __version__
from scanner.casefile import (
    generate_evidence_key,
    load_case,
    load_signing_key,
    save_scan,
    verify_evidence,
    write_evidence,
)
from scanner.commands import GETPROP
from scanner.errors import EvidenceError
from scanner.model import ScanResult
from tests.casefile.conftest import FAST_SCRYPT, PASSPHRASE


def _manifest(pack: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((pack / "manifest.json").read_text("utf-8"))
    return data


def test_pack_holds_report_raw_outputs_and_a_complete_manifest(
    tmp_path: Path, scan: ScanResult
) -> None:
    pack = tmp_path / "evidence"
    written = write_evidence(pack, scan)

    manifest = _manifest(pack)
    listed = [e["path"] for e in manifest["files"]]
    assert listed[0] == "report.json"
    assert list(written.files) == listed
    for entry in manifest["files"]:
        data = (pack / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["size_bytes"] == len(data)
    getprop = next(c for c in manifest["commands"] if c["command"] == GETPROP)
    assert (pack / getprop["file"]).read_bytes() == scan.capture.get(GETPROP).output  # type: ignore[union-attr]
    which_su = next(c for c in manifest["commands"] if c["file"] is None)
    assert which_su["error"] == "exit status 1"
    assert manifest["device"]["manufacturer"] == "Google"
    assert manifest["device"]["model"] == "Pixel 8"
    assert manifest["device"]["serial"] == "PIXEL8SERIAL"
    assert manifest["device"]["android_version"] == "14"
    assert manifest["device"]["fingerprint"].startswith("google/shiba/shiba:14/")
    assert manifest["scan"]["started_at"] == "2024-03-01T10:00:00Z"
    assert manifest["scan"]["finished_at"].endswith("Z")
    assert manifest["tool"] == {"name": TOOL_NAME, "version": __version__}
    assert manifest["chain"]["head"] == manifest["files"][-1]["chain"] == written.chain_head
    assert json.loads((pack / "report.json").read_text("utf-8"))["device"]["model"] == "Pixel 8"


def test_pack_files_are_private_to_the_owner(tmp_path: Path, scan: ScanResult) -> None:
    pack = tmp_path / "evidence"
    old_umask = os.umask(0)  # a permissive umask must not widen anything
    try:
        write_evidence(pack, scan)
    finally:
        os.umask(old_umask)

    modes = {stat.S_IMODE(p.stat().st_mode) for p in pack.rglob("*") if p.is_file()}
    assert modes == {0o600}
    assert stat.S_IMODE(pack.stat().st_mode) == 0o700


def test_signed_pack_names_its_key_and_openssl_accepts_the_signature(
    tmp_path: Path, scan: ScanResult
) -> None:
    key_info = generate_evidence_key(tmp_path / "keys" / "advocate.key")
    pack = tmp_path / "evidence"

    written = write_evidence(pack, scan, signing_key=load_signing_key(key_info.private_path))

    assert stat.S_IMODE(key_info.private_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_info.public_path.stat().st_mode) == 0o600
    assert written.signed_by == key_info.fingerprint
    assert _manifest(pack)["signature"]["public_key_sha256"] == key_info.fingerprint
    # An independent verifier: OpenSSL checks the Ed25519 signature over manifest.json.
    if shutil.which("openssl") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have openssl to check evidence signatures independently")
        pytest.skip("openssl is not installed, so there is no independent signature check")
    checked = subprocess.run(
        [
            "openssl",
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            str(key_info.public_path),
            "-rawin",
            "-in",
            str(pack / "manifest.json"),
            "-sigfile",
            str(pack / "manifest.sig"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Signature Verified Successfully" in checked.stdout


def test_passphrase_protected_key_needs_its_passphrase(tmp_path: Path) -> None:
    key_info = generate_evidence_key(tmp_path / "advocate.key", passphrase="key words")

    assert load_signing_key(key_info.private_path, "key words") is not None
    with pytest.raises(EvidenceError):
        load_signing_key(key_info.private_path, "wrong words")


def test_existing_key_file_is_never_replaced(tmp_path: Path) -> None:
    first = generate_evidence_key(tmp_path / "advocate.key")
    before = first.private_path.read_bytes()

    with pytest.raises(EvidenceError, match="already exists"):
        generate_evidence_key(tmp_path / "advocate.key")

    assert first.private_path.read_bytes() == before


def test_pack_is_not_written_into_a_folder_with_files(tmp_path: Path, scan: ScanResult) -> None:
    pack = tmp_path / "evidence"
    pack.mkdir()
    (pack / "old.txt").write_text("earlier evidence")

    with pytest.raises(EvidenceError, match="not an empty folder"):
        write_evidence(pack, scan)

    assert [p.name for p in pack.iterdir()] == ["old.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evidence"]


def test_pack_can_be_written_into_an_empty_folder(tmp_path: Path, scan: ScanResult) -> None:
    pack = tmp_path / "evidence"
    pack.mkdir()

    write_evidence(pack, scan)

    assert verify_evidence(pack).problems == ()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evidence"]


def test_pack_from_a_saved_case_scan_holds_the_same_report_and_raw_outputs(
    tmp_path: Path, scan: ScanResult
) -> None:
    case_path = tmp_path / "case.phc"
    save_scan(case_path, scan, PASSPHRASE, scrypt=FAST_SCRYPT)
    record = load_case(case_path, PASSPHRASE).scans[0]
    fixed = datetime(2024, 3, 1, 11, 0, tzinfo=UTC)

    live = write_evidence(tmp_path / "live", scan, created_at=fixed)
    saved = write_evidence(tmp_path / "saved", record, created_at=fixed)

    assert verify_evidence(saved.directory).problems == ()

    def hashes(pack: Path) -> list[tuple[str, str]]:
        files = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))["files"]
        return [(f["path"], f["sha256"]) for f in files]

    # A saved scan keeps its report and raw outputs, not the live result a summary needs.
    assert hashes(saved.directory) == [
        entry for entry in hashes(live.directory) if entry[0] != "summary.html"
    ]
    assert "summary.html" in saved.files + live.files and "summary.html" not in saved.files
