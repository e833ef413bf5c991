"""The signer is picked as Android picks it, and certificates keep the bytes the file holds.

Real files from ../shared/real-apks where the corpus has the case, generated APKs where it
does not (a v1 and a v2 signature by different keys).
"""

from __future__ import annotations

import hashlib
import io
import warnings
import zipfile
from pathlib import Path

import pytest
from apk_helpers import Apksigner, Identity, v3_style_block_value, with_signing_block
from cryptography.hazmat.primitives.serialization import Encoding, pkcs7

from scanner.apk.jar import NOTE_BAG, NOTE_NO_SF
from scanner.apk.signers import (
    LINEAGE_CAPABILITIES,
    ROLE_LINEAGE,
    ROLE_OTHER,
    SCHEME_V1,
    SCHEME_V2,
    SCHEME_V3,
)
from scanner.apk.signing import read_apk_signers
from scanner.simulator.apk_builder import build_apk
from tests.conftest import shared_path

V2_BLOCK_ID = 0x7109871A


def real(name: str) -> Path:
    return shared_path("real-apks", name)


def zip_member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def test_a_v1_certificate_that_is_not_der_is_fingerprinted_as_stored() -> None:
    path = real("apksig/v1-only-with-rsa-1024-cert-not-der.apk")
    block = zip_member(path, "META-INF/CERT.RSA")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cryptography warns that it falls back to BER here.
        (reencoded,) = pkcs7.load_der_pkcs7_certificates(block)

    (signer,) = read_apk_signers(path.read_bytes()).for_scheme(SCHEME_V1)

    assert signer.der in block
    assert signer.sha256 == hashlib.sha256(signer.der).hexdigest().upper()
    # The file's bytes are not DER, so a library's re-encoding would give another identity.
    assert reencoded.public_bytes(Encoding.DER) != signer.der
    assert signer.subject_cn == "rsa-1024"


@pytest.mark.parametrize(
    ("name", "block_name"),
    [
        ("apksig/v1-only-with-dsa-sha1-1.2.840.10040.4.1-1024.apk", "META-INF/CERT.DSA"),
        ("apksig/v1-only-with-signed-attrs-wrong-order.apk", "META-INF/RSA-2048.RSA"),
    ],
)
def test_a_signature_block_that_is_only_ber_is_read_without_a_fallback_warning(
    name: str, block_name: str
) -> None:
    """Warnings are errors in this suite: reading must not rely on cryptography's BER fallback."""
    path = real(name)
    block = zip_member(path, block_name)
    with pytest.warns(UserWarning, match="BER"):
        pkcs7.load_der_pkcs7_certificates(block)

    result = read_apk_signers(path.read_bytes())

    (signer,) = result.for_scheme(SCHEME_V1)
    assert signer.der in block
    assert result.problems == ()


def test_an_entry_with_an_unknown_compression_method_is_read_as_deflate() -> None:
    path = real("apksig/weird-compression-method.apk")
    with zipfile.ZipFile(path) as archive, pytest.raises(NotImplementedError):
        archive.read("META-INF/CERT.RSA")

    result = read_apk_signers(path.read_bytes())

    assert result.schemes == (SCHEME_V1,)
    assert len(result.for_scheme(SCHEME_V1)) == 1
    assert result.problems == ()


def test_an_extra_certificate_in_the_pkcs7_bag_is_not_the_signer() -> None:
    result = read_apk_signers(
        real("apksig/v1-only-pkcs7-cert-bag-first-cert-not-used.apk").read_bytes()
    )

    (signer,) = result.for_scheme(SCHEME_V1)
    (other,) = result.for_scheme(SCHEME_V1, ROLE_OTHER)
    assert other.chain_index == 0 and signer.chain_index == 1  # The bag's first is unused.
    assert other.note == NOTE_BAG.format(name="META-INF/CERT.RSA")
    assert result.current_signers() == (signer,)


def test_a_signature_block_without_its_sf_file_is_ignored() -> None:
    # androguard's partialsignature.apk: a signed APK with a second, lone META-INF/CERT.RSA.
    result = read_apk_signers(real("androguard/partialsignature.apk").read_bytes())

    (signer,) = result.for_scheme(SCHEME_V1)
    (lone,) = result.for_scheme(SCHEME_V1, ROLE_OTHER)
    assert signer.source == "META-INF/6AD89F48.RSA"
    assert lone.source == "META-INF/CERT.RSA"
    assert lone.note == NOTE_NO_SF.format(sf="META-INF/CERT.SF")


