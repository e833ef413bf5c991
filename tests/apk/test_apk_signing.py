"""read_apk_signers: the right certificate from every scheme, and no crash on bad input."""

from __future__ import annotations

import functools
import hashlib
import io
import os
import struct
import zipfile

import pytest
from apk_helpers import Apksigner, Identity, v3_style_block_value, with_signing_block
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.apk.signing import (
    SCHEME_V1,
    SCHEME_V2,
    SCHEME_V3,
    SCHEME_V31,
    SIGNING_BLOCK_MAGIC,
    ApkSigners,
    central_directory,
    read_apk_signers,
)
from scanner.simulator.apk_builder import build_apk, demo_identity

SCHEME_COMBINATIONS = [
    pytest.param({"v1": True, "v2": False, "v3": False}, (SCHEME_V1,), id="v1-only"),
    pytest.param({"v1": False, "v2": True, "v3": False}, (SCHEME_V2,), id="v2-only"),
    pytest.param({"v1": True, "v2": True, "v3": False}, (SCHEME_V1, SCHEME_V2), id="v1-v2"),
    pytest.param(
        {"v1": True, "v2": True, "v3": True}, (SCHEME_V1, SCHEME_V2, SCHEME_V3), id="v1-v2-v3"
    ),
]


def upper_hex_fingerprint(identity: Identity, algorithm: hashes.HashAlgorithm) -> str:
    return identity.cert.fingerprint(algorithm).hex().upper()


def block_footer_offset(apk: bytes) -> int:
    """Offset of the footer size field of the APK Signing Block in ``apk``."""
    trailer = central_directory(memoryview(apk))
    assert trailer is not None
    cd_offset = trailer[1]
    assert apk[cd_offset - 16 : cd_offset] == SIGNING_BLOCK_MAGIC
    return cd_offset - 24


def block_start(apk: bytes) -> int:
    footer = block_footer_offset(apk)
    size = struct.unpack_from("<Q", apk, footer)[0]
    return footer + 24 - size - 8


def patched(apk: bytes, offset: int, fmt: str, value: int) -> bytes:
    data = bytearray(apk)
    struct.pack_into(fmt, data, offset, value)
    return bytes(data)


@pytest.mark.parametrize(("flags", "schemes"), SCHEME_COMBINATIONS)
def test_each_scheme_yields_the_generated_certificate(
    vendor: Identity, flags: dict[str, bool], schemes: tuple[str, ...]
) -> None:
    apk = build_apk("com.spy.renamed", key=vendor.key, cert=vendor.cert, **flags)

    result = read_apk_signers(apk)

    assert result.schemes == schemes
    assert result.problems == ()
    for scheme in schemes:
        (found,) = result.for_scheme(scheme)
        assert found.sha1 == upper_hex_fingerprint(vendor, hashes.SHA1())  # noqa: S303
        assert found.sha256 == upper_hex_fingerprint(vendor, hashes.SHA256())
        assert found.der == vendor.cert.public_bytes(Encoding.DER)
        assert found.subject_cn == "Spy Vendor Ltd"
        assert found.subject_o == "Totally Legit Monitoring"
        assert (found.signer_index, found.chain_index) == (0, 0)


def test_v1_source_names_the_signature_file(vendor: Identity) -> None:
    apk = build_apk("com.spy", key=vendor.key, cert=vendor.cert, v2=False)

    (found,) = read_apk_signers(apk).for_scheme(SCHEME_V1)

    assert found.source == "META-INF/CERT.RSA"


def test_fingerprint_sets_and_whole_file_hash(vendor: Identity) -> None:
    apk = build_apk("com.spy", key=vendor.key, cert=vendor.cert, v3=True)

    result = read_apk_signers(apk)

    assert result.sha1_fingerprints == {upper_hex_fingerprint(vendor, hashes.SHA1())}  # noqa: S303
    assert result.sha256_fingerprints == {upper_hex_fingerprint(vendor, hashes.SHA256())}
    assert result.sha256 == hashlib.sha256(apk).hexdigest().upper()
    assert result.size_bytes == len(apk)


def test_a_different_signer_gives_a_different_fingerprint(
    vendor: Identity, other_vendor: Identity
) -> None:
    mine = read_apk_signers(build_apk("com.a", key=vendor.key, cert=vendor.cert))
    theirs = read_apk_signers(build_apk("com.a", key=other_vendor.key, cert=other_vendor.cert))

    assert mine.sha1_fingerprints.isdisjoint(theirs.sha1_fingerprints)
    assert theirs.certificates[0].subject_o == ""


def test_unsigned_zip_reports_that_no_signature_was_found(vendor: Identity) -> None:
    apk = build_apk("com.plain", key=vendor.key, cert=vendor.cert, v1=False, v2=False, v3=False)

    result = read_apk_signers(apk)

    assert result.schemes == ()
    assert result.certificates == ()
    assert any("no v1, v2 or v3 signature" in p for p in result.problems)


def test_random_bytes_are_reported_as_not_a_zip() -> None:
    result = read_apk_signers(os.urandom(4096))

    assert result.schemes == ()
    assert any("not a ZIP" in p for p in result.problems)


