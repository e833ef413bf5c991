"""v1 (JAR) signing: which certificate in ``META-INF/<name>.RSA|.DSA|.EC`` is the signer's.

Android's rules (facts from apksig ``V1SchemeVerifier`` and the platform's JAR verifier):

* A signature block counts only when ``META-INF/<name>.SF`` sits beside it; a block without
  its ``.SF`` is ignored.
* The block is PKCS#7 SignedData. Its certificate set is an unordered bag; the signer is the
  certificate a SignerInfo names by issuer and serial number (from Android 7 the first
  SignerInfo that verifies; we do not verify, so we take the first one that names a
  certificate of the bag). Its issuers up the bag form the chain; Android identifies the app
  by the leaf alone.
* Names are matched case-insensitively, as the platform upper-cases ``META-INF`` names.

Every other certificate in a block is kept, as role ``other`` with the reason in ``note``.
"""

from __future__ import annotations

import functools
from dataclasses import replace

from scanner.apk.asn1 import Asn1Error
from scanner.apk.pkcs7 import SignedData, read_signed_data
from scanner.apk.problems import ProblemLog
from scanner.apk.signers import ROLE_OTHER, SCHEME_V1, SignerCertificate, describe
from scanner.apk.x509 import CertificateFields, same_name
from scanner.apk.zipread import BadZip, ZipEntry, entry_data, iter_signature_entries

BLOCK_EXTENSIONS = (".RSA", ".DSA", ".EC")
# Hostile input can claim anything; these caps keep time and memory bounded.
MAX_BLOCK_BYTES = 1024 * 1024
MAX_BLOCK_FILES = 8
MAX_CERTS_PER_BLOCK = 64
_MAX_ZIP_ENTRIES = 500_000

NOTE_NO_SF = "no {sf} beside this signature block, so Android ignores it"
NOTE_BAG = "an extra certificate in the PKCS#7 bag of {name}, not the one that signed"
NOTE_CHAIN = "a certificate authority above the signer in {name}, not the signer itself"
NOTE_UNNAMED = "{name} names no certificate of its bag as the signer"


def read_v1(apk: memoryview, problems: ProblemLog) -> tuple[list[SignerCertificate], bool]:
    """Certificates of every v1 signature block; second item: any block file was seen."""
    try:
        meta = _meta_inf_entries(apk)
    except BadZip as exc:
        problems.add(f"v1: the ZIP could not be read ({exc})")
        return [], False
    blocks = [name for name in meta if name.endswith(BLOCK_EXTENSIONS)]
    found: list[SignerCertificate] = []
    for file_index, name in enumerate(blocks[:MAX_BLOCK_FILES]):
        entry = meta[name]
        block = _read_block(apk, entry, problems)
        if block is None:
            continue
        signed = _signed_data(bytes(block))
        if isinstance(signed, str):
            problems.add(f"v1: {entry.text_name} is not a readable PKCS#7 signature ({signed})")
            continue
        if not signed.certificates:
            problems.add(f"v1: {entry.text_name} holds no certificate")
            continue
        sf_name = name[: name.rfind(".")] + ".SF"
        found.extend(
            _block_certificates(signed, file_index, entry.text_name, sf_name in meta, problems)
        )
    if len(blocks) > MAX_BLOCK_FILES:
        problems.add(f"v1: only the first {MAX_BLOCK_FILES} signature files were read")
    return found, bool(blocks)


@functools.lru_cache(maxsize=256)
def _signed_data(block: bytes) -> SignedData | str:
    """The PKCS#7 structure, or why it does not parse; kept for the blocks seen last (apps
    of one developer often carry the same signature block file)."""
    try:
        return read_signed_data(block, MAX_CERTS_PER_BLOCK)
    except Asn1Error as exc:
        return str(exc)


def _meta_inf_entries(apk: memoryview) -> dict[str, ZipEntry]:
    """``META-INF/*`` entries (no subfolders) by upper-cased name; the first of a repeat wins."""
    found: dict[str, ZipEntry] = {}
    for entry in iter_signature_entries(apk, (), _MAX_ZIP_ENTRIES):
        name = entry.text_name.upper()
        if name.startswith("META-INF/") and "/" not in name[len("META-INF/") :]:
            found.setdefault(name, entry)
    return found


def _read_block(apk: memoryview, entry: ZipEntry, problems: ProblemLog) -> bytes | None:
    # The sizes come from the archive and may lie, so the read itself is bounded too.
    if entry.uncompressed_size > MAX_BLOCK_BYTES:
        problems.add(
            f"v1: {entry.text_name} is too large to be a signature "
            f"({entry.uncompressed_size} bytes)"
        )
        return None
    try:
        return bytes(entry_data(apk, entry, MAX_BLOCK_BYTES))
    except BadZip as exc:
        problems.add(f"v1: {entry.text_name} could not be read ({exc})")
        return None


def _block_certificates(
    signed: SignedData, file_index: int, name: str, has_sf: bool, problems: ProblemLog
) -> list[SignerCertificate]:
    described = [
        describe(der, SCHEME_V1, file_index, index, name, problems)
        for index, der in enumerate(signed.certificates)
    ]
    certificates = [certificate for certificate, _ in described]
    fields = [parsed for _, parsed in described]
    if not has_sf:
        sf = name[: name.rfind(".")] + ".SF"
        return [_other(c, NOTE_NO_SF.format(sf=sf)) for c in certificates]
    leaf = _signer_index(signed, fields)
    if leaf is None:
        problems.add(f"v1: {name} names no certificate of its bag as the signer")
        return [_other(c, NOTE_UNNAMED.format(name=name)) for c in certificates]
    chain = _chain(leaf, fields)
    result = []
    for index, certificate in enumerate(certificates):
        if index == leaf:
            result.append(certificate)
        elif index in chain:
            result.append(_other(certificate, NOTE_CHAIN.format(name=name)))
        else:
            result.append(_other(certificate, NOTE_BAG.format(name=name)))
    return result


def _other(certificate: SignerCertificate, note: str) -> SignerCertificate:
    return replace(certificate, role=ROLE_OTHER, note=note)


def _signer_index(signed: SignedData, fields: list[CertificateFields | None]) -> int | None:
    """The bag index of the first certificate a SignerInfo names by issuer and serial."""
    for signer in signed.signer_ids:
        if signer.issuer is None or signer.serial is None:
            continue
        for index, parsed in enumerate(fields):
            if (
                parsed is not None
                and parsed.serial == signer.serial
                and same_name(parsed.issuer, signer.issuer)
            ):
                return index
    return None


def _chain(leaf: int, fields: list[CertificateFields | None]) -> set[int]:
    """Bag indices of the leaf's issuers, followed by subject name as Android does."""
    chain: set[int] = set()
    current = fields[leaf]
    used = {leaf}
    while current is not None and not current.self_issued:
        issuer = next(
            (
                i
                for i, parsed in enumerate(fields)
                if i not in used
                and parsed is not None
                and same_name(parsed.subject, current.issuer)
            ),
            None,
        )
        if issuer is None:
            break
        used.add(issuer)
        chain.add(issuer)
        current = fields[issuer]
    return chain
