"""Read any offline input and check it the way a live scan checks a phone.

The one step an offline input adds to ``pipeline.analyse``: an input that records the
apps' files (androidqf's ``packages.json``) feeds them to the certificate and hash checks,
and every app a live scan would have checked (installed outside an app store, not a system
app) but whose signing certificate the input does not hold is named as not checked.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Final, Literal

from scanner.apks import pull_candidates
from scanner.model import APK_FILES, ScanProblem, ScanResult
from scanner.offline.androidqf import read_androidqf
from scanner.offline.bugreport import load_bugreport
from scanner.offline.capture import load_capture
from scanner.offline.common import OfflineInput
from scanner.parse.snapshot import build_snapshot
from scanner.phrases import problem, words
from scanner.pipeline import analyse
from scanner.sigdb.model import SignatureDB

InputKind = Literal["bugreport", "androidqf", "capture"]

CERTIFICATE_SOURCE: Final = "signing certificate"
"""``ScanProblem.source`` prefix for an app whose certificate was not checked."""


def read_input(kind: InputKind, path: str | Path) -> OfflineInput:
    """Read one offline input; raises the InputMissing / InputRefused errors its reader does."""
    if kind == "androidqf":
        return read_androidqf(path)
    if kind == "bugreport":
        return OfflineInput(load_bugreport(path))
    return OfflineInput(load_capture(path))


def analyse_input(
    source: OfflineInput,
    started_at: datetime,
    *,
    signatures: SignatureDB | None = None,
    extra_problems: tuple[ScanProblem, ...] = (),
) -> ScanResult:
    """Every check against an offline input, with its app file records where it has them."""
    capture = source.capture
    snapshot = build_snapshot(capture)
    problems = list(extra_problems)
    if not capture.not_held(APK_FILES):
        for package, _path in pull_candidates(snapshot):
            facts = source.apks.get(package)
            if facts is not None and (facts.cert_sha1 or facts.cert_sha256):
                continue
            reason = (
                source.unchecked.get(package)
                or source.unlisted_reason
                or words("problems.known_certificate_not_checked")
            )
            problems.append(problem(reason, f"{CERTIFICATE_SOURCE} {package}"))
    return analyse(
        capture,
        started_at,
        signatures=signatures,
        apks=source.apks,
        snapshot=snapshot,
        extra_problems=tuple(problems),
    )
