"""The few fields of an X.509 certificate the APK reader needs, read from its stored bytes.

Layout (RFC 5280): ``Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm,
signature }``; ``TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber INTEGER,
signature AlgorithmIdentifier, issuer Name, validity, subject Name, ... }``; ``Name ::=
SEQUENCE OF SET OF SEQUENCE { type OID, value ANY }``.

Read with ``scanner.apk.asn1`` rather than ``cryptography``: cryptography refuses (or, in
PKCS#7, silently re-encodes) certificates that are not strict DER, and warns on odd name
attributes such as a country longer than two letters; Android accepts both. Nothing here
verifies anything: these fields only name a certificate and find it in a PKCS#7 bag.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

from scanner.apk.asn1 import (
    TAG_SEQUENCE,
    TAG_SET,
    Asn1Error,
    Element,
    child_list,
    content,
    integer,
    object_id,
    read_element,
)

OID_COMMON_NAME = "2.5.4.3"
OID_ORGANIZATION = "2.5.4.10"
_SHORT_NAMES = {
    OID_COMMON_NAME: "CN",
    "2.5.4.6": "C",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    OID_ORGANIZATION: "O",
    "2.5.4.11": "OU",
    "1.2.840.113549.1.9.1": "EMAILADDRESS",
}
# Universal string types and how their bytes decode.
_STRING_CODECS = {
    12: "utf-8",  # UTF8String
    18: "ascii",  # NumericString
    19: "ascii",  # PrintableString
    20: "latin-1",  # TeletexString (T61): latin-1 is what readers do in practice
    22: "ascii",  # IA5String
    26: "ascii",  # VisibleString
    28: "utf-32-be",  # UniversalString
    30: "utf-16-be",  # BMPString
}
_MAX_RDNS = 64
_MAX_ATTRIBUTES = 16
_MAX_FIELDS = 16
_MAX_VALUE_CHARS = 256

Name = tuple[tuple[tuple[str, str], ...], ...]
"""RDNs in order, each a tuple of ``(oid, value)``; a value that is not text is empty."""


@dataclass(frozen=True, slots=True)
class CertificateFields:
    serial: int
    issuer: Name
    subject: Name

    def subject_attribute(self, oid: str) -> str:
        """The first value of one subject attribute, empty when absent."""
        return next((v for rdn in self.subject for o, v in rdn if o == oid), "")

    @property
    def subject_text(self) -> str:
        """The subject as ``CN=..., O=...``, most specific first (the way apksigner prints)."""
        return format_name(self.subject)

    @property
    def self_issued(self) -> bool:
        return same_name(self.subject, self.issuer)


def certificate_fields(der: bytes) -> CertificateFields:
    """Serial, issuer and subject of a certificate; raises Asn1Error when unreadable."""
    certificate = read_element(der, 0, len(der))
    if not certificate.is_universal(TAG_SEQUENCE):
        raise Asn1Error("a certificate must start with a SEQUENCE")
    parts = child_list(der, certificate, 3)
    if not parts or not parts[0].is_universal(TAG_SEQUENCE):
        raise Asn1Error("the certificate has no TBSCertificate")
    fields = child_list(der, parts[0], _MAX_FIELDS)
    if fields and fields[0].is_context(0):
        fields = fields[1:]  # The explicit [0] version.
    if len(fields) < 5:
        raise Asn1Error("the TBSCertificate is missing fields")
    return CertificateFields(
        serial=integer(der, fields[0]),
        issuer=name_at(der, fields[2]),
        subject=name_at(der, fields[4]),
    )


def name_at(data: bytes, element: Element) -> Name:
    """``read_name``, from the Name's stored bytes when those were read before. One app's
    certificate names its issuer as its signature names it, and a self-signed one names
    itself: the same bytes, read once."""
    try:
        return _stored_name(bytes(data[element.start : element.end]))
    except Asn1Error:
        return read_name(data, element)  # again, so the error gives the offset in ``data``


@functools.lru_cache(maxsize=512)
def _stored_name(stored: bytes) -> Name:
    return read_name(stored, read_element(stored, 0, len(stored)))


def read_name(data: bytes, element: Element) -> Name:
    if not element.is_universal(TAG_SEQUENCE):
        raise Asn1Error(f"Name expected at offset {element.start}")
    rdns = []
    for rdn in child_list(data, element, _MAX_RDNS):
        if not rdn.is_universal(TAG_SET):
            raise Asn1Error(f"RelativeDistinguishedName expected at offset {rdn.start}")
        attributes = []
        for pair in child_list(data, rdn, _MAX_ATTRIBUTES):
            type_and_value = child_list(data, pair, 2)
            if len(type_and_value) != 2:
                raise Asn1Error(f"AttributeTypeAndValue at offset {pair.start} is incomplete")
            oid = object_id(data, type_and_value[0])
            attributes.append((oid, _text(data, type_and_value[1])))
        rdns.append(tuple(attributes))
    return tuple(rdns)


def _text(data: bytes, value: Element) -> str:
    codec = _STRING_CODECS.get(value.tag) if value.tag_class == 0 else None
    if codec is None or value.constructed:
        return ""
    text = content(data, value).decode(codec, errors="replace")
    return text[:_MAX_VALUE_CHARS]


def format_name(name: Name) -> str:
    parts = [
        f"{_SHORT_NAMES.get(oid, oid)}={value}" for rdn in reversed(name) for oid, value in rdn
    ]
    return ", ".join(parts)


def same_name(first: Name, second: Name) -> bool:
    """Names equal the way Java's X500Principal compares them: case and spacing aside."""
    # Identical text is the usual case (a signer names its certificate's issuer as
    # stored; a self-signed certificate's subject is its issuer): no folding needed.
    return first == second or _canonical(first) == _canonical(second)


def _canonical(name: Name) -> tuple[frozenset[tuple[str, str]], ...]:
    return tuple(frozenset((oid, _fold(value)) for oid, value in rdn) for rdn in name)


def _fold(value: str) -> str:
    return " ".join(unicodedata.normalize("NFKD", value).casefold().split())
