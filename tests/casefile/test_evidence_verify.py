"""Checking an evidence pack: each kind of tampering fails with its own plain sentence.

The attacker helpers below rebuild hashes, the chain and signatures from the rule written
in the manifest, with hashlib and the cryptography library directly, not with our code.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.casefile import (
    Outcome,
    Topic,
    VerificationResult,
    generate_evidence_key,
    load_public_key,
    load_signing_key,
    load_trusted_keys,
    verify_evidence,
    write_evidence,
)
from scanner.commands import DUMPSYS_PACKAGE
from scanner.model import ScanResult

CHANGED = "{rel} has changed since the pack was made: its SHA-256 does not match the manifest."
BAD_SIGNATURE = (
    "The signature does not match manifest.json: the manifest or the signature was changed "
    "after signing, or it was signed by a key that is neither named in the manifest nor one "
    "you gave."
)
UNTRUSTED = (
    "The pack is signed, but by a key you have not said you trust (key {key_id}). Anyone "
    "can make a key and sign a changed pack with it: give the public key of the person who "
    "made the pack to check it was them."
)


@dataclass(frozen=True)
class Signed:
    pack: Path
    public_key: Ed25519PublicKey
    public_path: Path
    fingerprint: str
    """Computed here from the raw public key bytes, independently of our code."""


@pytest.fixture
def signed(tmp_path: Path, scan: ScanResult) -> Signed:
    key_info = generate_evidence_key(tmp_path / "keys" / "advocate.key")
    pack = tmp_path / "evidence"
    write_evidence(pack, scan, signing_key=load_signing_key(key_info.private_path))
    public = load_public_key(key_info.public_path)
    return Signed(pack, public, key_info.public_path, _fingerprint(public))


@pytest.fixture
def unsigned(tmp_path: Path, scan: ScanResult) -> Path:
    pack = tmp_path / "evidence"
    write_evidence(pack, scan)
    return pack


def _fingerprint(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def _manifest(pack: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((pack / "manifest.json").read_text("utf-8"))
    return data


def _write_manifest(pack: Path, manifest: dict[str, Any]) -> bytes:
    data = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    (pack / "manifest.json").write_bytes(data)
    return data


def _package_dump(pack: Path) -> str:
    return next(c["file"] for c in _manifest(pack)["commands"] if c["command"] == DUMPSYS_PACKAGE)


def _rehash(pack: Path, manifest: dict[str, Any]) -> None:
    """What a forger does: new hashes for every file and a new chain, by the manifest's rule."""
    link = hashlib.sha256(b"phone-check evidence chain v1").digest()
    for entry in manifest["files"]:
        data = (pack / entry["path"]).read_bytes()
        digest = hashlib.sha256(data).digest()
        entry["sha256"], entry["size_bytes"] = digest.hex(), len(data)
        link = hashlib.sha256(link + digest + entry["path"].encode("utf-8")).digest()
        entry["chain"] = link.hex()
    manifest["chain"]["head"] = link.hex()


def _resign(pack: Path, manifest: dict[str, Any], key: Ed25519PrivateKey) -> None:
    """Embed ``key``'s public half in the manifest and sign it, as a forger would."""
    public = key.public_key()
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    manifest["signature"]["public_key"] = base64.b64encode(raw).decode("ascii")
    manifest["signature"]["public_key_sha256"] = hashlib.sha256(raw).hexdigest()
    (pack / "manifest.sig").write_bytes(key.sign(_write_manifest(pack, manifest)))


def _plant_tracker_rename(pack: Path) -> str:
    rel = _package_dump(pack)
    target = pack / rel
    target.write_bytes(target.read_bytes().replace(b"com.example.tracker", b"com.example.trackex"))
    return rel


def _sentences(result: VerificationResult, topic: Topic) -> list[str]:
    return [c.sentence for c in result.checks if c.topic is topic]


