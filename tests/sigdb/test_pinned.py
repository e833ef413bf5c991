"""The shipped database's hash is pinned in code, so editing it and its manifest is caught."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from scanner.errors import Tampered
from scanner.resources import signatures_root
from scanner.sigdb import pinned, store
from scanner.sigdb.commands import load_shipped_db


def test_the_pin_is_the_hash_of_the_shipped_database() -> None:
    shipped = signatures_root()
    manifest = store.read_manifest(shipped)

    assert manifest is not None
    data = (shipped / manifest.file).read_bytes()
    assert hashlib.sha256(data).hexdigest() == pinned.SHIPPED_SHA256 == manifest.sha256


def test_the_installed_database_loads_under_its_pin() -> None:
    assert load_shipped_db().sha256 == pinned.SHIPPED_SHA256


def _edited_copy(tmp_path: Path) -> Path:
    """A copy of the shipped folder with TheTruthSpy's ``com.systemservice`` removed and the
    manifest rewritten to match, as someone with access to the computer could do."""
    copy = tmp_path / "signatures"
    shutil.copytree(str(signatures_root()), copy)
    db_file = copy / store.SHIPPED_FILE
    text = db_file.read_text(encoding="utf-8")
    edited = text.replace("  - com.systemservice\n", "", 1)
    assert edited != text
    db_file.write_text(edited, encoding="utf-8")
    manifest = store.read_manifest(copy)
    assert manifest is not None
    new_hash = hashlib.sha256(db_file.read_bytes()).hexdigest()
    store.write_manifest(copy, replace(manifest, sha256=new_hash))
    return copy


def test_a_database_edited_with_its_manifest_is_refused_by_the_pin(tmp_path: Path) -> None:
    copy = _edited_copy(tmp_path)
    # The manifest alone no longer protects it: it was rewritten to match.
    assert store.load_verified(copy).sha256 != pinned.SHIPPED_SHA256

    with pytest.raises(Tampered) as caught:
        load_shipped_db(copy, pinned_sha256=pinned.SHIPPED_SHA256)

    assert "has been changed" in caught.value.message
    assert pinned.SHIPPED_SHA256 in caught.value.detail
