"""The evidence pack: contents, verification, and each kind of tampering detected."""

from __future__ import annotations

import hashlib
import json
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from scanner import TOOL_NAME, __version__
from scanner.casefile import (
    generate_evidence_key,
    load_case,
    load_public_key,
    load_signing_key,
    save_scan,
    verify_evidence,
    write_evidence,
)
from scanner.device.allowlist import DUMPSYS_PACKAGE, GETPROP
from scanner.errors import EvidenceError
from scanner.model import ScanResult
from tests.casefile.conftest import FAST_SCRYPT, PASSPHRASE


def _manifest(pack: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((pack / "manifest.json").read_text("utf-8"))
    return data


def _rewrite_manifest(pack: Path, manifest: dict[str, Any]) -> None:
    (pack / "manifest.json").write_text(json.dumps(manifest, indent=2), "utf-8")


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
    write_evidence(pack, scan)

    modes = {stat.S_IMODE(p.stat().st_mode) for p in pack.rglob("*") if p.is_file()}
    assert modes == {0o600}
    assert stat.S_IMODE(pack.stat().st_mode) == 0o700


def test_intact_pack_verifies_clean(tmp_path: Path, scan: ScanResult) -> None:
    pack = tmp_path / "evidence"
    write_evidence(pack, scan, created_at=datetime(2024, 3, 1, 11, 0, tzinfo=UTC))

    assert verify_evidence(pack) == []
    assert _manifest(pack)["created_at"] == "2024-03-01T11:00:00Z"


def test_changed_raw_file_is_detected(tmp_path: Path, scan: ScanResult) -> None:
    pack = tmp_path / "evidence"
    write_evidence(pack, scan)
    entry = next(c for c in _manifest(pack)["commands"] if c["command"] == DUMPSYS_PACKAGE)
    target = pack / entry["file"]
    target.write_bytes(target.read_bytes().replace(b"com.example.tracker", b"com.example.trackex"))

    problems = verify_evidence(pack)

    assert problems == [f"{entry['file']} has changed: its SHA-256 does not match the manifest."]


def test_removed_file_is_detected(tmp_path: Path, scan: ScanResult) -> None:
    pack = tmp_path / "evidence"
    write_evidence(pack, scan)
    (pack / "report.json").unlink()

    problems = verify_evidence(pack)

    assert problems == ["report.json is listed in the manifest but missing from the folder."]


def test_file_removed_from_folder_and_manifest_breaks_the_chain(
    tmp_path: Path, scan: ScanResult
) -> None:
    pack = tmp_path / "evidence"
    write_evidence(pack, scan)
    manifest = _manifest(pack)
    gone = manifest["files"].pop(2)
    (pack / gone["path"]).unlink()
    _rewrite_manifest(pack, manifest)

    problems = verify_evidence(pack)

    assert any("hash chain breaks at entry 3" in p for p in problems)


def test_reordered_manifest_is_detected(tmp_path: Path, scan: ScanResult) -> None:
    pack = tmp_path / "evidence"
    write_evidence(pack, scan)
    manifest = _manifest(pack)
    files = manifest["files"]
    files[1], files[2] = files[2], files[1]
    _rewrite_manifest(pack, manifest)

    problems = verify_evidence(pack)

    assert any("hash chain breaks at entry 2" in p for p in problems)


def test_added_file_is_detected(tmp_path: Path, scan: ScanResult) -> None:
    pack = tmp_path / "evidence"
    write_evidence(pack, scan)
    (pack / "raw" / "99-planted.txt").write_bytes(b"planted\n")

    assert verify_evidence(pack) == [
        "raw/99-planted.txt is in the folder but not listed in the manifest."
    ]


def test_manifest_path_outside_the_pack_is_refused(tmp_path: Path, scan: ScanResult) -> None:
    pack = tmp_path / "evidence"
    write_evidence(pack, scan)
    manifest = _manifest(pack)
    manifest["files"][0]["path"] = "../outside.json"
    _rewrite_manifest(pack, manifest)

    problems = verify_evidence(pack)

    assert any("outside the pack" in p for p in problems)


def test_signed_pack_verifies_with_its_public_key(tmp_path: Path, scan: ScanResult) -> None:
    key_info = generate_evidence_key(tmp_path / "keys" / "advocate.key")
    pack = tmp_path / "evidence"

    written = write_evidence(pack, scan, signing_key=load_signing_key(key_info.private_path))

    assert stat.S_IMODE(key_info.private_path.stat().st_mode) == 0o600
    assert written.signed_by == key_info.fingerprint
    assert _manifest(pack)["signature"]["public_key_sha256"] == key_info.fingerprint
    assert (pack / "manifest.sig").exists()
    assert verify_evidence(pack, load_public_key(key_info.public_path)) == []
    assert verify_evidence(pack) == []


def test_bad_signature_is_detected(tmp_path: Path, scan: ScanResult) -> None:
    key_info = generate_evidence_key(tmp_path / "advocate.key")
    pack = tmp_path / "evidence"
    write_evidence(pack, scan, signing_key=load_signing_key(key_info.private_path))
    sig = bytearray((pack / "manifest.sig").read_bytes())
    sig[5] ^= 0x01
    (pack / "manifest.sig").write_bytes(bytes(sig))

    problems = verify_evidence(pack, load_public_key(key_info.public_path))

    assert len(problems) == 1
    assert "signature does not match" in problems[0]


def test_manifest_edit_that_keeps_the_chain_is_caught_by_the_signature(
    tmp_path: Path, scan: ScanResult
) -> None:
    key_info = generate_evidence_key(tmp_path / "advocate.key")
    pack = tmp_path / "evidence"
    write_evidence(pack, scan, signing_key=load_signing_key(key_info.private_path))
    manifest = _manifest(pack)
    manifest["device"]["serial"] = "SOMEONE-ELSES-PHONE"
    _rewrite_manifest(pack, manifest)

    problems = verify_evidence(pack, load_public_key(key_info.public_path))

    assert problems == [
        "The signature does not match manifest.json: the manifest or the signature was "
        "changed after signing."
    ]


def test_pack_signed_by_another_key_is_reported(tmp_path: Path, scan: ScanResult) -> None:
    signer = generate_evidence_key(tmp_path / "signer.key")
    expected = generate_evidence_key(tmp_path / "expected.key")
    pack = tmp_path / "evidence"
    write_evidence(pack, scan, signing_key=load_signing_key(signer.private_path))

    problems = verify_evidence(pack, load_public_key(expected.public_path))

    assert any("signed with a different key" in p for p in problems)
    assert any("signature does not match" in p for p in problems)


def test_unsigned_pack_fails_when_a_signature_is_expected(tmp_path: Path, scan: ScanResult) -> None:
    key_info = generate_evidence_key(tmp_path / "advocate.key")
    pack = tmp_path / "evidence"
    write_evidence(pack, scan)

    assert verify_evidence(pack, load_public_key(key_info.public_path)) == [
        "The pack is not signed, but a signature by the given key was expected."
    ]


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

    assert verify_evidence(pack) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evidence"]


def test_missing_manifest_is_reported(tmp_path: Path) -> None:
    problems = verify_evidence(tmp_path)

    assert len(problems) == 1
    assert "manifest.json is missing" in problems[0]


def test_pack_from_a_saved_case_scan_matches_the_pack_from_the_live_scan(
    tmp_path: Path, scan: ScanResult
) -> None:
    case_path = tmp_path / "case.phc"
    save_scan(case_path, scan, PASSPHRASE, scrypt=FAST_SCRYPT)
    record = load_case(case_path, PASSPHRASE).scans[0]
    fixed = datetime(2024, 3, 1, 11, 0, tzinfo=UTC)

    live = write_evidence(tmp_path / "live", scan, created_at=fixed)
    saved = write_evidence(tmp_path / "saved", record, created_at=fixed)

    assert verify_evidence(saved.directory) == []
    assert saved.chain_head == live.chain_head
    assert saved.manifest_sha256 == live.manifest_sha256
