"""Checks are small registered units: (snapshot, context) -> findings.

Metadata is declared with ``@check`` (not returned), so the list of checks, their ids,
severities and every guidance key they can name is known without a phone. The decorator
hands the body its own ``Check``, whose ``finding`` fills in the id, so a body never
repeats it. Ids are stable and never reused. This module must not import
``scanner.guidance``: that module derives its list of keys from here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from scanner.model import (
    ApkFacts,
    Confidence,
    DeviceSnapshot,
    Evidence,
    Finding,
    Severity,
    Words,
)


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What checks may consult besides the snapshot."""

    now: datetime
    """The scan time, naive, in the phone's clock terms where known (for install ages)."""
    signatures: object | None = None
    """A ``scanner.sigdb.index.SignatureIndex`` (typed loosely to keep this module light)."""
    apks: Mapping[str, ApkFacts] = field(default_factory=dict)
    """Pulled APKs by package name."""
    own_adb_key: str | None = None
    """This computer's ADB public key (``adbkey.pub`` form: base64, space, name), so the
    phone's trusted computers can be told apart from it; None when unknown (offline)."""
    memo: dict[str, object] = field(default_factory=dict, compare=False, repr=False)
    """Work a check shares with later callers using this context (each entry says which
    snapshot it was made from), so it is not done twice."""


CheckBody = Callable[[DeviceSnapshot, CheckContext, "Check"], Iterable[Finding]]
"""A check's code: it is handed its own ``Check``, so it never repeats its id."""

CHECK_FAILED_GUIDANCE = "collection_incomplete"
"""Guidance the runner names when a check fails: that part of the phone was not checked."""
RUNNER_GUIDANCE_KEYS: tuple[str, ...] = (CHECK_FAILED_GUIDANCE,)
"""Guidance the runner itself names, beside the checks' own keys."""


@dataclass(frozen=True, slots=True)
class Check:
    """A registered check: its metadata, and its code called with ``check(snapshot, ctx)``."""

    id: str
    title: str
    severity: Severity
    """The most severe level this check can report."""
    guidance: str
    """The guidance key its findings name unless they say otherwise."""
    sources: tuple[str, ...]
    """Which snapshot parts or inputs it reads."""
    fn: CheckBody
    confidence: Confidence = Confidence.HIGH
    other_guidance: tuple[str, ...] = ()
    """Further guidance keys some of its findings name instead of ``guidance``."""
    name: str = ""
    """The message id of its name in the reader's language (``title`` stays the English,
    for JSON and logs)."""

    def said_name(self) -> Words:
        """Its name as a message, rendered in each reader's language."""
        from scanner.phrases import words

        return words(self.name)

    @property
    def guidance_keys(self) -> tuple[str, ...]:
        """Every guidance key a finding of this check can name."""
        return (self.guidance, *self.other_guidance)

    def __call__(self, snapshot: DeviceSnapshot, context: CheckContext) -> Iterator[Finding]:
        yield from self.fn(snapshot, context, self)

    def finding(
        self,
        *,
        title: str | Words,
        evidence: Iterable[Evidence],
        package: str | None = None,
        severity: Severity | None = None,
        guidance: str | None = None,
        confidence: Confidence | None = None,
        subject: str | None = None,
        family: str | None = None,
        capabilities: tuple[str, ...] = (),
        kinds: tuple[str, ...] = (),
    ) -> Finding:
        """A finding of this check, defaulting to its declared metadata.

        Guidance must be one the check declared, so the list of keys stays complete.
        """
        if guidance is not None and guidance not in self.guidance_keys:
            raise ValueError(f"{self.id} names guidance {guidance!r} it did not declare")
        key = subject or package or "device"
        title_words = title if isinstance(title, Words) else None
        if isinstance(title, Words):
            from scanner.phrases import render  # the catalogue loads only when checks run

            title = render(title)
        return Finding(
            id=f"{self.id}:{key}",
            check=self.id,
            severity=severity or self.severity,
            title=title,
            evidence=tuple(evidence),
            guidance=guidance or self.guidance,
            package=package,
            confidence=confidence or self.confidence,
            family=family,
            capabilities=capabilities,
            kinds=kinds,
            title_words=title_words,
        )


_REGISTRY: dict[str, Check] = {}


def check(
    *,
    id: str,
    title: str,
    name: str,
    severity: Severity,
    guidance: str,
    sources: tuple[str, ...],
    confidence: Confidence = Confidence.HIGH,
    other_guidance: tuple[str, ...] = (),
) -> Callable[[CheckBody], Check]:
    """Register a check's code under a stable id (refuses duplicates); the name it is
    defined under becomes the ``Check``."""

    def register(fn: CheckBody) -> Check:
        if id in _REGISTRY:
            raise ValueError(f"duplicate check id {id}")
        meta = Check(id, title, severity, guidance, sources, fn, confidence, other_guidance, name)
        _REGISTRY[id] = meta
        return meta

    return register


def all_checks() -> tuple[Check, ...]:
    """Every registered check, in id order."""
    import scanner.checks  # noqa: F401 - importing registers every check module

    return tuple(_REGISTRY[k] for k in sorted(_REGISTRY))


def guidance_keys() -> tuple[str, ...]:
    """Every guidance key a finding can name: the checks' own, then the runner's."""
    keys = [key for meta in all_checks() for key in meta.guidance_keys]
    return tuple(dict.fromkeys([*keys, *RUNNER_GUIDANCE_KEYS]))


def run_checks(snapshot: DeviceSnapshot, context: CheckContext) -> list[Finding]:
    """Run every check; most severe first, then by id. A failing check never hides others."""
    findings: list[Finding] = []
    for meta in all_checks():
        findings.extend(_safe(meta, snapshot, context))
    findings.sort(key=lambda f: (f.severity.rank, f.check, f.id))
    return findings


def _safe(meta: Check, snapshot: DeviceSnapshot, context: CheckContext) -> Iterator[Finding]:
    try:
        yield from meta(snapshot, context)
    except Exception as exc:  # a bug in one check must not lose the others' findings
        from scanner.phrases import render, setting, words

        title = words("checks.check_failed", check=meta.said_name())
        yield Finding(
            id=f"{meta.id}:error",
            check=meta.id,
            severity=Severity.INFO,
            title=render(title),
            evidence=(setting("scanner", f"{type(exc).__name__}: {exc}"),),
            guidance=CHECK_FAILED_GUIDANCE,
            confidence=Confidence.LOW,
            title_words=title,
        )
