"""Importer for STIX 2.1 bundles as MVT reads them (indicators linked to malware).

Read with ``json`` alone: ``malware`` objects become families, ``indicator`` objects
with simple patterns (``[app:id = 'com.x']``, optionally several joined by ``OR``) give
their identifiers, and ``indicates`` relationships say which family each belongs to.
Indicator types we have no use for (``url:value``, ``email-addr:value``...) are counted
and left out, as MVT does; a pattern we cannot read at all is an error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Final

from scanner.sigdb import normalise
from scanner.sigdb.merge import unique
from scanner.sigdb.model import Family, Kind, Sample
from scanner.sigdb.problems import (
    Reason,
    malformed_entry,
    malformed_entry_from,
    malformed_file,
    problem,
    unusable_file,
    within,
)

# Object path (as written in the pattern) -> (our field, normaliser).
_PATHS: Final[Mapping[str, tuple[str, Callable[[object], str]]]] = {
    "app:id": ("packages", normalise.package),
    "app:cert.sha1": ("certificates", normalise.certificate),
    "app:cert.sha256": ("certificates", normalise.certificate),
    "x509-certificate:hashes.'sha-1'": ("certificates", normalise.certificate),
    "x509-certificate:hashes.sha1": ("certificates", normalise.certificate),
    "x509-certificate:hashes.'sha-256'": ("certificates", normalise.certificate),
    "x509-certificate:hashes.sha256": ("certificates", normalise.certificate),
    "file:hashes.sha256": ("samples", normalise.sha256),
    "file:hashes.'sha-256'": ("samples", normalise.sha256),
    # STIX cannot say whether a domain is a C2 server or the vendor's site; both are
    # network indicators, so both go to c2_domains.
    "domain-name:value": ("c2_domains", normalise.domain),
    "ipv4-addr:value": ("c2_ips", normalise.ip),
    "ipv6-addr:value": ("c2_ips", normalise.ip),
}
# One comparison: object path, '=', a single-quoted string (backslash escapes allowed).
_PATH = r"[a-z0-9\-]+:[A-Za-z0-9_.\-']+"
_STRING = r"'(?:[^'\\]|\\.)*'"
_COMPARISON_RE = re.compile(rf"(?P<path>{_PATH})\s*=\s*'(?P<value>(?:[^'\\]|\\.)*)'")
_PATTERN_RE = re.compile(
    rf"\s*\[\s*{_PATH}\s*=\s*{_STRING}(?:\s+OR\s+{_PATH}\s*=\s*{_STRING})*\s*\]\s*"
)
UNATTRIBUTED: Final = "Unattributed indicators"


@dataclass(frozen=True, slots=True)
class StixImport:
    """The families read from a bundle, and what was left out."""

    families: tuple[Family, ...]
    ignored_indicators: int = 0
    """Indicators of a type this scanner does not match (for example URLs)."""


def parse_stix2(data: bytes | str, file: str, source_ref: str) -> StixImport:
    """Families from a STIX 2.1 bundle; ``source_ref`` is recorded on each."""
    try:
        bundle = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise unusable_file(file, "database_errors.not_json", str(exc)) from exc
    if not isinstance(bundle, dict) or bundle.get("type") != "bundle":
        raise unusable_file(file, "database_errors.not_stix", 'no "type": "bundle"')
    objects = bundle.get("objects")
    if not isinstance(objects, list):
        raise malformed_file(file, problem("no_objects"))

    malware: dict[str, str] = {}  # id -> family name
    aliases: dict[str, tuple[str, ...]] = {}
    indicators: dict[str, dict[str, list[str]]] = {}  # id -> field -> values
    links: list[tuple[int, str, str]] = []
    ignored = 0
    for index, obj in enumerate(objects, start=1):
        if not isinstance(obj, dict):
            raise malformed_entry(file, index, "", problem("not_json_object"))
        kind, ident = obj.get("type"), obj.get("id")
        label = str(obj.get("name") or ident or "")
        if not isinstance(ident, str) or not ident:
            raise malformed_entry(file, index, label, problem("no_id"))
        try:
            if kind == "malware":
                malware[ident] = normalise.name(obj.get("name"), "what_malware_name")
                aliases[ident] = tuple(
                    normalise.name(a, "what_alias") for a in obj.get("aliases") or []
                )
            elif kind == "indicator":
                fields, skipped = _indicator(obj)
                indicators[ident] = fields
                ignored += skipped
            elif kind == "relationship" and obj.get("relationship_type") == "indicates":
                source, target = obj.get("source_ref"), obj.get("target_ref")
                if not isinstance(source, str) or not isinstance(target, str):
                    raise Reason("relationship_ends")
                links.append((index, source, target))
        except ValueError as exc:
            raise malformed_entry_from(file, index, label, exc) from exc

    collected: dict[str, dict[str, list[str]]] = {m: {} for m in malware}
    attributed: set[str] = set()
    for index, source, target in links:
        if source not in indicators or target not in malware:
            # Relationships between other objects (e.g. malware -> infrastructure) are fine;
            # an 'indicates' pointing at something missing means the bundle is broken.
            missing = source if source not in indicators else target
            raise malformed_entry(
                file,
                index,
                f"{source} -> {target}",
                problem("points_at_missing", target=missing),
            )
        attributed.add(source)
        for field, values in indicators[source].items():
            collected[target].setdefault(field, []).extend(values)

    families = [_family(malware[m], aliases[m], collected[m], source_ref) for m in malware]
    orphans: dict[str, list[str]] = {}
    for ident, fields in indicators.items():
        if ident not in attributed:
            for field, values in fields.items():
                orphans.setdefault(field, []).extend(values)
    if orphans:
        fam = _family(UNATTRIBUTED, (), orphans, source_ref)
        note = f"Indicators in {file} that the bundle does not link to any malware."
        families.append(replace(fam, notes=note))
    return StixImport(families=tuple(families), ignored_indicators=ignored)


def _indicator(obj: Mapping[str, object]) -> tuple[dict[str, list[str]], int]:
    pattern_type = obj.get("pattern_type", "stix")
    pattern = obj.get("pattern")
    if pattern_type != "stix":
        return {}, 1
    if not isinstance(pattern, str) or not _PATTERN_RE.fullmatch(pattern):
        raise Reason("pattern_not_simple", value=repr(pattern))
    fields: dict[str, list[str]] = {}
    skipped = 0
    for match in _COMPARISON_RE.finditer(pattern):
        path = match["path"].lower()
        value = re.sub(r"\\(.)", r"\1", match["value"])
        if path not in _PATHS:
            skipped += 1
            continue
        field, check = _PATHS[path]
        try:
            fields.setdefault(field, []).append(check(value))
        except ValueError as exc:
            raise within("in_pattern", exc, value=repr(pattern)) from None
    return fields, min(skipped, 1)


def _family(
    name: str, names: tuple[str, ...], fields: Mapping[str, list[str]], source_ref: str
) -> Family:
    return Family(
        name=name,
        kind=Kind.STALKERWARE,
        names=unique(names),
        packages=unique(fields.get("packages", ())),
        certificates=unique(fields.get("certificates", ())),
        samples=tuple(Sample(sha256=h) for h in unique(fields.get("samples", ()))),
        c2_domains=unique(fields.get("c2_domains", ())),
        c2_ips=unique(fields.get("c2_ips", ())),
        sources=(source_ref,),
    )
