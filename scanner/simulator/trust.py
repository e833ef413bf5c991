"""The phone's list of trusted host keys (``/data/misc/adb/adb_keys`` on a real phone).

adbd checks an AUTH SIGNATURE with ``RSA_verify(NID_sha1, token, ...)``: the 20 random
token bytes are treated as an already-computed SHA-1 digest, wrapped in PKCS#1 v1.5.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils


class TrustStore:
    """Trusted public keys, shared by every connection of one simulated phone."""

    def __init__(self, keys: Iterable[rsa.RSAPublicKey] = ()) -> None:
        self._lock = threading.Lock()
        self._keys: list[rsa.RSAPublicKey] = list(keys)

    def add(self, key: rsa.RSAPublicKey) -> None:
        """Trust ``key`` from now on (in memory only)."""
        with self._lock:
            if all(known.public_numbers() != key.public_numbers() for known in self._keys):
                self._keys.append(key)

    def keys(self) -> tuple[rsa.RSAPublicKey, ...]:
        """The trusted keys, oldest first."""
        with self._lock:
            return tuple(self._keys)

    def verify(self, token: bytes, signature: bytes) -> bool:
        """True when a trusted key signed ``token``."""
        return any(signature_matches(key, token, signature) for key in self.keys())


def signature_matches(key: rsa.RSAPublicKey, token: bytes, signature: bytes) -> bool:
    """True when ``signature`` is ``key``'s PKCS#1 v1.5 signature of the SHA-1 "digest" token."""
    try:
        key.verify(signature, token, padding.PKCS1v15(), utils.Prehashed(hashes.SHA1()))  # noqa: S303
    except (InvalidSignature, ValueError):
        return False
    return True
