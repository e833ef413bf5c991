"""A certificate or name met again is not read again, and reading it once changes nothing:
the same fields, the same fingerprints, the same problems, the same error offsets."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from scanner.apk.asn1 import Asn1Error, read_element
from scanner.apk.problems import ProblemLog
from scanner.apk.signers import SCHEME_V1, SCHEME_V2, describe
from scanner.apk.x509 import certificate_fields, name_at, read_name
from scanner.simulator.apk_builder import make_signing_identity


@pytest.fixture(scope="module")
def der() -> bytes:
    _, certificate = make_signing_identity("Read Once", "Tests")
    return certificate.public_bytes(Encoding.DER)


def _issuer_element(der: bytes) -> tuple[int, int]:
    """Where the issuer Name lies in a certificate (start, end)."""
    tbs = read_element(der, read_element(der, 0, len(der)).content_start, len(der))
    position, fields = tbs.content_start, []
    while position < tbs.content_end:
        element = read_element(der, position, tbs.content_end)
        fields.append(element)
        position = element.end
    issuer = fields[3]  # [0] version, serial, signature algorithm, issuer
    return issuer.start, issuer.end


def test_a_name_read_from_its_stored_bytes_equals_the_name_read_in_place(der: bytes) -> None:
    start, end = _issuer_element(der)
    element = read_element(der, start, end)
    in_place = read_name(der, element)
    assert in_place, "the issuer has attributes"
    assert name_at(der, element) == in_place
    # Inside other bytes (as in a PKCS#7 SignerInfo), at another offset: the same name.
    wrapped = b"\x00" * 7 + der[start:end]
    assert name_at(wrapped, read_element(wrapped, 7, len(wrapped))) == in_place


def test_a_damaged_name_is_refused_with_its_offset_in_the_data_read(der: bytes) -> None:
    start, end = _issuer_element(der)
    # The Name's first RDN becomes an INTEGER: not a SET, so not a name.
    damaged = bytearray(der)
    rdn = read_element(der, start, end).content_start
    damaged[rdn] = 0x02
    element = read_element(bytes(damaged), start, end)
    with pytest.raises(Asn1Error) as in_place:
        read_name(bytes(damaged), element)
    with pytest.raises(Asn1Error) as through_cache:
        name_at(bytes(damaged), element)
    assert str(through_cache.value) == str(in_place.value)
    assert f"offset {rdn}" in str(through_cache.value)


def test_one_certificate_in_two_schemes_is_described_alike(der: bytes) -> None:
    problems = ProblemLog(10)
    v1, v1_fields = describe(der, SCHEME_V1, 0, 0, "META-INF/CERT.RSA", problems)
    v2, v2_fields = describe(der, SCHEME_V2, 0, 0, "APK Signing Block", problems)
    assert v1_fields == v2_fields == certificate_fields(der)
    assert (v1.sha256, v1.sha1, v1.subject, v1.subject_cn, v1.subject_o) == (
        v2.sha256,
        v2.sha1,
        v2.subject,
        v2.subject_cn,
        v2.subject_o,
    )
    assert (v1.scheme, v1.source, v2.scheme, v2.source) == (
        SCHEME_V1,
        "META-INF/CERT.RSA",
        SCHEME_V2,
        "APK Signing Block",
    )
    assert v1.subject_cn == "Read Once"
    assert problems.result() == ()


def test_an_unreadable_certificate_is_reported_every_time_it_is_met() -> None:
    broken = b"\x30\x03\x02\x01\x05"  # a SEQUENCE holding one INTEGER: no TBSCertificate
    problems = ProblemLog(10)
    first, fields = describe(broken, SCHEME_V1, 0, 0, "META-INF/CERT.RSA", problems)
    second, _ = describe(broken, SCHEME_V2, 0, 0, "APK Signing Block", problems)
    assert fields is None
    assert first.sha256 == second.sha256 and first.subject == ""
    assert [p.split(":")[0] for p in problems.result()] == [SCHEME_V1, SCHEME_V2]
