"""Our own database file format (YAML, documented in ``signatures/README.md``).

``parse_db`` reads and fully validates a file's bytes; ``dump_db`` writes the canonical
form (fixed key order, empty fields left out), so a database we build always has the
same bytes and therefore the same SHA-256.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import yaml

from scanner.sigdb import normalise
from scanner.sigdb.merge import unique
from scanner.sigdb.model import (
    CAPABILITY_WORDS,
    SCHEMA_VERSION,
    Family,
    Header,
    Kind,
    Sample,
    SignatureDB,
)
from scanner.sigdb.problems import (
    Reason,
    malformed_entry,
    malformed_entry_from,
    malformed_file,
    problem,
    unusable_file,
)

# libyaml is ten times faster; the pure-Python classes give the same result.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

FILE_COMMENT: Final = (
    "# phone-check signature database. Format: signatures/README.md.\n"
    "# Built by tools/build_signatures.py; its SHA-256 is recorded in installed.json,\n"
    "# so any edit by hand makes the scanner refuse it.\n"
)
_HEADER_KEYS: Final = (
    "schema_version",
    "source",
    "source_version",
    "date",
    "licence",
    "attribution",
    "warning",
    "inputs",
)
_LIST_FIELDS: Final[Mapping[str, Callable[[object], str]]] = {
    "names": normalise.name,
    "packages": normalise.package,
    "ios_bundles": normalise.package,
    "certificates": normalise.certificate,
    "certificate_organizations": normalise.name,
    "certificate_cname_re": lambda v: _regex(normalise.name(v, "what_regex")),
    "c2_domains": normalise.domain,
    "c2_ips": normalise.ip,
    "websites": normalise.host_or_url,
    "distribution": normalise.host_or_url,
    "capabilities": lambda v: _capability(normalise.name(v, "what_capability")),
    "sources": normalise.name,
    "also_listed_as": lambda v: _kind(normalise.name(v, "what_kind")).value,
    "stores": normalise.name,
}
_FAMILY_KEYS: Final = frozenset(
    {"name", "kind", "sample_sha256", "capability_summary", "notes", *_LIST_FIELDS}
)


def parse_db(data: bytes, file: str) -> SignatureDB:
    """Read and validate a database file's bytes; ``file`` names it in error messages."""
    raw = load_yaml(data, file)
    if not isinstance(raw, dict) or "families" not in raw:
        raise unusable_file(file, "database_errors.not_database")
    header = _header(raw, file)
    entries = raw["families"]
    if not isinstance(entries, list):
        raise malformed_file(file, problem("not_list", field="families"))
    families = tuple(_family(entry, file, i) for i, entry in enumerate(entries, start=1))
    apps = raw.get("apps", "")
    if not isinstance(apps, str):
        raise malformed_file(file, problem("apps_not_text"))
    families += tuple(
        _app(line, file, len(entries) + i)
        for i, line in enumerate(apps.splitlines(), start=1)
        if line.strip()
    )
    seen: set[str] = set()
    for i, fam in enumerate(families, start=1):
        if fam.name.casefold() in seen:
            raise malformed_entry(file, i, fam.name, problem("same_name"))
        seen.add(fam.name.casefold())
    return SignatureDB(header=header, families=families, sha256=hashlib.sha256(data).hexdigest())


def load_yaml(data: bytes | str, file: str) -> object:
    """Parse YAML with a safe loader; a syntax error becomes ``Malformed`` with its line."""
    try:
        return yaml.load(data, Loader=_Loader)  # noqa: S506 - a safe loader class
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            raise unusable_file(
                file, "database_errors.not_yaml_at", str(exc), line=mark.line + 1
            ) from exc
        raise unusable_file(file, "database_errors.not_yaml", str(exc)) from exc


