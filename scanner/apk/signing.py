"""Who signed an APK: the signing certificates of every signature scheme it carries.

Stalkerware is often renamed or repackaged (new package name, new label) but keeps being
signed with the vendor's key, so the certificate fingerprint is a better identity than the
name. Indicator sets (Echap ``ioc.yaml``, ``samples.csv``) list SHA-1 fingerprints of the
DER certificate in upper-case hex; we give SHA-1 and SHA-256 in that form.

Layouts read here (facts from the AOSP "APK Signature Scheme v2/v3" pages and apksig):

* APK Signing Block, just before the ZIP central directory, all integers little-endian::

      uint64 size_of_block   (counts everything after this field, magic included)
      repeated: uint64 pair_length, uint32 id, value[pair_length - 4]
      uint64 size_of_block   (same number again)
      "APK Sig Block 42"     (16 bytes)

* v2 (id 0x7109871a), v3 (0xf05368c0) and v3.1 (0x1b93ad61) values, uint32 length prefixes::

      signers: lp-sequence of lp signer
        signer: lp signed_data, [v3: uint32 min_sdk, uint32 max_sdk], lp signatures, lp key
          signed_data: lp digests, lp-sequence of lp certificate (DER X.509), ...

* v1 (JAR signing): ``META-INF/<name>.RSA|.DSA|.EC`` hold a PKCS#7 SignedData whose
  certificate set carries the signer certificate.

Why we do not verify signatures here: the scanner asks "whose key is this APK attributed
to?", not "is this APK intact?". Android itself verified the APK when it was installed. A
repackager can strip or replace the signature, but then the APK no longer carries the
abuser's certificate and will not match; copying the abuser's certificate into a
tampered APK without the private key would give a false match, and nobody gains from
faking being a stalkerware vendor. So a fingerprint found here means "this APK claims to be
signed by that certificate", which is enough to name a known family, but it is not proof
that the vendor's key signed these exact bytes. Anyone needing that proof must run a full
verifier (``apksigner verify``).

``read_apk_signers`` never raises: damaged or hostile input gives a partial result whose
``problems`` say what could not be read (see the property test in ``tests/apk``).
"""

from __future__ import annotations

import hashlib
import io
import logging
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs7
from cryptography.x509.oid import NameOID

from scanner.apk.problems import ProblemLog

logger = logging.getLogger(__name__)

SCHEME_V1 = "v1"
SCHEME_V2 = "v2"
SCHEME_V3 = "v3"
SCHEME_V31 = "v3.1"

SIGNING_BLOCK_MAGIC = b"APK Sig Block 42"
BLOCK_IDS: dict[int, str] = {
    0x7109871A: SCHEME_V2,
    0xF05368C0: SCHEME_V3,
    0x1B93AD61: SCHEME_V31,
}
"""APK Signing Block pair ids of the schemes whose certificates we read."""

_SCHEME_ORDER = (SCHEME_V1, SCHEME_V2, SCHEME_V3, SCHEME_V31)
_EOCD_SIGNATURE = b"PK\x05\x06"
_EOCD_SIZE = 22
_MAX_ZIP_COMMENT = 0xFFFF
# The block holds at least both size fields and the magic (8 + 8 + 16 bytes).
_MIN_BLOCK_SIZE = 8 + 8 + 16
_V1_EXTENSIONS = (".RSA", ".DSA", ".EC")
# Hostile input can claim anything; these caps keep time and memory bounded.
_MAX_V1_BLOCK_BYTES = 1024 * 1024
_MAX_V1_BLOCK_FILES = 8
_MAX_CERTS_PER_SCHEME = 64
_MAX_PROBLEMS = 50


@dataclass(frozen=True, slots=True)
class SignerCertificate:
    """One certificate found in one signature scheme of an APK."""

    scheme: str
    """``v1``, ``v2``, ``v3`` or ``v3.1``."""
    signer_index: int
    """Which signer of the scheme (v2/v3), or which signature block file (v1), from 0."""
    chain_index: int
    """Position in the signer's certificate list; 0 is the signer's own certificate in
    v2/v3. In v1 the PKCS#7 set is unordered, so 0 is only the first one stored."""
    der: bytes
    sha1: str
    """SHA-1 of the DER bytes, upper-case hex without colons (the Echap form)."""
    sha256: str
    """SHA-256 of the DER bytes, upper-case hex without colons."""
    subject_cn: str = ""
    """Subject common name, empty when absent or unreadable."""
    subject_o: str = ""
    """Subject organisation, empty when absent or unreadable."""
    source: str = ""
    """Where it was read: the v1 file name, or ``APK Signing Block``."""