def _outcomes(result: VerificationResult) -> dict[Topic, set[Outcome]]:
    found: dict[Topic, set[Outcome]] = {}
    for check in result.checks:
        found.setdefault(check.topic, set()).add(check.outcome)
    return found


# --- intact packs --------------------------------------------------------------------------


def test_signed_pack_passes_with_the_given_key_and_names_it(signed: Signed) -> None:
    result = verify_evidence(signed.pack, key=signed.public_key)

    assert result.ok
    assert result.signed_by_a_named_key
    assert result.signer is not None
    assert result.signer.fingerprint == signed.fingerprint
    assert result.signer.key_id == signed.fingerprint[:16]
    assert result.signer.trusted_as == "given"
    file_count = len(_manifest(signed.pack)["files"])
    assert _sentences(result, Topic.FILES) == [
        f"All {file_count} files listed in the manifest are present, each one's SHA-256 "
        "matches, and there are no other files."
    ]
    head = _manifest(signed.pack)["chain"]["head"]
    assert _sentences(result, Topic.CHAIN) == [
        f"The hash chain is intact from the first file to the last (head {head})."
    ]
    assert _sentences(result, Topic.SIGNATURE) == [
        f"The signature on manifest.json is valid: it was made by key {signed.fingerprint[:16]} "
        f"(fingerprint {signed.fingerprint})."
    ]
    assert _sentences(result, Topic.TRUST) == ["That key is the key you gave."]
    assert _sentences(result, Topic.HANDOVERS) == ["No handovers are recorded."]
    assert result.summary.startswith("The evidence pack verifies")


def test_signed_pack_passes_with_a_key_from_the_trusted_folder(
    signed: Signed, tmp_path: Path
) -> None:
    trusted = tmp_path / "trusted"
    trusted.mkdir()
    shutil.copy(signed.public_path, trusted / "advocate.pub")
    other = generate_evidence_key(tmp_path / "other.key")
    shutil.copy(other.public_path, trusted / "court.pub")

    result = verify_evidence(signed.pack, trusted_keys=load_trusted_keys(trusted))

    assert result.ok
    assert result.signer is not None
    assert result.signer.trusted_as == "trusted"
    assert _sentences(result, Topic.TRUST) == ["That key is one of the keys you trust."]


def test_signed_pack_fails_when_its_key_is_neither_given_nor_trusted(signed: Signed) -> None:
    result = verify_evidence(signed.pack)

    assert not result.ok
    assert result.problems == (UNTRUSTED.format(key_id=signed.fingerprint[:16]),)
    # The signature itself is sound; it is the key nobody vouched for that fails.
    assert _outcomes(result)[Topic.SIGNATURE] == {Outcome.PASSED}
    assert result.signer is not None
    assert result.signer.trusted_as is None
    assert result.summary == "The evidence pack does not verify: 1 problem."


def test_unsigned_pack_says_plainly_that_only_its_consistency_was_checked(
    unsigned: Path,
) -> None:
    result = verify_evidence(unsigned)

    assert result.ok
    assert not result.signed_by_a_named_key
    assert result.signer is None
    assert _outcomes(result)[Topic.SIGNATURE] == {Outcome.NOT_CHECKED}
    assert _sentences(result, Topic.SIGNATURE) == [
        "The pack is not signed. Only its own consistency was checked: someone who changed "
        "files and rewrote the manifest to match would not be caught."
    ]
    assert "not signed" in result.summary


def test_unsigned_pack_rewritten_to_match_is_not_caught_and_that_is_said(unsigned: Path) -> None:
    # The limit the sentence above states: without a signature a consistent rewrite passes.
    _plant_tracker_rename(unsigned)
    manifest = _manifest(unsigned)
    _rehash(unsigned, manifest)
    _write_manifest(unsigned, manifest)

    result = verify_evidence(unsigned)

    assert result.ok
    assert _outcomes(result)[Topic.SIGNATURE] == {Outcome.NOT_CHECKED}
    assert "does not show who made it" in result.summary


