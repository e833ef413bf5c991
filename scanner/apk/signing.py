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
          signed_data: lp digests, lp-sequence of lp certificate (X.509),
                       [v3: uint32 min_sdk, uint32 max_sdk], lp-sequence of lp attribute
            attribute: uint32 id, value

  The signer's certificate is the first of its list; Android ignores the rest.

* v3/v3.1 proof-of-rotation lineage (attribute id 0x3ba06f8c; apksig
  ``V3SigningCertificateLineage``): ``uint32 version (1)``, then an lp-sequence of nodes,
  oldest key first::

      node: lp signed_data (lp certificate, uint32 signature algorithm),
            uint32 flags, uint32 signature algorithm, lp signature

  The last node is the current signer; the earlier ones are the keys the app rotated from.

* v1 (JAR signing): see ``scanner.apk.jar``.

Why we do not verify signatures here: the scanner asks "whose key is this APK attributed
to?", not "is this APK intact?". Android itself verified the APK when it was installed. A
repackager can strip or replace the signature, but then the APK no longer carries the
abuser's certificate and will not match; copying the abuser's certificate into a
tampered APK without the private key would give a false match, and nobody gains from
faking being a stalkerware vendor. So a fingerprint found here means "this APK claims to be
signed by that certificate", which is enough to name a known family, but it is not proof
that the vendor's key signed these exact bytes. Anyone needing that proof must run a full
verifier (``apksigner verify``).

Certificates are fingerprinted over their bytes exactly as stored (``scanner.apk.asn1``
slices them; nothing is re-encoded), as Android does.

``read_apk_signers`` never raises: damaged or hostile input gives a partial result whose
``problems`` say what could not be read (see the property test in ``tests/apk``).
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterator
from dataclasses import replace

from scanner.apk.jar import read_v1
from scanner.apk.problems import ProblemLog
from scanner.apk.signers import (
    ROLE_LINEAGE,
    ROLE_OTHER,
    ROLE_SIGNER,
    SCHEME_ORDER,
    SCHEME_V1,
    SCHEME_V2,
    SCHEME_V3,
    SCHEME_V31,
    ApkSigners,
    SignerCertificate,
    describe,
)
from scanner.apk.zipread import central_directory, find_eocd

__all__ = [
    "BLOCK_IDS",
    "SCHEME_V1",
    "SCHEME_V2",
    "SCHEME_V3",
    "SCHEME_V31",
    "SIGNING_BLOCK_MAGIC",
    "ApkSigners",
    "SignerCertificate",
    "central_directory",
    "find_eocd",
    "read_apk_signers",
]

SIGNING_BLOCK_MAGIC = b"APK Sig Block 42"
BLOCK_IDS: dict[int, str] = {
    0x7109871A: SCHEME_V2,
    0xF05368C0: SCHEME_V3,
    0x1B93AD61: SCHEME_V31,
}
"""APK Signing Block pair ids of the schemes whose certificates we read."""
PROOF_OF_ROTATION_ID = 0x3BA06F8C
LINEAGE_VERSION = 1

# The block holds at least both size fields and the magic (8 + 8 + 16 bytes).
_MIN_BLOCK_SIZE = 8 + 8 + 16
# Hostile input can claim anything; these caps keep time and memory bounded.
_MAX_CERTS_PER_SCHEME = 64
_MAX_PROBLEMS = 50
NOTE_LATER_IN_LIST = (
    "a later certificate in {scheme} signer {index}'s list; Android uses only the first"
)


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

    def rest(self, what: str) -> bytes:
        return bytes(self.take(self.remaining, what))

    def sequence(self, what: str) -> Iterator[_Cursor]:
        """Each uint32-length-prefixed element until this cursor is used up."""
        while self.remaining > 0:
            yield self.prefixed(what)


class _Problems(ProblemLog):
    def __init__(self) -> None:
        super().__init__(_MAX_PROBLEMS)


def read_apk_signers(data: bytes) -> ApkSigners:
    """Read every certificate (v1, v2, v3, v3.1 and v3 lineages) from the bytes of one APK.

    Never raises on bad input: whatever could not be read is described in ``problems``.
    Signatures are not verified (see the module docstring for why).
    """
    return read_signers(memoryview(data), hashlib.sha256(data).hexdigest().upper(), len(data))


