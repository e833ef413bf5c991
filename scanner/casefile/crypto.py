"""The case file envelope: scrypt + AES-256-GCM, and atomic, private writes.

Layout (all integers big-endian), 91 bytes of header then the ciphertext::

    magic        8   b"PHCKCASE"
    version      2   FORMAT_VERSION
    log2_n       1   scrypt cost n = 2**log2_n
    r            2   scrypt block size
    p            2   scrypt parallelism
    salt        16
    nonce       12
    key_check   16   bytes 32..48 of the scrypt output (see below)
    digest      32   SHA-256 of every header byte above
    ciphertext   *   AES-256-GCM(zlib(plaintext)), the whole header as associated data

scrypt gives 48 bytes: the first 32 are the AES key, the next 16 are stored as
``key_check``. Comparing them tells a wrong passphrase apart from a damaged file (an
attacker learns nothing new: GCM already lets anyone test a guess). The unkeyed ``digest``
catches accidental damage to the header with a clear message; deliberate changes are
caught by GCM, which authenticates the header.

The scrypt cost is read from each file's header, so files written with the earlier default
(n = 2**15) still open; saving into one rewrites it with the current default. The
default n = 2**17, r = 8, p = 1 needs 128 MiB per derivation. Measured on the
development VM (2 cores shared with other work, ``cryptography``'s Scrypt, 5-7 runs):
0.41-0.63 s per derivation at load 3 and 0.77-1.24 s at load 5.5, with 129 MiB peak RSS
growth; n = 2**15 took 0.10-0.26 s and 33 MiB, n = 2**18 1.1-3.1 s and 257 MiB. Saving
into an existing file derives twice (open, then reseal with a fresh salt): 1.7-2.4 s for
the whole save there at load 5.5, a first save 0.8 s. Each guess by someone holding the
file costs four times what it did at 2**15.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import os
import secrets
import struct
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from scanner.errors import CaseFileDamaged, ReportError, WrongPassphrase
from scanner.private_files import create_private_temp_file

MAGIC = b"PHCKCASE"
FORMAT_VERSION = 1
SALT_BYTES = 16
NONCE_BYTES = 12
KEY_CHECK_BYTES = 16
_FIELDS = struct.Struct(">8sHBHH16s12s16s")
HEADER_BYTES = _FIELDS.size + 32
_GCM_TAG_BYTES = 16

# Refuse parameters a damaged header could use to make us allocate gigabytes.
_MAX_LOG2_N = 22
_MAX_R = 32
_MAX_P = 16
_MAX_SCRYPT_BYTES = 1 << 30
"""scrypt needs 128 * r * n bytes: each bound above allows 16 GiB together, so cap the
product too (the default uses 128 MiB)."""

Writer = Callable[[int, bytes], int]
"""Writes bytes to a file descriptor and returns how many it wrote (``os.write``)."""


@dataclass(frozen=True, slots=True)
class ScryptParams:
    """scrypt cost. The default is the product's; tests pass small ones explicitly."""

    log2_n: int = 17
    r: int = 8
    p: int = 1

    @property
    def n(self) -> int:
        return 1 << self.log2_n


DEFAULT_SCRYPT = ScryptParams()


def _derive(passphrase: str, salt: bytes, params: ScryptParams) -> tuple[bytes, bytes]:
    # NFC so the same passphrase typed on different keyboards/systems gives the same bytes.
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    kdf = Scrypt(salt=salt, length=32 + KEY_CHECK_BYTES, n=params.n, r=params.r, p=params.p)
    out = kdf.derive(secret)
    return out[:32], out[32:]


def seal(plaintext: bytes, passphrase: str, params: ScryptParams = DEFAULT_SCRYPT) -> bytes:
    """Compress and encrypt ``plaintext`` into a complete case file image."""
    if not passphrase:
        raise ReportError.said("casefile.passphrase_needed")
    salt = secrets.token_bytes(SALT_BYTES)
    nonce = secrets.token_bytes(NONCE_BYTES)
    key, key_check = _derive(passphrase, salt, params)
    fields = _FIELDS.pack(
        MAGIC, FORMAT_VERSION, params.log2_n, params.r, params.p, salt, nonce, key_check
    )
    header = fields + hashlib.sha256(fields).digest()
    return header + AESGCM(key).encrypt(nonce, zlib.compress(plaintext, 6), header)


def open_sealed(data: bytes, passphrase: str, name: str) -> bytes:
    """Decrypt a case file image; ``name`` is used in error messages only."""
    head = data[: len(MAGIC)]
    if head != MAGIC[: len(head)]:
        raise CaseFileDamaged.said(
            "casefile.not_a_case_file", f"starts with {head!r}, expected {MAGIC!r}", name=name
        )
    if len(data) < HEADER_BYTES + _GCM_TAG_BYTES:
        raise _damaged(name, f"only {len(data)} bytes: the file was cut short")
    fields, digest = data[: _FIELDS.size], data[_FIELDS.size : HEADER_BYTES]
    if not hmac.compare_digest(hashlib.sha256(fields).digest(), digest):
        raise _damaged(name, "header checksum does not match")
    _, version, log2_n, r, p, salt, nonce, key_check = _FIELDS.unpack(fields)
    if version != FORMAT_VERSION:
        raise CaseFileDamaged.said(
            "casefile.other_version",
            f"format version {version}",
            name=name,
            version=version,
            ours=FORMAT_VERSION,
        )
    if not (
        1 <= log2_n <= _MAX_LOG2_N
        and 1 <= r <= _MAX_R
        and 1 <= p <= _MAX_P
        and 128 * r * (1 << log2_n) <= _MAX_SCRYPT_BYTES
    ):
        raise _damaged(name, f"scrypt parameters out of range: {log2_n=} {r=} {p=}")
    key, expected_check = _derive(passphrase, salt, ScryptParams(log2_n, r, p))
    if not hmac.compare_digest(key_check, expected_check):
        raise WrongPassphrase.said("casefile.wrong_passphrase")
    try:
        compressed = AESGCM(key).decrypt(nonce, data[HEADER_BYTES:], data[:HEADER_BYTES])
    except InvalidTag as exc:
        raise _damaged(name, "authentication tag does not match") from exc
    try:
        return zlib.decompress(compressed)
    except zlib.error as exc:  # authenticated, so only a bug in an old writer gets here
        raise _damaged(name, f"content does not decompress: {exc}") from exc


def _damaged(name: str, detail: str) -> CaseFileDamaged:
    return CaseFileDamaged.said("casefile.damaged", detail, name=name)


def atomic_write(path: Path, data: bytes, write: Writer = os.write) -> None:
    """Replace ``path`` with ``data`` all at once; on failure the old file is untouched.

    The temporary file lives in the same directory (so ``os.replace`` is atomic), is made
    0600 whatever the umask, is fsynced before the rename, and is removed on any failure.
    """
    directory = path.parent
    try:
        fd, tmp = create_private_temp_file(directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise write_error(path, exc) from exc
    try:
        try:
            view = memoryview(data)
            while view:
                written = write(fd, bytes(view[: 1 << 20]))
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise write_error(path, exc) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not every platform lets a directory be opened.
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def write_error(path: Path, exc: OSError) -> ReportError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        message_id = "casefile.no_space"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        message_id = "casefile.not_allowed"
    else:
        message_id = "casefile.not_saved"
    return ReportError.said(message_id, f"{type(exc).__name__}: {exc}", path=path)