@pytest.mark.parametrize("how", ["given", "trusted"])
def test_unsigned_pack_fails_when_a_signature_was_asked_for(
    unsigned: Path, tmp_path: Path, how: str
) -> None:
    key = load_public_key(generate_evidence_key(tmp_path / "advocate.key").public_path)
    options: dict[str, Any] = {"key": key} if how == "given" else {"trusted_keys": [key]}

    result = verify_evidence(unsigned, **options)

    assert result.problems == (
        "The pack is not signed, but you asked for a signature by a key you gave or trust. "
        "Nothing shows who made this pack.",
    )


# --- tampering with a signed pack (checked with the right key given) ------------------------


def _edit_raw_output(pack: Path) -> tuple[str, ...]:
    return (CHANGED.format(rel=_plant_tracker_rename(pack)),)


def _edit_report(pack: Path) -> tuple[str, ...]:
    report = pack / "report.json"
    report.write_bytes(report.read_bytes().replace(b"Pixel 8", b"Pixel 9", 1))
    return (CHANGED.format(rel="report.json"),)


def _delete_raw_output(pack: Path) -> tuple[str, ...]:
    rel = _package_dump(pack)
    (pack / rel).unlink()
    return (f"{rel} is listed in the manifest but missing from the folder.",)


def _add_file(pack: Path) -> tuple[str, ...]:
    (pack / "raw" / "99-planted.txt").write_bytes(b"package:com.example.planted\n")
    return ("raw/99-planted.txt is in the folder but not listed in the manifest.",)


def _swap_entries(pack: Path) -> tuple[str, ...]:
    manifest = _manifest(pack)
    files = manifest["files"]
    files[1], files[2] = files[2], files[1]
    _write_manifest(pack, manifest)
    return (
        f"The hash chain breaks at entry 2 ({files[1]['path']}): files were removed, added, "
        "renamed or reordered, or the chain was edited.",
        BAD_SIGNATURE,
    )


def _edit_chain_link(pack: Path) -> tuple[str, ...]:
    manifest = _manifest(pack)
    manifest["files"][3]["chain"] = "00" * 32
    _write_manifest(pack, manifest)
    return (
        f"The hash chain breaks at entry 4 ({manifest['files'][3]['path']}): files were "
        "removed, added, renamed or reordered, or the chain was edited.",
        BAD_SIGNATURE,
    )


def _edit_chain_head(pack: Path) -> tuple[str, ...]:
    manifest = _manifest(pack)
    manifest["chain"]["head"] = "ab" * 32
    _write_manifest(pack, manifest)
    return (
        "The hash chain's recorded head does not match its last link: the manifest's chain "
        "was edited.",
        BAD_SIGNATURE,
    )


def _drop_file_from_folder_and_manifest(pack: Path) -> tuple[str, ...]:
    manifest = _manifest(pack)
    gone = manifest["files"].pop(2)
    (pack / gone["path"]).unlink()
    _write_manifest(pack, manifest)
    return (
        f"The hash chain breaks at entry 3 ({manifest['files'][2]['path']}): files were "
        "removed, added, renamed or reordered, or the chain was edited.",
        BAD_SIGNATURE,
    )


def _edit_device_serial(pack: Path) -> tuple[str, ...]:
    manifest = _manifest(pack)
    manifest["device"]["serial"] = "SOMEONE-ELSES-PHONE"
    _write_manifest(pack, manifest)
    return (BAD_SIGNATURE,)


def _flip_signature_byte(pack: Path) -> tuple[str, ...]:
    sig = bytearray((pack / "manifest.sig").read_bytes())
    sig[5] ^= 0x01
    (pack / "manifest.sig").write_bytes(bytes(sig))
    return (BAD_SIGNATURE,)


def _replace_signature(pack: Path) -> tuple[str, ...]:
    # A valid signature over the very same bytes, but by a key no one named or embedded.
    intruder = Ed25519PrivateKey.generate()
    (pack / "manifest.sig").write_bytes(intruder.sign((pack / "manifest.json").read_bytes()))
    return (BAD_SIGNATURE,)


