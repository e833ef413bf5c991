"""What the command line calls: load, import, update, sign, trust, summarise.

Each function returns data or raises a ``ScannerError`` subclass; none prints. Every
change to the user's database goes through ``store.install`` after full validation, so
a failed import or update leaves the database in use exactly as it was.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from importlib.resources.abc import Traversable
from pathlib import Path

from scanner.errors import ScannerError, SignatureDBError, Tampered, Untrusted
from scanner.model import DatabaseSummary
from scanner.sigdb import build, echap, pinned, stix2, store, verify
from scanner.sigdb.fetch import ECHAP_RAW_BASE, Fetcher, https_fetch
from scanner.sigdb.merge import merge_families
from scanner.sigdb.model import Family, Header, SignatureDB
from scanner.sigdb.problems import unusable_file
from scanner.sigdb.schema import build_db, load_yaml, parse_db

CAPABILITIES_FILE = "capabilities.yaml"


def load_shipped_db(
    shipped_dir: Traversable | None = None, *, pinned_sha256: str | None = None
) -> SignatureDB:
    """The database shipped with the scanner, its SHA-256 checked against the manifest and,
    for the installed one, against the hash pinned in the code (``pinned.SHIPPED_SHA256``).

    ``pinned_sha256`` pins another folder's database (tests); the installed one is always
    pinned.
    """
    if shipped_dir is None:
        shipped_dir, pinned_sha256 = store.shipped_dir(), pinned.SHIPPED_SHA256
    db = store.load_verified(shipped_dir)
    if pinned_sha256 is not None and db.sha256 != pinned_sha256:
        raise Tampered.said(
            "sigdb.shipped_changed", f"expected sha256 {pinned_sha256}, found {db.sha256}"
        )
    return db


def load_active_db(
    data_dir: Path | None = None, *, shipped_dir: Traversable | None = None
) -> SignatureDB:
    """The user's installed database if there is one, else the shipped one.

    Raises ``Tampered`` when the database that would be used changed since it was
    installed; it never falls back silently, so the user learns about the change.
    """
    user = load_user_db(data_dir)
    return user if user is not None else load_shipped_db(shipped_dir)


def load_user_db(data_dir: Path | None = None) -> SignatureDB | None:
    """The database the user installed (verified), or None when they installed none."""
    user_dir = store.user_signatures_dir(data_dir)
    if store.read_manifest(user_dir) is None:
        return None
    return store.load_verified(user_dir)


def import_file(
    path: Path,
    data_dir: Path | None = None,
    allow_unsigned: bool = False,
    *,
    shipped_dir: Traversable | None = None,
) -> SignatureDB:
    """Validate and install a database from ``path``; returns the database now in use.

    Accepted, recognised by content: a signed bundle; a folder of Echap files
    (``ioc.yaml`` with optional ``watchware.yaml``, ``samples.csv``) or a file in our own
    schema, which replace the database; a single Echap ``ioc.yaml``/``watchware.yaml``/
    ``samples.csv`` or a STIX 2.1 bundle, which are merged into the database in use.
    Anything but a signed bundle from a trusted key needs ``allow_unsigned=True``.
    """
    user_dir = store.user_signatures_dir(data_dir)
    if path.is_dir():
        _require_unsigned_ok(path, allow_unsigned)
        files = {name: _read(path / name) for name in build.ECHAP_FILES if (path / name).is_file()}
        families = _with_capabilities(
            build.echap_families(files, f"folder {path.name}"), shipped_dir
        )
        header = build.echap_header(f"folder {path.name}", _today())
        return _install(user_dir, *_with_shipped_isdi(header, families, shipped_dir))

    data = _read(path)
    if verify.is_bundle(data):
        bundle = verify.verify_bundle(
            path, allow_unsigned, keys_dir=store.trusted_keys_dir(data_dir)
        )
        db = parse_db(bundle.db_bytes, str(path))
        store.install(user_dir, bundle.db_bytes, db, imported_at=_now(), signer=bundle.signer)
        return store.check_installed(user_dir, db)

    _require_unsigned_ok(path, allow_unsigned)
    file = path.name
    ref = f"import:{file}@{_today()}"
    head = data.lstrip()[:1]
    if head == b"{":
        families = stix2.parse_stix2(data, str(path), ref).families
    elif data.lstrip(b"\xef\xbb\xbf").startswith(b"SHA256,"):
        active = load_active_db(data_dir, shipped_dir=shipped_dir)
        families = echap.parse_samples_csv(data, str(path), ref, active.families)
    else:
        raw = load_yaml(data, str(path))
        if isinstance(raw, dict) and "families" in raw:
            db = parse_db(data, str(path))
            store.install(user_dir, data, db, imported_at=_now())
            return store.check_installed(user_dir, db)
        if not isinstance(raw, list):
            raise unusable_file(str(path), "database_errors.unknown_format")
        families = echap.parse_indicators_yaml(data, str(path), ref)
    active = load_active_db(data_dir, shipped_dir=shipped_dir)
    header = replace(
        active.header, source=f"{active.header.source}; with {file} imported on {_today()}"
    )
    return _install(user_dir, header, merge_families(active.families, families))


def update_from_network(
    data_dir: Path | None = None,
    *,
    fetch: Fetcher = https_fetch,
    base_url: str = ECHAP_RAW_BASE,
    shipped_dir: Traversable | None = None,
) -> SignatureDB:
    """Download Echap's current files, validate them, and install them as the database.

    Only for an explicit user request (it opens a network connection); never called by a
    scan. ``fetch`` maps a URL to its bytes and is replaced in tests.
    """
    files = {name: fetch(base_url + name) for name in build.ECHAP_FILES}
    families = _with_capabilities(build.echap_families(files, "master"), shipped_dir)
    header = build.echap_header(f"master as downloaded on {_today()}", _today())
    return _install(
        store.user_signatures_dir(data_dir), *_with_shipped_isdi(header, families, shipped_dir)
    )


def sign(db_path: Path, private_key_path: Path, out_path: Path) -> str:
    """Sign a database file into a bundle; returns the signing key's id."""
    return verify.sign_bundle(db_path, private_key_path, out_path)


