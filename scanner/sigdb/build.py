"""Assembling a whole database from Echap's files plus our own capability notes."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Final

from scanner.sigdb import echap
from scanner.sigdb.merge import merge_families, unique
from scanner.sigdb.model import CAPABILITY_WORDS, Family, Header
from scanner.sigdb.problems import malformed_entry, malformed_file, problem
from scanner.sigdb.schema import load_yaml

ECHAP_REPO: Final = "https://github.com/AssoEchap/stalkerware-indicators"
ECHAP_SOURCE: Final = f"Echap stalkerware-indicators ({ECHAP_REPO})"
ECHAP_ATTRIBUTION: Final = f"Stalkerware indicators by Echap ({ECHAP_REPO}), CC-BY 4.0"
ECHAP_LICENCE: Final = "CC-BY-4.0"
# Echap's own caution, kept with the data so every report can show it.
ECHAP_WARNING: Final = (
    "These indicators are incomplete: if the scan finds nothing, that does not mean "
    "there is no stalkerware on the phone."
)
ECHAP_FILES: Final = ("ioc.yaml", "watchware.yaml", "samples.csv")
ISDI_PROJECT: Final = "https://github.com/stopipv/isdi"
ISDI_LICENCE: Final = "GPL-3.0-only"


ISDI_REF_PREFIX: Final = "isdi@"


def isdi_ref(version: str) -> str:
    """How each family records that ISDi's list named it."""
    return f"{ISDI_REF_PREFIX}{version}"


def with_isdi(header: Header, version: str, csv_sha256: str) -> Header:
    """``header`` naming ISDi's list as a second source: its version, the CSV's SHA-256,
    its licence and its credit line."""
    return replace(
        header,
        source=f"{header.source} and ISDi (isdi-scanner {version})",
        inputs=f"isdi-scanner {version} isdi/data/app-flags.csv sha256 {csv_sha256}",
        licence=f"{header.licence} AND {ISDI_LICENCE}",
        attribution=f"{header.attribution}; ISDi ({ISDI_PROJECT}), {ISDI_LICENCE}",
    )


def echap_header(source_version: str, date: str) -> Header:
    """The header of a database built from Echap's indicators."""
    return Header(
        source=ECHAP_SOURCE,
        source_version=source_version,
        date=date,
        licence=ECHAP_LICENCE,
        attribution=ECHAP_ATTRIBUTION,
        warning=ECHAP_WARNING,
    )


def echap_families(files: Mapping[str, bytes], source_version: str) -> tuple[Family, ...]:
    """Families from Echap's files, given as ``{file name: bytes}`` (``ioc.yaml`` required).

    ``samples.csv`` is attached to the families of both YAML files.
    """
    if "ioc.yaml" not in files:
        raise malformed_file("ioc.yaml", problem("missing_from_indicators"))
    # A git commit is shortened as git does; any other label (e.g. "master") is kept.
    is_commit = re.fullmatch(r"[0-9a-f]{40}", source_version) is not None
    tag = source_version[:8] if is_commit else (source_version or "unknown")
    groups = [
        echap.parse_indicators_yaml(files[name], name, f"echap:{name}@{tag}")
        for name in ("ioc.yaml", "watchware.yaml")
        if name in files
    ]
    families = merge_families(*groups)
    if "samples.csv" in files:
        samples = echap.parse_samples_csv(
            files["samples.csv"], "samples.csv", f"echap:samples.csv@{tag}", families
        )
        families = merge_families(families, samples)
    return families


def parse_capabilities(data: bytes | str, file: str) -> dict[str, tuple[tuple[str, ...], str]]:
    """Our capability notes: ``{family name: (keywords, one-line summary)}``."""
    raw = load_yaml(data, file)
    if not isinstance(raw, list):
        raise malformed_file(file, problem("not_family_list"))
    notes: dict[str, tuple[tuple[str, ...], str]] = {}
    for index, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("family"), str):
            raise malformed_entry(file, index, "", problem("no_family_name"))
        name = entry["family"]
        keywords = entry.get("capabilities") or []
        summary = entry.get("summary") or ""
        if not isinstance(keywords, list) or not isinstance(summary, str):
            raise malformed_entry(file, index, name, problem("capabilities_summary_types"))
        unknown = [k for k in keywords if not isinstance(k, str) or k not in CAPABILITY_WORDS]
        if unknown:
            said = ", ".join(map(repr, unknown))
            raise malformed_entry(file, index, name, problem("capabilities_not_known", values=said))
        notes[name] = (unique(keywords), " ".join(summary.split()))
    return notes


def apply_capabilities(
    families: Sequence[Family], notes: Mapping[str, tuple[tuple[str, ...], str]]
) -> tuple[Family, ...]:
    """Families with our capability notes added; every noted family must exist."""
    names = {f.name for f in families}
    missing = sorted(set(notes) - names)
    if missing:
        said = ", ".join(map(repr, missing))
        raise malformed_file("capabilities.yaml", problem("families_not_in_database", names=said))
    return tuple(
        replace(f, capabilities=notes[f.name][0], capability_summary=notes[f.name][1])
        if f.name in notes
        else f
        for f in families
    )
