"""Ed25519-signed database bundles: signing, trusting keys, and verifying.

A bundle is a JSON file carrying the database bytes (base64), their SHA-256, and an
Ed25519 signature by an organisation's key. The signature covers a fixed label plus the
exact database bytes, so it cannot be replayed for any other kind of file. A key is
named by its key id: the first 16 hex digits of the SHA-256 of the raw public key.

Trust is explicit: a bundle is accepted only when its signature verifies under a public
key someone put in the trusted-keys folder with ``trust_key``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from scanner.errors import SignatureDBError, Tampered, Untrusted
from scanner.sigdb.problems import malformed_file, problem, unusable_file
from scanner.sigdb.schema import parse_db
from scanner.sigdb.store import trusted_keys_dir

BUNDLE_FORMAT: Final = "phone-check-signature-bundle"
BUNDLE_VERSION: Final = 1
_SIGNED_LABEL: Final = b"phone-check-signature-bundle v1\n"
_KEY_ID_HEX: Final = 16
PRIVATE_KEY_MODE: Final = 0o600


@dataclass(frozen=True, slots=True)
class VerifiedBundle:
    """The database bytes from a bundle that passed every check."""

    db_bytes: bytes
    signer: str
    """Key id of the trusted key that signed it; empty when accepted unsigned."""


def key_id(public_key: Ed25519PublicKey) -> str:
    """The short, stable name of a public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:_KEY_ID_HEX]


def generate_signing_key(directory: Path, name: str = "phone-check-signing") -> tuple[Path, Path]:
    """Create an Ed25519 key pair for an organisation: ``(private_path, public_path)``.

    The private key file is created with mode 0600 and never overwritten.
    """
    directory.mkdir(parents=True, exist_ok=True)
    private = Ed25519PrivateKey.generate()
    private_path = directory / f"{name}.key"
    public_path = directory / f"{name}.pub"
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # O_EXCL: never replace an existing key; the mode is set at creation, so the key is
    # never readable by others, not even for a moment.
    try:
        fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_KEY_MODE)
    except FileExistsError as exc:
        raise SignatureDBError.said(
            "database_errors.key_exists", str(exc), path=private_path
        ) from exc
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    public_path.write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private_path, public_path


def sign_bundle(db_path: Path, private_key_path: Path, out_path: Path) -> str:
    """Sign the database at ``db_path`` into a bundle at ``out_path``; returns the key id.

    The database is validated first, so an organisation cannot sign a broken file.
    """
    data = _read(db_path)
    parse_db(data, str(db_path))
    private = _load_private_key(private_key_path)
    signer = key_id(private.public_key())
    bundle = {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "db_file": db_path.name,
        "db_sha256": hashlib.sha256(data).hexdigest(),
        "db": base64.b64encode(data).decode("ascii"),
        "signature": {
            "algorithm": "ed25519",
            "key_id": signer,
            "value": base64.b64encode(private.sign(_SIGNED_LABEL + data)).decode("ascii"),
        },
    }
    out_path.write_text(json.dumps(bundle, indent=1) + "\n", encoding="utf-8")
    return signer


