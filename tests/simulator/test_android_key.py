"""Android's public-key format, checked against adb-shell's independent encoder."""

from __future__ import annotations

import base64

import pytest
from adb_shell.auth.keygen import encode_pubkey

from scanner.simulator.android_key import KeyFormatError, decode_android_public_key

from .conftest import HostKey


def _adb_shell_struct(key: HostKey) -> bytes:
    """adb-shell's encoding of the key struct (raw bytes, before base64)."""
    return bytes(encode_pubkey(str(key.path)))


def test_key_encoded_by_adb_shell_decodes_to_the_same_rsa_key(host_key: HostKey) -> None:
    payload = base64.b64encode(_adb_shell_struct(host_key)) + b" someone@somewhere\0"
    decoded = decode_android_public_key(payload)
    assert decoded.key.public_numbers() == host_key.public_key.public_numbers()
    assert decoded.comment == "someone@somewhere"


def test_our_pub_file_matches_adb_shell_encoding(host_key: HostKey) -> None:
    ours = host_key.path.with_suffix(".pub").read_bytes().split(b" ")[0]
    assert base64.b64decode(ours) == _adb_shell_struct(host_key)


def test_wrong_montgomery_constant_is_rejected(host_key: HostKey) -> None:
    raw = bytearray(_adb_shell_struct(host_key))
    raw[4] ^= 0xFF  # n0inv
    with pytest.raises(KeyFormatError, match="n0inv"):
        decode_android_public_key(base64.b64encode(bytes(raw)) + b" x@y\0")


def test_truncated_key_is_rejected() -> None:
    with pytest.raises(KeyFormatError, match="bytes"):
        decode_android_public_key(b"QUFBQQ== x@y\0")
