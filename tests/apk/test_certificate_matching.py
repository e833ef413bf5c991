"""KNOWN-002 matches the signer Android uses and the app's rotation keys, nothing else.

Real APKs from ../shared/real-apks (apksig's rotated test keys) stand in for a vendor that
rotated its signing key; the database lists one of their certificates.
"""

from __future__ import annotations

from datetime import datetime

from apk_helpers import Identity, v3_style_block_value, with_signing_block
from cryptography.hazmat.primitives.serialization import Encoding

from scanner.apk.signers import ROLE_OTHER, SCHEME_V1, SCHEME_V3
from scanner.apk.signing import read_apk_signers
from scanner.apks import facts_from_apk
from scanner.checks.known import known_by_certificate
from scanner.checks.registry import CheckContext
from scanner.model import DeviceInfo, DeviceSnapshot, Finding, Severity
from scanner.sigdb.index import SignatureIndex
from scanner.sigdb.model import Family, Kind
from scanner.simulator.apk_builder import build_apk
from tests.conftest import shared_path

PACKAGE = "com.android.sys.wifiservice"
V2_BLOCK_ID = 0x7109871A


def real(name: str) -> bytes:
    return shared_path("real-apks", name).read_bytes()


def spy_listing(*certificates: str) -> Family:
    return Family(
        name="RotatedSpy", kind=Kind.STALKERWARE, certificates=certificates, sources=("test",)
    )


def findings(apk: bytes, family: Family, platform_sdk: int | None = None) -> list[Finding]:
    facts = facts_from_apk(PACKAGE, "/data/app/~~x==/base.apk", apk, platform_sdk)
    context = CheckContext(
        now=datetime(2024, 5, 1),  # naive: the phone's clock, as checks take it
        signatures=SignatureIndex([family]),
        apks={PACKAGE: facts},
    )
    return list(known_by_certificate(DeviceSnapshot(DeviceInfo(sdk=platform_sdk)), context))


def test_an_earlier_key_from_the_rotation_history_is_matched() -> None:
    apk = real("apksig/golden-aligned-v3-lineage-out.apk")
    signers = read_apk_signers(apk)
    old_key = signers.lineage(SCHEME_V3)[0]
    assert old_key.sha256 not in {c.sha256 for c in signers.current_signers()}

    (found,) = findings(apk, spy_listing(old_key.sha256))

    assert found.severity is Severity.STALKERWARE
    lines = [e.excerpt for e in found.evidence]
    assert any(
        "an earlier signing key of this app, from its key-rotation history (v3 lineage)" in line
        and old_key.sha256 in line
        for line in lines
    ), lines


def test_the_current_signer_is_matched_as_the_signing_certificate() -> None:
    apk = real("apksig/golden-aligned-v3-lineage-out.apk")
    (signer,) = read_apk_signers(apk).current_signers()

    (found,) = findings(apk, spy_listing(signer.sha1))

    assert any(
        e.excerpt == f"signing certificate certificates: {signer.sha1}" for e in found.evidence
    )


def test_an_extra_certificate_of_the_pkcs7_bag_is_never_matched() -> None:
    apk = real("apksig/v1-only-pkcs7-cert-bag-first-cert-not-used.apk")
    (unused,) = read_apk_signers(apk).for_scheme(SCHEME_V1, ROLE_OTHER)
    facts = facts_from_apk(PACKAGE, "/data/app/base.apk", apk)

    assert findings(apk, spy_listing(unused.sha256)) == []
    (other,) = facts.other_certificates
    assert other.sha256 == unused.sha256
    assert other.where.startswith("other certificate in the file, not the signer's")


def test_a_v1_key_counts_only_on_a_phone_that_uses_v1(
    vendor: Identity, other_vendor: Identity
) -> None:
    # v1 by the listed vendor key, v2 by another: Android 7 and later use only the v2 one.
    v1_only = build_apk(PACKAGE, key=vendor.key, cert=vendor.cert, v2=False)
    v2_value = v3_style_block_value(other_vendor.cert.public_bytes(Encoding.DER))
    apk = with_signing_block(v1_only, [(V2_BLOCK_ID, v2_value)])
    (v1,) = read_apk_signers(apk).for_scheme(SCHEME_V1)
    listing = spy_listing(v1.sha256)

    assert findings(apk, listing, platform_sdk=34) == []
    assert findings(apk, listing) == []
    assert [f.family for f in findings(apk, listing, platform_sdk=23)] == ["RotatedSpy"]
    facts = facts_from_apk(PACKAGE, "/data/app/base.apk", apk, 34)
    assert facts.signing_scheme == "v2"
    assert [c.sha256 for c in facts.other_certificates] == [v1.sha256]
    assert "v1 signer" in facts.other_certificates[0].where
