"""Constant-time lookups from an identifier seen on a phone to the families listing it.

Built once per scan from a ``SignatureDB``. Each map holds the index of the (first)
family per identifier, plus a small side map for the rare identifiers listed under
several families (three package names upstream), which keeps building cheap: one dict
insert per identifier, no per-identifier objects.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from scanner.sigdb import normalise
from scanner.sigdb.model import Family, Sample, SignatureDB

_HOST_FIELDS: Final = ("c2_domains", "distribution", "websites")


@dataclass(frozen=True, slots=True)
class Match:
    """One database entry an identifier matched."""

    family: Family
    field: str
    """Which list it matched in: ``packages``, ``certificates``, ``samples``, ``c2_domains``,
    ``c2_ips``, ``distribution``, ``websites``, ``certificate_organizations`` or
    ``certificate_cname_re``."""
    value: str
    """The identifier as the database lists it (for a subdomain, the listed parent)."""
    sample: Sample | None = None
    """For a sample match, the sample (its package, certificate and version)."""


class _MultiMap:
    """``key -> owner ids`` with one int per key in the common case."""

    __slots__ = ("extra", "first")

    def __init__(self, keys: list[str], owners: list[int]) -> None:
        # Built in reverse so that, for a repeated key, the first owner is the one kept;
        # dict() over zip() is several times faster than a Python loop of inserts.
        self.first: dict[str, int] = dict(zip(reversed(keys), reversed(owners), strict=True))
        self.extra: dict[str, list[int]] = {}
        if len(self.first) != len(keys):
            for key, owner in zip(keys, owners, strict=True):
                if self.first[key] != owner:
                    more = self.extra.setdefault(key, [])
                    if owner not in more:
                        more.append(owner)

    def get(self, key: str) -> tuple[int, ...]:
        have = self.first.get(key)
        if have is None:
            return ()
        extra = self.extra.get(key)
        return (have, *extra) if extra else (have,)

    def __len__(self) -> int:
        return len(self.first)


def _pairs(families: Sequence[Family], field: str) -> tuple[list[str], list[int]]:
    keys: list[str] = []
    owners: list[int] = []
    for i, fam in enumerate(families):
        values = getattr(fam, field)
        keys.extend(values)
        owners.extend([i] * len(values))
    return keys, owners


class SignatureIndex:
    """Fast lookups over a fixed set of families."""

    def __init__(self, families: Sequence[Family]) -> None:
        self.families: tuple[Family, ...] = tuple(families)
        fams = self.families
        self._packages = _MultiMap(*_pairs(fams, "packages"))
        self._certificates = _MultiMap(*_pairs(fams, "certificates"))
        self._ips = _MultiMap(*_pairs(fams, "c2_ips"))
        sample_keys = [s.sha256 for fam in fams for s in fam.samples]
        sample_owners = [i for i, fam in enumerate(fams) for _ in fam.samples]
        self._samples = _MultiMap(sample_keys, sample_owners)
        # One host map for every host field; an owner id is family * 3 + field position,
        # so a match still says whether it was a C2 server, a download site or a shop.
        host_keys: list[str] = []
        host_owners: list[int] = []
        for i, fam in enumerate(fams):
            for code, field in enumerate(_HOST_FIELDS):
                # URLs with a path (e.g. a GitHub project) are not host indicators.
                hosts = [h for h in getattr(fam, field) if normalise.is_plain_host(h)]
                host_keys.extend(hosts)
                host_owners.extend([i * len(_HOST_FIELDS) + code] * len(hosts))
        self._hosts = _MultiMap(host_keys, host_owners)
        org_keys = [o.casefold() for fam in fams for o in fam.certificate_organizations]
        org_owners = [i for i, fam in enumerate(fams) for _ in fam.certificate_organizations]
        self._organizations = _MultiMap(org_keys, org_owners)
        self._cname_res = [
            (i, r, re.compile(r)) for i, fam in enumerate(fams) for r in fam.certificate_cname_re
        ]

    @classmethod
    def from_db(cls, db: SignatureDB) -> SignatureIndex:
        """The index of a whole database."""
        return cls(db.families)

    @property
    def size(self) -> int:
        """How many distinct identifiers the index holds."""
        maps = (
            self._packages,
            self._certificates,
            self._samples,
            self._ips,
            self._hosts,
            self._organizations,
        )
        return sum(map(len, maps)) + len(self._cname_res)

    def by_package(self, package: str) -> tuple[Match, ...]:
        """Families listing this Android package name (exact, case-sensitive)."""
        return self._matches(self._packages.get(package), "packages", package)

    def by_certificate(self, fingerprint: str) -> tuple[Match, ...]:
        """Families listing this signing-certificate SHA-1 or SHA-256 (any case, colons ok)."""
        try:
            key = normalise.certificate(fingerprint)
        except ValueError:
            return ()
        return self._matches(self._certificates.get(key), "certificates", key)

    def by_sample_sha256(self, sha256: str) -> tuple[Match, ...]:
        """Families with a known APK of this SHA-256."""
        try:
            key = normalise.sha256(sha256)
        except ValueError:
            return ()
        matches: list[Match] = []
        for i in self._samples.get(key):
            fam = self.families[i]
            sample = next(s for s in fam.samples if s.sha256 == key)
            matches.append(Match(fam, "samples", key, sample))
        return tuple(matches)

    def by_host(self, host: str) -> tuple[Match, ...]:
        """Families listing this IP address, or this domain or any parent domain of it.

        ``x.api.evil.com`` matches a listed ``evil.com`` (the lookup walks the labels, so
        it costs one dict probe per label, whatever the database size).
        """
        text = host.strip().strip("[]").lower().rstrip(".")
        if not text:
            return ()
        # Only text that could be an address is parsed as one (parsing fails slowly).
        if ":" in text or text.replace(".", "").isdigit():
            try:
                address = str(ipaddress.ip_address(text))
            except ValueError:
                return ()
            return self._matches(self._ips.get(address), "c2_ips", address)
        matches: list[Match] = []
        fields = len(_HOST_FIELDS)
        candidate = text
        while "." in candidate:
            for owner in self._hosts.get(candidate):
                family, code = divmod(owner, fields)
                matches.append(Match(self.families[family], _HOST_FIELDS[code], candidate))
            candidate = candidate.partition(".")[2]
        return tuple(matches)

    def by_certificate_subject(
        self, organization: str = "", common_name: str = ""
    ) -> tuple[Match, ...]:
        """Families whose signing-certificate ``O=`` or ``CN=`` rules match this subject."""
        matches: list[Match] = []
        if organization:
            key = organization.strip().casefold()
            matches.extend(
                self._matches(
                    self._organizations.get(key), "certificate_organizations", organization.strip()
                )
            )
        if common_name:
            matches.extend(
                Match(self.families[i], "certificate_cname_re", pattern)
                for i, pattern, compiled in self._cname_res
                if compiled.search(common_name)
            )
        return tuple(matches)

    def match_packages(self, packages: Iterable[str]) -> dict[str, tuple[Match, ...]]:
        """Every package of ``packages`` that is listed, with its matches (bulk ``by_package``)."""
        first = self._packages.first
        return {p: self.by_package(p) for p in packages if p in first}

    def _matches(self, indices: tuple[int, ...], field: str, value: str) -> tuple[Match, ...]:
        if not indices:
            return ()
        return tuple(Match(self.families[i], field, value) for i in indices)