@pytest.mark.parametrize("data", [b"", b"PK", b"PK\x05\x06", b"\x00" * 21])
def test_tiny_inputs_do_not_crash(data: bytes) -> None:
    result = read_apk_signers(data)

    assert result.certificates == ()
    assert result.problems


@pytest.mark.parametrize("keep_fraction", [0.1, 0.5, 0.9, 0.999])
def test_truncated_apk_is_reported_not_raised(vendor: Identity, keep_fraction: float) -> None:
    apk = build_apk("com.spy", key=vendor.key, cert=vendor.cert, v3=True)

    result = read_apk_signers(apk[: int(len(apk) * keep_fraction)])

    assert result.certificates == ()
    assert result.problems


def test_apk_missing_its_first_bytes_is_reported(vendor: Identity) -> None:
    apk = build_apk("com.spy", key=vendor.key, cert=vendor.cert)

    result = read_apk_signers(apk[100:])

    assert result.problems
    assert SCHEME_V2 not in result.schemes


def test_absurd_block_size_is_reported_and_v1_still_read(vendor: Identity) -> None:
    apk = build_apk("com.spy", key=vendor.key, cert=vendor.cert, v1=True, v2=True)
    broken = patched(apk, block_footer_offset(apk), "<Q", 2**63 + 5)

    result = read_apk_signers(broken)

    assert any("does not fit before the central directory" in p for p in result.problems)
    assert result.schemes == (SCHEME_V1,)
    assert result.sha1_fingerprints == {upper_hex_fingerprint(vendor, hashes.SHA1())}  # noqa: S303


def test_block_header_and_footer_sizes_must_agree(vendor: Identity) -> None:
    apk = build_apk("com.spy", key=vendor.key, cert=vendor.cert, v1=False)
    start = block_start(apk)
    size = struct.unpack_from("<Q", apk, start)[0]
    broken = patched(apk, start, "<Q", size - 8)

    result = read_apk_signers(broken)

    assert any("sizes disagree" in p for p in result.problems)
    assert result.certificates == ()


def test_absurd_pair_length_is_reported(vendor: Identity) -> None:
    apk = build_apk("com.spy", key=vendor.key, cert=vendor.cert, v1=False)
    broken = patched(apk, block_start(apk) + 8, "<Q", 2**64 - 1)

    result = read_apk_signers(broken)

    assert any("APK Signing Block is damaged" in p for p in result.problems)
    assert result.certificates == ()


def test_absurd_certificate_length_inside_v2_is_reported(vendor: Identity) -> None:
    apk = build_apk("com.spy", key=vendor.key, cert=vendor.cert, v1=False)
    der = vendor.cert.public_bytes(Encoding.DER)
    cert_at = apk.index(der)
    broken = patched(apk, cert_at - 4, "<I", 0xFFFFFFF0)

    result = read_apk_signers(broken)

    assert result.schemes == (SCHEME_V2,)
    assert result.certificates == ()
    assert any("v2 signature block is damaged" in p for p in result.problems)


def test_unparseable_certificate_keeps_its_fingerprint(vendor: Identity) -> None:
    apk = build_apk("com.spy", key=vendor.key, cert=vendor.cert, v1=False)
    der = vendor.cert.public_bytes(Encoding.DER)
    garbage = b"\x30\x03\x02\x01" + bytes(len(der) - 4)  # Same length, not a certificate.
    broken = apk.replace(der, garbage)

    result = read_apk_signers(broken)

    (found,) = result.certificates
    assert found.sha1 == hashlib.sha1(garbage).hexdigest().upper()  # noqa: S324
    assert found.subject_cn == ""
    assert any("could not be parsed" in p for p in result.problems)


def test_garbage_v1_signature_file_is_reported(vendor: Identity) -> None:
    apk = build_apk(
        "com.spy",
        key=vendor.key,
        cert=vendor.cert,
        v1=False,
        v2=False,
        extra_files={"META-INF/EVIL.RSA": b"not pkcs7"},
    )

    result = read_apk_signers(apk)

    assert result.schemes == (SCHEME_V1,)
    assert result.certificates == ()
    assert any("META-INF/EVIL.RSA is not a readable PKCS#7" in p for p in result.problems)


def test_oversized_v1_signature_file_is_not_read(vendor: Identity) -> None:
    apk = build_apk(
        "com.spy",
        key=vendor.key,
        cert=vendor.cert,
        v1=False,
        v2=False,
        extra_files={"META-INF/HUGE.DSA": bytes(3 * 1024 * 1024)},  # Deflates to a few KiB.
    )

    result = read_apk_signers(apk)

    assert any("too large to be a signature" in p for p in result.problems)


def test_signature_files_in_subfolders_are_not_v1(vendor: Identity) -> None:
    apk = build_apk(
        "com.spy",
        key=vendor.key,
        cert=vendor.cert,
        v1=False,
        extra_files={"META-INF/deep/NOT.RSA": b"x", "assets/CERT.RSA": b"y"},
    )

    result = read_apk_signers(apk)

    assert result.schemes == (SCHEME_V2,)
    assert result.problems == ()


