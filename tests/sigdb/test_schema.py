"""Our own database format, and the database shipped in signatures/."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from scanner.errors import Malformed
from scanner.sigdb import build, store
from scanner.sigdb.commands import load_shipped_db
from scanner.sigdb.model import Kind
from scanner.sigdb.schema import build_db, dump_db, parse_db
from tests.sigdb.conftest import SNAPSHOT, small_families, small_header

SHIPPED = Path(__file__).resolve().parents[2] / "signatures"


def test_database_round_trips_through_its_canonical_bytes() -> None:
    db, data = build_db(small_header(), small_families())

    again = parse_db(data, "x.yaml")

    assert again == db
    assert again.sha256 == hashlib.sha256(data).hexdigest()
    assert dump_db(again.header, again.families) == data


def test_fingerprints_are_normalised_on_load() -> None:
    fam = replace(small_families()[1], certificates=("ab:" * 19 + "ab",))
    _, data = build_db(small_header(), (fam,))

    db = parse_db(data, "x.yaml")

    assert db.families[0].certificates == ("AB" * 20,)


@pytest.mark.parametrize(
    ("edit", "fragments"),
    [
        (("kind: dual_use", "kind: spyware"), ["entry 2", "(FamilyWatch)", "spyware"]),
        (("- messages", "- mind_reading"), ["entry 1", "(EvilSpy)", "mind_reading"]),
        (("schema_version: 1", "schema_version: 9"), ["schema version 9"]),
        (("- org.familywatch", "- org.family watch"), ["entry 2", "package"]),
        (("name: FamilyWatch", "name: evilspy"), ["entry 2", "same name"]),
        # Header keys YAML reads as null or a number (found by the fuzz campaign: joining
        # or sorting them used to raise a bare TypeError).
        (("schema_version: 1", "schema_version: 1\n~: odd"), ["unknown header", "None"]),
        (("schema_version: 1", "schema_version: 1\n7: odd\nzz: odd"), ["7, zz"]),
    ],
)
def test_invalid_database_is_refused_naming_the_entry(
    edit: tuple[str, str], fragments: list[str]
) -> None:
    _, data = build_db(small_header(), small_families())
    broken = data.decode().replace(*edit, 1).encode()
    assert broken != data

    with pytest.raises(Malformed) as caught:
        parse_db(broken, "mine.yaml")

    assert "mine.yaml" in caught.value.message
    for fragment in fragments:
        assert fragment in caught.value.message


def test_shipped_database_loads_and_matches_its_pinned_hash() -> None:
    db = load_shipped_db(SHIPPED)

    manifest = store.read_manifest(SHIPPED)
    assert manifest is not None
    assert db.sha256 == manifest.sha256
    assert db.header.source_version == SNAPSHOT
    assert "Echap" in db.header.attribution and "CC-BY 4.0" in db.header.attribution
    assert "does not mean there is no stalkerware" in db.header.warning
    counts = db.counts
    # Echap: 172 families, 147 stalkerware. ISDi 1.0.9 adds the Android ids Echap lacks,
    # counted with csv/yaml alone: 4,492 (6 stalkerware or spyware, 4,486 dual-use).
    assert (counts.families, counts.stalkerware, counts.samples) == (172 + 4492, 147 + 6, 3228)
    assert "ISDi" in db.header.attribution and "GPL-3.0-only" in db.header.licence
    assert (SHIPPED / store.SHIPPED_FILE).stat().st_size < 3 * 1024 * 1024


def test_shipped_database_has_our_capability_notes() -> None:
    db = load_shipped_db(SHIPPED)

    described = [f for f in db.families if f.capability_summary]
    assert len(described) >= 6
    mspy = db.family("mSpy")
    assert mspy is not None and "location" in mspy.capabilities
    assert "track where the phone is" in mspy.capability_words()
    assert all(f.kind is Kind.STALKERWARE for f in described)


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("- family: A\n  capabilities: [location, teleport]\n", ["entry 1", "(A)", "teleport"]),
        # A keyword that YAML reads as a mapping (found by the fuzz campaign: it used to
        # raise a bare TypeError instead of naming the entry).
        ("- family: A\n  capabilities: [location, {x: y}]\n", ["entry 1", "(A)", "{'x': 'y'}"]),
        ("- family: A\n  capabilities: location\n", ["entry 1", "must be a list"]),
        ("- capabilities: [location]\n", ["entry 1", "no 'family' name"]),
        ("family: A\n", ["not a list of families"]),
    ],
)
def test_malformed_capability_notes_name_the_file_and_entry(
    text: str, fragments: list[str]
) -> None:
    with pytest.raises(Malformed) as caught:
        build.parse_capabilities(text, "capabilities.yaml")

    assert "capabilities.yaml" in caught.value.message
    for fragment in fragments:
        assert fragment in caught.value.message
