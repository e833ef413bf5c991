"""A bad signature database is refused, named, and never replaces the last good one.

Imports go through ``scan.py signatures import``; a database that breaks after it was
installed is met by a scan, which names it and falls back to the shipped one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.sigdb import commands as sigdb
from scanner.sigdb import store
from scanner.sigdb.schema import build_db
from scanner.simulator import SimulatedPhone, load_profile
from scanner.simulator.faults import FaultPlan
from tests.faults.scanrun import run_scan
from tests.sigdb.conftest import small_families, small_header

REFUSED = 7


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def good_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A user database installed through the CLI; returns its SHA-256."""
    _, data = build_db(small_header("good-1"), small_families())
    path = tmp_path / "good.yaml"
    path.write_bytes(data)
    assert main(["signatures", "import", str(path), "--unsigned"]) == 0
    capsys.readouterr()
    return sigdb.load_active_db().sha256


@pytest.fixture
def org_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    assert main(["signatures", "keygen", str(tmp_path / "org")]) == 0
    capsys.readouterr()
    return (
        tmp_path / "org" / "phone-check-signing.key",
        tmp_path / "org" / "phone-check-signing.pub",
    )


def signed_bundle(
    tmp_path: Path, keys: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> Path:
    _, data = build_db(small_header("org-2"), small_families())
    source = tmp_path / "org-db.yaml"
    source.write_bytes(data)
    bundle = tmp_path / "org.bundle"
    assert main(["signatures", "sign", str(source), str(keys[0]), str(bundle)]) == 0
    capsys.readouterr()
    return bundle


def edit_json(path: Path, edit: Callable[[dict[str, object]], None]) -> None:
    raw = json.loads(path.read_text())
    edit(raw)
    path.write_text(json.dumps(raw))


def _missing(tmp_path: Path, *_: object) -> tuple[Path, tuple[str, ...]]:
    return tmp_path / "nowhere.yaml", ("--unsigned",)


def _malformed_yaml(tmp_path: Path, *_: object) -> tuple[Path, tuple[str, ...]]:
    path = tmp_path / "broken.yaml"
    path.write_text("schema_version: 1\nfamilies:\n  - {name: Spy, packages: [com.a\n")
    return path, ("--unsigned",)


def _empty(tmp_path: Path, *_: object) -> tuple[Path, tuple[str, ...]]:
    path = tmp_path / "empty.yaml"
    path.write_bytes(b"")
    return path, ("--unsigned",)


def _tampered_bundle(
    tmp_path: Path, keys: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> tuple[Path, tuple[str, ...]]:
    assert main(["signatures", "trust", str(keys[1])]) == 0
    bundle = signed_bundle(tmp_path, keys, capsys)
    # The database inside changed, its recorded hash did not: a hash mismatch.
    edit_json(bundle, lambda raw: raw.update(db=raw["db"][:-8] + "AAAAAAA="))
    return bundle, ()


def _resigned_bundle(
    tmp_path: Path, keys: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> tuple[Path, tuple[str, ...]]:
    assert main(["signatures", "trust", str(keys[1])]) == 0
    bundle = signed_bundle(tmp_path, keys, capsys)
    # Contents and hash replaced consistently, but the signature is the old one.
    import base64
    import hashlib

    _, other = build_db(small_header("evil"), small_families()[:1])
    edit_json(
        bundle,
        lambda raw: raw.update(
            db=base64.b64encode(other).decode(), db_sha256=hashlib.sha256(other).hexdigest()
        ),
    )
    return bundle, ()


def _untrusted_bundle(
    tmp_path: Path, keys: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> tuple[Path, tuple[str, ...]]:
    return signed_bundle(tmp_path, keys, capsys), ()  # signed, but nobody trusted the key


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (_missing, "could not be read"),
        (_malformed_yaml, "not valid YAML"),
        (_empty, "could not be used"),
        (_tampered_bundle, "has been changed since it was made"),
        (_resigned_bundle, "does not match its contents"),
        (_untrusted_bundle, "signed by a key you have not chosen to trust"),
    ],
    ids=["missing", "malformed-yaml", "empty", "tampered-bundle", "bad-signature", "untrusted"],
)
def test_bad_database_file_is_refused_by_name_and_the_last_good_one_stays(
    make: Callable[..., tuple[Path, tuple[str, ...]]],
    words: str,
    good_db: str,
    org_keys: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, options = make(tmp_path, org_keys, capsys)
    capsys.readouterr()
    code = main(["signatures", "import", str(path), *options])
    out = flat(capsys.readouterr().out)
    assert code == REFUSED
    assert str(path) in out
    assert words in out
    assert sigdb.load_active_db().sha256 == good_db


@pytest.fixture
def clean_phone() -> SimulatedPhone:
    with SimulatedPhone(load_profile("clean"), faults=FaultPlan()) as phone:
        yield phone  # type: ignore[misc]


@pytest.mark.parametrize(
    ("spoil", "words"),
    [
        (lambda path: path.write_bytes(path.read_bytes() + b"\n# hidden edit\n"), "has changed"),
        (lambda path: path.unlink(), "is missing or unreadable"),
    ],
    ids=["edited", "deleted"],
)
def test_scan_refuses_a_spoiled_installed_database_by_name_and_uses_the_shipped_one(
    spoil: Callable[[Path], object],
    words: str,
    good_db: str,
    clean_phone: SimulatedPhone,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    user_dir = store.user_signatures_dir()
    manifest = store.read_manifest(user_dir)
    assert manifest is not None
    installed = user_dir / manifest.file
    spoil(installed)
    run = run_scan(capsys, tmp_path, clean_phone)
    assert run.code == 7  # the scan ran, but not with the database that was asked for
    assert "The stalkerware database you installed was refused." in run.out
    assert str(installed) in run.out and words in run.out
    assert "uses the database that came with the scanner instead" in run.out
    assert run.report is not None
    assert "signature database" in run.error_sources()
    assert run.report["signatures"]["sha256"] == sigdb.load_shipped_db().sha256 != good_db


def test_a_refused_database_is_told_in_neutral_words_on_a_discreet_screen(
    good_db: str, clean_phone: SimulatedPhone, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    user_dir = store.user_signatures_dir()
    manifest = store.read_manifest(user_dir)
    assert manifest is not None
    (user_dir / manifest.file).unlink()
    run = run_scan(capsys, tmp_path, clean_phone, "--discreet")
    assert run.code == 7
    assert "The list of known apps you installed could not be used." in run.out
    assert "stalkerware" not in run.out.lower() and "spy" not in run.out.lower()
    # The saved report keeps the full reason.
    assert run.report is not None
    refused = [e for e in run.report["errors"] if e["source"] == "signature database"]
    assert refused and "is missing or unreadable" in refused[0]["message"]