def _delete_signature_file(pack: Path) -> tuple[str, ...]:
    (pack / "manifest.sig").unlink()
    return (
        "The manifest says the pack is signed, but manifest.sig is missing, so the signature "
        "could not be checked.",
    )


def _strip_signature(pack: Path) -> tuple[str, ...]:
    manifest = _manifest(pack)
    manifest["signature"] = None
    _write_manifest(pack, manifest)
    (pack / "manifest.sig").unlink()
    return (
        "The pack is not signed, but you asked for a signature by a key you gave or trust. "
        "Nothing shows who made this pack.",
    )


def _strip_signature_details_only(pack: Path) -> tuple[str, ...]:
    manifest = _manifest(pack)
    manifest["signature"] = None
    _write_manifest(pack, manifest)
    return (
        "manifest.sig is present, but the manifest does not say the pack is signed: the "
        "manifest may have been rewritten to drop its signature.",
    )


def _resign_with_another_key(pack: Path) -> tuple[str, ...]:
    _plant_tracker_rename(pack)
    manifest = _manifest(pack)
    _rehash(pack, manifest)
    forger = Ed25519PrivateKey.generate()
    _resign(pack, manifest, forger)
    return (UNTRUSTED.format(key_id=_fingerprint(forger.public_key())[:16]),)