def dump_db(header: Header, families: Sequence[Family]) -> bytes:
    """The canonical file bytes for a database."""
    doc: dict[str, object] = {
        "schema_version": header.schema_version,
        "source": header.source,
        "source_version": header.source_version,
        "date": header.date,
        "licence": header.licence,
        "attribution": header.attribution,
    }
    if header.warning:
        doc["warning"] = header.warning
    if header.inputs:
        doc["inputs"] = header.inputs
    doc["families"] = [_family_doc(fam) for fam in families if not is_simple(fam)]
    apps = "".join(_app_line(fam) for fam in families if is_simple(fam))
    if apps:
        doc["apps"] = _Literal(apps)
    text: str = yaml.dump(
        doc,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    return (FILE_COMMENT + text).encode("utf-8")


def build_db(header: Header, families: Sequence[Family]) -> tuple[SignatureDB, bytes]:
    """A database and its canonical bytes, the SHA-256 computed over those bytes.

    The families are in the order the file holds them (``parse_db`` gives the same)."""
    data = dump_db(header, families)
    ordered = (*(f for f in families if not is_simple(f)), *(f for f in families if is_simple(f)))
    return SignatureDB(header, ordered, hashlib.sha256(data).hexdigest()), data


# A family known only by one package id (most of ISDi's list) is written as one line of
# the ``apps`` text, ``package<TAB>kind<TAB>stores<TAB>sources<TAB>name``: five thousand
# YAML mappings took a second to load, the same lines a few milliseconds.
_APP_FIELDS: Final = 5


def is_simple(fam: Family) -> bool:
    """Whether the family fits one line of ``apps``: one package, a name, a kind, stores,
    sources and nothing else."""
    return (
        len(fam.packages) == 1
        and fam.sources != ()
        and fam
        == Family(
            name=fam.name,
            kind=fam.kind,
            packages=fam.packages,
            stores=fam.stores,
            sources=fam.sources,
        )
        and not any("\t" in v or "," in v for v in (*fam.stores, *fam.sources))
        and "\t" not in fam.name
        and "\n" not in fam.name
    )


def _app_line(fam: Family) -> str:
    fields = (fam.packages[0], fam.kind.value, ",".join(fam.stores), ",".join(fam.sources))
    return "\t".join((*fields, fam.name)) + "\n"


def _app(line: str, file: str, index: int) -> Family:
    parts = line.split("\t")
    try:
        if len(parts) != _APP_FIELDS:
            raise Reason("apps_line_fields", count=str(len(parts)), expected=str(_APP_FIELDS))
        package, kind, stores, sources, name = parts
        return Family(
            name=normalise.name(name),
            kind=_kind(kind),
            packages=(normalise.package(package),),
            stores=_csv_names(stores),
            sources=_csv_names(sources),
        )
    except ValueError as exc:
        raise malformed_entry_from(file, index, parts[0], exc) from exc


@functools.cache
def _csv_names(text: str) -> tuple[str, ...]:
    # Thousands of lines share a handful of store and source lists: each is read once.
    return tuple(normalise.name(s) for s in text.split(",") if s)


class _Literal(str):
    """Text written as a YAML literal block, one app a line."""

    __slots__ = ()


class _Flow(dict[str, str]):
    """A mapping written on one line (one sample per line keeps the file short)."""


class _Dumper(_BaseDumper):  # type: ignore[misc]
    pass


def _represent_flow(dumper: Any, data: _Flow) -> Any:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


_Dumper.add_representer(_Flow, _represent_flow)


def _represent_literal(dumper: Any, data: _Literal) -> Any:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style="|")


_Dumper.add_representer(_Literal, _represent_literal)


def _family_doc(fam: Family) -> dict[str, object]:
    doc: dict[str, object] = {"name": fam.name, "kind": fam.kind.value}
    for key in (
        "names",
        "packages",
        "ios_bundles",
        "certificates",
        "certificate_organizations",
        "certificate_cname_re",
    ):
        if values := getattr(fam, key):
            doc[key] = list(values)
    if fam.samples:
        doc["sample_sha256"] = [_sample_doc(s) for s in fam.samples]
    for key in ("c2_domains", "c2_ips", "websites", "distribution", "capabilities"):
        if values := getattr(fam, key):
            doc[key] = list(values)
    if fam.capability_summary:
        doc["capability_summary"] = fam.capability_summary
    if fam.notes:
        doc["notes"] = fam.notes
    doc["sources"] = list(fam.sources)
    if fam.also_listed_as:
        doc["also_listed_as"] = [k.value for k in fam.also_listed_as]
    if fam.stores:
        doc["stores"] = list(fam.stores)
    return doc


def _sample_doc(sample: Sample) -> _Flow:
    doc = _Flow(sha256=sample.sha256)
    if sample.package:
        doc["package"] = sample.package
    if sample.certificate:
        doc["certificate"] = sample.certificate
    if sample.version:
        doc["version"] = sample.version
    return doc


