"""The certificates and signer identifiers of a v1 (JAR) signature block: PKCS#7 SignedData.

Layout (RFC 2315 / 5652)::

    ContentInfo ::= SEQUENCE { contentType OID (1.2.840.113549.1.7.2), [0] EXPLICIT SignedData }
    SignedData  ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo SEQUENCE,
                               [0] IMPLICIT certificates OPTIONAL, [1] IMPLICIT crls OPTIONAL,
                               signerInfos SET OF SignerInfo }
    SignerInfo  ::= SEQUENCE { version, sid, ... }
    sid: IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber INTEGER }
         or [0] subjectKeyIdentifier (Android does not support this form)

The certificate set is an unordered bag: it may hold certificates that signed nothing.
Android takes the signer's certificate as the one the SignerInfo names by issuer and serial,
so we keep each SignerInfo's identifier and every certificate as its stored bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from scanner.apk.asn1 import (
    TAG_SEQUENCE,
    TAG_SET,
    Asn1Error,
    Element,
    child_list,
    integer,
    object_id,
    raw,
    read_element,
)
from scanner.apk.x509 import Name, name_at

OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
_MAX_ELEMENTS = 64


@dataclass(frozen=True, slots=True)
class SignerId:
    """Which certificate a SignerInfo says signed: issuer and serial (None: another form)."""

    issuer: Name | None
    serial: int | None


@dataclass(frozen=True, slots=True)
class SignedData:
    certificates: tuple[bytes, ...]
    """Each certificate of the bag exactly as stored, in stored order."""
    signer_ids: tuple[SignerId, ...]


def read_signed_data(block: bytes, max_certificates: int) -> SignedData:
    """Parse a signature block file; raises Asn1Error when it is not PKCS#7 SignedData."""
    info = read_element(block, 0, len(block))
    if not info.is_universal(TAG_SEQUENCE):
        raise Asn1Error("not PKCS#7: the file does not start with a SEQUENCE")
    parts = child_list(block, info, 2)
    if len(parts) != 2 or object_id(block, parts[0]) != OID_SIGNED_DATA:
        raise Asn1Error("not PKCS#7 SignedData")
    if not parts[1].is_context(0):
        raise Asn1Error("PKCS#7 content is not tagged [0]")
    (signed,) = child_list(block, parts[1], 1) or (None,)
    if signed is None or not signed.is_universal(TAG_SEQUENCE):
        raise Asn1Error("PKCS#7 SignedData is not a SEQUENCE")
    fields = child_list(block, signed, 8)
    if len(fields) < 4:
        raise Asn1Error("PKCS#7 SignedData is missing fields")
    certificates: tuple[bytes, ...] = ()
    for field in fields[3:-1]:
        if field.is_context(0) and field.constructed:
            bag = child_list(block, field, max_certificates)
            certificates = tuple(raw(block, cert) for cert in bag)
    signer_infos = fields[-1]
    if not signer_infos.is_universal(TAG_SET):
        raise Asn1Error("PKCS#7 SignedData has no signerInfos SET")
    ids = tuple(_signer_id(block, info) for info in child_list(block, signer_infos, _MAX_ELEMENTS))
    return SignedData(certificates, ids)


def _signer_id(block: bytes, signer_info: Element) -> SignerId:
    fields = child_list(block, signer_info, _MAX_ELEMENTS)
    if len(fields) < 2:
        raise Asn1Error("a SignerInfo is missing fields")
    sid = fields[1]
    if not sid.is_universal(TAG_SEQUENCE):
        return SignerId(None, None)  # subjectKeyIdentifier: Android cannot match it either.
    issuer_and_serial = child_list(block, sid, 2)
    if len(issuer_and_serial) != 2:
        raise Asn1Error("a SignerInfo's issuer and serial number are incomplete")
    return SignerId(name_at(block, issuer_and_serial[0]), integer(block, issuer_and_serial[1]))
