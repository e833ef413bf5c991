"""Index lookups: packages, certificates, samples, hosts, certificate subjects."""

from __future__ import annotations

import random

from scanner.sigdb.index import SignatureIndex
from scanner.sigdb.model import Family, Sample
from tests.sigdb.conftest import small_families

INDEX = SignatureIndex(small_families())


def _names(matches: tuple[object, ...]) -> list[str]:
    return [m.family.name for m in matches]  # type: ignore[attr-defined]


def test_package_lookup_is_exact_and_lists_every_family() -> None:
    assert _names(INDEX.by_package("com.evil.spy")) == ["EvilSpy"]
    assert _names(INDEX.by_package("com.shared.pkg")) == ["EvilSpy", "FamilyWatch"]
    assert INDEX.by_package("com.evil.spy.extra") == ()
    assert INDEX.by_package("COM.EVIL.SPY") == ()


def test_certificate_sha1_matches_in_any_case_and_with_colons() -> None:
    sha1 = "31:a6:ec:ec:d9:7c:f3:9b:c4:12:6b:87:45:cd:94:a7:c3:0b:f8:1c"

    (match,) = INDEX.by_certificate(sha1)

    assert match.family.name == "EvilSpy"
    assert match.field == "certificates"
    assert match.value == "31A6ECECD97CF39BC4126B8745CD94A7C30BF81C"


def test_certificate_sha256_matches_and_garbage_does_not() -> None:
    assert _names(INDEX.by_certificate("ab" * 32)) == ["EvilSpy"]
    assert INDEX.by_certificate("not a fingerprint") == ()
    assert INDEX.by_certificate("31A6ECECD97CF39BC4126B8745CD94A7C30BF81D") == ()


def test_sample_lookup_returns_the_sample() -> None:
    (match,) = INDEX.by_sample_sha256("A" * 64)

    assert match.sample == Sample(sha256="a" * 64, package="com.evil.spy", version="3")
    assert INDEX.by_sample_sha256("b" * 64) == ()


def test_subdomain_of_a_c2_domain_matches_the_listed_parent() -> None:
    (match,) = INDEX.by_host("x.api.EVIL.com.")

    assert match.family.name == "EvilSpy"
    assert (match.field, match.value) == ("c2_domains", "evil.com")


def test_host_match_needs_whole_labels() -> None:
    assert INDEX.by_host("notevil.com") == ()
    assert INDEX.by_host("evil.com.attacker.net") == ()
    assert INDEX.by_host("familywatch.org") == ()
    assert _names(INDEX.by_host("eu.api.familywatch.org")) == ["FamilyWatch"]


def test_host_lookup_covers_ips_websites_and_distribution_hosts() -> None:
    assert [m.field for m in INDEX.by_host("192.0.2.7")] == ["c2_ips"]
    assert [m.field for m in INDEX.by_host("www.evilspy.shop")] == ["websites"]
    assert [m.field for m in INDEX.by_host("dl.evilspy.shop")] == ["distribution", "websites"]
    # A distribution URL with a path is not a host indicator: github.com must not match.
    assert INDEX.by_host("github.com") == ()
    assert INDEX.by_host("") == ()


def test_certificate_subject_rules_match() -> None:
    assert _names(INDEX.by_certificate_subject(organization="evil org")) == ["EvilSpy"]
    assert _names(INDEX.by_certificate_subject(common_name="Evil Spy 42")) == ["EvilSpy"]
    assert INDEX.by_certificate_subject(organization="Good Org", common_name="Good") == ()


def test_bulk_package_match_returns_only_listed_packages() -> None:
    found = INDEX.match_packages(["com.android.chrome", "org.familywatch", "com.evil.spy"])

    assert sorted(found) == ["com.evil.spy", "org.familywatch"]


def test_index_over_100k_generated_identifiers_is_correct() -> None:
    rng = random.Random(7)
    families = [
        Family(
            name=f"Fam{f}",
            packages=tuple(f"com.fam{f}.p{i}" for i in range(40)),
            certificates=tuple(f"{rng.getrandbits(160):040X}" for _ in range(20)),
            samples=tuple(Sample(sha256=f"{rng.getrandbits(256):064x}") for _ in range(30)),
            c2_domains=tuple(f"c{i}.fam{f}.example" for i in range(10)),
        )
        for f in range(1000)
    ]
    index = SignatureIndex(families)

    assert index.size == 100_000
    for f in rng.sample(range(1000), 50):
        fam = families[f]
        assert _names(index.by_package(fam.packages[-1])) == [fam.name]
        assert _names(index.by_certificate(fam.certificates[3].lower())) == [fam.name]
        assert _names(index.by_sample_sha256(fam.samples[5].sha256)) == [fam.name]
        assert _names(index.by_host(f"deep.c9.fam{f}.example")) == [fam.name]
    assert index.by_package("com.fam1.p40") == ()
    snapshot = [f"com.fam{i}.p0" for i in range(0, 2000, 2)]
    assert len(index.match_packages(snapshot)) == 500
