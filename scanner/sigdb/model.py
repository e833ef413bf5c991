"""The signature database's vocabulary: frozen dataclasses, no I/O.

A ``Family`` is one stalkerware or dual-use app family with every identifier known for
it; a ``SignatureDB`` is the whole database as loaded from one file, with that file's
SHA-256 so a report can say exactly which database it used.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:  # the catalogue (and YAML) load only when words are asked for
    from scanner.i18n import Catalogue

SCHEMA_VERSION: Final = 1


class Kind(enum.StrEnum):
    """What sort of app a family is."""

    STALKERWARE = "stalkerware"
    """Made to spy on someone without their knowledge; usually hides itself."""
    DUAL_USE = "dual_use"
    """Monitoring apps sold for families or work that do not hide (Echap's "watchware")."""


CAPABILITY_WORDS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "messages": "read text messages",
        "location": "track where the phone is",
        "calls": "see call history or record calls",
        "microphone": "listen through the microphone",
        "camera": "take pictures with the camera",
        "contacts": "see contacts",
        "photos": "see photos and files",
        "browsing": "see web browsing history",
        "keylogging": "record what is typed",
        "social_apps": "read chats in apps such as WhatsApp or Facebook Messenger",
        "remote_control": "be controlled from far away, for example to lock or wipe the phone",
    }
)
"""Every capability keyword the schema accepts, with the plain English words a report can
show. The words shown in other languages come from the catalogue (``CAPABILITY_IDS``); the
signed database holds only the keywords, so translating never changes its hash."""

CAPABILITY_IDS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "messages": "capabilities.messages",
        "location": "capabilities.location",
        "calls": "capabilities.calls",
        "microphone": "capabilities.microphone",
        "camera": "capabilities.camera",
        "contacts": "capabilities.contacts",
        "photos": "capabilities.photos",
        "browsing": "capabilities.browsing",
        "keylogging": "capabilities.keylogging",
        "social_apps": "capabilities.social_apps",
        "remote_control": "capabilities.remote_control",
    }
)
"""Each capability keyword's message id in ``guidance/<lang>/messages/capabilities.yaml``."""


@dataclass(frozen=True, slots=True)
class Sample:
    """One known APK of a family."""

    sha256: str
    """SHA-256 of the APK file, lower-case hex."""
    package: str = ""
    """The APK's package name, where known."""
    certificate: str = ""
    """The APK's signing-certificate SHA-1, upper-case hex, where known."""
    version: str = ""


@dataclass(frozen=True, slots=True)
class Family:
    """One app family and every identifier known for it."""

    name: str
    kind: Kind = Kind.STALKERWARE
    names: tuple[str, ...] = ()
    """Other names the same product is sold under."""
    packages: tuple[str, ...] = ()
    """Android package names."""
    ios_bundles: tuple[str, ...] = ()
    certificates: tuple[str, ...] = ()
    """Signing-certificate fingerprints: SHA-1 (40 hex) or SHA-256 (64 hex), upper case."""
    certificate_organizations: tuple[str, ...] = ()
    """Values of ``O=`` in the signing certificate's subject."""
    certificate_cname_re: tuple[str, ...] = ()
    """Regular expressions matched against the signing certificate's ``CN=``."""
    samples: tuple[Sample, ...] = ()
    c2_domains: tuple[str, ...] = ()
    """Domains the app sends collected data to (command-and-control)."""
    c2_ips: tuple[str, ...] = ()
    websites: tuple[str, ...] = ()
    """The vendor's sales and control-panel sites."""
    distribution: tuple[str, ...] = ()
    """Where the APK is downloaded from: domains, or URLs kept as written."""
    capabilities: tuple[str, ...] = ()
    """Keywords from ``CAPABILITY_WORDS``; empty where we do not know."""
    capability_summary: str = ""
    """One line in plain words, written by this project, only where known."""
    notes: str = ""
    sources: tuple[str, ...] = ()
    """Where the identifiers came from, e.g. ``echap:ioc.yaml@a04c5c19``."""
    also_listed_as: tuple[Kind, ...] = ()
    """Other kinds a source lists this family under besides ``kind`` (FindMyKids is
    stalkerware in one list and a parental app in another)."""
    stores: tuple[str, ...] = ()
    """Where it is sold, in ISDi's words: ``playstore``, ``offstore`` (outside app stores)."""

    def capability_words(self, say: Catalogue | None = None) -> tuple[str, ...]:
        """The capabilities as plain phrases, in the order listed (in ``say``'s language
        when given)."""
        if say is None:
            return tuple(CAPABILITY_WORDS[c] for c in self.capabilities if c in CAPABILITY_WORDS)
        return tuple(say.text(CAPABILITY_IDS[c]) for c in self.capabilities if c in CAPABILITY_IDS)


@dataclass(frozen=True, slots=True)
class Header:
    """Where a database came from, and on what terms."""

    source: str
    source_version: str = ""
    """The upstream version, e.g. a git commit."""
    date: str = ""
    """Date of the upstream snapshot, ``YYYY-MM-DD``."""
    licence: str = ""
    attribution: str = ""
    warning: str = ""
    """A caution a report must show, e.g. that the list is incomplete."""
    inputs: str = ""
    """The exact input files beyond the main source, with their SHA-256 (for rebuilding)."""
    schema_version: int = SCHEMA_VERSION


@dataclass(frozen=True, slots=True)
class Counts:
    """How many identifiers a database holds (unique values)."""

    families: int
    stalkerware: int
    dual_use: int
    packages: int
    certificates: int
    samples: int
    c2_domains: int
    c2_ips: int
    websites: int


@dataclass(frozen=True, slots=True)
class SignatureDB:
    """A whole database as loaded from one file."""

    header: Header
    families: tuple[Family, ...]
    sha256: str
    """SHA-256 of the exact file bytes the database was read from (or written as)."""

    @property
    def counts(self) -> Counts:
        """Unique identifier counts (computed on demand; the database is immutable)."""
        fams = self.families
        return Counts(
            families=len(fams),
            stalkerware=sum(1 for f in fams if f.kind is Kind.STALKERWARE),
            dual_use=sum(1 for f in fams if f.kind is Kind.DUAL_USE),
            packages=len({p for f in fams for p in f.packages}),
            certificates=len({c for f in fams for c in f.certificates}),
            samples=len({s.sha256 for f in fams for s in f.samples}),
            c2_domains=len({d for f in fams for d in f.c2_domains}),
            c2_ips=len({i for f in fams for i in f.c2_ips}),
            websites=len({w for f in fams for w in f.websites}),
        )

    def family(self, name: str) -> Family | None:
        """The family with this exact name, or None."""
        for fam in self.families:
            if fam.name == name:
                return fam
        return None
