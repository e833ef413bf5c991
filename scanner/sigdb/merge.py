"""Merging families from several sources by family name."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from scanner.sigdb.model import Family, Kind, Sample

KIND_CONFLICT_NOTE = (
    "Listed both as stalkerware and as a monitoring app that does not hide (watchware)."
)


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """Values without repeats, first occurrence kept, order otherwise unchanged."""
    return tuple(dict.fromkeys(values))


def _both(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    return unique((*first, *second))


def _samples(first: tuple[Sample, ...], second: tuple[Sample, ...]) -> tuple[Sample, ...]:
    by_hash: dict[str, Sample] = {}
    for sample in (*first, *second):
        by_hash.setdefault(sample.sha256, sample)
    return tuple(by_hash.values())


def _join_notes(first: str, second: str) -> str:
    return " ".join(unique(n for n in (first, second) if n))


def merge_two(first: Family, second: Family) -> Family:
    """One family holding every identifier of both; ``first`` wins on single values."""
    names = _both(first.names, second.names)
    # The other family's main name becomes an alternative name if it differs.
    if second.name != first.name and second.name not in names:
        names = (*names, second.name)
    kind, notes = first.kind, _join_notes(first.notes, second.notes)
    also = tuple(dict.fromkeys((*first.also_listed_as, *second.also_listed_as)))
    if first.kind is not second.kind:
        # Echap lists a few apps (FindMyKids, WiseMo) in both ioc.yaml and watchware.yaml.
        # The stalkerware listing wins: it means a hiding variant is known to exist.
        kind = Kind.STALKERWARE
        notes = _join_notes(notes, KIND_CONFLICT_NOTE)
        also = tuple(dict.fromkeys((*also, Kind.DUAL_USE)))
    also = tuple(k for k in also if k is not kind)
    return Family(
        name=first.name,
        kind=kind,
        names=names,
        packages=_both(first.packages, second.packages),
        ios_bundles=_both(first.ios_bundles, second.ios_bundles),
        certificates=_both(first.certificates, second.certificates),
        certificate_organizations=_both(
            first.certificate_organizations, second.certificate_organizations
        ),
        certificate_cname_re=_both(first.certificate_cname_re, second.certificate_cname_re),
        samples=_samples(first.samples, second.samples),
        c2_domains=_both(first.c2_domains, second.c2_domains),
        c2_ips=_both(first.c2_ips, second.c2_ips),
        websites=_both(first.websites, second.websites),
        distribution=_both(first.distribution, second.distribution),
        capabilities=_both(first.capabilities, second.capabilities),
        capability_summary=first.capability_summary or second.capability_summary,
        notes=notes,
        sources=_both(first.sources, second.sources),
        also_listed_as=also,
        stores=_both(first.stores, second.stores),
    )


def merge_families(*groups: Sequence[Family]) -> tuple[Family, ...]:
    """All families of all groups, those with the same name (any case) merged into one.

    First appearance wins the position, so the shipped file keeps upstream's order.
    """
    by_key: dict[str, Family] = {}
    for group in groups:
        for fam in group:
            key = fam.name.casefold()
            by_key[key] = merge_two(by_key[key], fam) if key in by_key else fam
    return tuple(by_key.values())
