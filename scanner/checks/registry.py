"""Checks are small registered units: (snapshot, context) -> findings.

Metadata is declared with ``@check`` (not returned), so the list of checks, their ids,
severities and guidance keys is known without a phone. Ids are stable and never reused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from scanner.model import ApkFacts, Confidence, DeviceSnapshot, Evidence, Finding, Severity


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


CheckFn = Callable[[DeviceSnapshot, CheckContext], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Check:
    """A registered check's metadata."""

    id: str
    title: str
    severity: Severity
    """The most severe level this check can report."""
    guidance: str
    sources: tuple[str, ...]
    """Which snapshot parts or inputs it reads."""
    fn: CheckFn
    confidence: Confidence = Confidence.HIGH


_REGISTRY: dict[str, Check] = {}


def check(
    *,
    id: str,
    title: str,
    severity: Severity,
    guidance: str,
    sources: tuple[str, ...],
    confidence: Confidence = Confidence.HIGH,
) -> Callable[[CheckFn], CheckFn]:
    """Register a check function under a stable id (refuses duplicates)."""

    def register(fn: CheckFn) -> CheckFn:
        if id in _REGISTRY:
            raise ValueError(f"duplicate check id {id}")
        _REGISTRY[id] = Check(id, title, severity, guidance, sources, fn, confidence)
        return fn

    return register


def all_checks() -> tuple[Check, ...]:
    """Every registered check, in id order."""
    import scanner.checks  # noqa: F401 - importing registers every check module

    return tuple(_REGISTRY[k] for k in sorted(_REGISTRY))


def finding(
    meta_id: str,
    *,
    title: str,
    evidence: Iterable[Evidence],
    package: str | None = None,
    severity: Severity | None = None,
    guidance: str | None = None,
    confidence: Confidence | None = None,
    subject: str | None = None,
    family: str | None = None,
    capabilities: tuple[str, ...] = (),
) -> Finding:
    """Build a Finding for a registered check, defaulting to its declared metadata."""
    meta = _REGISTRY[meta_id]
    key = subject or package or "device"
    return Finding(
        id=f"{meta_id}:{key}",
        check=meta_id,
        severity=severity or meta.severity,
        title=title,
        evidence=tuple(evidence),
        guidance=guidance or meta.guidance,
        package=package,
        confidence=confidence or meta.confidence,
        family=family,
        capabilities=capabilities,
    )


def run_checks(snapshot: DeviceSnapshot, context: CheckContext) -> list[Finding]:
    """Run every check; most severe first, then by id. A failing check never hides others."""
    findings: list[Finding] = []
    for meta in all_checks():
        findings.extend(_safe(meta, snapshot, context))
    findings.sort(key=lambda f: (f.severity.rank, f.check, f.id))
    return findings


def _safe(meta: Check, snapshot: DeviceSnapshot, context: CheckContext) -> Iterator[Finding]:
    try:
        yield from meta.fn(snapshot, context)
    except Exception as exc:  # a bug in one check must not lose the others' findings
        yield Finding(
            id=f"{meta.id}:error",
            check=meta.id,
            severity=Severity.INFO,
            title=f"One check could not run ({meta.title})",
            evidence=(Evidence("scanner", f"{type(exc).__name__}: {exc}"),),
            guidance="collection_incomplete",
            confidence=Confidence.LOW,
        )