@dataclass(frozen=True, slots=True)
class ApkSigners:
    """The signing certificates of one APK, per scheme, and what could not be read."""

    sha256: str
    """SHA-256 of the whole APK file, upper-case hex (the ``samples.csv`` form, upper-cased)."""
    size_bytes: int
    schemes: tuple[str, ...]
    """Schemes whose signature data was found, in the order v1, v2, v3, v3.1."""
    certificates: tuple[SignerCertificate, ...]
    problems: tuple[str, ...] = ()
    """Plain descriptions of what could not be read; empty for a clean APK."""

    def for_scheme(self, scheme: str) -> tuple[SignerCertificate, ...]:
        """Certificates read from one scheme."""
        return tuple(c for c in self.certificates if c.scheme == scheme)

    @property
    def sha1_fingerprints(self) -> frozenset[str]:
        """SHA-1 fingerprints of every certificate, any scheme."""
        return frozenset(c.sha1 for c in self.certificates)

    @property
    def sha256_fingerprints(self) -> frozenset[str]:
        """SHA-256 fingerprints of every certificate, any scheme."""
        return frozenset(c.sha256 for c in self.certificates)


class _Malformed(Exception):
    """Internal: a structure did not fit in its bytes (always turned into a problem)."""


class _Cursor:
    """Bounds-checked little-endian reader over a slice of the APK."""

    __slots__ = ("_data", "_end", "_pos")

    def __init__(self, data: memoryview, start: int = 0, end: int | None = None) -> None:
        self._data = data
        self._pos = start
        self._end = len(data) if end is None else end

    @property
    def remaining(self) -> int:
        return self._end - self._pos

    def take(self, count: int, what: str) -> memoryview:
        if count < 0 or count > self.remaining:
            raise _Malformed(f"{what} claims {count} bytes but only {self.remaining} remain")
        chunk = self._data[self._pos : self._pos + count]
        self._pos += count
        return chunk

    def u32(self, what: str) -> int:
        value: int = struct.unpack("<I", self.take(4, what))[0]
        return value

    def u64(self, what: str) -> int:
        value: int = struct.unpack("<Q", self.take(8, what))[0]
        return value

    def prefixed(self, what: str) -> _Cursor:
        """The next uint32-length-prefixed element, as its own cursor."""
        length = self.u32(f"length of {what}")
        start = self._pos
        self.take(length, what)
        return _Cursor(self._data, start, start + length)

    def sequence(self, what: str) -> Iterator[_Cursor]:
        """Each uint32-length-prefixed element until this cursor is used up."""
        while self.remaining > 0:
            yield self.prefixed(what)


class _Problems(ProblemLog):
    def __init__(self) -> None:
        super().__init__(_MAX_PROBLEMS)


def read_apk_signers(data: bytes) -> ApkSigners:
    """Read every signing certificate (v1, v2, v3, v3.1) from the bytes of one APK.

    Never raises on bad input: whatever could not be read is described in ``problems``.
    Signatures are not verified (see the module docstring for why).
    """
    problems = _Problems()
    view = memoryview(data)
    certificates: list[SignerCertificate] = []
    schemes: set[str] = set()

    for scheme, value in _signing_block_pairs(view, problems):
        schemes.add(scheme)
        certificates.extend(_block_certificates(scheme, value, problems))

    v1_certs, v1_found = _v1_certificates(data, problems)
    if v1_found:
        schemes.add(SCHEME_V1)
    certificates.extend(v1_certs)
    if not schemes and not problems.items:
        problems.add("no v1, v2 or v3 signature found (Android does not install unsigned APKs)")

    return ApkSigners(
        sha256=hashlib.sha256(data).hexdigest().upper(),
        size_bytes=len(data),
        schemes=tuple(s for s in _SCHEME_ORDER if s in schemes),
        certificates=tuple(certificates),
        problems=problems.result(),
    )


