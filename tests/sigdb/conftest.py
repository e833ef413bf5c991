"""Shared fixtures for the signature database tests."""

from __future__ import annotations

import csv
import subprocess
import sys
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


ISDI_VERSION = "1.0.9"
ISDI_CSV_SHA256 = "5afd34a461ec2e831bcda08d9da47484cc74182dccc72cafd7f51142c1d7b9e9"
"""SHA-256 of ``isdi/data/app-flags.csv`` in the isdi-scanner 1.0.9 wheel on PyPI."""


@pytest.fixture(scope="session")
def isdi_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The isdi-scanner 1.0.9 wheel, downloaded from PyPI by pip (skips when offline:
    nothing of ISDi's is kept in the project or in ../shared)."""
    folder = tmp_path_factory.mktemp("isdi")
    command = [sys.executable, "-m", "pip", "download", "-q", "--no-deps"]
    command += [f"isdi-scanner=={ISDI_VERSION}", "-d", str(folder)]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=300)
    except (subprocess.SubprocessError, OSError) as exc:
        pytest.skip(f"could not download isdi-scanner {ISDI_VERSION} from PyPI (offline?): {exc}")
    wheels = sorted(folder.glob("isdi_scanner-*.whl"))
    if not wheels:
        pytest.skip(f"pip gave no isdi-scanner {ISDI_VERSION} wheel")
    return wheels[0]
