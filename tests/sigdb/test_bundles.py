"""Signed bundles: trusted signatures accepted; unsigned, untrusted or changed ones refused."""

from __future__ import annotations

import base64
import hashlib
import json
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from scanner.errors import Malformed, SignatureDBError, Tampered, Untrusted
from scanner.sigdb import store
from scanner.sigdb.commands import generate_key, import_file, load_active_db, sign, trust
from scanner.sigdb.schema import build_db
from scanner.sigdb.verify import verify_bundle
from tests.sigdb.conftest import make_shipped, small_families, small_header


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    _, data = build_db(small_header("org-1"), small_families())
    path = tmp_path / "org.yaml"
    path.write_bytes(data)
    return path


@pytest.fixture
def org_keys(tmp_path: Path) -> tuple[Path, Path]:
    return generate_key(tmp_path / "org-keys")


def _edit_bundle(path: Path, edit: object) -> None:
    raw = json.loads(path.read_text())
    edit(raw)  # type: ignore[operator]
    path.write_text(json.dumps(raw))


def test_private_key_is_readable_only_by_its_owner(org_keys: tuple[Path, Path]) -> None:
    private, public = org_keys

    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert b"PUBLIC KEY" in public.read_bytes()


def test_bundle_signed_by_a_trusted_key_is_verified_and_imported(
    tmp_path: Path, db_file: Path, org_keys: tuple[Path, Path]
) -> None:
    data_dir = tmp_path / "data"
    bundle = tmp_path / "org.bundle"
    signer = sign(db_file, org_keys[0], bundle)
    assert trust(org_keys[1], data_dir) == signer

    verified = verify_bundle(bundle, keys_dir=store.trusted_keys_dir(data_dir))
    db = import_file(bundle, data_dir)

    assert verified.db_bytes == db_file.read_bytes()
    assert verified.signer == signer
    assert db.header.source_version == "org-1"
    manifest = store.read_manifest(store.user_signatures_dir(data_dir))
    assert manifest is not None and manifest.signer == signer


def test_bundle_signed_by_an_untrusted_key_is_refused(
    tmp_path: Path, db_file: Path, org_keys: tuple[Path, Path]
) -> None:
    data_dir = tmp_path / "data"
    bundle = tmp_path / "org.bundle"
    sign(db_file, org_keys[0], bundle)
    other = generate_key(tmp_path / "other-keys")
    trust(other[1], data_dir)

    with pytest.raises(Untrusted) as caught:
        import_file(bundle, data_dir, allow_unsigned=True)

    assert "not chosen to trust" in caught.value.message
    assert not store.user_signatures_dir(data_dir).exists()


def test_bundle_with_changed_database_is_refused(
    tmp_path: Path, db_file: Path, org_keys: tuple[Path, Path]
) -> None:
    data_dir = tmp_path / "data"
    bundle = tmp_path / "org.bundle"
    sign(db_file, org_keys[0], bundle)
    trust(org_keys[1], data_dir)
    changed = db_file.read_bytes().replace(b"- com.evil.spy\n", b"")

    def swap_db(raw: dict[str, object]) -> None:
        # A careful attacker also fixes the recorded hash; only the signature catches it.
        raw["db"] = base64.b64encode(changed).decode()
        raw["db_sha256"] = hashlib.sha256(changed).hexdigest()

    _edit_bundle(bundle, swap_db)

    with pytest.raises(Tampered, match="changed after it was signed"):
        import_file(bundle, data_dir, allow_unsigned=True)


def test_bundle_whose_contents_do_not_match_their_hash_is_refused(
    tmp_path: Path, db_file: Path, org_keys: tuple[Path, Path]
) -> None:
    bundle = tmp_path / "org.bundle"
    sign(db_file, org_keys[0], bundle)
    _edit_bundle(
        bundle, lambda raw: raw.update(db=base64.b64encode(b"schema_version: 1\n").decode())
    )

    with pytest.raises(Tampered, match="changed since it was made"):
        verify_bundle(bundle, keys_dir=tmp_path / "none")


def test_unsigned_bundle_needs_explicit_permission(
    tmp_path: Path, db_file: Path, org_keys: tuple[Path, Path]
) -> None:
    data_dir = tmp_path / "data"
    shipped = tmp_path / "shipped"
    make_shipped(shipped)
    bundle = tmp_path / "org.bundle"
    sign(db_file, org_keys[0], bundle)
    _edit_bundle(bundle, lambda raw: raw.update(signature=None))

    with pytest.raises(Untrusted, match="not signed"):
        import_file(bundle, data_dir, shipped_dir=shipped)
    assert load_active_db(data_dir, shipped_dir=shipped).header.source_version == "shipped"

    db = import_file(bundle, data_dir, allow_unsigned=True, shipped_dir=shipped)

    assert db.header.source_version == "org-1"
    manifest = store.read_manifest(store.user_signatures_dir(data_dir))
    assert manifest is not None and manifest.signer == ""


def test_plain_files_are_refused_unless_unsigned_is_allowed(tmp_path: Path, db_file: Path) -> None:
    with pytest.raises(Untrusted, match="not a signed bundle"):
        import_file(db_file, tmp_path / "data")

    assert (
        import_file(db_file, tmp_path / "data", allow_unsigned=True).header.source_version
        == "org-1"
    )


def test_signing_refuses_a_broken_database(tmp_path: Path, org_keys: tuple[Path, Path]) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("schema_version: 1\nsource: x\nfamilies:\n- name: A\n  kind: nope\n")

    with pytest.raises(Malformed, match=r"broken\.yaml"):
        sign(broken, org_keys[0], tmp_path / "out.bundle")

    assert not (tmp_path / "out.bundle").exists()


def test_generating_a_key_never_overwrites_an_existing_one(
    tmp_path: Path, org_keys: tuple[Path, Path]
) -> None:
    before = org_keys[0].read_bytes()

    with pytest.raises(SignatureDBError, match="already exists"):
        generate_key(org_keys[0].parent)

    assert org_keys[0].read_bytes() == before


def test_trusting_a_non_ed25519_key_is_refused(tmp_path: Path) -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = tmp_path / "rsa.pub"
    pem.write_bytes(
        rsa_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )

    with pytest.raises(SignatureDBError, match="not an Ed25519 key"):
        trust(pem, tmp_path / "data")

    assert not store.trusted_keys_dir(tmp_path / "data").exists()