def read_signers(view: memoryview, sha256: str, size: int, v1: bool = True) -> ApkSigners:
    """``read_apk_signers`` over a view of the file, its hash given (not computed here):
    a view of the parts read on the phone (``scanner.apk.partial``) holds no other bytes.

    ``v1`` False: the JAR signature is not looked for (its files are located through the
    central directory, which a parts read may have left unread; see ``partial.v1_needed``).
    """
    problems = _Problems()
    certificates: list[SignerCertificate] = []
    schemes: set[str] = set()

    for scheme, value in _signing_block_pairs(view, problems):
        schemes.add(scheme)
        certificates.extend(_block_certificates(scheme, value, problems))

    if v1:
        v1_certs, v1_found = read_v1(view, problems)
        if v1_found:
            schemes.add(SCHEME_V1)
        certificates.extend(v1_certs)
    if not schemes and not problems.items:
        problems.add("no v1, v2 or v3 signature found (Android does not install unsigned APKs)")
    elif certificates and not any(c.role == ROLE_SIGNER for c in certificates):
        problems.add(
            "certificates were found but none is a signer's (see each one's note): "
            "Android would treat this APK as unsigned"
        )

    return ApkSigners(
        sha256=sha256,
        size_bytes=size,
        schemes=tuple(s for s in SCHEME_ORDER if s in schemes),
        certificates=tuple(certificates),
        problems=problems.result(),
    )


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
    """Certificates of every signer in one v2/v3/v3.1 block value, lineages included."""
    found: list[SignerCertificate] = []
    try:
        signers = _Cursor(value).prefixed("signer list")
        for signer_index, signer in enumerate(signers.sequence("signer")):
            found.extend(_signer_certificates(scheme, signer_index, signer, problems))
            if len(found) > _MAX_CERTS_PER_SCHEME:
                problems.add(f"{scheme}: more than {_MAX_CERTS_PER_SCHEME} certificates")
                return found[:_MAX_CERTS_PER_SCHEME]
    except _Malformed as exc:
        problems.add(f"{scheme} signature block is damaged: {exc}")
    else:
        if not found:
            problems.add(f"{scheme} signature block holds no certificate")
    return found


def _signer_certificates(
    scheme: str, signer_index: int, signer: _Cursor, problems: _Problems
) -> list[SignerCertificate]:
    """One signer: its certificate (the first of its list), the rest, and its lineage."""
    signed_data = signer.prefixed("signed data")
    signed_data.prefixed("digest list")  # Skipped: we do not verify.
    cert_list = signed_data.prefixed("certificate list")
    found: list[SignerCertificate] = []
    for chain_index, cert in enumerate(cert_list.sequence("certificate")):
        if chain_index >= _MAX_CERTS_PER_SCHEME:
            break
        certificate, _ = describe(
            cert.rest("certificate"),
            scheme,
            signer_index,
            chain_index,
            "APK Signing Block",
            problems,
        )
        if chain_index:
            note = NOTE_LATER_IN_LIST.format(scheme=scheme, index=signer_index + 1)
            certificate = replace(certificate, role=ROLE_OTHER, note=note)
        found.append(certificate)
    if scheme == SCHEME_V2:
        return found
    try:
        return _v3_extras(scheme, signer_index, signer, signed_data, found, problems)
    except _Malformed as exc:
        problems.add(f"{scheme} signer {signer_index + 1} is damaged after its certificates: {exc}")
        return found


def _v3_extras(
    scheme: str,
    signer_index: int,
    signer: _Cursor,
    signed_data: _Cursor,
    found: list[SignerCertificate],
    problems: _Problems,
) -> list[SignerCertificate]:
    """A v3/v3.1 signer's platform range and lineage, added to its certificates."""
    # The signer's own copy of its range (after signed data) is the one Android selects by.
    min_sdk, max_sdk = signer.u32("minimum SDK"), signer.u32("maximum SDK")
    found = [
        replace(c, min_sdk=min_sdk, max_sdk=max_sdk) if not c.chain_index else c for c in found
    ]
    signed_data.u32("signed minimum SDK")
    signed_data.u32("signed maximum SDK")
    for attribute in signed_data.prefixed("additional attributes").sequence("attribute"):
        if attribute.u32("attribute id") == PROOF_OF_ROTATION_ID:
            found.extend(_lineage(scheme, signer_index, attribute, problems))
    return found


def _lineage(
    scheme: str, signer_index: int, value: _Cursor, problems: _Problems
) -> list[SignerCertificate]:
    """The proof-of-rotation lineage, oldest key first; damage keeps the nodes before it."""
    found: list[SignerCertificate] = []
    try:
        version = value.u32("lineage version")
        if version != LINEAGE_VERSION:
            raise _Malformed(f"lineage version {version} is not one Android knows")
        for node_index, node in enumerate(value.sequence("lineage node")):
            if node_index >= _MAX_CERTS_PER_SCHEME:
                raise _Malformed(f"more than {_MAX_CERTS_PER_SCHEME} keys")
            signed = node.prefixed("lineage signed data")
            der = signed.prefixed("lineage certificate").rest("lineage certificate")
            flags = node.u32("lineage flags")
            certificate, _ = describe(
                der, scheme, signer_index, node_index, f"{scheme} lineage", problems
            )
            found.append(replace(certificate, role=ROLE_LINEAGE, lineage_flags=flags))
    except _Malformed as exc:
        problems.add(f"{scheme}: the key-rotation lineage could not be read in full: {exc}")
    return found