def trust(public_key_path: Path, data_dir: Path | None = None) -> str:
    """Trust an organisation's public key for future bundle imports; returns its key id."""
    return verify.trust_key(public_key_path, store.trusted_keys_dir(data_dir))


def generate_key(directory: Path) -> tuple[Path, Path]:
    """Create a signing key pair for an organisation: ``(private_path, public_path)``."""
    return verify.generate_signing_key(directory)


def export_db(db_path: Path) -> bytes:
    """The bytes of a database file after validating it (for ``sign`` and backups)."""
    data = _read(db_path)
    parse_db(data, str(db_path))
    return data


def db_summary(db: SignatureDB) -> DatabaseSummary:
    """What a report says about the database it used."""
    counts = db.counts
    return DatabaseSummary(
        source=db.header.source,
        source_version=db.header.source_version,
        date=db.header.date,
        sha256=db.sha256,
        families=counts.families,
        stalkerware=counts.stalkerware,
        dual_use=counts.dual_use,
        packages=counts.packages,
        certificates=counts.certificates,
        samples=counts.samples,
        licence=db.header.licence,
        attribution=db.header.attribution,
        warning=db.header.warning,
    )


def _install(directory: Path, header: Header, families: tuple[Family, ...]) -> SignatureDB:
    _, data = build_db(header, families)
    # Re-read our own output: the file installed is exactly one that loads.
    db = parse_db(data, "the new signature database")
    store.install(directory, data, db, imported_at=_now())
    return store.check_installed(directory, db)


def _with_shipped_isdi(
    header: Header, families: tuple[Family, ...], shipped_dir: Traversable | None = None
) -> tuple[Header, tuple[Family, ...]]:
    """Echap's new families plus the apps only ISDi lists, as the shipped database has them.

    Updating Echap's indicators must not drop the thousands of dual-use apps that came
    with the scanner from ISDi's list (which is not downloaded: it changes rarely).
    """
    try:
        # Tests pass their own folder, whose hash is not the one pinned in the code.
        shipped = load_shipped_db() if shipped_dir is None else store.load_verified(shipped_dir)
    except ScannerError:
        return header, families  # the shipped file is refused: Echap's alone, as before
    listed = {p for f in families for p in f.packages}
    names = {f.name.casefold() for f in families}
    extra = tuple(
        f
        for f in shipped.families
        if f.sources
        and all(s.startswith(build.ISDI_REF_PREFIX) for s in f.sources)
        and listed.isdisjoint(f.packages)
        and f.name.casefold() not in names
    )
    if not extra:
        return header, families
    header = replace(
        header,
        source=f"{header.source}; ISDi as shipped ({extra[0].sources[0]})",
        licence=shipped.header.licence,
        attribution=shipped.header.attribution,
        inputs=shipped.header.inputs,
    )
    return header, (*families, *extra)


def _with_capabilities(
    families: tuple[Family, ...], shipped_dir: Traversable | None
) -> tuple[Family, ...]:
    path = (shipped_dir or store.shipped_dir()) / CAPABILITIES_FILE
    if not path.is_file():
        return families
    notes = build.parse_capabilities(path.read_bytes(), str(path))
    known = {f.name for f in families}
    return build.apply_capabilities(families, {k: v for k, v in notes.items() if k in known})


def _require_unsigned_ok(path: Path, allow_unsigned: bool) -> None:
    if not allow_unsigned:
        raise Untrusted.said(
            "sigdb.unsigned_refused", "unsigned input refused (allow_unsigned=False)", path=path
        )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SignatureDBError.said("sigdb.file_unreadable", str(exc), path=path) from exc


def _today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
