"""The phone's list of trusted host keys (``/data/misc/adb/adb_keys`` on a real phone).

adbd checks an AUTH SIGNATURE with ``RSA_verify(NID_sha1, token, ...)``: the 20 random
token bytes are treated as an already-computed SHA-1 digest, wrapped in PKCS#1 v1.5.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils


@dataclass(frozen=True, slots=True)
class TrustedHost:
    """A trusted key, the name its computer gave, and when it last connected."""

    key: rsa.RSAPublicKey
    comment: str = ""
    last_connection_ms: int = 0


def _now_ms() -> int:
    return int(time.time() * 1000)


class TrustStore:
    """Trusted public keys, shared by every connection of one simulated phone.

    Like Android's ``AdbKeyStore`` it remembers each key's name and last connection, and
    the fingerprint of the last key that asked (``last_key_received``).
    """

    def __init__(self, keys: Iterable[rsa.RSAPublicKey] = ()) -> None:
        self._lock = threading.Lock()
        now = _now_ms()
        self._hosts: list[TrustedHost] = [TrustedHost(key, "", now) for key in keys]
        self.last_asked: rsa.RSAPublicKey | None = None
        """The last key offered at the prompt (the phone's ``mFingerprints``)."""

    def add(self, key: rsa.RSAPublicKey, comment: str = "") -> None:
        """Trust ``key`` from now on (in memory only), as "Always allow" does."""
        with self._lock:
            if all(known.key.public_numbers() != key.public_numbers() for known in self._hosts):
                self._hosts.append(TrustedHost(key, comment, _now_ms()))

    def asked(self, key: rsa.RSAPublicKey) -> None:
        """A computer offered ``key`` at the "Allow USB debugging?" prompt."""
        with self._lock:
            self.last_asked = key

    def keys(self) -> tuple[rsa.RSAPublicKey, ...]:
        """The trusted keys, oldest first."""
        with self._lock:
            return tuple(host.key for host in self._hosts)

    def hosts(self) -> tuple[TrustedHost, ...]:
        """The trusted keys with their names and last connections, oldest first."""
        with self._lock:
            return tuple(self._hosts)

    def verify(self, token: bytes, signature: bytes) -> bool:
        """True when a trusted key signed ``token`` (that key's last connection is now)."""
        for index, host in enumerate(self.hosts()):
            if signature_matches(host.key, token, signature):
                with self._lock:
                    if index < len(self._hosts) and self._hosts[index].key is host.key:
                        self._hosts[index] = replace(host, last_connection_ms=_now_ms())
                return True
        return False


def signature_matches(key: rsa.RSAPublicKey, token: bytes, signature: bytes) -> bool:
    """True when ``signature`` is ``key``'s PKCS#1 v1.5 signature of the SHA-1 "digest" token."""
    try:
        key.verify(signature, token, padding.PKCS1v15(), utils.Prehashed(hashes.SHA1()))  # noqa: S303
    except (InvalidSignature, ValueError):
        return False
    return True
