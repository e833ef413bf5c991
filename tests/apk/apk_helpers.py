"""Helpers shared by the APK tests (types only; fixtures live in conftest.py)."""

from __future__ import annotations

import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)


@dataclass(frozen=True, slots=True)
class Identity:
    key: RSAPrivateKey
    cert: x509.Certificate


@dataclass(frozen=True, slots=True)
class Apksigner:
    """Google's apksigner (Debian package ``apksigner``), run on files in a temp folder."""

    path: str
    folder: Path

    def verify(self, apk: bytes, *args: str) -> subprocess.CompletedProcess[str]:
        """``apksigner verify --verbose --print-certs [args] apk``; never raises on failure."""
        target = self.folder / "check.apk"
        target.write_bytes(apk)
        return subprocess.run(
            [self.path, "verify", "--verbose", "--print-certs", *args, str(target)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def sign(self, apk: bytes, identity: Identity) -> bytes:
        """Sign ``apk`` with v1, v2 and v3 using apksigner itself."""
        unsigned, signed = self.folder / "in.apk", self.folder / "out.apk"
        key, cert = self.folder / "key.pk8", self.folder / "cert.pem"
        unsigned.write_bytes(apk)
        key.write_bytes(
            identity.key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
        )
        cert.write_bytes(identity.cert.public_bytes(Encoding.PEM))
        options = [
            *("--v1-signing-enabled", "true"),
            *("--v2-signing-enabled", "true"),
            *("--v3-signing-enabled", "true"),
            *("--v4-signing-enabled", "false"),
        ]
        subprocess.run(
            [
                self.path,
                "sign",
                "--key",
                str(key),
                "--cert",
                str(cert),
                *options,
                "--out",
                str(signed),
                str(unsigned),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return signed.read_bytes()


def lp(data: bytes) -> bytes:
    """uint32-length-prefixed bytes."""
    return struct.pack("<I", len(data)) + data


def v3_style_block_value(*certificates: bytes) -> bytes:
    """A v3/v3.1 block value with one signer holding ``certificates`` (no real signature)."""
    signed_data = (
        lp(b"")  # digests
        + lp(b"".join(lp(der) for der in certificates))
        + struct.pack("<II", 33, 0x7FFFFFFF)
        + lp(b"")  # additional attributes
    )
    signer = lp(signed_data) + struct.pack("<II", 33, 0x7FFFFFFF) + lp(b"") + lp(b"")
    return lp(lp(signer))


def with_signing_block(unsigned_apk: bytes, pairs: list[tuple[int, bytes]]) -> bytes:
    """Insert an APK Signing Block with ``pairs`` before the central directory.

    Written here from the format description, separately from the builder, so reader tests
    do not depend on the builder's own encoder.
    """
    eocd = unsigned_apk.rindex(b"PK\x05\x06")
    cd_offset = struct.unpack_from("<I", unsigned_apk, eocd + 16)[0]
    body = b"".join(struct.pack("<QI", len(value) + 4, pair_id) + value for pair_id, value in pairs)
    size = len(body) + 24
    block = struct.pack("<Q", size) + body + struct.pack("<Q", size) + b"APK Sig Block 42"
    end = bytearray(unsigned_apk[eocd:])
    struct.pack_into("<I", end, 16, cd_offset + len(block))
    return unsigned_apk[:cd_offset] + block + unsigned_apk[cd_offset:eocd] + bytes(end)
