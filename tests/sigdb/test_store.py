"""Installing and loading: hashes recorded, tampering refused, last good database kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.errors import Malformed, SignatureDBError, Tampered
from scanner.sigdb import store
from scanner.sigdb.commands import import_file, load_active_db
from scanner.sigdb.schema import build_db
from tests.sigdb.conftest import make_shipped, small_families, small_header


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    directory = tmp_path / "shipped"
    make_shipped(directory)
    return directory


def _own_db_file(tmp_path: Path, version: str) -> Path:
    _, data = build_db(small_header(version), small_families())
    path = tmp_path / f"db-{version}.yaml"
    path.write_bytes(data)
    return path


def test_without_a_user_database_the_shipped_one_is_used(tmp_path: Path, shipped: Path) -> None:
    db = load_active_db(tmp_path / "data", shipped_dir=shipped)

    assert db.header.source_version == "shipped"


def test_import_records_the_hash_and_becomes_the_active_database(
    tmp_path: Path, shipped: Path
) -> None:
    data_dir = tmp_path / "data"

    db = import_file(
        _own_db_file(tmp_path, "v2"), data_dir, allow_unsigned=True, shipped_dir=shipped
    )

    manifest = store.read_manifest(store.user_signatures_dir(data_dir))
    assert manifest is not None and manifest.sha256 == db.sha256
    assert manifest.imported_at
    assert load_active_db(data_dir, shipped_dir=shipped).header.source_version == "v2"


def test_edited_database_is_refused_and_left_as_it_is(tmp_path: Path, shipped: Path) -> None:
    data_dir = tmp_path / "data"
    import_file(_own_db_file(tmp_path, "v2"), data_dir, allow_unsigned=True, shipped_dir=shipped)
    user_dir = store.user_signatures_dir(data_dir)
    manifest_before = (user_dir / store.MANIFEST_NAME).read_bytes()
    db_file = next(user_dir.glob("stalkerware-*.yaml"))
    edited = db_file.read_bytes().replace(b"- com.evil.spy\n", b"")
    db_file.write_bytes(edited)

    with pytest.raises(Tampered) as caught:
        load_active_db(data_dir, shipped_dir=shipped)

    message = caught.value.message
    assert str(db_file) in message
    assert "changed since it was installed" in message
    assert "Someone with access to this computer" in message
    # Nothing was "repaired": the manifest still holds the good hash, the file is as found.
    assert (user_dir / store.MANIFEST_NAME).read_bytes() == manifest_before
    assert db_file.read_bytes() == edited


def test_edited_shipped_database_is_refused(tmp_path: Path, shipped: Path) -> None:
    path = shipped / store.SHIPPED_FILE
    path.write_bytes(path.read_bytes() + b"\n# harmless looking comment\n")

    with pytest.raises(Tampered, match="changed since it was installed"):
        load_active_db(tmp_path / "data", shipped_dir=shipped)


def test_failed_import_keeps_the_last_good_database(tmp_path: Path, shipped: Path) -> None:
    data_dir = tmp_path / "data"
    good = import_file(
        _own_db_file(tmp_path, "v2"), data_dir, allow_unsigned=True, shipped_dir=shipped
    )
    user_dir = store.user_signatures_dir(data_dir)
    before = {p.name: p.read_bytes() for p in user_dir.iterdir()}
    bad = tmp_path / "ioc.yaml"
    bad.write_text("- name: Broken\n  type: stalkerware\n  certificates: [XYZ]\n")

    with pytest.raises(Malformed, match=r"ioc\.yaml"):
        import_file(bad, data_dir, allow_unsigned=True, shipped_dir=shipped)

    assert {p.name: p.read_bytes() for p in user_dir.iterdir()} == before
    assert load_active_db(data_dir, shipped_dir=shipped).sha256 == good.sha256


def test_a_new_install_replaces_the_old_file(tmp_path: Path, shipped: Path) -> None:
    data_dir = tmp_path / "data"
    import_file(_own_db_file(tmp_path, "v2"), data_dir, allow_unsigned=True, shipped_dir=shipped)
    new = import_file(
        _own_db_file(tmp_path, "v3"), data_dir, allow_unsigned=True, shipped_dir=shipped
    )

    files = sorted(p.name for p in store.user_signatures_dir(data_dir).glob("stalkerware-*.yaml"))

    assert files == [f"stalkerware-{new.sha256[:16]}.yaml"]


def test_manifest_pointing_outside_its_folder_is_refused(tmp_path: Path) -> None:
    directory = tmp_path / "sig"
    directory.mkdir()
    (directory / store.MANIFEST_NAME).write_text(
        json.dumps({"file": "../../etc/passwd", "sha256": "0" * 64, "source": "x"})
    )

    with pytest.raises(Tampered, match="outside its folder"):
        store.load_verified(directory)


def test_missing_database_file_is_reported_as_tampering(tmp_path: Path, shipped: Path) -> None:
    (shipped / store.SHIPPED_FILE).unlink()

    with pytest.raises(Tampered, match="missing"):
        load_active_db(tmp_path / "data", shipped_dir=shipped)


def test_nothing_installed_is_a_plain_error(tmp_path: Path) -> None:
    with pytest.raises(SignatureDBError) as caught:
        store.load_verified(tmp_path)

    assert not isinstance(caught.value, Tampered)


def test_default_data_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))

    assert store.user_signatures_dir() == tmp_path / "phone-check" / "signatures"
    assert store.trusted_keys_dir() == tmp_path / "phone-check" / "trusted-keys"
