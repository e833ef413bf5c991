"""Echap importer: every family and identifier of the real files comes through."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.errors import Malformed
from scanner.sigdb.build import echap_families
from scanner.sigdb.echap import parse_indicators_yaml, parse_samples_csv
from scanner.sigdb.model import Family, Kind
from tests.sigdb.conftest import SNAPSHOT, load_raw_samples, load_raw_yaml


def _all(families: tuple[Family, ...], field: str) -> set[str]:
    return {v for f in families for v in getattr(f, field)}


def _raw_all(entries: list[dict[str, object]], key: str) -> set[str]:
    return {str(v) for e in entries for v in (e.get(key) or [])}  # type: ignore[attr-defined]


def _raw_c2(entries: list[dict[str, object]], key: str) -> set[str]:
    return {v for e in entries for v in ((e.get("c2") or {}).get(key) or [])}  # type: ignore[attr-defined]


def test_every_ioc_family_package_and_certificate_is_imported(indicators: Path) -> None:
    raw = load_raw_yaml(indicators / "ioc.yaml")
    fams = parse_indicators_yaml((indicators / "ioc.yaml").read_bytes(), "ioc.yaml", "t")

    assert [f.name for f in fams] == [e["name"] for e in raw]
    assert _all(fams, "packages") == _raw_all(raw, "packages")
    assert _all(fams, "certificates") == _raw_all(raw, "certificates")
    assert _all(fams, "names") == _raw_all(raw, "names")
    assert _all(fams, "websites") == _raw_all(raw, "websites")
    assert _all(fams, "distribution") == _raw_all(raw, "distribution")
    assert _all(fams, "c2_domains") == _raw_c2(raw, "domains")
    assert _all(fams, "c2_ips") == _raw_c2(raw, "ips") | _raw_c2(raw, "ip")
    assert {f.kind for f in fams} == {Kind.STALKERWARE}
    # The figures in ../shared/indicators/INDEX.md for this snapshot.
    assert (len(fams), len(_all(fams, "packages")), len(_all(fams, "certificates"))) == (
        147,
        613,
        471,
    )
    assert len(_all(fams, "c2_ips")) == 65 + 3


def test_misspelt_c2_ip_key_is_read_as_c2_ips(indicators: Path) -> None:
    fams = parse_indicators_yaml((indicators / "ioc.yaml").read_bytes(), "ioc.yaml", "t")
    by_name = {f.name: f for f in fams}

    assert "85.10.199.40" in by_name["Ahmyth"].c2_ips
    assert {"72.167.46.196", "5.79.71.114"} <= set(by_name["MobiStealth"].c2_ips)


def test_rare_certificate_subject_fields_are_kept(indicators: Path) -> None:
    raw = load_raw_yaml(indicators / "ioc.yaml")
    fams = parse_indicators_yaml((indicators / "ioc.yaml").read_bytes(), "ioc.yaml", "t")

    assert _all(fams, "certificate_organizations") == _raw_all(raw, "certificate_organizations")
    assert _all(fams, "certificate_cname_re") == _raw_all(raw, "certificate_cname_re")
    assert len([f for f in fams if f.certificate_organizations]) == 5


def test_watchware_becomes_dual_use_with_ios_bundles(indicators: Path) -> None:
    raw = load_raw_yaml(indicators / "watchware.yaml")
    fams = parse_indicators_yaml((indicators / "watchware.yaml").read_bytes(), "ww.yaml", "t")

    assert len(fams) == len(raw) == 27
    assert {f.kind for f in fams} == {Kind.DUAL_USE}
    assert _all(fams, "packages") == _raw_all(raw, "packages")
    assert (len(_all(fams, "packages")), len(_all(fams, "certificates"))) == (30, 14)
    assert _all(fams, "ios_bundles") == _raw_all(raw, "ios_bundles")
    assert len(_all(fams, "ios_bundles")) == 6


def test_full_echap_build_merges_files_and_attaches_every_sample(indicators: Path) -> None:
    files = {
        n: (indicators / n).read_bytes() for n in ("ioc.yaml", "watchware.yaml", "samples.csv")
    }
    ioc = load_raw_yaml(indicators / "ioc.yaml")
    ww = load_raw_yaml(indicators / "watchware.yaml")
    samples = load_raw_samples(indicators / "samples.csv")

    fams = echap_families(files, SNAPSHOT)

    both = {e["name"] for e in ioc} & {e["name"] for e in ww}
    assert len(fams) == len(ioc) + len(ww) - len(both)
    assert _all(fams, "packages") == _raw_all(ioc, "packages") | _raw_all(ww, "packages")
    sample_hashes = {s.sha256 for f in fams for s in f.samples}
    assert sample_hashes == {r["SHA256"] for r in samples}
    assert len(sample_hashes) == 3228
    # Every App in samples.csv is a known name upstream, so no extra family appears.
    assert not [
        f.name for f in fams if not f.sources or f.sources == ("echap:samples.csv@a04c5c19",)
    ]
    for name in both:
        fam = next(f for f in fams if f.name == name)
        assert fam.kind is Kind.STALKERWARE
        assert "watchware" in fam.notes


def test_samples_attach_by_alias_then_package_else_new_family() -> None:
    families = (
        Family(name="TheTruthSpy", names=("Copy9",), packages=("com.copy9",)),
        Family(name="Other", packages=("com.other.pkg",)),
    )
    csv_text = (
        "SHA256,Package Name,Certificate,Version,App\n"
        f"{'1' * 64},com.x,,1,copy9\n"
        f"{'2' * 64},com.other.pkg,{'ab' * 20},2,SomethingElse\n"
        f"{'3' * 64},,,,BrandNewSpy\n"
    )

    out = {f.name: f for f in parse_samples_csv(csv_text, "samples.csv", "ref", families)}

    assert [s.sha256 for s in out["TheTruthSpy"].samples] == ["1" * 64]
    assert out["Other"].samples[0].certificate == "AB" * 20
    assert out["BrandNewSpy"].kind is Kind.STALKERWARE
    assert "samples.csv" in out["BrandNewSpy"].notes


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        (
            "- name: Good\n  type: stalkerware\n- name: BadCert\n  type: stalkerware\n"
            "  certificates: [NOT-A-HASH]\n",
            ["ioc.yaml", "entry 2", "BadCert", "NOT-A-HASH"],
        ),
        (
            "- name: A\n  type: stalkerware\n- name: Weird\n  type: adware\n",
            ["ioc.yaml", "entry 2", "Weird", "adware"],
        ),
        # A type that is a list, not a word (found by the fuzz campaign: it used to raise
        # a bare TypeError instead of naming the entry).
        (
            "- name: A\n  type: stalkerware\n- name: Listy\n  type: [stalkerware]\n",
            ["ioc.yaml", "entry 2", "Listy", "['stalkerware']"],
        ),
        (
            "- name: A\n  type: stalkerware\n  c2: {domains: [ok.com], port: [1]}\n",
            ["ioc.yaml", "entry 1", "(A)", "port"],
        ),
        ("- name: A\n  type: stalkerware\n  packages: com.not.a.list\n", ["entry 1", "packages"]),
        ("- name: [unclosed\n", ["ioc.yaml", "not valid YAML", "line"]),
        ("name: not a list\n", ["ioc.yaml", "not a list"]),
    ],
)
def test_malformed_yaml_names_the_file_and_entry(text: str, fragments: list[str]) -> None:
    with pytest.raises(Malformed) as caught:
        parse_indicators_yaml(text, "ioc.yaml", "t")

    for fragment in fragments:
        assert fragment in caught.value.message
    assert "Nothing was changed" in caught.value.message


HEADER = "SHA256,Package Name,Certificate,Version,App\n"


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        (
            f"{HEADER}{'a' * 64},com.a,,1,X\nnothex,com.b,,1,Y\n",
            ["samples.csv", "entry 3", "(Y)", "SHA-256"],
        ),
        (
            f"SHA256,Package Name,Certificate,Version,App\n{'a' * 64},com.a,,1\n",
            ["samples.csv", "entry 2", "5 columns"],
        ),
        ("hash,pkg\n1,2\n", ["samples.csv", "header"]),
        (
            f"SHA256,Package Name,Certificate,Version,App\n{'a' * 64},com.a,XYZ,1,Z\n",
            ["entry 2", "(Z)", "fingerprint"],
        ),
    ],
)
def test_malformed_csv_names_the_file_and_row(text: str, fragments: list[str]) -> None:
    with pytest.raises(Malformed) as caught:
        parse_samples_csv(text, "samples.csv", "t", ())

    for fragment in fragments:
        assert fragment in caught.value.message
