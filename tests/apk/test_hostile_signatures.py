"""The BER, PKCS#7 and lineage readers stay bounded and never raise past their own error."""

from __future__ import annotations

import contextlib
import functools
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.apk.asn1 import Asn1Error, read_element
from scanner.apk.pkcs7 import read_signed_data
from scanner.apk.signing import read_apk_signers
from scanner.apk.x509 import certificate_fields
from tests.conftest import shared_path


@functools.cache
def real_bytes(name: str) -> bytes:
    return shared_path("real-apks", name).read_bytes()


@functools.cache
def real_pkcs7() -> bytes:
    with zipfile.ZipFile(shared_path("real-apks", "androguard/CertChain.apk")) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".RSA"))
        return archive.read(name)


def mutated(data: bytes, draw: st.DataObject) -> bytes:
    changed = bytearray(data)
    for _ in range(draw.draw(st.integers(1, 8))):
        changed[draw.draw(st.integers(0, len(changed) - 1))] = draw.draw(st.integers(0, 255))
    return bytes(changed[: draw.draw(st.integers(0, len(changed)))])


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_are_refused_as_pkcs7_only_with_asn1_error(data: bytes) -> None:
    try:
        signed = read_signed_data(data, 64)
    except Asn1Error:
        return
    # Whatever parses is slices of the input, never more of it than there is.
    assert all(certificate in data for certificate in signed.certificates)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_damaged_real_signature_block_raises_only_asn1_error(data: st.DataObject) -> None:
    block = mutated(real_pkcs7(), data)
    try:
        signed = read_signed_data(block, 64)
    except Asn1Error:
        return
    assert len(signed.certificates) <= 64
    for certificate in signed.certificates:
        assert certificate in block
        with contextlib.suppress(Asn1Error):
            certificate_fields(certificate)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_damaged_apk_with_a_lineage_never_raises(data: st.DataObject) -> None:
    apk = mutated(real_bytes("apksig/v1v2v3-with-rsa-2048-lineage-3-signers.apk"), data)

    result = read_apk_signers(apk)

    assert len(result.problems) <= 51
    assert all(isinstance(p, str) for p in result.problems)


@pytest.mark.parametrize(
    "data",
    [
        b"\x30\x80" * 5000,  # indefinite lengths nested far deeper than any certificate
        b"\x30\x84\xff\xff\xff\xff",  # a length far past the end
        b"\x30\x85" + bytes(5),  # five length bytes
        b"\x1f\xff\xff\xff\xff\xff\x01\x00",  # a tag number that never ends
        b"\x04\x80\x00\x00",  # a primitive element with an indefinite length
    ],
    ids=["deep", "long", "length-bytes", "tag", "primitive-indefinite"],
)
def test_hostile_ber_is_refused(data: bytes) -> None:
    with pytest.raises(Asn1Error):
        read_element(data, 0, len(data))


def test_a_bag_with_too_many_certificates_is_refused() -> None:
    tiny = b"\x30\x00" * 1000
    bag = b"\xa0\x82" + len(tiny).to_bytes(2, "big") + tiny
    fields = b"\x02\x01\x01" + b"\x31\x00" + b"\x30\x00" + bag + b"\x31\x00"
    signed = b"\x30\x82" + len(fields).to_bytes(2, "big") + fields
    wrapper = b"\xa0\x82" + len(signed).to_bytes(2, "big") + signed
    oid = bytes.fromhex("06092a864886f70d010702")
    info = b"\x30\x82" + (len(oid) + len(wrapper)).to_bytes(2, "big") + oid + wrapper

    with pytest.raises(Asn1Error, match="more than 64"):
        read_signed_data(info, 64)
