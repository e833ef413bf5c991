"""Who signed an APK, as data: every certificate found, its role, and Android's choice.

An APK can carry several schemes (v1 JAR signing, v2, v3, v3.1) and each can carry
certificates that did not sign anything. Android picks one signer per platform version:
v3.1 from Android 13 (API 33), v3 from Android 9 (API 28), v2 from Android 7 (API 24),
v1 before that or when nothing newer is present; within v3 and v3.1, the signer whose
``[min_sdk, max_sdk]`` covers the platform. ``ApkSigners.current_signers`` makes the same
choice, so a certificate tucked into an APK beside the real signer is never taken for it.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

from scanner.apk.asn1 import Asn1Error
from scanner.apk.problems import ProblemLog
from scanner.apk.x509 import (
    OID_COMMON_NAME,
    OID_ORGANIZATION,
    CertificateFields,
    certificate_fields,
)

SCHEME_V1 = "v1"
SCHEME_V2 = "v2"
SCHEME_V3 = "v3"
SCHEME_V31 = "v3.1"
SCHEME_ORDER = (SCHEME_V1, SCHEME_V2, SCHEME_V3, SCHEME_V31)

ROLE_SIGNER = "signer"
"""Signed this scheme's signature (the leaf the SignerInfo names, or a v2/v3 signer's first
certificate)."""
ROLE_LINEAGE = "lineage"
"""A certificate in a v3/v3.1 signer's proof-of-rotation lineage: the app's key history."""
ROLE_OTHER = "other"
"""In the file, but not a signer's: ``note`` says why."""

# Android platform levels (API) from which each scheme is used.
SINCE_SDK = {SCHEME_V31: 33, SCHEME_V3: 28, SCHEME_V2: 24, SCHEME_V1: 0}
"""The first API level whose Android checks each scheme."""
LINEAGE_CAPABILITIES = (
    (1, "installed data"),
    (2, "shared user id"),
    (4, "permission"),
    (8, "rollback"),
    (16, "auth"),
)
"""Lineage node flags (apksig ``SigningCertificateLineage``): what the older key may still do."""


@dataclass(frozen=True, slots=True)
class SignerCertificate:
    """One certificate found in one signature scheme of an APK."""

    scheme: str
    """``v1``, ``v2``, ``v3`` or ``v3.1``."""
    signer_index: int
    """Which signer of the scheme (v2/v3), or which signature block file (v1), from 0."""
    chain_index: int
    """Position in the signer's certificate list (v2/v3), in the PKCS#7 bag (v1), or in the
    lineage (0 is the oldest key)."""
    der: bytes
    """The certificate's bytes exactly as stored in the APK (Android fingerprints these)."""
    sha1: str
    """SHA-1 of the stored bytes, upper-case hex without colons (the Echap form)."""
    sha256: str
    """SHA-256 of the stored bytes, upper-case hex without colons."""
    subject_cn: str = ""
    """Subject common name, empty when absent or unreadable."""
    subject_o: str = ""
    """Subject organisation, empty when absent or unreadable."""
    source: str = ""
    """Where it was read: the v1 file name, ``APK Signing Block``, or ``v3 lineage``."""
    role: str = ROLE_SIGNER
    note: str = ""
    """For ``other`` certificates: why this is not the signer's."""
    subject: str = ""
    """The whole subject, ``CN=..., O=...``; empty when unreadable."""
    min_sdk: int | None = None
    max_sdk: int | None = None
    """A v3/v3.1 signer's platform range (inclusive)."""
    lineage_flags: int | None = None
    """For lineage certificates: the node's capability flags."""

    @property
    def lineage_capabilities(self) -> tuple[str, ...]:
        flags = self.lineage_flags or 0
        return tuple(name for bit, name in LINEAGE_CAPABILITIES if flags & bit)

    def covers(self, platform_sdk: int) -> bool:
        low = 0 if self.min_sdk is None else self.min_sdk
        high = platform_sdk if self.max_sdk is None else self.max_sdk
        return low <= platform_sdk <= high


