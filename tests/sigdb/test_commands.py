"""The functions the command line calls: imports by content, network update, summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.errors import Malformed, SignatureDBError
from scanner.sigdb import store
from scanner.sigdb.commands import (
    db_summary,
    import_file,
    load_active_db,
    update_from_network,
)
from scanner.sigdb.fetch import ECHAP_RAW_BASE, https_fetch
from scanner.sigdb.index import SignatureIndex
from scanner.sigdb.model import Kind
from tests.sigdb.conftest import make_shipped

REPO_SIGNATURES = Path(__file__).resolve().parents[2] / "signatures"


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    directory = tmp_path / "shipped"
    make_shipped(directory)
    return directory


def test_echap_folder_import_replaces_the_database(tmp_path: Path, indicators: Path) -> None:
    db = import_file(
        indicators, tmp_path / "data", allow_unsigned=True, shipped_dir=REPO_SIGNATURES
    )

    # Echap's 172 families, and the 4,492 apps only ISDi lists kept from the shipped file.
    assert db.counts.families == 172 + 4492
    assert db.counts.samples == 3228
    assert "Echap" in db.header.attribution and "ISDi" in db.header.attribution
    assert [m.family.name for m in SignatureIndex.from_db(db).by_package("LEM.TrackMe")] == [
        "TrackMe - GPS Tracker"
    ]
    mspy = db.family("mSpy")
    assert mspy is not None and mspy.capability_summary


def test_single_echap_yaml_is_merged_into_the_database_in_use(
    tmp_path: Path, shipped: Path
) -> None:
    ioc = tmp_path / "ioc.yaml"
    ioc.write_text(
        "- name: EvilSpy\n  type: stalkerware\n  packages: [com.evil.newer]\n"
        "- name: NewSpy\n  type: stalkerware\n  packages: [com.newspy]\n"
    )

    db = import_file(ioc, tmp_path / "data", allow_unsigned=True, shipped_dir=shipped)

    index = SignatureIndex.from_db(db)
    assert [m.family.name for m in index.by_package("com.evil.newer")] == ["EvilSpy"]
    assert [m.family.name for m in index.by_package("com.evil.spy")] == ["EvilSpy"]
    assert [m.family.name for m in index.by_package("com.newspy")] == ["NewSpy"]
    assert "ioc.yaml imported" in db.header.source


def test_samples_csv_is_attached_to_families_in_use(tmp_path: Path, shipped: Path) -> None:
    csv_file = tmp_path / "samples.csv"
    csv_file.write_text(
        f"SHA256,Package Name,Certificate,Version,App\n{'c' * 64},com.x,,1,evilspypro\n"
    )

    db = import_file(csv_file, tmp_path / "data", allow_unsigned=True, shipped_dir=shipped)

    (match,) = SignatureIndex.from_db(db).by_sample_sha256("c" * 64)
    assert match.family.name == "EvilSpy"


def test_stix_bundle_is_detected_by_content(tmp_path: Path, shipped: Path) -> None:
    stix = tmp_path / "feed.json"
    stix.write_text(
        json.dumps(
            {
                "type": "bundle",
                "objects": [
                    {"type": "malware", "id": "malware--1", "name": "StixSpy"},
                    {"type": "indicator", "id": "indicator--1", "pattern": "[app:id = 'com.stix']"},
                    {
                        "type": "relationship",
                        "id": "relationship--1",
                        "relationship_type": "indicates",
                        "source_ref": "indicator--1",
                        "target_ref": "malware--1",
                    },
                ],
            }
        )
    )

    db = import_file(stix, tmp_path / "data", allow_unsigned=True, shipped_dir=shipped)

    fam = db.family("StixSpy")
    assert fam is not None and fam.packages == ("com.stix",) and fam.kind is Kind.STALKERWARE
    assert db.family("EvilSpy") is not None


def test_unknown_format_is_malformed(tmp_path: Path, shipped: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just some words\n")

    with pytest.raises(Malformed, match=r"notes\.txt"):
        import_file(path, tmp_path / "data", allow_unsigned=True, shipped_dir=shipped)


def test_network_update_uses_the_given_fetcher(tmp_path: Path, indicators: Path) -> None:
    asked: list[str] = []

    def fake_fetch(url: str) -> bytes:
        asked.append(url)
        return (indicators / url.rsplit("/", 1)[1]).read_bytes()

    db = update_from_network(tmp_path / "data", fetch=fake_fetch, shipped_dir=REPO_SIGNATURES)

    assert asked == [ECHAP_RAW_BASE + n for n in ("ioc.yaml", "watchware.yaml", "samples.csv")]
    assert all(url.startswith("https://raw.githubusercontent.com/AssoEchap/") for url in asked)
    assert db.counts.families == 172 + 4492  # ISDi's own apps kept from the shipped file
    assert load_active_db(tmp_path / "data").sha256 == db.sha256


def test_broken_network_update_leaves_the_database_untouched(tmp_path: Path, shipped: Path) -> None:
    def fake_fetch(url: str) -> bytes:
        if url.endswith("samples.csv"):
            return b"<html>rate limited</html>"
        return b"- name: A\n  type: stalkerware\n"

    with pytest.raises(Malformed, match=r"samples\.csv"):
        update_from_network(tmp_path / "data", fetch=fake_fetch, shipped_dir=shipped)

    assert store.read_manifest(store.user_signatures_dir(tmp_path / "data")) is None
    assert load_active_db(tmp_path / "data", shipped_dir=shipped).header.source_version == "shipped"


def test_default_fetcher_refuses_plain_http() -> None:
    with pytest.raises(SignatureDBError, match="https"):
        https_fetch("http://example.org/ioc.yaml")


def test_summary_names_source_date_hash_and_family_count(tmp_path: Path, shipped: Path) -> None:
    db = load_active_db(tmp_path / "data", shipped_dir=shipped)

    summary = db_summary(db)

    assert summary.source == "test data"
    assert summary.date == "2026-01-01"
    assert summary.sha256 == db.sha256
    assert summary.families == 2