def test_a_lone_block_added_to_an_apksigner_apk_is_ignored_like_apksigner_does(
    vendor: Identity, other_vendor: Identity, apksigner: Apksigner
) -> None:
    framed = pkcs7.serialize_certificates([other_vendor.cert], Encoding.DER)
    unsigned = build_apk("com.spy", key=vendor.key, cert=vendor.cert, v1=False, v2=False)
    signed = apksigner.sign(unsigned, vendor)
    buffer = io.BytesIO(signed)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("META-INF/FRAMED.RSA", framed)
    apk = buffer.getvalue()
    # API 18-23: the v1 signature alone decides (our builder's manifest says API 24 and up).
    verdict = apksigner.verify(apk, "--min-sdk-version", "18", "--max-sdk-version", "23")

    result = read_apk_signers(apk)

    vendor_sha256 = hashlib.sha256(vendor.cert.public_bytes(Encoding.DER)).hexdigest()
    assert f"certificate SHA-256 digest: {vendor_sha256}" in verdict.stdout
    assert "Number of signers: 1" in verdict.stdout
    assert [c.subject_cn for c in result.for_scheme(SCHEME_V1)] == ["Spy Vendor Ltd"]
    assert [c.subject_cn for c in result.for_scheme(SCHEME_V1, ROLE_OTHER)] == ["Someone Else"]


def test_the_v1_signer_is_used_only_where_android_uses_v1(
    vendor: Identity, other_vendor: Identity
) -> None:
    v1_only = build_apk("com.spy", key=vendor.key, cert=vendor.cert, v2=False)
    rotated = other_vendor.cert.public_bytes(Encoding.DER)
    apk = with_signing_block(v1_only, [(V2_BLOCK_ID, v3_style_block_value(rotated))])

    result = read_apk_signers(apk)

    assert result.schemes == (SCHEME_V1, SCHEME_V2)
    assert [c.subject_cn for c in result.current_signers()] == ["Someone Else"]
    assert [c.subject_cn for c in result.current_signers(24)] == ["Someone Else"]
    assert [c.subject_cn for c in result.current_signers(23)] == ["Spy Vendor Ltd"]


@pytest.mark.parametrize(
    "name",
    [
        "apksig/golden-aligned-v3-lineage-out.apk",
        "apksig/golden-aligned-v2v3-lineage-out.apk",
        "apksig/v1v2v3-with-rsa-2048-lineage-3-signers.apk",
    ],
)
def test_the_v3_lineage_runs_from_the_first_key_to_the_signer(name: str) -> None:
    result = read_apk_signers(real(name).read_bytes())

    lineage = result.lineage(SCHEME_V3)
    (signer,) = result.for_scheme(SCHEME_V3)
    assert len(lineage) >= 2
    assert all(c.role == ROLE_LINEAGE for c in lineage)
    assert lineage[-1].sha256 == signer.sha256
    assert [c.chain_index for c in lineage] == list(range(len(lineage)))
    assert len({c.sha256 for c in lineage}) == len(lineage)
    assert all(c.lineage_flags is not None for c in lineage)
    known = {name for _, name in LINEAGE_CAPABILITIES}
    assert all(set(c.lineage_capabilities) <= known for c in lineage)


def test_the_first_key_of_a_lineage_is_the_v2_signer_of_the_same_build() -> None:
    """apksig signs v2 with the oldest key and v3 with the newest: the lineage joins them."""
    result = read_apk_signers(real("apksig/golden-aligned-v2v3-lineage-out.apk").read_bytes())

    (v2,) = result.for_scheme(SCHEME_V2)
    (v3,) = result.for_scheme(SCHEME_V3)
    assert v2.sha256 != v3.sha256
    assert result.lineage(SCHEME_V3)[0].sha256 == v2.sha256
    assert result.current_signers() == (v3,)
    assert result.current_signers(27) == (v2,)


def test_v31_is_used_from_its_own_minimum_platform() -> None:
    result = read_apk_signers(
        real("apksig/v31-ec-p256-2-tgt-33-1-tgt-28-targetSdk-30.apk").read_bytes()
    )

    (v31,) = result.for_scheme("v3.1")
    (v3,) = result.for_scheme(SCHEME_V3)
    assert v31.sha256 != v3.sha256
    assert result.current_signers() == (v31,)
    assert result.current_signers(33) == (v31,)
    assert result.current_signers(28) == (v3,)
    assert result.lineage("v3.1")[0].sha256 == v3.sha256


def test_an_apk_whose_only_signature_block_lacks_its_sf_is_said_to_be_unsigned(
    vendor: Identity,
) -> None:
    apk = build_apk("com.spy", key=vendor.key, cert=vendor.cert, v2=False)
    stripped = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(apk)) as source, zipfile.ZipFile(stripped, "w") as target:
        for info in source.infolist():
            if not info.filename.endswith(".SF"):
                target.writestr(info, source.read(info))

    result = read_apk_signers(stripped.getvalue())

    assert result.current_signers() == ()
    assert [c.role for c in result.certificates] == [ROLE_OTHER]
    assert any("none is a signer's" in p for p in result.problems)
