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
from dataclasses import dataclass, field
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
from scanner.i18n import Catalogue, catalogue


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
    """In English (the message ``message_id`` with ``values``)."""
    message_id: str = ""
    values: Mapping[str, object] = field(default_factory=dict)
    count: int | None = None
    """The number a plural message is chosen by, where it has one."""

    def words(self, say: Catalogue) -> str:
        """The sentence in ``say``'s language (the English one when it has no id)."""
        if not self.message_id:
            return self.sentence
        if self.count is not None:
            return say.count(self.message_id, self.count, **self.values)
        return say.text(self.message_id, **self.values)


def _check(
    topic: Topic, outcome: Outcome, message_id: str, count: int | None = None, **values: object
) -> Check:
    """A check whose sentence is the catalogue's message ``message_id``."""
    check = Check(topic, outcome, "", message_id, values, count)
    return Check(topic, outcome, check.words(catalogue()), message_id, values, count)


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
        return self.summary_in(catalogue())

    def summary_in(self, say: Catalogue) -> str:
        """The one-line outcome in ``say``'s language."""
        if not self.ok:
            return say.count("verify.fails", len(self.problems))
        if self.signed_by_a_named_key:
            return say.text("verify.verifies_signed")
        return say.text("verify.verifies_unsigned")


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
        return _stopped(root, "verify.manifest_unreadable")
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
    except ValueError:
        return _stopped(root, "verify.manifest_damaged")
    files, chain = _manifest_parts(manifest)
    if files is None or chain is None:
        return _stopped(root, "verify.manifest_not_ours")

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
        checks.append(_check(Topic.HANDOVERS, Outcome.NOT_CHECKED, "verify.handovers_not_checked"))
    return VerificationResult(root, tuple(checks), signer, handovers, latest)


def _stopped(root: Path, message_id: str) -> VerificationResult:
    check = _check(Topic.MANIFEST, Outcome.FAILED, message_id, manifest=MANIFEST)
    return VerificationResult(root, (check,), None, (), None)


def _manifest_parts(manifest: Any) -> tuple[list[Any] | None, Mapping[str, Any] | None]:
    if not isinstance(manifest, dict) or manifest.get("format") != EVIDENCE_FORMAT:
        return None, None
    files, chain = manifest.get("files"), manifest.get("chain")
    if not isinstance(files, list) or not isinstance(chain, dict):
        return None, None
    return files, chain


