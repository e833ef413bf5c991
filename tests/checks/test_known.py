"""Known stalkerware and monitoring apps (KNOWN-001, DUAL-001, KNOWN-002, KNOWN-003).

Package ids are matched against the shipped database. Certificates and file hashes are
read from APKs built and signed here with fresh keys (no real malware), parsed by the
scanner's own APK reader; the "known" certificate or hash is added to a copy of the
shipped database, and its fingerprint is computed by ``cryptography``, not by us.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from functools import cache

import pytest
from cryptography.hazmat.primitives import hashes

from scanner.apks import facts_from_apk
from scanner.model import ApkFacts, Severity
from scanner.sigdb.commands import load_shipped_db
from scanner.sigdb.index import SignatureIndex
from scanner.sigdb.model import Family, Kind, Sample
from scanner.simulator.apk_builder import build_apk, make_signing_identity
from tests.checks.phone import CLEAN, findings, fixture, shipped_index, the_finding
from tests.conftest import shared_path

RENAMED = "com.android.sys.wifiservice"  # a spy app under a name no database lists
WITH_RENAMED = CLEAN.with_apps("wifiservice_by_adb.txt")
PATH = (  # the app's codePath in wifiservice_by_adb.txt
    "/data/app/~~v-oqSvcoWwJLboAaO5OwZw==/"
    "com.android.sys.wifiservice-o3Xgsnee0k0_wGN-GzFhEw==/base.apk"
)


def listing(family: Family) -> SignatureIndex:
    db = load_shipped_db()
    return SignatureIndex.from_db(replace(db, families=(*db.families, family)))


@cache
def vendor_apk() -> tuple[bytes, str]:
    """An APK signed by a "vendor" key, and that certificate's SHA-1 as Echap lists it."""
    key, cert = make_signing_identity("Spy Vendor Ltd build key", "Spy Vendor Ltd")
    sha1 = cert.fingerprint(hashes.SHA1()).hex().upper()  # noqa: S303 - databases list SHA-1
    return build_apk(RENAMED, label="Wi-Fi Service", key=key, cert=cert), sha1


def pulled(apk: bytes) -> dict[str, ApkFacts]:
    return {RENAMED: facts_from_apk(RENAMED, PATH, apk, platform_sdk=34)}


@pytest.mark.fires("KNOWN-001")
def test_an_installed_package_the_database_lists_is_known_stalkerware():
    phone = CLEAN.with_apps("systemservice_sideloaded.txt")
    found = the_finding(
        findings("KNOWN-001", phone, signatures=shipped_index()),
        severity=Severity.STALKERWARE,
        guidance="known_stalkerware",
        package="com.systemservice",
    )
    assert found.family == "TheTruthSpy"


@pytest.mark.fires("KNOWN-001")
@pytest.mark.parametrize(
    ("zone", "said"), [("Europe/London", ", Europe/London)"), ("", ", time zone unknown)")]
)
def test_the_install_time_is_named_as_the_phones_local_time_with_its_zone(zone, said):
    phone = CLEAN.with_apps("systemservice_sideloaded.txt").with_props(
        {"persist.sys.timezone": zone}
    )
    found = the_finding(
        findings("KNOWN-001", phone, signatures=shipped_index()),
        severity=Severity.STALKERWARE,
        guidance="known_stalkerware",
        package="com.systemservice",
    )
    times = [e.excerpt for e in found.evidence if e.excerpt.startswith("firstInstallTime=")]
    assert times == [f"firstInstallTime=2026-11-24 23:18:52 (the phone's local time{said}"]


@pytest.mark.silent("KNOWN-001")
@pytest.mark.parametrize(
    "phone", [CLEAN, CLEAN.with_apps("life360_from_play.txt")], ids=["clean", "dual-use"]
)
def test_ordinary_and_monitoring_apps_are_not_known_stalkerware(phone):
    assert findings("KNOWN-001", phone, signatures=shipped_index()) == []


@pytest.mark.fires("DUAL-001")
def test_a_family_locator_from_play_is_mentioned_calmly():
    phone = CLEAN.with_apps("life360_from_play.txt")
    found = the_finding(
        findings("DUAL-001", phone, signatures=shipped_index()),
        severity=Severity.INFO,
        guidance="dual_use",
        package="com.life360.android.safetymapd",
    )
    assert found.family == "Life360" and found.kinds == ("dual_use",)
    assert "can be used to watch someone: check that you set it up" in found.title
    assert "stalkerware" not in found.title


