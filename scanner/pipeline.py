"""One scan, start to finish: collect -> parse -> check. No printing, no files.

``cli.py`` drives it and renders the result; tests call it directly against the
simulated phone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from scanner.collect import Progress, collect
from scanner.device.connection import PhoneConnection
from scanner.model import (
    CollectionWarning,
    DeviceSnapshot,
    Finding,
    RawCapture,
)
from scanner.parse.snapshot import build_snapshot


@dataclass(frozen=True, slots=True)
class ScanProblem:
    """Something that stopped part of the scan, in plain words."""

    message: str
    source: str = ""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Everything a report needs about one scan."""

    started_at: datetime
    finished_at: datetime
    capture: RawCapture
    snapshot: DeviceSnapshot
    findings: tuple[Finding, ...] = ()
    signatures: dict[str, object] | None = None
    problems: tuple[ScanProblem, ...] = ()
    link: dict[str, int] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """True only when every command ran and returned output in full."""
        return not self.problems and all(r.ok and not r.truncated for r in self.capture.results)

    @property
    def warnings(self) -> tuple[CollectionWarning, ...]:
        return self.snapshot.warnings


Checker = Callable[[DeviceSnapshot], Sequence[Finding]]


def problems_from_capture(capture: RawCapture) -> list[ScanProblem]:
    """Every command that did not give full output becomes a problem the report names."""
    problems = [
        ScanProblem(message=r.error or "no output", source=r.command)
        for r in capture.results
        if not r.ok or r.truncated
    ]
    if capture.interrupted:
        problems.insert(0, ScanProblem(message=capture.interrupted, source="connection"))
    return problems


def analyse(
    capture: RawCapture,
    started_at: datetime,
    checker: Checker | None = None,
    signatures: dict[str, object] | None = None,
    link: dict[str, int] | None = None,
) -> ScanResult:
    """Parse a capture and run the checks; used for live scans and offline inputs alike."""
    snapshot = build_snapshot(capture)
    findings = tuple(checker(snapshot)) if checker is not None else ()
    return ScanResult(
        started_at=started_at,
        finished_at=datetime.now(UTC),
        capture=capture,
        snapshot=snapshot,
        findings=findings,
        signatures=signatures,
        problems=tuple(problems_from_capture(capture)),
        link=dict(link or {}),
    )


def scan_phone(
    connection: PhoneConnection,
    *,
    checker: Checker | None = None,
    signatures: dict[str, object] | None = None,
    progress: Progress | None = None,
) -> ScanResult:
    """Collect from a connected phone and analyse what came back."""
    started = datetime.now(UTC)
    capture = collect(connection, progress=progress)
    counters = connection.counters
    link = {
        "bytes_received": counters.bytes_received,
        "bytes_sent": counters.bytes_sent,
        "streams_opened": counters.streams_opened,
    }
    return analyse(capture, started, checker=checker, signatures=signatures, link=link)
