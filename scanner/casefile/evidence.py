"""The evidence pack: a folder a survivor can hand to the police or a court.

It is a plain folder (not a zip), so anyone can open the files with ordinary tools::

    report.json          the JSON report of the scan
    case.json            who examined the phone, where, the case reference, who was
                         present and what the survivor agreed may be recorded
    summary.html         a printable summary: the HTML report, case details, what the
                         examination did to the phone, the timeline, how to check the pack
    raw/01-getprop.txt   each command's output, byte for byte as the phone sent it
    apks/01-<package>.apk  whole APKs of the apps with a finding of review or above, most
                         serious first, within a stated size budget (``evidence_apks.py``);
                         the manifest's ``apks`` lists every app chosen, and why any is
                         not in the pack
    manifest.json        every file with its size and SHA-256, device identifiers,
                         scan times (UTC), tool name/version, the case details, the
                         examination steps, the timeline, and a hash chain
    manifest.sig         optional Ed25519 signature over the exact bytes of manifest.json
    handovers.jsonl      optional: who received the pack and when (``handover.py``)

Hash chain (so removing, reordering, renaming or changing any file is evident)::

    link_0 = SHA-256("phone-check evidence chain v1")
    link_i = SHA-256(link_(i-1) || SHA-256(file_i) || UTF-8(path_i))   (raw 32-byte digests)

Each manifest entry records its ``chain`` link; the last one is the chain ``head``.
Without a signature, someone who rewrites every file and the manifest together is not
caught; a signature closes that gap only when it is checked against a key the checker
already trusts (``verify.py``): the key written in the manifest is just a claim. The pack
is NOT encrypted: it is for handing over. Its folder is 0700 and its files 0600.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from scanner import TOOL_NAME, __version__
from scanner.casefile.case_details import CaseDetails
from scanner.casefile.casefile import ScanRecord, as_record
from scanner.casefile.examiner import examiner_steps
from scanner.errors import EvidenceError
from scanner.model import ScanResult
from scanner.private_files import (
    make_missing_parents,
    make_private_dir,
    make_private_temp_dir,
    write_private_file,
)

EVIDENCE_FORMAT = "phone-check-evidence"
EVIDENCE_FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
REPORT = "report.json"
CASE = "case.json"
RAW_DIR = "raw"
APK_DIR = "apks"
_PACKAGE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)+")
CHAIN_GENESIS = hashlib.sha256(b"phone-check evidence chain v1").digest()

_DEVICE_KEYS = (
    "manufacturer",
    "brand",
    "model",
    "device",
    "serial",
    "fingerprint",
    "android_version",
    "sdk",
    "security_patch",
    "connection",
)


@dataclass(frozen=True, slots=True)
class EvidencePack:
    """What ``write_evidence`` wrote."""

    directory: Path
    files: tuple[str, ...]
    """Paths (relative, ``/``-separated) of every file listed in the manifest, in order."""
    chain_head: str
    """Hex SHA-256 of the last link of the hash chain."""
    manifest_sha256: str
    signed_by: str | None = None
    """Hex SHA-256 fingerprint of the signing public key, None when unsigned."""


@dataclass(frozen=True, slots=True)
class EvidenceKey:
    """A newly generated signing key pair."""

    private_path: Path
    public_path: Path
    fingerprint: str
    """Hex SHA-256 of the raw 32-byte public key; note it down somewhere separate."""


def chain_link(previous: bytes, file_sha256: bytes, path: str) -> bytes:
    """One link of the evidence hash chain (see the module docstring)."""
    return hashlib.sha256(previous + file_sha256 + path.encode("utf-8")).digest()


def key_fingerprint(public_key: Ed25519PublicKey) -> str:
    """Hex SHA-256 of the raw public key bytes."""
    return hashlib.sha256(_raw_public(public_key)).hexdigest()


def key_id(fingerprint: str) -> str:
    """The short name of a key: the first 16 hex digits of its fingerprint."""
    return fingerprint[:16]


def generate_evidence_key(
    path: str | os.PathLike[str], passphrase: str | None = None
) -> EvidenceKey:
    """Create an Ed25519 key: private PEM at ``path``, public PEM at ``path.pub``, both 0600.

    Refuses to overwrite an existing file. With ``passphrase`` the private key is
    encrypted with it.
    """
    private_path = Path(path)
    public_path = private_path.with_name(private_path.name + ".pub")
    key = Ed25519PrivateKey.generate()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
        if passphrase
        else serialization.NoEncryption()
    )
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    for existing in (private_path, public_path):
        if existing.exists():
            raise EvidenceError.said("casefile.exists_not_replaced", path=existing)
    try:
        make_missing_parents(private_path)
    except OSError as exc:
        raise EvidenceError.said("casefile.folder_not_made", str(exc), path=private_path) from exc
    _write_new(private_path, private_pem)
    try:
        _write_new(public_path, public_pem)
    except EvidenceError:
        private_path.unlink(missing_ok=True)
        raise
    return EvidenceKey(private_path, public_path, key_fingerprint(key.public_key()))


def load_signing_key(
    path: str | os.PathLike[str], passphrase: str | None = None
) -> Ed25519PrivateKey:
    """Read a private key written by ``generate_evidence_key``."""
    data = _read_key_file(Path(path))
    try:
        key = serialization.load_pem_private_key(
            data, passphrase.encode("utf-8") if passphrase else None
        )
    except (ValueError, TypeError) as exc:
        raise EvidenceError.said("casefile.key_unusable", str(exc), path=path) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise EvidenceError.said("casefile.key_not_ed25519", type(key).__name__, path=path)
    return key


def load_public_key(path: str | os.PathLike[str]) -> Ed25519PublicKey:
    """Read a public key (``.pub`` PEM) to check an evidence pack's signature."""
    data = _read_key_file(Path(path))
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError as exc:
        raise EvidenceError.said("casefile.public_key_unusable", str(exc), path=path) from exc
    if not isinstance(key, Ed25519PublicKey):
        raise EvidenceError.said("casefile.public_key_not_ed25519", type(key).__name__, path=path)
    return key


