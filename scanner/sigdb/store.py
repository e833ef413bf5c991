"""Where databases live on disk, and installing one without ever leaving a half-written file.

Two places hold a database: the shipped one in the repository's ``signatures/`` and the
user's own in ``$XDG_DATA_HOME/phone-check/signatures/``. Each directory has a manifest,
``installed.json``, recording the database file's SHA-256 when it was installed; loading
recomputes the hash and refuses a file that no longer matches.

Installing writes the new database under a name containing its hash, then replaces the
manifest in one atomic rename: until that rename the previous database stays in use, and
a crash at any point leaves either the old or the new database complete and verifiable.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Final

from scanner import paths
from scanner.errors import SignatureDBError, Tampered
from scanner.resources import signatures_root
from scanner.sigdb.model import SignatureDB
from scanner.sigdb.schema import parse_db

MANIFEST_NAME: Final = "installed.json"
SHIPPED_FILE: Final = "stalkerware.yaml"
_INSTALLED_PREFIX: Final = "stalkerware-"


@dataclass(frozen=True, slots=True)
class Manifest:
    """What was installed, recorded at install time."""

    file: str
    """The database file's name, in the same directory as the manifest."""
    sha256: str
    source: str
    source_version: str = ""
    date: str = ""
    imported_at: str = ""
    """When it was installed, ISO 8601 UTC."""
    signer: str = ""
    """Key id of the organisation that signed the bundle it came from; empty if unsigned."""


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/phone-check`` (``~/.local/share/phone-check`` when unset) on
    Linux; the native place elsewhere (``scanner.paths``)."""
    return paths.data_dir()


def shipped_dir() -> Traversable:
    """The installed ``signatures`` package (the project's ``signatures/`` folder)."""
    return signatures_root()


def user_signatures_dir(data_dir: Path | None = None) -> Path:
    """Where the user's own database and its manifest live."""
    return (data_dir or default_data_dir()) / "signatures"


def trusted_keys_dir(data_dir: Path | None = None) -> Path:
    """Where the public keys of trusted organisations live."""
    return (data_dir or default_data_dir()) / "trusted-keys"


def read_manifest(directory: Traversable) -> Manifest | None:
    """The manifest in ``directory``; None when nothing was ever installed there."""
    path = directory / MANIFEST_NAME
    try:
        raw = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise Tampered.said("database_errors.record_unreadable", str(exc), path=path) from exc
    try:
        if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
            raise TypeError("not a mapping of text values")
        manifest = Manifest(**raw)
    except TypeError as exc:
        raise Tampered.said("database_errors.record_malformed", str(exc), path=path) from exc
    # The manifest names a file next to it, never a path elsewhere.
    if Path(manifest.file).name != manifest.file or manifest.file in {"", ".", ".."}:
        raise Tampered.said("database_errors.record_outside", f"file={manifest.file!r}", path=path)
    return manifest


def load_verified(directory: Traversable) -> SignatureDB:
    """Load the database recorded in ``directory``'s manifest, checking its SHA-256 first.

    Raises ``Tampered`` when the file changed since it was installed (nothing is
    modified on disk), and ``SignatureDBError`` when nothing is installed there.
    """
    manifest = read_manifest(directory)
    if manifest is None:
        raise SignatureDBError.said(
            "database_errors.none_installed", f"missing {directory / MANIFEST_NAME}", path=directory
        )
    path = directory / manifest.file
    try:
        data = path.read_bytes()
    except OSError as exc:
        if manifest.imported_at:
            raise Tampered.said(
                "database_errors.installed_missing",
                str(exc),
                path=path,
                date=manifest.imported_at,
            ) from exc
        raise Tampered.said(
            "database_errors.installed_missing_undated", str(exc), path=path
        ) from exc
    actual = hashlib.sha256(data).hexdigest()
    if actual != manifest.sha256:
        raise Tampered.said(
            "database_errors.installed_changed",
            f"expected sha256 {manifest.sha256}, found {actual}",
            path=path,
        )
    return parse_db(data, str(path))


def check_installed(directory: Path, db: SignatureDB) -> SignatureDB:
    """Return ``db`` after confirming it is what ``directory`` now holds (hash only, no parse)."""
    manifest = read_manifest(directory)
    data = (directory / manifest.file).read_bytes() if manifest else b""
    if (
        manifest is None
        or manifest.sha256 != db.sha256
        or hashlib.sha256(data).hexdigest() != db.sha256
    ):
        raise SignatureDBError.said(
            "database_errors.not_saved", f"after install: manifest={manifest}", path=directory
        )
    return db


def install(
    directory: Path, data: bytes, db: SignatureDB, *, imported_at: str, signer: str = ""
) -> Manifest:
    """Install validated database bytes in ``directory`` and record their SHA-256.

    ``db`` must be ``parse_db(data)``: callers validate before calling, so a bad file
    never reaches the disk.
    """
    if hashlib.sha256(data).hexdigest() != db.sha256:
        raise ValueError("install() was given bytes that are not the parsed database")
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{_INSTALLED_PREFIX}{db.sha256[:16]}.yaml"
    _atomic_write(directory / name, data)
    manifest = Manifest(
        file=name,
        sha256=db.sha256,
        source=db.header.source,
        source_version=db.header.source_version,
        date=db.header.date,
        imported_at=imported_at,
        signer=signer,
    )
    write_manifest(directory, manifest)
    # Only now is the new file in use; older installed files can go.
    for old in directory.glob(f"{_INSTALLED_PREFIX}*.yaml"):
        if old.name != name:
            with contextlib.suppress(OSError):
                old.unlink()
    return manifest


def write_manifest(directory: Path, manifest: Manifest) -> None:
    """Write ``installed.json`` atomically (also used for the shipped database)."""
    text = json.dumps(asdict(manifest), indent=2, sort_keys=False) + "\n"
    _atomic_write(directory / MANIFEST_NAME, text.encode("utf-8"))


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            # mkstemp creates 0600; the database is not secret, and shipped files are shared.
            if os.name == "posix":
                os.fchmod(handle.fileno(), 0o644)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable on POSIX; not possible (nor needed) on Windows.
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
