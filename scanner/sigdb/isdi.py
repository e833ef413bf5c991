"""Importer for ISDi's curated app list (``isdi/data/app-flags.csv`` in ``isdi-scanner``).

ISDi (Cornell Tech's Intimate Partner Surveillance Digital Inspector, GPL-3.0) flags app
ids as ``dual-use``, ``stalkerware``, ``spyware`` or ``safe``, with the store the app is
sold in (``playstore``, ``appstore``, ``offstore``) and its title. Pure functions: bytes
in, rows and families out.

How it joins Echap's indicators (``signatures/README.md`` says the same):

- An id Echap lists keeps Echap's family and kind: Echap's entries carry evidence
  (certificates, servers, samples), ISDi's a single flag. ISDi's title becomes another
  name, its store is kept, and a different ISDi flag is recorded in ``also_listed_as``.
- An id only ISDi lists becomes a family of its own: ``stalkerware`` and ``spyware`` are
  kind stalkerware, ``dual-use`` is kind dual_use. ``safe`` rows are dropped.
- iOS apps (store ``appstore``) and ids that are not Android package names are dropped
  and counted: this scanner reads Android phones.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final

from scanner.sigdb.merge import unique
from scanner.sigdb.model import Family, Kind
from scanner.sigdb.problems import malformed_entry, malformed_file, problem

CSV_IN_WHEEL: Final = "isdi/data/app-flags.csv"
COLUMNS: Final = ("appId", "store", "flag", "title")
_KINDS: Final[Mapping[str, Kind]] = {
    "stalkerware": Kind.STALKERWARE,
    "spyware": Kind.STALKERWARE,
    "dual-use": Kind.DUAL_USE,
}
_FLAGS: Final = frozenset({*_KINDS, "safe"})
_STORES: Final = frozenset({"playstore", "appstore", "offstore"})
# Android's own rule for an application id: two or more dot-separated parts, each a
# letter then letters, digits or underscores.
_ANDROID_ID: Final = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)+$")


@dataclass(frozen=True, slots=True)
class Row:
    """One Android app of ISDi's list."""

    package: str
    store: str
    kind: Kind
    title: str


@dataclass(frozen=True, slots=True)
class AppFlags:
    """ISDi's list as read: the Android rows kept, and how many rows were dropped why."""

    rows: tuple[Row, ...]
    sha256: str
    """SHA-256 of the CSV bytes read."""
    ios_only: int
    """Rows for Apple's App Store."""
    not_android_ids: int
    """Rows for Android stores whose id is not an Android package name."""
    safe: int
    """Rows flagged ``safe``."""


def csv_bytes(data: bytes, file: str) -> bytes:
    """The CSV itself from either the CSV or the ``isdi-scanner`` wheel (a zip holding it)."""
    if not data.startswith(b"PK"):
        return data
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as wheel:
            return wheel.read(CSV_IN_WHEEL)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise malformed_file(file, problem("not_isdi_wheel", inner=CSV_IN_WHEEL), str(exc)) from exc


def parse_app_flags(data: bytes, file: str) -> AppFlags:
    """ISDi's ``app-flags.csv`` (or the wheel holding it) as Android rows plus drop counts."""
    raw = csv_bytes(data, file)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise malformed_file(file, problem("not_utf8"), str(exc)) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise malformed_file(file, problem("not_isdi_columns", columns=", ".join(COLUMNS)))
    rows: list[Row] = []
    ios = bad_id = safe = 0
    for index, entry in enumerate(reader, start=1):
        app_id = (entry.get("appId") or "").strip()
        store = (entry.get("store") or "").strip()
        flag = (entry.get("flag") or "").strip()
        title = " ".join((entry.get("title") or "").split())
        if store not in _STORES or flag not in _FLAGS:
            raise malformed_entry(
                file, index, app_id, problem("isdi_store_flag", store=repr(store), flag=repr(flag))
            )
        if store == "appstore":
            ios += 1
        elif not _ANDROID_ID.match(app_id):
            bad_id += 1
        elif flag == "safe":
            safe += 1
        else:
            rows.append(Row(app_id, store, _KINDS[flag], title or app_id))
    return AppFlags(tuple(rows), hashlib.sha256(raw).hexdigest(), ios, bad_id, safe)


def merge_into(
    families: Sequence[Family], rows: Sequence[Row], source_ref: str
) -> tuple[Family, ...]:
    """``families`` (Echap's) with ISDi's rows joined as the module docstring says.

    New families follow the existing ones in ISDi's order; a title another family already
    uses as its name gets the package id added, so names stay unique.
    """
    by_package = {p: i for i, fam in enumerate(families) for p in reversed(fam.packages)}
    merged = list(families)
    taken = {f.name.casefold() for f in families}
    added: list[Family] = []
    for row in rows:
        at = by_package.get(row.package)
        if at is not None:
            merged[at] = _join(merged[at], row, source_ref)
            continue
        name = row.title if row.title.casefold() not in taken else f"{row.title} ({row.package})"
        taken.add(name.casefold())
        added.append(
            Family(
                name=name,
                kind=row.kind,
                packages=(row.package,),
                sources=(source_ref,),
                stores=(row.store,),
            )
        )
    return (*merged, *added)


def _join(family: Family, row: Row, source_ref: str) -> Family:
    names = family.names
    if row.title.casefold() not in {n.casefold() for n in (family.name, *names)}:
        names = (*names, row.title)
    also = family.also_listed_as
    if row.kind is not family.kind and row.kind not in also:
        also = (*also, row.kind)
    return replace(
        family,
        names=names,
        also_listed_as=also,
        stores=unique((*family.stores, row.store)),
        sources=unique((*family.sources, source_ref)),
    )
