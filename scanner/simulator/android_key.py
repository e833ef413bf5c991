"""Android's ADB public-key format, as sent in an AUTH RSAPUBLICKEY message.

The host sends ``base64(struct) + " user@host" + NUL``, where the struct (AOSP
``libcrypto_utils/android_pubkey.c``) is, all little-endian: u32 modulus size in 32-bit
words (64 for RSA-2048), u32 n0inv (``-1 / n mod 2**32``), the modulus, ``rr``
(``(2**2048)**2 mod n``, a Montgomery constant) and a u32 public exponent.
"""

from __future__ import annotations

import base64
import binascii
import struct
from dataclasses import dataclass
from typing import Final

from cryptography.hazmat.primitives.asymmetric import rsa

MODULUS_WORDS: Final = 64
MODULUS_BYTES: Final = MODULUS_WORDS * 4
STRUCT_SIZE: Final = 4 + 4 + MODULUS_BYTES + MODULUS_BYTES + 4


class KeyFormatError(ValueError):
    """The bytes are not an Android ADB public key."""


@dataclass(frozen=True, slots=True)
class AndroidPublicKey:
    """A decoded host key and the ``user@host`` comment that came with it."""

    key: rsa.RSAPublicKey
    comment: str


def decode_android_public_key(payload: bytes) -> AndroidPublicKey:
    """Decode an AUTH RSAPUBLICKEY payload; raise KeyFormatError if it is malformed.

    The Montgomery constants are checked too, because adbd's own verifier uses them and a
    key with wrong ones would never verify on a real phone.
    """
    text = payload.split(b"\0", 1)[0].strip()
    encoded, _, comment = text.partition(b" ")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KeyFormatError(f"public key is not base64: {exc}") from exc
    if len(raw) != STRUCT_SIZE:
        raise KeyFormatError(f"public key struct is {len(raw)} bytes, expected {STRUCT_SIZE}")
    words, n0inv = struct.unpack_from("<2I", raw, 0)
    if words != MODULUS_WORDS:
        raise KeyFormatError(f"modulus is {words} words, only {MODULUS_WORDS} is supported")
    modulus = int.from_bytes(raw[8 : 8 + MODULUS_BYTES], "little")
    rr = int.from_bytes(raw[8 + MODULUS_BYTES : 8 + 2 * MODULUS_BYTES], "little")
    (exponent,) = struct.unpack_from("<I", raw, 8 + 2 * MODULUS_BYTES)
    if modulus % 2 == 0 or modulus.bit_length() <= MODULUS_BYTES * 8 - 8:
        raise KeyFormatError("modulus is not a plausible RSA-2048 modulus")
    if (n0inv * modulus + 1) % 2**32 != 0:
        raise KeyFormatError("n0inv does not match the modulus")
    if rr != pow(2, 2 * MODULUS_BYTES * 8, modulus):
        raise KeyFormatError("rr does not match the modulus")
    try:
        key = rsa.RSAPublicNumbers(exponent, modulus).public_key()
    except ValueError as exc:
        raise KeyFormatError(f"not a usable RSA key: {exc}") from exc
    return AndroidPublicKey(key=key, comment=comment.decode("utf-8", errors="replace"))


def encode_android_public_key(key: rsa.RSAPublicKey, comment: str = "unknown@unknown") -> bytes:
    """The text a host writes to ``adbkey.pub`` for this key (no trailing NUL)."""
    numbers = key.public_numbers()
    modulus = numbers.n
    if modulus.bit_length() != MODULUS_BYTES * 8:
        raise KeyFormatError("only RSA-2048 keys can be encoded")
    n0inv = (-pow(modulus, -1, 2**32)) % 2**32
    rr = pow(2, 2 * MODULUS_BYTES * 8, modulus)
    raw = (
        struct.pack("<2I", MODULUS_WORDS, n0inv)
        + modulus.to_bytes(MODULUS_BYTES, "little")
        + rr.to_bytes(MODULUS_BYTES, "little")
        + struct.pack("<I", numbers.e)
    )
    return base64.b64encode(raw) + b" " + comment.encode("utf-8")