def find_eocd(data: memoryview) -> int | None:
    """Offset of the ZIP End of Central Directory record, or None when there is none.

    The record is the last ``PK\\x05\\x06`` whose comment length reaches exactly the end
    of the file (the same rule apksig uses), which skips the signature bytes when they
    happen to appear inside the comment.
    """
    size = len(data)
    if size < _EOCD_SIZE:
        return None
    lowest = max(0, size - _EOCD_SIZE - _MAX_ZIP_COMMENT)
    tail = bytes(data[lowest:])
    pos = len(tail) - _EOCD_SIZE
    while pos >= 0:
        pos = tail.rfind(_EOCD_SIGNATURE, 0, pos + 4)
        if pos < 0:
            return None
        comment_length = struct.unpack_from("<H", tail, pos + 20)[0]
        if pos + _EOCD_SIZE + comment_length == len(tail):
            return lowest + pos
        pos -= 1
    return None


def central_directory(data: memoryview) -> tuple[int, int, int] | None:
    """``(eocd_offset, cd_offset, cd_size)`` when the ZIP trailer is consistent, else None."""
    eocd = find_eocd(data)
    if eocd is None:
        return None
    cd_size, cd_offset = struct.unpack_from("<II", data, eocd + 12)
    if cd_offset + cd_size != eocd:
        return None
    return eocd, cd_offset, cd_size


def _signing_block_pairs(data: memoryview, problems: _Problems) -> Iterator[tuple[str, memoryview]]:
    """The v2/v3/v3.1 values of the APK Signing Block, if the APK has one."""
    trailer = central_directory(data)
    if trailer is None:
        if find_eocd(data) is None:
            problems.add("not a ZIP file: no End of Central Directory record found")
        else:
            problems.add(
                "ZIP central directory does not end where the End of Central Directory "
                "starts (ZIP64 or damaged file); APK Signing Block not searched"
            )
        return
    _, cd_offset, _ = trailer
    if cd_offset < _MIN_BLOCK_SIZE or data[cd_offset - 16 : cd_offset] != SIGNING_BLOCK_MAGIC:
        return  # No APK Signing Block: a v1-only or unsigned APK.

    footer_size = struct.unpack_from("<Q", data, cd_offset - 24)[0]
    # size_of_block excludes only the leading size field, so the block spans size + 8 bytes.
    if footer_size < _MIN_BLOCK_SIZE - 8 or footer_size > cd_offset - 8:
        problems.add(
            f"APK Signing Block size {footer_size} does not fit before the central "
            f"directory at offset {cd_offset}"
        )
        return
    block_start = cd_offset - footer_size - 8
    header_size = struct.unpack_from("<Q", data, block_start)[0]
    if header_size != footer_size:
        problems.add(
            f"APK Signing Block sizes disagree (header {header_size}, footer {footer_size})"
        )
        return

    pairs = _Cursor(data, block_start + 8, cd_offset - 24)
    seen: set[int] = set()
    try:
        while pairs.remaining > 0:
            pair_length = pairs.u64("signing block pair length")
            if pair_length < 4 or pair_length > pairs.remaining:
                raise _Malformed(
                    f"pair length {pair_length} does not fit in the {pairs.remaining} bytes left"
                )
            pair_id = pairs.u32("signing block pair id")
            value = pairs.take(pair_length - 4, "signing block pair value")
            scheme = BLOCK_IDS.get(pair_id)
            if scheme is None:
                continue  # Padding, source stamp, verity...: nothing about the signer.
            if pair_id in seen:
                problems.add(f"{scheme} block appears more than once; the first one was used")
                continue
            seen.add(pair_id)
            yield scheme, value
    except _Malformed as exc:
        problems.add(f"APK Signing Block is damaged: {exc}")


def _block_certificates(
    scheme: str, value: memoryview, problems: _Problems
) -> list[SignerCertificate]:
    """Certificates of every signer in one v2/v3/v3.1 block value."""
    found: list[SignerCertificate] = []
    try:
        signers = _Cursor(value).prefixed("signer list")
        for signer_index, signer in enumerate(signers.sequence("signer")):
            signed_data = signer.prefixed("signed data")
            signed_data.prefixed("digest list")  # Skipped: we do not verify.
            cert_list = signed_data.prefixed("certificate list")
            for chain_index, cert in enumerate(cert_list.sequence("certificate")):
                if len(found) >= _MAX_CERTS_PER_SCHEME:
                    problems.add(f"{scheme}: more than {_MAX_CERTS_PER_SCHEME} certificates")
                    return found
                der = bytes(cert.take(cert.remaining, "certificate"))
                found.append(
                    _describe(der, scheme, signer_index, chain_index, "APK Signing Block", problems)
                )
    except _Malformed as exc:
        problems.add(f"{scheme} signature block is damaged: {exc}")
    else:
        if not found:
            problems.add(f"{scheme} signature block holds no certificate")
    return found