@dataclass(frozen=True, slots=True)
class ApkSigners:
    """The signing certificates of one APK, per scheme, and what could not be read."""

    sha256: str
    """SHA-256 of the whole APK file, upper-case hex (the ``samples.csv`` form, upper-cased)."""
    size_bytes: int
    schemes: tuple[str, ...]
    """Schemes whose signature data was found, in the order v1, v2, v3, v3.1."""
    certificates: tuple[SignerCertificate, ...]
    """Every certificate found, whatever its role."""
    problems: tuple[str, ...] = ()
    """Plain descriptions of what could not be read; empty for a clean APK."""

    def for_scheme(self, scheme: str, role: str = ROLE_SIGNER) -> tuple[SignerCertificate, ...]:
        """Certificates of one scheme in one role (by default: its signers)."""
        return tuple(c for c in self.certificates if c.scheme == scheme and c.role == role)

    def lineage(self, scheme: str) -> tuple[SignerCertificate, ...]:
        """The key-rotation lineage of a v3/v3.1 block, oldest key first.

        Each signer may carry one; as apksig does, the longest one stands for the block
        (the others are meant to be its beginnings).
        """
        lineages: dict[int, list[SignerCertificate]] = {}
        for cert in self.for_scheme(scheme, ROLE_LINEAGE):
            lineages.setdefault(cert.signer_index, []).append(cert)
        longest: list[SignerCertificate] = max(lineages.values(), key=len, default=[])
        return tuple(longest)

    def current_signers(self, platform_sdk: int | None = None) -> tuple[SignerCertificate, ...]:
        """The signer certificates Android uses on ``platform_sdk`` (None: the newest)."""
        for scheme in reversed(SCHEME_ORDER):
            if platform_sdk is not None and platform_sdk < SINCE_SDK[scheme]:
                continue
            signers = self.for_scheme(scheme)
            if scheme in (SCHEME_V3, SCHEME_V31) and signers:
                if platform_sdk is None:
                    newest = max(signers, key=lambda c: c.max_sdk or 0)
                    signers = (newest,)
                else:
                    signers = tuple(c for c in signers if c.covers(platform_sdk))
            if signers:
                return signers
        return ()

    @property
    def sha1_fingerprints(self) -> frozenset[str]:
        """SHA-1 fingerprints of every certificate, any scheme and role."""
        return frozenset(c.sha1 for c in self.certificates)

    @property
    def sha256_fingerprints(self) -> frozenset[str]:
        """SHA-256 fingerprints of every certificate, any scheme and role."""
        return frozenset(c.sha256 for c in self.certificates)


@dataclass(frozen=True, slots=True)
class _Read:
    """What a certificate's stored bytes give, whoever carries them."""

    parsed: CertificateFields | str
    """Its fields, or why they could not be read."""
    sha1: str
    sha256: str
    subject_cn: str
    subject_o: str
    subject: str


@functools.lru_cache(maxsize=512)
def _read(der: bytes) -> _Read:
    """Kept for the certificates seen last: an APK carries its signer's certificate once
    per scheme, and on a phone many apps share a signer (a vendor's, a developer's)."""
    try:
        parsed: CertificateFields | str = certificate_fields(der)
    except Asn1Error as exc:
        parsed = str(exc)
    fields = parsed if isinstance(parsed, CertificateFields) else None
    return _Read(
        parsed,
        sha1=hashlib.sha1(der).hexdigest().upper(),  # noqa: S324 - identity, not security
        sha256=hashlib.sha256(der).hexdigest().upper(),
        subject_cn=fields.subject_attribute(OID_COMMON_NAME) if fields else "",
        subject_o=fields.subject_attribute(OID_ORGANIZATION) if fields else "",
        subject=fields.subject_text if fields else "",
    )


def describe(
    der: bytes,
    scheme: str,
    signer_index: int,
    chain_index: int,
    source: str,
    problems: ProblemLog,
) -> tuple[SignerCertificate, CertificateFields | None]:
    """Fingerprints always (they hash the stored bytes); names only when the bytes parse."""
    read = _read(der)
    fields = read.parsed if isinstance(read.parsed, CertificateFields) else None
    if fields is None:
        why = read.parsed
        problems.add(f"{scheme}: a certificate could not be parsed, fingerprint kept ({why})")
    certificate = SignerCertificate(
        scheme=scheme,
        signer_index=signer_index,
        chain_index=chain_index,
        der=der,
        sha1=read.sha1,
        sha256=read.sha256,
        subject_cn=read.subject_cn,
        subject_o=read.subject_o,
        subject=read.subject,
        source=source,
    )
    return certificate, fields
