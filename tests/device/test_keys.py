"""The scanner's ADB key: Android's public-key format, 0600 file, signatures adbd accepts."""

from __future__ import annotations

import base64
import stat

import pytest
from adb_shell.auth import keygen
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, utils

from scanner.device.keys import (
    NEUTRAL_LABEL,
    android_public_key,
    ephemeral_signer,
    load_or_create_signer,
)


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


# --- the label the phone remembers ----------------------------------------------------

OLD_LABEL = "alex@advice-centre-laptop phone-check"


def _revealing_words() -> list[str]:
    import getpass
    import socket

    return [getpass.getuser().lower(), socket.gethostname().lower(), "phone-check", "phone"]


def _write_old_key(directory, comment: str = OLD_LABEL) -> bytes:
    """A key pair as an older version left it: the public file carries the old label."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    directory.mkdir(mode=0o700, exist_ok=True)
    (directory / "adbkey").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    (directory / "adbkey.pub").write_bytes(android_public_key(key.public_key(), comment) + b"\n")
    (directory / "adbkey").chmod(0o600)
    return android_public_key(key.public_key(), comment).split(b" ")[0]


def test_the_label_sent_names_neither_the_tool_the_person_nor_the_computer(tmp_path):
    sent = load_or_create_signer(tmp_path).GetPublicKey()

    label = sent.split(b" ", 1)[1].decode()
    assert label == NEUTRAL_LABEL
    for word in _revealing_words():
        assert word not in label.lower(), word
    assert (tmp_path / "adbkey.pub").read_bytes() == sent + b"\n"


def test_a_key_made_with_the_old_label_is_sent_with_the_neutral_one(tmp_path):
    material = _write_old_key(tmp_path)

    sent = load_or_create_signer(tmp_path).GetPublicKey()

    assert sent == material + b" " + NEUTRAL_LABEL.encode()  # same key, new label
    assert b"phone-check" not in (tmp_path / "adbkey.pub").read_bytes()
    assert stat.S_IMODE((tmp_path / "adbkey.pub").stat().st_mode) == 0o600


def test_the_phone_remembers_this_computer_under_the_neutral_label(tmp_path):
    """The simulated phone keeps the comment it was sent, as adbd does, and lists it in
    ``dumpsys adb``: what someone reading the phone's trusted computers would see."""
    from scanner.commands import DUMPSYS_ADB
    from scanner.device.connection import PhoneConnection
    from scanner.parse.adb_keys import is_this_computer, parse_dumpsys_adb
    from scanner.simulator import SimulatedPhone, load_profile

    material = _write_old_key(tmp_path)
    signer = load_or_create_signer(tmp_path)
    with SimulatedPhone(load_profile("clean")) as phone:
        connection = PhoneConnection.connect_tcp("127.0.0.1", phone.port, signer)
        try:
            listed = connection.shell(DUMPSYS_ADB).data.decode()
        finally:
            connection.close()

    # Read back with the scanner's own parser of ``dumpsys adb`` (the phone's key list).
    computers = [
        computer
        for computer in parse_dumpsys_adb(listed).computers
        if is_this_computer(computer.key, signer.public_key_bytes)
    ]
    assert len(computers) == 1, listed  # still told apart by its key, whatever the label
    assert computers[0].comment == NEUTRAL_LABEL
    assert material.decode() in listed
    for word in _revealing_words():
        assert word not in computers[0].comment.lower(), word