def write_evidence(
    directory: str | os.PathLike[str],
    scan: ScanResult | ScanRecord,
    *,
    signing_key: Ed25519PrivateKey | None = None,
    created_at: datetime | None = None,
    case: CaseDetails | None = None,
    lang: str = "en",
) -> EvidencePack:
    """Write an evidence pack for one scan into ``directory`` (new, or an empty folder).

    The pack is built in a private temporary folder beside ``directory`` and renamed into
    place at the end, so a failure never leaves half a pack under the chosen name.
    ``case``: who examined the phone, where, and what the survivor agreed may be recorded
    (recorded as not given when None). A ``ScanResult`` also gets a printable summary.
    """
    record = as_record(scan)
    result = scan if isinstance(scan, ScanResult) else None
    target = Path(directory)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise EvidenceError.said("casefile.evidence_folder_in_use", path=target)
    try:
        make_missing_parents(target)
        staging = make_private_temp_dir(target.parent, prefix=f".{target.name}.")
    except OSError as exc:
        raise EvidenceError.said(
            "casefile.evidence_folder_not_made", str(exc), path=target
        ) from exc
    try:
        pack = _fill(
            staging,
            record,
            signing_key,
            created_at or datetime.now(UTC),
            case or CaseDetails(),
            result,
            lang,
        )
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise EvidenceError.said(
            "casefile.evidence_not_written", f"{type(exc).__name__}: {exc}", path=target
        ) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return EvidencePack(target, pack.files, pack.chain_head, pack.manifest_sha256, pack.signed_by)


def _fill(
    root: Path,
    record: ScanRecord,
    signing_key: Ed25519PrivateKey | None,
    created_at: datetime,
    case: CaseDetails,
    result: ScanResult | None,
    lang: str = "en",
) -> EvidencePack:
    make_private_dir(root / RAW_DIR)
    contents: list[tuple[str, bytes]] = []
    commands: list[dict[str, Any]] = []
    for number, output in enumerate(record.capture.results, start=1):
        file_path: str | None = None
        if output.output is not None:
            file_path = f"{RAW_DIR}/{number:02d}-{_slug(output.command)}.txt"
            contents.append((file_path, output.output))
        commands.append(
            {
                "command": output.command,
                "file": file_path,
                "error": output.error,
                "truncated": output.truncated,
                "duration_s": round(output.duration_s, 3),
            }
        )

    apks, apk_files = _apk_entries(result)
    signed_by = key_fingerprint(signing_key.public_key()) if signing_key is not None else None
    head: list[tuple[str, bytes]] = [
        (REPORT, _json_bytes(record.report)),
        # Also in the manifest; as a chained file too, so editing either copy shows.
        (CASE, _json_bytes(case.as_manifest())),
    ]
    if result is not None:
        from scanner.casefile.summary import SUMMARY, render_summary

        raw = [(rel, hashlib.sha256(data).hexdigest()) for rel, data in contents]
        page = render_summary(
            result, case, raw_files=raw, created_at=created_at, signer=signed_by, lang=lang
        )
        head.append((SUMMARY, page.encode("utf-8")))
    contents = head + contents + apk_files
    if apk_files:
        make_private_dir(root / APK_DIR)

    entries: list[dict[str, Any]] = []
    link = CHAIN_GENESIS
    for rel, data in contents:
        _write_new(root / rel, data)
        digest = hashlib.sha256(data).digest()
        link = chain_link(link, digest, rel)
        entries.append(
            {"path": rel, "size_bytes": len(data), "sha256": digest.hex(), "chain": link.hex()}
        )

    device = record.report.get("device")
    device_map: Mapping[str, Any] = device if isinstance(device, dict) else {}
    manifest: dict[str, Any] = {
        "format": EVIDENCE_FORMAT,
        "format_version": EVIDENCE_FORMAT_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "created_at": utc_iso(created_at),
        "scan": {
            "started_at": utc_iso(record.started_at),
            "finished_at": utc_iso(record.finished_at),
        },
        "device": {key: device_map.get(key) for key in _DEVICE_KEYS},
        "case": case.as_manifest(),
        "examination": list(examiner_steps(result)) if result is not None else None,
        "timeline": _timeline(result),
        "commands": commands,
        "apks": apks,
        "files": entries,
        "chain": {
            "algorithm": "sha256",
            "rule": "link_0 = sha256('phone-check evidence chain v1'); "
            "link_i = sha256(link_(i-1) + sha256(file_i) + utf8(path_i)), raw digests",
            "genesis": CHAIN_GENESIS.hex(),
            "head": link.hex(),
        },
        "signature": None,
    }
    if signing_key is not None:
        public = signing_key.public_key()
        manifest["signature"] = {
            "algorithm": "Ed25519",
            "file": SIGNATURE,
            "signs": MANIFEST,
            "public_key": base64.b64encode(_raw_public(public)).decode("ascii"),
            "public_key_sha256": signed_by,
        }
    manifest_bytes = _json_bytes(manifest)
    _write_new(root / MANIFEST, manifest_bytes)
    if signing_key is not None:
        _write_new(root / SIGNATURE, signing_key.sign(manifest_bytes))
    _fsync_path(root / RAW_DIR)
    _fsync_path(root)
    return EvidencePack(
        root,
        tuple(e["path"] for e in entries),
        link.hex(),
        hashlib.sha256(manifest_bytes).hexdigest(),
        signed_by,
    )