def _truncate_manifest(pack: Path) -> tuple[str, ...]:
    data = (pack / "manifest.json").read_bytes()
    (pack / "manifest.json").write_bytes(data[: len(data) // 2])
    return (
        "manifest.json is cut short or damaged (it is not valid JSON), so nothing else could "
        "be checked.",
    )


def _delete_manifest(pack: Path) -> tuple[str, ...]:
    (pack / "manifest.json").unlink()
    return ("manifest.json is missing or cannot be read, so nothing was checked.",)


def _path_outside_the_pack(pack: Path) -> tuple[str, ...]:
    manifest = _manifest(pack)
    manifest["files"][0]["path"] = "../outside.json"
    _write_manifest(pack, manifest)
    return (
        "Manifest entry 1 names a path outside the pack: '../outside.json'.",
        "report.json is in the folder but not listed in the manifest.",
        "The hash chain breaks at entry 1 (../outside.json): files were removed, added, "
        "renamed or reordered, or the chain was edited.",
        BAD_SIGNATURE,
    )


def _nul_in_a_path(pack: Path) -> tuple[str, ...]:
    manifest = _manifest(pack)
    manifest["files"][0]["path"] = "report\0.json"
    _write_manifest(pack, manifest)
    return (
        "Manifest entry 1 names a path outside the pack: 'report\\x00.json'.",
        "report.json is in the folder but not listed in the manifest.",
        "The hash chain breaks at entry 1 (report\0.json): files were removed, added, "
        "renamed or reordered, or the chain was edited.",
        BAD_SIGNATURE,
    )


TAMPERING: dict[str, Callable[[Path], tuple[str, ...]]] = {
    "edit a raw output": _edit_raw_output,
    "edit the report": _edit_report,
    "delete a raw output": _delete_raw_output,
    "add a file": _add_file,
    "reorder the chain": _swap_entries,
    "edit a chain link": _edit_chain_link,
    "edit the chain head": _edit_chain_head,
    "remove a file from folder and manifest": _drop_file_from_folder_and_manifest,
    "edit the manifest's device": _edit_device_serial,
    "flip a signature byte": _flip_signature_byte,
    "replace the signature": _replace_signature,
    "delete the signature file": _delete_signature_file,
    "strip the signature": _strip_signature,
    "strip only the signature details": _strip_signature_details_only,
    "re-sign with another key and embed it": _resign_with_another_key,
    "truncate the manifest": _truncate_manifest,
    "delete the manifest": _delete_manifest,
    "point an entry outside the pack": _path_outside_the_pack,
    "put a NUL in a path": _nul_in_a_path,
}


@pytest.mark.parametrize("tamper", TAMPERING.values(), ids=TAMPERING.keys())
def test_tampering_fails_with_its_plain_sentence(
    signed: Signed, tamper: Callable[[Path], tuple[str, ...]]
) -> None:
    assert verify_evidence(signed.pack, key=signed.public_key).ok  # intact before

    expected = tamper(signed.pack)
    result = verify_evidence(signed.pack, key=signed.public_key)

    assert not result.ok
    assert result.problems == expected
    assert result.summary.startswith("The evidence pack does not verify")


def test_resigned_pack_fails_with_the_real_key_trusted_too(signed: Signed) -> None:
    # Trusting the real signer must not let a pack signed by someone else through.
    expected = _resign_with_another_key(signed.pack)

    result = verify_evidence(signed.pack, trusted_keys=[signed.public_key])

    assert result.problems == expected
    assert result.signer is not None
    assert result.signer.fingerprint != signed.fingerprint
    # Files and chain were made consistent by the forger: only the key gives it away.
    assert _outcomes(result)[Topic.FILES] == {Outcome.PASSED}
    assert _outcomes(result)[Topic.CHAIN] == {Outcome.PASSED}


def test_resigned_pack_passes_only_for_whoever_trusts_the_forgers_key(signed: Signed) -> None:
    # The same forged pack, checked by someone who does hold the forger's key: it is theirs.
    _plant_tracker_rename(signed.pack)
    manifest = _manifest(signed.pack)
    _rehash(signed.pack, manifest)
    forger = Ed25519PrivateKey.generate()
    _resign(signed.pack, manifest, forger)

    assert verify_evidence(signed.pack, key=forger.public_key()).ok
    assert not verify_evidence(signed.pack, key=signed.public_key).ok


# --- whatever is in the folder, verification answers in sentences, never a traceback -------

_JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=20),
    st.sampled_from(["report.json", "raw/../../x", "a\0b", "/etc/passwd", "00" * 32, "sha256"]),
)
_JSON = st.recursive(
    _JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(
                ["path", "sha256", "size_bytes", "chain", "head", "public_key", "files", "x"]
            ),
            inner,
            max_size=5,
        ),
    ),
    max_leaves=12,
)
ORIGINALS: dict[Path, bytes] = {}
"""Each pack's manifest as written, keyed by folder (hypothesis reuses one fixture)."""
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(
    files=st.one_of(_JSON, st.lists(_JSON, max_size=4)),
    chain=_JSON,
    signature=_JSON,
)
def test_any_manifest_content_gives_sentences_not_a_traceback(
    signed: Signed, files: Any, chain: Any, signature: Any
) -> None:
    original = ORIGINALS.setdefault(signed.pack, (signed.pack / "manifest.json").read_bytes())
    manifest = json.loads(original)
    manifest.update(files=files, chain=chain, signature=signature)
    _write_manifest(signed.pack, manifest)

    result = verify_evidence(signed.pack, key=signed.public_key)

    assert not result.ok
    assert all(isinstance(c.sentence, str) and c.sentence for c in result.checks)


@FUZZ
@given(data=st.binary(max_size=600))
def test_any_manifest_or_handover_bytes_give_sentences_not_a_traceback(
    signed: Signed, data: bytes
) -> None:
    # The fixture is shared by every example: start each from the pack as it was written.
    original = ORIGINALS.setdefault(signed.pack, (signed.pack / "manifest.json").read_bytes())
    (signed.pack / "manifest.json").write_bytes(original)
    (signed.pack / "handovers.jsonl").write_bytes(data)
    handovers = verify_evidence(signed.pack, key=signed.public_key)
    (signed.pack / "manifest.json").write_bytes(data)
    manifest = verify_evidence(signed.pack, key=signed.public_key)

    assert not manifest.ok
    for result in (handovers, manifest):
        assert all(isinstance(c.sentence, str) and c.sentence for c in result.checks)