def trust_key(public_key_path: Path, keys_dir: Path | None = None) -> str:
    """Add an organisation's Ed25519 public key to the trusted keys; returns its key id."""
    public = _load_public_key(public_key_path)
    ident = key_id(public)
    target_dir = keys_dir or trusted_keys_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    (target_dir / f"{ident}.pub").write_bytes(
        public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return ident


def trusted_keys(keys_dir: Path | None = None) -> dict[str, Ed25519PublicKey]:
    """Every trusted public key by key id (ids recomputed, never taken from file names)."""
    directory = keys_dir or trusted_keys_dir()
    keys: dict[str, Ed25519PublicKey] = {}
    if directory.is_dir():
        for path in sorted(directory.glob("*.pub")):
            public = _load_public_key(path)
            keys[key_id(public)] = public
    return keys


def is_bundle(data: bytes) -> bool:
    """True when the bytes look like a signature bundle (cheap check before parsing)."""
    return data.lstrip()[:1] == b"{" and BUNDLE_FORMAT.encode() in data[:4096]


def verify_bundle(
    path: Path, allow_unsigned: bool = False, *, keys_dir: Path | None = None
) -> VerifiedBundle:
    """Check a bundle and return its database bytes.

    Raises ``Malformed`` for a file that is not a bundle, ``Tampered`` when the contents
    do not match their hash or signature, and ``Untrusted`` when it is unsigned (unless
    ``allow_unsigned``) or signed by a key that is not trusted.
    """
    file = str(path)
    try:
        raw = json.loads(_read(path))
    except (ValueError, UnicodeDecodeError) as exc:
        raise unusable_file(file, "database_errors.not_bundle", str(exc)) from exc
    if not isinstance(raw, dict) or raw.get("format") != BUNDLE_FORMAT:
        raise unusable_file(file, "database_errors.not_bundle")
    if raw.get("version") != BUNDLE_VERSION:
        raise unusable_file(
            file,
            "database_errors.bundle_version",
            version=repr(raw.get("version")),
            ours=BUNDLE_VERSION,
        )
    try:
        data = base64.b64decode(str(raw.get("db", "")), validate=True)
    except binascii.Error as exc:
        raise malformed_file(file, problem("database_not_base64"), str(exc)) from exc
    if hashlib.sha256(data).hexdigest() != raw.get("db_sha256"):
        raise Tampered.said(
            "database_errors.bundle_changed",
            f"db_sha256 {raw.get('db_sha256')!r} != {hashlib.sha256(data).hexdigest()}",
            file=file,
        )
    signature = raw.get("signature")
    if signature is None:
        if allow_unsigned:
            return VerifiedBundle(db_bytes=data, signer="")
        raise Untrusted.said("database_errors.bundle_unsigned", "signature: null", file=file)
    return VerifiedBundle(db_bytes=data, signer=_check_signature(file, signature, data, keys_dir))


def _check_signature(file: str, signature: object, data: bytes, keys_dir: Path | None) -> str:
    if not isinstance(signature, dict) or signature.get("algorithm") != "ed25519":
        raise malformed_file(file, problem("signature_not_ed25519"))
    try:
        value = base64.b64decode(str(signature.get("value", "")), validate=True)
    except binascii.Error as exc:
        raise malformed_file(file, problem("signature_not_base64"), str(exc)) from exc
    claimed = str(signature.get("key_id", ""))
    keys = trusted_keys(keys_dir)
    # The key id in the file is only a hint; the signature must verify under a trusted key.
    candidates = [keys[claimed]] if claimed in keys else list(keys.values())
    for public in candidates:
        try:
            public.verify(value, _SIGNED_LABEL + data)
        except InvalidSignature:
            continue
        return key_id(public)
    if claimed in keys:
        raise Tampered.said(
            "database_errors.bundle_signature_wrong",
            f"invalid Ed25519 signature for trusted key {claimed}",
            file=file,
        )
    detail = f"key id {claimed!r} not among trusted keys {sorted(keys)}"
    if claimed:
        raise Untrusted.said(
            "database_errors.bundle_key_untrusted", detail, file=file, key_id=claimed
        )
    raise Untrusted.said("database_errors.bundle_key_unknown", detail, file=file)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SignatureDBError.said("sigdb.file_unreadable", str(exc), path=path) from exc


def _load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(_read(path), password=None)
    except (ValueError, TypeError) as exc:
        raise SignatureDBError.said("database_errors.not_private_key", str(exc), path=path) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SignatureDBError.said("database_errors.not_ed25519", type(key).__name__, path=path)
    return key


def _load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(_read(path))
    except (ValueError, TypeError) as exc:
        raise SignatureDBError.said("database_errors.not_public_key", str(exc), path=path) from exc
    if not isinstance(key, Ed25519PublicKey):
        raise SignatureDBError.said("database_errors.not_ed25519", type(key).__name__, path=path)
    return key
