"""The computer's ADB identity: an RSA key the phone is asked to trust.

The phone remembers a key once the user taps "Always allow from this computer", so the
key is kept in the user's config directory (folder 0700, files 0600) for real phones.
The demo uses a throwaway key held only in memory, so a demo writes nothing to disk.

The phone stores the key with the comment the computer sends, and shows it to anyone who
reads its list of trusted computers. The comment is therefore always ``NEUTRAL_LABEL``:
it names neither this tool, nor the person, nor the computer. The comment is not part of
the key, so a key made under an older, revealing label is sent with the neutral one too.
"""

from __future__ import annotations

import base64
import struct
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

from scanner import paths
from scanner.errors import DeviceError
from scanner.private_files import make_private_dir, set_private_file_mode, write_private_file

KEY_BITS = 2048
_WORDS = KEY_BITS // 32
NEUTRAL_LABEL = "unknown@unknown"
"""What adb itself sends when it cannot read the user or host name: common, names nothing."""


def config_dir() -> Path:
    """Where the scanner keeps its ADB key (``scanner.paths``: ``~/.config/phone-check``
    on Linux, the native place elsewhere)."""
    return paths.config_dir()


def android_public_key(key: rsa.RSAPublicKey, comment: str) -> bytes:
    """Encode a public key the way adbd stores it (mincrypt ``RSAPublicKey`` + comment).

    Layout: u32 word count, u32 n0inv (-1/n mod 2^32), modulus and R^2 mod n as
    little-endian u32 words, u32 exponent; base64, then `` comment``.
    """
    numbers = key.public_numbers()
    n = numbers.n
    if n.bit_length() != KEY_BITS:
        raise ValueError("ADB keys must be 2048-bit RSA")
    n0inv = (-pow(n, -1, 2**32)) % 2**32
    rr = pow(2, KEY_BITS * 2, n)
    blob = struct.pack("<II", _WORDS, n0inv)
    blob += n.to_bytes(KEY_BITS // 8, "little")
    blob += rr.to_bytes(KEY_BITS // 8, "little")
    blob += struct.pack("<I", numbers.e)
    return base64.b64encode(blob) + b" " + comment.encode("utf-8", "replace")


class AdbSigner:
    """Signs ADB AUTH tokens; the interface adb-shell expects (``Sign``, ``GetPublicKey``)."""

    def __init__(self, private_key: rsa.RSAPrivateKey, comment: str = NEUTRAL_LABEL) -> None:
        self._key = private_key
        self._comment = comment

    @property
    def public_key_bytes(self) -> bytes:
        return android_public_key(self._key.public_key(), self._comment)

    def Sign(self, data: bytes) -> bytes:  # adb-shell calls this name
        # adbd treats the 20-byte token as an already computed SHA-1 digest.
        return self._key.sign(data, padding.PKCS1v15(), utils.Prehashed(hashes.SHA1()))  # noqa: S303

    def GetPublicKey(self) -> bytes:  # adb-shell calls this name
        return self.public_key_bytes


def ephemeral_signer() -> AdbSigner:
    """A fresh key that lives only in memory (demo and tests)."""
    return AdbSigner(rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS))


def load_or_create_signer(directory: Path | None = None) -> AdbSigner:
    """Load the scanner's ADB key, creating it on first use.

    The folder is made 0700 and both key files 0600 whatever the umask; folders above it
    (such as an existing ``~/.config``) are never changed.
    """
    directory = directory or config_dir()
    path = directory / "adbkey"
    try:
        if path.exists():
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(key, rsa.RSAPrivateKey):
                raise ValueError("not an RSA key")
            make_private_dir(directory)
            set_private_file_mode(path)
            signer = AdbSigner(key)
            _refresh_public_file(directory / "adbkey.pub", signer)
            return signer
        make_private_dir(directory)
        key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
        write_private_file(path, pem)
        signer = AdbSigner(key)
        pub = directory / "adbkey.pub"
        pub.unlink(missing_ok=True)  # a stale half of an older key must not be kept
        write_private_file(pub, signer.public_key_bytes + b"\n")
        return signer
    except (OSError, ValueError) as exc:
        raise DeviceError.said("device.key_unusable", detail=f"{path}: {exc}") from exc


def _refresh_public_file(pub: Path, signer: AdbSigner) -> None:
    """Keep ``adbkey.pub`` private and in step with the key sent (an older one may carry
    the old ``user@host phone-check`` label)."""
    if not pub.exists():
        return
    wanted = signer.public_key_bytes + b"\n"
    if pub.read_bytes() != wanted:
        pub.unlink()
        write_private_file(pub, wanted)
    else:
        set_private_file_mode(pub)