def _header(raw: Mapping[str, object], file: str) -> Header:
    unknown = set(raw) - {*_HEADER_KEYS, "families", "apps"}
    if unknown:
        names = ", ".join(sorted(map(str, unknown)))  # YAML keys need not be text
        raise malformed_file(file, problem("unknown_header_fields", fields=names))
    version = raw.get("schema_version")
    if version != SCHEMA_VERSION:
        raise unusable_file(
            file, "database_errors.schema_version", version=repr(version), ours=SCHEMA_VERSION
        )
    values: dict[str, str] = {}
    for key in _HEADER_KEYS[1:]:
        value = raw.get(key, "")
        if isinstance(value, dt.date):
            value = value.isoformat()
        if not isinstance(value, str):
            raise malformed_file(file, problem("header_field_not_text", field=key))
        values[key] = value.strip()
    if not values["source"]:
        raise malformed_file(file, problem("header_no_source"))
    return Header(schema_version=SCHEMA_VERSION, **values)


def _family(raw: object, file: str, index: int) -> Family:
    if not isinstance(raw, dict):
        raise malformed_entry(file, index, "", problem("not_mapping"))
    label = str(raw.get("name", ""))
    try:
        return _family_fields(raw)
    except ValueError as exc:
        raise malformed_entry_from(file, index, label, exc) from exc


def _family_fields(raw: Mapping[str, object]) -> Family:
    unknown = set(raw) - _FAMILY_KEYS
    if unknown:
        names = ", ".join(sorted(map(str, unknown)))
        raise Reason("unknown_fields", fields=names)
    lists = {key: _list(raw, key, check) for key, check in _LIST_FIELDS.items()}
    kind = _kind(raw.get("kind", ""))
    samples_raw = raw.get("sample_sha256") or []
    if not isinstance(samples_raw, list):
        raise Reason("not_list", field="sample_sha256")
    return Family(
        name=normalise.name(raw.get("name")),
        kind=kind,
        samples=tuple(_sample(s) for s in samples_raw),
        capability_summary=_optional_text(raw, "capability_summary"),
        notes=_optional_text(raw, "notes"),
        names=lists["names"],
        packages=lists["packages"],
        ios_bundles=lists["ios_bundles"],
        certificates=lists["certificates"],
        certificate_organizations=lists["certificate_organizations"],
        certificate_cname_re=lists["certificate_cname_re"],
        c2_domains=lists["c2_domains"],
        c2_ips=lists["c2_ips"],
        websites=lists["websites"],
        distribution=lists["distribution"],
        capabilities=lists["capabilities"],
        sources=lists["sources"],
        also_listed_as=tuple(Kind(k) for k in lists["also_listed_as"] if k != kind.value),
        stores=lists["stores"],
    )


def _list(raw: Mapping[str, object], key: str, check: Callable[[object], str]) -> tuple[str, ...]:
    values = raw.get(key) or []
    if not isinstance(values, list):
        raise Reason("not_list", field=key)
    return unique(check(v) for v in values)


def _sample(raw: object) -> Sample:
    if not isinstance(raw, dict):
        raise Reason("sample_not_mapping")
    cert = raw.get("certificate")
    return Sample(
        sha256=normalise.sha256(raw.get("sha256")),
        package=normalise.package(raw["package"]) if raw.get("package") else "",
        certificate=normalise.certificate(cert) if cert else "",
        version=str(raw.get("version") or ""),
    )


def _optional_text(raw: Mapping[str, object], key: str) -> str:
    value = raw.get(key) or ""
    if not isinstance(value, str):
        raise Reason("field_not_text", field=key)
    return value.strip()


def _regex(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise Reason("not_regex", str(exc), value=repr(pattern)) from None
    return pattern


def _capability(keyword: str) -> str:
    if keyword not in CAPABILITY_WORDS:
        words = ", ".join(sorted(CAPABILITY_WORDS))
        raise Reason("capability_not_known", value=repr(keyword), known=words)
    return keyword


_KINDS: Final[Mapping[str, Kind]] = {k.value: k for k in Kind}


def _kind(text: object) -> Kind:
    # A dict lookup: thousands of 'apps' lines each name their kind.
    kind = _KINDS.get(text) if isinstance(text, str) else None
    if kind is None:
        known = ", ".join(_KINDS)
        raise Reason("kind_not_known", value=repr(text), known=known)
    return kind