def _apk_entries(
    result: ScanResult | None,
) -> tuple[dict[str, Any] | None, list[tuple[str, bytes]]]:
    """The manifest's ``apks`` section and the APK files to write (path, bytes)."""
    if result is None:
        return None, []
    from scanner.evidence_apks import BUDGET_BYTES

    listed: list[dict[str, Any]] = []
    files: list[tuple[str, bytes]] = []
    for apk in result.evidence_apks:
        file_path = None
        if apk.data is not None:
            # Package ids come from the phone: only a plain one goes into a file name.
            name = apk.package if _PACKAGE_NAME.fullmatch(apk.package) else "app"
            file_path = f"{APK_DIR}/{len(files) + 1:02d}-{name[:150]}.apk"
            files.append((file_path, apk.data))
        listed.append(
            {
                "package": apk.package,
                "device_path": apk.path,
                "why_chosen": apk.why_chosen,
                "file": file_path,
                "size_bytes": len(apk.data) if apk.data is not None else None,
                "sha256": apk.sha256 or None,
                "sha256_in_scan": apk.phone_sha256 or None,
                "not_pulled": apk.not_pulled or None,
            }
        )
    return {
        "rule": "whole APKs of every app with a finding of review or above, most serious "
        "first, until the budget is used",
        "budget_bytes": BUDGET_BYTES,
        "apps": listed,
    }, files


def _timeline(result: ScanResult | None) -> dict[str, Any] | None:
    """The timeline as data, so it is covered by the signature as well as shown."""
    if result is None:
        return None
    from scanner.report.timeline import build_timeline

    timeline = build_timeline(result)
    return {
        "phone_time_zone": timeline.zone or None,
        "phone_clock": timeline.clock,
        "events": [
            {
                "package": e.package,
                "what": e.what,
                "phone_time": e.when.phone.isoformat() if e.when else None,
                "utc": utc_iso(e.when.utc) if e.when and e.when.utc else None,
                "until_phone_time": e.until.phone.isoformat() if e.until else None,
                "installed": e.installer or None,
                "why": e.why,
                "source": e.source,
            }
            for e in timeline.events
        ],
    }


def utc_iso(value: datetime) -> str:
    """ISO 8601 in UTC with a ``Z`` (naive times are taken to be UTC already)."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _slug(command: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", command.lower()).strip("-")[:60] or "command"


def _json_bytes(data: Mapping[str, Any]) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n").encode("utf-8")


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _read_key_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise EvidenceError.said("casefile.key_file_unreadable", str(exc), path=path) from exc


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` as a new 0600 file (never replacing one) holding ``data``, fsynced."""
    try:
        write_private_file(path, data)
    except FileExistsError as exc:
        raise EvidenceError.said("casefile.exists_not_replaced", path=path) from exc
    except OSError as exc:
        raise EvidenceError.said("casefile.not_written", str(exc), path=path) from exc


def _fsync_path(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
