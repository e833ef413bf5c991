"""Checking an evidence pack: what holds and what does not, each in one plain sentence.

A signature only says who made a pack when it is checked against a key the checker
already has: anyone who changes a pack can make a new key, write it into the manifest
and sign. So the key in the manifest is used only to name the signer; the pack passes
only when its signature verifies with the key given (``key``) or one of ``trusted_keys``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from scanner.casefile.evidence import (
    CASE,
    CHAIN_GENESIS,
    EVIDENCE_FORMAT,
    MANIFEST,
    SIGNATURE,
    chain_link,
    key_fingerprint,
    key_id,
    load_public_key,
)
from scanner.casefile.handover import HANDOVERS, Handover, parse_handovers, start_link


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_CHECKED = "not checked"
    """Nothing to check (an unsigned pack's signature): said plainly, never a pass."""


class Topic(StrEnum):
    MANIFEST = "manifest"
    FILES = "files"
    CHAIN = "chain"
    SIGNATURE = "signature"
    TRUST = "trust"
    HANDOVERS = "handovers"


@dataclass(frozen=True, slots=True)
class Check:
    """One thing that holds or does not."""

    topic: Topic
    outcome: Outcome
    sentence: str


@dataclass(frozen=True, slots=True)
class Signer:
    """The key whose signature is on the pack (checked to be valid)."""

    key_id: str
    fingerprint: str
    """Hex SHA-256 of the raw public key."""
    trusted_as: str | None
    """"given" or "trusted" when the key is one the checker named; None otherwise."""


@dataclass(frozen=True, slots=True)
class VerificationResult:
    directory: Path
    checks: tuple[Check, ...]
    signer: Signer | None
    """Who signed, when a signature verified (by a named key or only by its own key)."""
    handovers: tuple[Handover, ...]
    """Handover records that follow on from the manifest, in order."""
    latest_link: str | None
    """Hex chain link after the last handover (the chain head when there are none)."""

    @property
    def ok(self) -> bool:
        """True when nothing failed. An unsigned pack can be ok: ``signed`` says whether."""
        return all(c.outcome is not Outcome.FAILED for c in self.checks)

    @property
    def signed_by_a_named_key(self) -> bool:
        return self.ok and self.signer is not None and self.signer.trusted_as is not None

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(c.sentence for c in self.checks if c.outcome is Outcome.FAILED)

    @property
    def summary(self) -> str:
        if not self.ok:
            count = len(self.problems)
            return f"The evidence pack does not verify: {count} problem{'s' * (count != 1)}."
        if self.signed_by_a_named_key:
            return (
                "The evidence pack verifies: every file matches, the chain is intact, and it "
                "was signed by a key you named."
            )
        return (
            "The files match the manifest and the chain is intact, but the pack is not "
            "signed, so this does not show who made it or that the files and the manifest "
            "were not rewritten together."
        )


def load_trusted_keys(folder: str | os.PathLike[str]) -> tuple[Ed25519PublicKey, ...]:
    """Every ``*.pub`` public key in ``folder`` (none when the folder does not exist)."""
    root = Path(folder)
    if not root.is_dir():
        return ()
    return tuple(load_public_key(path) for path in sorted(root.glob("*.pub")))


def verify_evidence(
    directory: str | os.PathLike[str],
    trusted_keys: Iterable[Ed25519PublicKey] = (),
    key: Ed25519PublicKey | None = None,
) -> VerificationResult:
    """Check the pack in ``directory``: files and hashes, the chain, the signature, handovers.

    A signed pack passes only when its signature verifies with ``key`` (a key the user
    gave) or one of ``trusted_keys``; an unsigned pack fails when either was given.
    """
    root = Path(directory)
    named = ([(key, "given")] if key is not None else []) + [(k, "trusted") for k in trusted_keys]
    manifest_path = root / MANIFEST
    try:
        manifest_bytes = manifest_path.read_bytes()
    except OSError:
        return _stopped(root, f"{MANIFEST} is missing or cannot be read, so nothing was checked.")
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
    except ValueError:
        return _stopped(
            root,
            f"{MANIFEST} is cut short or damaged (it is not valid JSON), so nothing else "
            "could be checked.",
        )
    files, chain = _manifest_parts(manifest)
    if files is None or chain is None:
        return _stopped(
            root,
            f"{MANIFEST} is not a phone-check evidence manifest, or its list of files or its "
            "chain is missing, so nothing else could be checked.",
        )

    checks = _check_files(root, files)
    checks += _check_case(root, manifest)
    checks += _check_apks(manifest, files)
    chain_checks, head = _check_chain(files, chain)
    checks += chain_checks
    signature_checks, signer = _check_signature(root, manifest, manifest_bytes, named)
    checks += signature_checks
    handovers: tuple[Handover, ...] = ()
    latest = head.hex() if head is not None else None
    if head is not None:
        handover_check, handovers, latest = _check_handovers(root, head, manifest_bytes)
        checks.append(handover_check)
    elif (root / HANDOVERS).exists():
        sentence = "The handover records were not checked: the chain they continue is broken."
        checks.append(Check(Topic.HANDOVERS, Outcome.NOT_CHECKED, sentence))
    return VerificationResult(root, tuple(checks), signer, handovers, latest)


def _stopped(root: Path, sentence: str) -> VerificationResult:
    return VerificationResult(
        root, (Check(Topic.MANIFEST, Outcome.FAILED, sentence),), None, (), None
    )


def _manifest_parts(manifest: Any) -> tuple[list[Any] | None, Mapping[str, Any] | None]:
    if not isinstance(manifest, dict) or manifest.get("format") != EVIDENCE_FORMAT:
        return None, None
    files, chain = manifest.get("files"), manifest.get("chain")
    if not isinstance(files, list) or not isinstance(chain, dict):
        return None, None
    return files, chain


def _check_files(root: Path, files: Sequence[Any]) -> list[Check]:
    failed: list[str] = []
    listed = {MANIFEST, SIGNATURE, HANDOVERS}
    for index, entry in enumerate(files, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            failed.append(f"Manifest entry {index} is incomplete, so its file was not checked.")
            continue
        rel = entry["path"]
        listed.add(rel)
        if not _safe_relative(rel):
            failed.append(f"Manifest entry {index} names a path outside the pack: {rel!r}.")
            continue
        try:
            data = (root / rel).read_bytes()
        except OSError:
            failed.append(f"{rel} is listed in the manifest but missing from the folder.")
            continue
        if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            failed.append(
                f"{rel} has changed since the pack was made: its SHA-256 does not match the "
                "manifest."
            )
        elif entry.get("size_bytes") != len(data):
            failed.append(f"{rel}: the manifest gives a size that is not the file's size.")
    failed += [
        f"{extra} is in the folder but not listed in the manifest."
        for extra in sorted(_all_files(root) - listed)
    ]
    if failed:
        return [Check(Topic.FILES, Outcome.FAILED, sentence) for sentence in failed]
    count = len(files)
    return [
        Check(
            Topic.FILES,
            Outcome.PASSED,
            f"All {count} files listed in the manifest are present, each one's SHA-256 "
            "matches, and there are no other files.",
        )
    ]


def _check_case(root: Path, manifest: Mapping[str, Any]) -> list[Check]:
    """The case details in the manifest must equal the chained ``case.json`` (packs made
    before case details existed have neither)."""
    if "case" not in manifest and not (root / CASE).exists():
        return []
    try:
        held = json.loads((root / CASE).read_bytes().decode("utf-8"))
    except (OSError, ValueError):
        held = None
    if held is None or held != manifest.get("case"):
        sentence = (
            f"The case details in {MANIFEST} and in {CASE} differ (or one is missing): "
            "one of them was edited after the pack was made."
        )
        return [Check(Topic.MANIFEST, Outcome.FAILED, sentence)]
    sentence = f"The case details in {MANIFEST} are the same as in the chained {CASE}."
    return [Check(Topic.MANIFEST, Outcome.PASSED, sentence)]


def _check_apks(manifest: Mapping[str, Any], files: Sequence[Any]) -> list[Check]:
    """Each app file the manifest's ``apks`` names must be a chained file with the same
    SHA-256 (packs made before app files were kept have no ``apks``)."""
    section = manifest.get("apks")
    if section is None:
        return []
    apps = section.get("apps") if isinstance(section, dict) else None
    if not isinstance(apps, list):
        sentence = f"The list of app files in {MANIFEST} is damaged, so it was not checked."
        return [Check(Topic.MANIFEST, Outcome.FAILED, sentence)]
    chained = {
        entry["path"]: entry.get("sha256")
        for entry in files
        if isinstance(entry, dict) and isinstance(entry.get("path"), str)
    }
    failed = []
    held = 0
    for app in apps:
        rel = app.get("file") if isinstance(app, dict) else None
        if rel is None:
            if not (isinstance(app, dict) and app.get("not_pulled")):
                failed.append("An app in the list of app files has neither a file nor a reason.")
            continue
        held += 1
        if not isinstance(rel, str) or rel not in chained or chained[rel] != app.get("sha256"):
            failed.append(
                f"The app file {rel!r} is not one of the chained files with the SHA-256 the "
                "list of app files gives."
            )
    if failed:
        return [Check(Topic.MANIFEST, Outcome.FAILED, sentence) for sentence in failed]
    sentence = (
        f"The {held} app files the manifest lists are chained files with matching SHA-256; "
        f"the {len(apps) - held} apps not copied each say why."
    )
    return [Check(Topic.MANIFEST, Outcome.PASSED, sentence)]


def _check_chain(
    files: Sequence[Any], chain: Mapping[str, Any]
) -> tuple[list[Check], bytes | None]:
    """Recompute the chain from the manifest's hashes; returns checks and the head if intact."""
    link = CHAIN_GENESIS
    for index, entry in enumerate(files, start=1):
        try:
            rel = str(entry["path"])
            link = chain_link(link, bytes.fromhex(entry["sha256"]), rel)
            intact = link.hex() == entry["chain"]
        except (KeyError, TypeError, ValueError):
            intact = False
            rel = f"entry {index}"
        if not intact:
            sentence = (
                f"The hash chain breaks at entry {index} ({rel}): files were removed, added, "
                "renamed or reordered, or the chain was edited."
            )
            return [Check(Topic.CHAIN, Outcome.FAILED, sentence)], None
    if link.hex() != chain.get("head"):
        sentence = (
            "The hash chain's recorded head does not match its last link: the manifest's "
            "chain was edited."
        )
        return [Check(Topic.CHAIN, Outcome.FAILED, sentence)], None
    sentence = f"The hash chain is intact from the first file to the last (head {link.hex()})."
    return [Check(Topic.CHAIN, Outcome.PASSED, sentence)], link


def _check_signature(
    root: Path,
    manifest: Mapping[str, Any],
    manifest_bytes: bytes,
    named: Sequence[tuple[Ed25519PublicKey, str]],
) -> tuple[list[Check], Signer | None]:
    info = manifest.get("signature")
    sig_path = root / SIGNATURE
    if info is None:
        if sig_path.exists():
            sentence = (
                f"{SIGNATURE} is present, but the manifest does not say the pack is signed: "
                "the manifest may have been rewritten to drop its signature."
            )
            return [Check(Topic.SIGNATURE, Outcome.FAILED, sentence)], None
        if named:
            sentence = (
                "The pack is not signed, but you asked for a signature by a key you gave or "
                "trust. Nothing shows who made this pack."
            )
            return [Check(Topic.SIGNATURE, Outcome.FAILED, sentence)], None
        sentence = (
            "The pack is not signed. Only its own consistency was checked: someone who "
            "changed files and rewrote the manifest to match would not be caught."
        )
        return [Check(Topic.SIGNATURE, Outcome.NOT_CHECKED, sentence)], None
    try:
        signature = sig_path.read_bytes()
    except OSError:
        sentence = (
            f"The manifest says the pack is signed, but {SIGNATURE} is missing, so the "
            "signature could not be checked."
        )
        return [Check(Topic.SIGNATURE, Outcome.FAILED, sentence)], None

    for candidate, how in named:
        if _verifies(candidate, signature, manifest_bytes):
            fingerprint = key_fingerprint(candidate)
            signer = Signer(key_id(fingerprint), fingerprint, how)
            whose = "the key you gave" if how == "given" else "one of the keys you trust"
            return [
                _signed_check(signer),
                Check(Topic.TRUST, Outcome.PASSED, f"That key is {whose}."),
            ], signer

    embedded = _embedded_key(info)
    if embedded is not None and _verifies(embedded, signature, manifest_bytes):
        fingerprint = key_fingerprint(embedded)
        signer = Signer(key_id(fingerprint), fingerprint, None)
        sentence = (
            f"The pack is signed, but by a key you have not said you trust (key "
            f"{signer.key_id}). Anyone can make a key and sign a changed pack with it: give "
            "the public key of the person who made the pack to check it was them."
        )
        return [_signed_check(signer), Check(Topic.TRUST, Outcome.FAILED, sentence)], signer
    sentence = (
        f"The signature does not match {MANIFEST}: the manifest or the signature was changed "
        "after signing, or it was signed by a key that is neither named in the manifest nor "
        "one you gave."
    )
    return [Check(Topic.SIGNATURE, Outcome.FAILED, sentence)], None


def _signed_check(signer: Signer) -> Check:
    return Check(
        Topic.SIGNATURE,
        Outcome.PASSED,
        f"The signature on {MANIFEST} is valid: it was made by key {signer.key_id} "
        f"(fingerprint {signer.fingerprint}).",
    )


def _verifies(key: Ed25519PublicKey, signature: bytes, data: bytes) -> bool:
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


def _embedded_key(info: Any) -> Ed25519PublicKey | None:
    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(info["public_key"]))
    except (KeyError, TypeError, ValueError, binascii.Error):
        return None


def _check_handovers(
    root: Path, head: bytes, manifest_bytes: bytes
) -> tuple[Check, tuple[Handover, ...], str]:
    start = start_link(head, manifest_bytes)
    try:
        text = (root / HANDOVERS).read_bytes()
    except FileNotFoundError:
        return Check(Topic.HANDOVERS, Outcome.PASSED, "No handovers are recorded."), (), head.hex()
    except OSError:
        sentence = f"{HANDOVERS} cannot be read, so the handovers were not checked."
        return Check(Topic.HANDOVERS, Outcome.FAILED, sentence), (), head.hex()
    log = parse_handovers(text, start)
    if log.problems:
        return Check(Topic.HANDOVERS, Outcome.FAILED, log.problems[0]), log.records, log.last_link
    listed = "; ".join(f"{h.index}. to {h.received_by} at {h.when}" for h in log.records)
    count = len(log.records)
    records = "1 handover record follows" if count == 1 else f"{count} handover records follow"
    sentence = (
        f"{records} on from the manifest without a break ({listed}). The latest chain value "
        f"is {log.last_link}: a receipt showing a later value means records were removed. "
        "Handover records are not signed."
    )
    return Check(Topic.HANDOVERS, Outcome.PASSED, sentence), log.records, log.last_link


def _all_files(root: Path) -> set[str]:
    return {
        p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() or p.is_symlink()
    }


def _safe_relative(rel: str) -> bool:
    pure = PurePosixPath(rel)
    return (
        bool(rel)
        and not pure.is_absolute()
        and ".." not in pure.parts
        and "\\" not in rel
        and "\0" not in rel  # no file name holds NUL; open() would raise ValueError
    )