def unsigned_apk(identity: Identity) -> bytes:
    return build_apk("com.spy", key=identity.key, cert=identity.cert, v1=False, v2=False)


def test_v31_block_is_read_by_its_own_id(vendor: Identity, other_vendor: Identity) -> None:
    old = vendor.cert.public_bytes(Encoding.DER)
    rotated = other_vendor.cert.public_bytes(Encoding.DER)
    apk = with_signing_block(
        unsigned_apk(vendor),
        [(0xF05368C0, v3_style_block_value(old)), (0x1B93AD61, v3_style_block_value(rotated))],
    )

    result = read_apk_signers(apk)

    assert result.schemes == (SCHEME_V3, SCHEME_V31)
    assert result.for_scheme(SCHEME_V31)[0].subject_cn == "Someone Else"
    assert result.for_scheme(SCHEME_V3)[0].subject_cn == "Spy Vendor Ltd"
    assert result.problems == ()


def test_every_certificate_of_a_chain_is_listed(vendor: Identity, other_vendor: Identity) -> None:
    chain = [vendor.cert.public_bytes(Encoding.DER), other_vendor.cert.public_bytes(Encoding.DER)]
    apk = with_signing_block(unsigned_apk(vendor), [(0x7109871A, v3_style_block_value(*chain))])

    result = read_apk_signers(apk)

    assert [c.der for c in result.certificates] == chain
    assert [c.chain_index for c in result.certificates] == [0, 1]


def test_unknown_pairs_are_skipped(vendor: Identity) -> None:
    der = vendor.cert.public_bytes(Encoding.DER)
    apk = with_signing_block(
        unsigned_apk(vendor),
        [(0x42726577, bytes(100)), (0x2B09189E, b"stamp"), (0x7109871A, v3_style_block_value(der))],
    )

    result = read_apk_signers(apk)

    assert result.schemes == (SCHEME_V2,)
    assert result.problems == ()


def test_block_without_signers_is_reported(vendor: Identity) -> None:
    apk = with_signing_block(unsigned_apk(vendor), [(0x7109871A, b"\x00\x00\x00\x00")])

    result = read_apk_signers(apk)

    assert result.schemes == (SCHEME_V2,)
    assert result.problems == ("v2 signature block holds no certificate",)


def test_repeated_scheme_block_uses_the_first(vendor: Identity, other_vendor: Identity) -> None:
    first = v3_style_block_value(vendor.cert.public_bytes(Encoding.DER))
    second = v3_style_block_value(other_vendor.cert.public_bytes(Encoding.DER))
    apk = with_signing_block(unsigned_apk(vendor), [(0x7109871A, first), (0x7109871A, second)])

    result = read_apk_signers(apk)

    assert [c.subject_cn for c in result.certificates] == ["Spy Vendor Ltd"]
    assert any("appears more than once" in p for p in result.problems)


def test_empty_signing_block_has_no_schemes(vendor: Identity) -> None:
    result = read_apk_signers(with_signing_block(unsigned_apk(vendor), []))

    assert result.schemes == ()
    assert result.certificates == ()


def test_apk_with_zip_comment_is_read(vendor: Identity) -> None:
    # Legal ZIP, but v2 covers the EOCD so only a v1 APK can carry a comment.
    buffer = io.BytesIO(build_apk("com.spy", key=vendor.key, cert=vendor.cert, v2=False))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.comment = b"PK\x05\x06 looks like an end record"

    result = read_apk_signers(buffer.getvalue())

    assert result.schemes == (SCHEME_V1,)
    assert result.problems == ()


def test_reads_an_apk_signed_by_apksigner(vendor: Identity, apksigner: Apksigner) -> None:
    """Cross-check against Google's signer: its v1, v2 and v3 output must read the same."""
    unsigned = build_apk("com.spy", key=vendor.key, cert=vendor.cert, v1=False, v2=False)

    result = read_apk_signers(apksigner.sign(unsigned, vendor))

    assert result.schemes == (SCHEME_V1, SCHEME_V2, SCHEME_V3)
    assert result.problems == ()
    expected = upper_hex_fingerprint(vendor, hashes.SHA1())  # noqa: S303
    assert [c.sha1 for c in result.certificates] == [expected] * 3
    assert result.for_scheme(SCHEME_V1)[0].source == "META-INF/KEY.RSA"  # apksigner's name


@functools.cache
def fuzz_base_apk() -> bytes:
    key, cert = demo_identity()
    return build_apk("com.fuzz", key=key, cert=cert, v3=True)


def _result_is_well_formed(result: ApkSigners) -> None:
    assert isinstance(result, ApkSigners)
    assert all(isinstance(p, str) for p in result.problems)
    assert len(result.problems) <= 51


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    """Our choice: the reader never raises; everything wrong lands in ``problems``."""
    result = read_apk_signers(data)

    _result_is_well_formed(result)
    assert result.size_bytes == len(data)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_damaged_real_apk_never_raises(data: st.DataObject) -> None:
    apk = bytearray(fuzz_base_apk())
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(apk) - 1))
        apk[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(apk)))

    result = read_apk_signers(bytes(apk[:cut]))

    _result_is_well_formed(result)