def _check_files(root: Path, files: Sequence[Any]) -> list[Check]:
    failed: list[Check] = []

    def fail(message_id: str, **values: object) -> None:
        failed.append(_check(Topic.FILES, Outcome.FAILED, message_id, None, **values))

    listed = {MANIFEST, SIGNATURE, HANDOVERS}
    for index, entry in enumerate(files, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            fail("verify.entry_incomplete", index=index)
            continue
        rel = entry["path"]
        listed.add(rel)
        if not _safe_relative(rel):
            fail("verify.entry_outside", index=index, file=repr(rel))
            continue
        try:
            data = (root / rel).read_bytes()
        except OSError:
            fail("verify.file_missing", file=rel)
            continue
        if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            fail("verify.file_changed", file=rel)
        elif entry.get("size_bytes") != len(data):
            fail("verify.file_size", file=rel)
    for extra in sorted(_all_files(root) - listed):
        fail("verify.file_extra", file=extra)
    if failed:
        return failed
    return [_check(Topic.FILES, Outcome.PASSED, "verify.files_hold", len(files))]


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
        differs = _check(
            Topic.MANIFEST, Outcome.FAILED, "verify.case_differs", manifest=MANIFEST, case=CASE
        )
        return [differs]
    return [
        _check(Topic.MANIFEST, Outcome.PASSED, "verify.case_same", manifest=MANIFEST, case=CASE)
    ]


def _check_apks(manifest: Mapping[str, Any], files: Sequence[Any]) -> list[Check]:
    """Each app file the manifest's ``apks`` names must be a chained file with the same
    SHA-256 (packs made before app files were kept have no ``apks``)."""
    section = manifest.get("apks")
    if section is None:
        return []
    apps = section.get("apps") if isinstance(section, dict) else None
    if not isinstance(apps, list):
        return [
            _check(
                Topic.MANIFEST,
                Outcome.FAILED,
                "casefile_errors.app_list_damaged",
                manifest=MANIFEST,
            )
        ]
    chained = {
        entry["path"]: entry.get("sha256")
        for entry in files
        if isinstance(entry, dict) and isinstance(entry.get("path"), str)
    }
    failed: list[Check] = []
    held = 0
    for app in apps:
        rel = app.get("file") if isinstance(app, dict) else None
        if rel is None:
            if not (isinstance(app, dict) and app.get("not_pulled")):
                failed.append(
                    _check(Topic.MANIFEST, Outcome.FAILED, "casefile_errors.app_without_reason")
                )
            continue
        held += 1
        if not isinstance(rel, str) or rel not in chained or chained[rel] != app.get("sha256"):
            failed.append(
                _check(
                    Topic.MANIFEST, Outcome.FAILED, "casefile_errors.app_not_chained", file=str(rel)
                )
            )
    if failed:
        return failed
    return [
        _check(
            Topic.MANIFEST,
            Outcome.PASSED,
            "casefile_errors.app_files_chained",
            held,
            not_copied=len(apps) - held,
        )
    ]


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
            breaks = _check(
                Topic.CHAIN, Outcome.FAILED, "verify.chain_breaks", index=index, where=rel
            )
            return [breaks], None
    if link.hex() != chain.get("head"):
        return [_check(Topic.CHAIN, Outcome.FAILED, "verify.chain_head_wrong")], None
    return [_check(Topic.CHAIN, Outcome.PASSED, "verify.chain_intact", head=link.hex())], link


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
            dropped = _check(
                Topic.SIGNATURE, Outcome.FAILED, "verify.signature_dropped", signature=SIGNATURE
            )
            return [dropped], None
        if named:
            return [_check(Topic.SIGNATURE, Outcome.FAILED, "verify.unsigned_but_asked")], None
        return [_check(Topic.SIGNATURE, Outcome.NOT_CHECKED, "verify.unsigned")], None
    try:
        signature = sig_path.read_bytes()
    except OSError:
        missing = _check(
            Topic.SIGNATURE, Outcome.FAILED, "verify.signature_missing", signature=SIGNATURE
        )
        return [missing], None

    for candidate, how in named:
        if _verifies(candidate, signature, manifest_bytes):
            fingerprint = key_fingerprint(candidate)
            signer = Signer(key_id(fingerprint), fingerprint, how)
            whose = "verify.key_given" if how == "given" else "verify.key_trusted"
            return [_signed_check(signer), _check(Topic.TRUST, Outcome.PASSED, whose)], signer

    embedded = _embedded_key(info)
    if embedded is not None and _verifies(embedded, signature, manifest_bytes):
        fingerprint = key_fingerprint(embedded)
        signer = Signer(key_id(fingerprint), fingerprint, None)
        untrusted = _check(
            Topic.TRUST, Outcome.FAILED, "verify.key_not_trusted", key_id=signer.key_id
        )
        return [_signed_check(signer), untrusted], signer
    return [
        _check(Topic.SIGNATURE, Outcome.FAILED, "verify.signature_wrong", manifest=MANIFEST)
    ], None


def _signed_check(signer: Signer) -> Check:
    return _check(
        Topic.SIGNATURE,
        Outcome.PASSED,
        "verify.signature_valid",
        manifest=MANIFEST,
        key_id=signer.key_id,
        fingerprint=signer.fingerprint,
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
        return _check(Topic.HANDOVERS, Outcome.PASSED, "verify.no_handovers"), (), head.hex()
    except OSError:
        unreadable = _check(
            Topic.HANDOVERS, Outcome.FAILED, "verify.handovers_unreadable", handovers=HANDOVERS
        )
        return unreadable, (), head.hex()
    log = parse_handovers(text, start)
    if log.problem_words:
        problem = log.problem_words[0]
        values: dict[str, object] = dict(problem.values)
        failed = _check(Topic.HANDOVERS, Outcome.FAILED, problem.key, None, **values)
        return failed, log.records, log.last_link
    say = catalogue()
    listed = "; ".join(
        say.text("verify.handover_item", index=h.index, name=h.received_by, when=h.when)
        for h in log.records
    )
    holds = _check(
        Topic.HANDOVERS,
        Outcome.PASSED,
        "verify.handovers_hold",
        len(log.records),
        records=listed,
        link=log.last_link,
    )
    return holds, log.records, log.last_link


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