def _v1_certificates(data: bytes, problems: _Problems) -> tuple[list[SignerCertificate], bool]:
    """Certificates from the JAR signature block files; second item: any such file seen."""
    found: list[SignerCertificate] = []
    try:
        with zipfile.ZipFile(io.BytesIO(_without_zip_comment(data))) as archive:
            names = [info for info in archive.infolist() if _is_v1_block(info.filename)]
            for file_index, info in enumerate(names[:_MAX_V1_BLOCK_FILES]):
                block = _read_bounded(archive, info, problems)
                if block is None:
                    continue
                found.extend(_pkcs7_certificates(block, file_index, info.filename, problems))
            if len(names) > _MAX_V1_BLOCK_FILES:
                problems.add(f"v1: only the first {_MAX_V1_BLOCK_FILES} signature files were read")
            return found, bool(names)
    # zipfile raises a dozen exception types on hostile archives (BadZipFile, ValueError,
    # NotImplementedError, zlib.error, EOFError...); any of them means "cannot read v1".
    except Exception as exc:
        problems.add(f"v1: the ZIP could not be read ({type(exc).__name__}: {exc})")
        return found, bool(found)


def _without_zip_comment(data: bytes) -> bytes:
    """``data`` cut after its End of Central Directory record, with the comment dropped.

    zipfile takes the last ``PK\x05\x06`` it sees as the record, so a comment containing
    those bytes would hide the v1 signature from it; Android uses the real record.
    """
    eocd = find_eocd(memoryview(data))
    if eocd is None or eocd + _EOCD_SIZE == len(data):
        return data
    return data[: eocd + _EOCD_SIZE - 2] + b"\x00\x00"


def _is_v1_block(name: str) -> bool:
    if not name.upper().startswith("META-INF/") or "/" in name[len("META-INF/") :]:
        return False
    return name.upper().endswith(_V1_EXTENSIONS)


def _read_bounded(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, problems: _Problems
) -> bytes | None:
    # file_size comes from the archive and may lie, so the read itself is bounded too.
    if info.file_size > _MAX_V1_BLOCK_BYTES:
        problems.add(f"v1: {info.filename} is too large to be a signature ({info.file_size} bytes)")
        return None
    with archive.open(info) as handle:
        block = handle.read(_MAX_V1_BLOCK_BYTES + 1)
    if len(block) > _MAX_V1_BLOCK_BYTES:
        problems.add(f"v1: {info.filename} is larger than its header says")
        return None
    return block


def _pkcs7_certificates(
    block: bytes, file_index: int, name: str, problems: _Problems
) -> list[SignerCertificate]:
    try:
        certs = pkcs7.load_der_pkcs7_certificates(block)
    except ValueError as exc:
        problems.add(f"v1: {name} is not a readable PKCS#7 signature ({exc})")
        return []
    if not certs:
        problems.add(f"v1: {name} holds no certificate")
    return [
        _describe(
            cert.public_bytes(Encoding.DER), SCHEME_V1, file_index, chain_index, name, problems
        )
        for chain_index, cert in enumerate(certs[:_MAX_CERTS_PER_SCHEME])
    ]


def _describe(
    der: bytes, scheme: str, signer_index: int, chain_index: int, source: str, problems: _Problems
) -> SignerCertificate:
    """Fingerprints always (they hash the raw DER); names only when the DER parses."""
    common_name = organization = ""
    try:
        cert = x509.load_der_x509_certificate(der)
        common_name = _name_attribute(cert.subject, NameOID.COMMON_NAME)
        organization = _name_attribute(cert.subject, NameOID.ORGANIZATION_NAME)
    except ValueError as exc:
        problems.add(f"{scheme}: a certificate could not be parsed, fingerprint kept ({exc})")
    return SignerCertificate(
        scheme=scheme,
        signer_index=signer_index,
        chain_index=chain_index,
        der=der,
        sha1=hashlib.sha1(der).hexdigest().upper(),  # noqa: S324 - identity, not security
        sha256=hashlib.sha256(der).hexdigest().upper(),
        subject_cn=common_name,
        subject_o=organization,
        source=source,
    )


def _name_attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    if not values:
        return ""
    value = values[0].value
    return value if isinstance(value, str) else value.decode("utf-8", errors="replace")
