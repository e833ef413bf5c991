"""Shared fixtures for the signature database tests."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
import yaml

from scanner.sigdb import store
from scanner.sigdb.model import Family, Header, Kind, Sample
from scanner.sigdb.schema import build_db
from tests.conftest import shared_path

SNAPSHOT = "a04c5c1958bff93fec3b1b56edbb412b209f2a38"


@pytest.fixture
def indicators() -> Path:
    """The real Echap indicator folder in ../shared (skips when absent)."""
    return shared_path("indicators")


def load_raw_yaml(path: Path) -> list[dict[str, Any]]:
    """The upstream YAML read directly, independent of our importer."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def load_raw_samples(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def small_families() -> tuple[Family, ...]:
    """A tiny hand-made database covering every lookup."""
    return (
        Family(
            name="EvilSpy",
            kind=Kind.STALKERWARE,
            names=("EvilSpyPro",),
            packages=("com.evil.spy", "com.shared.pkg"),
            certificates=("31A6ECECD97CF39BC4126B8745CD94A7C30BF81C", "AB" * 32),
            certificate_organizations=("Evil Org",),
            certificate_cname_re=(r"^Evil\WSpy \d+$",),
            samples=(Sample(sha256="a" * 64, package="com.evil.spy", version="3"),),
            c2_domains=("evil.com",),
            c2_ips=("192.0.2.7",),
            websites=("evilspy.shop",),
            distribution=("dl.evilspy.shop", "https://github.com/example/evil"),
            capabilities=("messages", "location"),
            capability_summary="Reads messages and tracks location.",
            sources=("test",),
        ),
        Family(
            name="FamilyWatch",
            kind=Kind.DUAL_USE,
            packages=("org.familywatch", "com.shared.pkg"),
            c2_domains=("api.familywatch.org",),
            sources=("test",),
        ),
    )


def small_header(version: str = "1") -> Header:
    return Header(source="test data", source_version=version, date="2026-01-01", licence="CC0")


def make_shipped(directory: Path, version: str = "shipped") -> bytes:
    """Install a small database as a 'shipped' folder (file + pinned manifest)."""
    db, data = build_db(small_header(version), small_families())
    directory.mkdir(parents=True, exist_ok=True)
    (directory / store.SHIPPED_FILE).write_bytes(data)
    store.write_manifest(
        directory,
        store.Manifest(file=store.SHIPPED_FILE, sha256=db.sha256, source=db.header.source),
    )
    return data
