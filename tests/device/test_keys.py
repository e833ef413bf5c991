"""The scanner's ADB key: Android's public-key format, 0600 file, signatures adbd accepts."""

from __future__ import annotations

import base64
import stat

import pytest
from adb_shell.auth import keygen
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, utils

from scanner.device.keys import android_public_key, ephemeral_signer, load_or_create_signer


def test_public_key_matches_adb_shells_independent_encoder(tmp_path):
    signer = ephemeral_signer()
    pem = signer._key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    key_path = tmp_path / "k"
    key_path.write_bytes(pem)
    theirs = keygen.encode_pubkey(str(key_path))
    ours = base64.b64decode(android_public_key(signer._key.public_key(), "c").split(b" ")[0])
    assert ours == theirs


def test_key_file_is_created_once_with_owner_only_permissions(tmp_path):
    first = load_or_create_signer(tmp_path)
    mode = stat.S_IMODE((tmp_path / "adbkey").stat().st_mode)
    assert mode == 0o600
    second = load_or_create_signer(tmp_path)
    assert first.GetPublicKey() == second.GetPublicKey()
    assert (tmp_path / "adbkey.pub").read_bytes().startswith(first.GetPublicKey().split(b" ")[0])


def test_loose_permissions_on_an_existing_key_are_tightened(tmp_path):
    load_or_create_signer(tmp_path)
    (tmp_path / "adbkey").chmod(0o644)
    load_or_create_signer(tmp_path)
    assert stat.S_IMODE((tmp_path / "adbkey").stat().st_mode) == 0o600


def test_token_signature_verifies_as_adbd_checks_it():
    signer = ephemeral_signer()
    token = bytes(range(20))
    signature = signer.Sign(token)
    # adbd verifies the token as a ready-made SHA-1 digest (RSA_verify with NID_sha1).
    signer._key.public_key().verify(
        signature,
        token,
        padding.PKCS1v15(),
        utils.Prehashed(hashes.SHA1()),  # noqa: S303
    )


def test_unreadable_key_gives_a_plain_error(tmp_path):
    (tmp_path / "adbkey").write_text("not a key")
    from scanner.errors import DeviceError

    with pytest.raises(DeviceError, match="connection key"):
        load_or_create_signer(tmp_path)