@pytest.mark.fires("KNOWN-001")
def test_stalkerware_also_sold_as_a_parental_app_says_both():
    # FindMyKids is in Echap's ioc.yaml and watchware.yaml both.
    entry = fixture("packages/life360_from_play.txt").replace(
        "com.life360.android.safetymapd", "org.findmykids.app"
    )
    phone = CLEAN.with_app_text(entry)
    found = the_finding(
        findings("KNOWN-001", phone, signatures=shipped_index()),
        severity=Severity.STALKERWARE,
        guidance="known_stalkerware",
        package="org.findmykids.app",
    )
    assert "known stalkerware (FindMyKids), also sold as a parental" in found.title
    assert found.kinds == ("stalkerware", "dual_use")
    assert any("sold openly too" in e.excerpt for e in found.evidence)
    assert findings("DUAL-001", phone, signatures=shipped_index()) == []


@pytest.mark.silent("KNOWN-001")
def test_stalkerware_listed_only_as_stalkerware_says_nothing_of_a_parental_app():
    found = findings(
        "KNOWN-001", CLEAN.with_apps("systemservice_sideloaded.txt"), signatures=shipped_index()
    )
    assert [f.kinds for f in found] == [("stalkerware",)]
    assert "parental" not in found[0].title


@pytest.mark.silent("DUAL-001")
@pytest.mark.parametrize(
    "phone",
    [CLEAN, CLEAN.with_apps("systemservice_sideloaded.txt")],
    ids=["clean", "stalkerware-is-not-dual-use"],
)
def test_a_phone_without_monitoring_apps_has_no_dual_use_finding(phone):
    assert findings("DUAL-001", phone, signatures=shipped_index()) == []


@pytest.mark.fires("KNOWN-002")
@pytest.mark.parametrize(
    ("kind", "severity", "guidance"),
    [
        (Kind.STALKERWARE, Severity.STALKERWARE, "known_stalkerware_certificate"),
        (Kind.DUAL_USE, Severity.REVIEW, "dual_use"),
    ],
)
def test_a_renamed_app_is_known_by_its_signing_certificate(kind, severity, guidance):
    apk, sha1 = vendor_apk()
    family = Family(name="TestSpy", kind=kind, certificates=(sha1,), sources=("test",))
    found = the_finding(
        findings("KNOWN-002", WITH_RENAMED, signatures=listing(family), apks=pulled(apk)),
        severity=severity,
        guidance=guidance,
        package=RENAMED,
    )
    assert found.family == "TestSpy"
    assert any(sha1 in e.excerpt for e in found.evidence)


@pytest.mark.silent("KNOWN-002")
def test_an_app_signed_by_a_key_no_database_lists_is_not_known():
    key, cert = make_signing_identity("Honest Dev")
    apk = build_apk(RENAMED, key=key, cert=cert)
    assert findings("KNOWN-002", WITH_RENAMED, signatures=shipped_index(), apks=pulled(apk)) == []


@pytest.mark.silent("KNOWN-002", "KNOWN-003")
def test_a_real_ordinary_apk_matches_no_certificate_or_sample():
    apk = shared_path("real-apks", "androguard", "hello-world.apk").read_bytes()
    apks = pulled(apk)
    assert apks[RENAMED].cert_sha256, "the real APK's signer was read"
    assert findings("KNOWN-002", WITH_RENAMED, signatures=shipped_index(), apks=apks) == []
    assert findings("KNOWN-003", WITH_RENAMED, signatures=shipped_index(), apks=apks) == []


@pytest.mark.fires("KNOWN-003")
@pytest.mark.parametrize(
    ("kind", "severity", "guidance"),
    [
        (Kind.STALKERWARE, Severity.STALKERWARE, "known_sample"),
        (Kind.DUAL_USE, Severity.REVIEW, "dual_use"),
    ],
)
def test_a_known_sample_is_known_by_its_file_hash(kind, severity, guidance):
    apk, _ = vendor_apk()
    digest = hashlib.sha256(apk).hexdigest()
    family = Family(
        name="SampleSpy", kind=kind, samples=(Sample(sha256=digest),), sources=("test",)
    )
    found = the_finding(
        findings("KNOWN-003", WITH_RENAMED, signatures=listing(family), apks=pulled(apk)),
        severity=severity,
        guidance=guidance,
        package=RENAMED,
    )
    assert f"sha256 {digest} is a known sample" in [e.excerpt for e in found.evidence]


@pytest.mark.silent("KNOWN-003")
def test_an_apk_whose_hash_no_database_lists_is_not_a_known_sample():
    apk, _ = vendor_apk()
    assert findings("KNOWN-003", WITH_RENAMED, signatures=shipped_index(), apks=pulled(apk)) == []
