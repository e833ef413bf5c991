"""Importer for Echap's stalkerware indicators (github.com/AssoEchap/stalkerware-indicators).

``ioc.yaml`` and ``watchware.yaml`` share one schema: a list with one entry per app
family. ``samples.csv`` lists known APKs (``SHA256,Package Name,Certificate,Version,App``)
and is attached to those families by app name. Pure functions: bytes in, families out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from typing import Final

from scanner.sigdb import normalise
from scanner.sigdb.merge import unique
from scanner.sigdb.model import Family, Kind, Sample
from scanner.sigdb.problems import (
    Reason,
    malformed_entry,
    malformed_entry_from,
    problem,
    unusable_file,
    within,
)
from scanner.sigdb.schema import load_yaml

_KINDS: Final[Mapping[str, Kind]] = {"stalkerware": Kind.STALKERWARE, "watchware": Kind.DUAL_USE}
_LIST_FIELDS: Final[Mapping[str, Callable[[object], str]]] = {
    "names": normalise.name,
    "packages": normalise.package,
    "ios_bundles": normalise.package,
    "certificates": normalise.certificate,
    "certificate_organizations": normalise.name,
    "certificate_cname_re": lambda v: normalise.name(v, "what_regex"),
    "websites": normalise.host_or_url,
    "distribution": normalise.host_or_url,
}
_KNOWN_KEYS: Final = frozenset({"name", "type", "c2", *_LIST_FIELDS})
# ``ip`` is a misspelling two upstream entries use (MobiStealth, Ahmyth); the upstream
# generators drop those addresses, we keep them.
_C2_KEYS: Final = frozenset({"domains", "ips", "ip"})
SAMPLES_COLUMNS: Final = ("SHA256", "Package Name", "Certificate", "Version", "App")


def parse_indicators_yaml(data: bytes | str, file: str, source_ref: str) -> tuple[Family, ...]:
    """Families from ``ioc.yaml`` or ``watchware.yaml``; ``source_ref`` is recorded on each."""
    raw = load_yaml(data, file)
    if not isinstance(raw, list):
        raise unusable_file(file, "database_errors.not_echap")
    families: list[Family] = []
    for index, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            raise malformed_entry(file, index, "", problem("not_mapping"))
        label = str(entry.get("name", ""))
        try:
            families.append(_family(entry, source_ref))
        except ValueError as exc:
            raise malformed_entry_from(file, index, label, exc) from exc
    return tuple(families)


def _family(entry: Mapping[str, object], source_ref: str) -> Family:
    unknown = set(entry) - _KNOWN_KEYS
    if unknown:
        names = ", ".join(sorted(map(str, unknown)))
        raise Reason("fields_not_known", fields=names)
    kind_text = entry.get("type")
    if not isinstance(kind_text, str) or kind_text not in _KINDS:  # a list cannot be looked up
        raise Reason("echap_type", value=repr(kind_text))
    lists = {key: _list(entry.get(key), key, check) for key, check in _LIST_FIELDS.items()}
    c2 = entry.get("c2") or {}
    if not isinstance(c2, dict):
        raise Reason("not_mapping_field", field="c2")
    unknown_c2 = set(c2) - _C2_KEYS
    if unknown_c2:
        names = ", ".join(sorted(map(str, unknown_c2)))
        raise Reason("c2_fields_not_known", fields=names)
    ips = (
        *_list(c2.get("ips"), "c2.ips", normalise.ip),
        *_list(c2.get("ip"), "c2.ip", normalise.ip),
    )
    return Family(
        name=normalise.name(entry.get("name")),
        kind=_KINDS[kind_text],
        names=lists["names"],
        packages=lists["packages"],
        ios_bundles=lists["ios_bundles"],
        certificates=lists["certificates"],
        certificate_organizations=lists["certificate_organizations"],
        certificate_cname_re=lists["certificate_cname_re"],
        c2_domains=_list(c2.get("domains"), "c2.domains", normalise.domain),
        c2_ips=unique(ips),
        websites=lists["websites"],
        distribution=lists["distribution"],
        sources=(source_ref,),
    )


def _list(values: object, key: str, check: Callable[[object], str]) -> tuple[str, ...]:
    if values is None:
        return ()
    if not isinstance(values, list):
        raise Reason("not_list", field=key)
    out: list[str] = []
    for value in values:
        try:
            out.append(check(value))
        except ValueError as exc:
            raise within("in_field", exc, field=key) from None
    return unique(out)


def parse_samples_csv(
    data: bytes | str, file: str, source_ref: str, families: Sequence[Family]
) -> tuple[Family, ...]:
    """Families holding only the samples of ``samples.csv``, ready to merge by name.

    A row goes to the family whose name (then alternative name) is its ``App``, then to
    the family listing its package; rows matching none make a new family named after
    the ``App`` so no sample is lost.
    """
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise unusable_file(file, "database_errors.not_text", str(exc)) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames is None or not set(SAMPLES_COLUMNS) <= set(reader.fieldnames):
        raise unusable_file(
            file, "database_errors.not_csv_header", header=",".join(SAMPLES_COLUMNS)
        )
    resolve = _resolver(families)
    samples: dict[str, list[Sample]] = {}
    unmatched: dict[str, Family] = {}
    # Line 1 is the header, so the first data row is line 2 (rows never span lines here:
    # no field is quoted upstream, and a multi-line row would fail validation anyway).
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise unusable_file(
            file, "database_errors.not_csv", str(exc), line=reader.line_num
        ) from exc
    for line, row in enumerate(rows, start=2):
        app = (row.get("App") or "").strip()
        label = app or (row.get("SHA256") or "").strip()
        if None in row or None in row.values():
            raise malformed_entry(file, line, label, problem("not_five_columns"))
        try:
            sample = _sample(row)
            if not app:
                raise Reason("app_column_empty")
        except ValueError as exc:
            raise malformed_entry_from(file, line, label, exc) from exc
        family = resolve(app, sample.package)
        if family is None:
            family = unmatched.setdefault(
                app.casefold(),
                Family(
                    name=app,
                    kind=Kind.STALKERWARE,
                    notes="Known only from samples.csv: no other indicators were listed upstream.",
                ),
            )
        samples.setdefault(family.name, []).append(sample)
    kinds = {f.name: f.kind for f in (*families, *unmatched.values())}
    notes = {f.name: f.notes for f in unmatched.values()}
    return tuple(
        Family(
            name=name,
            kind=kinds[name],
            samples=tuple(found),
            notes=notes.get(name, ""),
            sources=(source_ref,),
        )
        for name, found in samples.items()
    )


def _sample(row: Mapping[str, str | None]) -> Sample:
    package = (row.get("Package Name") or "").strip()
    cert = (row.get("Certificate") or "").strip()
    return Sample(
        sha256=normalise.sha256(row.get("SHA256") or ""),
        package=normalise.package(package) if package else "",
        certificate=normalise.certificate(cert) if cert else "",
        version=(row.get("Version") or "").strip(),
    )


def _resolver(families: Sequence[Family]) -> Callable[[str, str], Family | None]:
    by_name: dict[str, Family] = {}
    by_alias: dict[str, list[Family]] = {}
    by_package: dict[str, Family] = {}
    for fam in families:
        by_name.setdefault(fam.name.casefold(), fam)
        for alias in fam.names:
            by_alias.setdefault(alias.casefold(), []).append(fam)
        for package in fam.packages:
            by_package.setdefault(package, fam)

    def resolve(app: str, package: str) -> Family | None:
        key = app.casefold()
        if key in by_name:
            return by_name[key]
        candidates = by_alias.get(key, [])
        if len(candidates) > 1:
            # Two families list the same alias: prefer the one listing the sample's package.
            for fam in candidates:
                if package in fam.packages:
                    return fam
        if candidates:
            return candidates[0]
        return by_package.get(package) if package else None

    return resolve
