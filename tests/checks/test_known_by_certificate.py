"""Renamed or repackaged stalkerware is caught by its signing certificate and file hash.

The APKs are built and signed here with freshly generated keys (no real malware): the
"known" certificate is put into a test database, and the app is installed under a
package name the database has never seen.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives import hashes

from scanner.device.connection import PhoneConnection
from scanner.device.keys import ephemeral_signer
from scanner.model import Severity
from scanner.pipeline import scan_phone
from scanner.sigdb.commands import load_shipped_db
from scanner.sigdb.model import Family, Kind, Sample, SignatureDB
from scanner.simulator import SimulatedPhone, load_profile
from scanner.simulator.apk_builder import build_apk, make_signing_identity

RENAMED = "com.android.sys.wifiservice"  # the infected phone's unknown spy app


def with_family(db: SignatureDB, family: Family) -> SignatureDB:
    return replace(db, families=(*db.families, family))


def scan_with_apk(apk: bytes, db: SignatureDB):
    profile = load_profile("infected")
    path = next(p for p in profile.files if f"/{RENAMED}-" in p)
    profile = replace(profile, files={**profile.files, path: apk})
    with SimulatedPhone(profile) as phone:
        connection = PhoneConnection.connect_tcp("127.0.0.1", phone.port, ephemeral_signer())
        try:
            return scan_phone(connection, signatures=db)
        finally:
            connection.close()


@pytest.mark.parametrize(
    ("v1", "v2", "v3"), [(True, False, False), (False, True, False), (True, True, True)]
)
def test_renamed_build_is_caught_by_its_certificate(v1, v2, v3):
    key, cert = make_signing_identity("Spy Vendor Ltd build key", "Spy Vendor Ltd")
    apk = build_apk(RENAMED, label="Wi-Fi Service", key=key, cert=cert, v1=v1, v2=v2, v3=v3)
    sha1 = cert.fingerprint(hashes.SHA1()).hex().upper()  # noqa: S303 - Echap lists SHA-1
    family = Family(
        name="TestSpy",
        kind=Kind.STALKERWARE,
        packages=("com.testspy.original",),
        certificates=(sha1,),
        sources=("test",),
    )
    result = scan_with_apk(apk, with_family(load_shipped_db(), family))
    found = [f for f in result.findings if f.check == "KNOWN-002" and f.package == RENAMED]
    assert len(found) == 1
    assert found[0].severity is Severity.STALKERWARE
    assert found[0].family == "TestSpy"
    assert any(sha1 in e.excerpt for e in found[0].evidence)


def test_certificate_of_an_unrelated_app_matches_nothing():
    key, cert = make_signing_identity("Honest Dev")
    apk = build_apk(RENAMED, key=key, cert=cert)
    result = scan_with_apk(apk, load_shipped_db())
    assert not [f for f in result.findings if f.check in ("KNOWN-002", "KNOWN-003")]


def test_certificate_organisation_rule_catches_a_new_key():
    key, cert = make_signing_identity("whatever", "Kids Safety Monitor Inc")
    apk = build_apk(RENAMED, key=key, cert=cert)
    family = Family(
        name="OrgSpy", certificate_organizations=("Kids Safety Monitor Inc",), sources=("test",)
    )
    result = scan_with_apk(apk, with_family(load_shipped_db(), family))
    assert [f for f in result.findings if f.check == "KNOWN-002" and f.family == "OrgSpy"]


def test_known_sample_is_caught_by_its_sha256():
    apk = build_apk(RENAMED, label="Wi-Fi Service")
    digest = hashlib.sha256(apk).hexdigest()
    family = Family(
        name="SampleSpy", samples=(Sample(sha256=digest, package=RENAMED),), sources=("test",)
    )
    result = scan_with_apk(apk, with_family(load_shipped_db(), family))
    found = [f for f in result.findings if f.check == "KNOWN-003"]
    assert [f.family for f in found] == ["SampleSpy"]
    assert found[0].severity is Severity.STALKERWARE
