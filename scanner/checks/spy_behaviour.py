"""Unknown spy apps, found by what they do rather than by name.

An explained score: each signal that fires adds points and is listed as evidence, so a
reader sees exactly why an app was flagged. Only apps that are neither system apps nor
known (a known package is reported by KNOWN-001 instead) are scored.

Calibration: on the real clean captures (system and store apps) nothing reaches
``high``. A store app needs many strong signals together (hidden, imitating the system,
accessibility + admin + notification access) to reach ``review``. Known false
positives: enterprise management agents and some parental-control apps installed by
the phone's own user.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from scanner.checks.common import install_source
from scanner.checks.registry import Check, CheckContext, check
from scanner.commands import (
    DUMPSYS_ACCESSIBILITY,
    DUMPSYS_APPOPS,
    DUMPSYS_DEVICE_POLICY,
    DUMPSYS_PACKAGE,
    SETTINGS_SECURE,
)
from scanner.model import Confidence, DeviceSnapshot, Evidence, Finding, Package, Severity

HIGH_SCORE = 8
REVIEW_SCORE = 5
RECENT = timedelta(days=30)

SENSITIVE = {
    "android.permission.ACCESS_FINE_LOCATION": "location",
    "android.permission.ACCESS_COARSE_LOCATION": "location",
    "android.permission.ACCESS_BACKGROUND_LOCATION": "location in the background",
    "android.permission.READ_SMS": "text messages",
    "android.permission.RECEIVE_SMS": "text messages",
    "android.permission.READ_CALL_LOG": "call history",
    "android.permission.PROCESS_OUTGOING_CALLS": "calls",
    "android.permission.RECORD_AUDIO": "microphone",
    "android.permission.CAMERA": "camera",
    "android.permission.READ_CONTACTS": "contacts",
}

# Words spy apps use to pass as part of Android. Matched on whole words of the label.
_SYSTEMISH_LABEL = re.compile(
    r"\b(system|service|services|update|updater|wi-?fi|sync|battery|security|"
    r"settings|device|android|google|framework|process|core|manager)\b",
    re.IGNORECASE,
)
_SYSTEMISH_PACKAGE = re.compile(r"^(android\.|com\.android\.|com\.google\.android\.)")


@dataclass(frozen=True, slots=True)
class Signal:
    points: int
    reason: str


def score_package(pkg: Package, snapshot: DeviceSnapshot, ctx: CheckContext) -> list[Signal]:
    """Every behaviour signal that fires for one app."""
    signals: list[Signal] = []
    if pkg.has_launcher is False:
        signals.append(Signal(2, "no icon in the app drawer (hidden)"))
    source = install_source(pkg, snapshot)
    if not source.from_store:
        installer = pkg.installer or "none recorded"
        how = f", by {source.how}" if source.how else ""
        signals.append(
            Signal(2, f"installed from outside an app store (installer: {installer}{how})")
        )
    if pkg.label and _SYSTEMISH_LABEL.search(pkg.label):
        signals.append(Signal(2, f"name '{pkg.label}' looks like part of the system"))
    if _SYSTEMISH_PACKAGE.match(pkg.package):
        signals.append(Signal(2, f"package name {pkg.package} imitates a system package"))
    access = _special_access(pkg.package, snapshot)
    if len(access) == 3:
        signals.append(Signal(4, "accessibility + device admin + notification access together"))
    elif access:
        signals.append(Signal(len(access), "has " + " and ".join(sorted(access))))
    granted = pkg.granted()
    kinds = sorted({label for perm, label in SENSITIVE.items() if perm in granted})
    if len(kinds) >= 3:
        signals.append(Signal(2, "can use " + ", ".join(kinds)))
    elif kinds:
        signals.append(Signal(1, "can use " + ", ".join(kinds)))
    ops = {
        op.op
        for op in snapshot.appops
        if op.package == pkg.package
        and op.mode == "allow"
        and op.op in ("GET_USAGE_STATS", "SYSTEM_ALERT_WINDOW")
    }
    if ops:
        signals.append(Signal(1, "special access: " + ", ".join(sorted(ops))))
    installed = pkg.first_install
    if installed is not None and timedelta(0) <= ctx.now - installed <= RECENT:
        signals.append(Signal(1, f"installed recently ({installed:%Y-%m-%d})"))
    return signals


def _special_access(package: str, snapshot: DeviceSnapshot) -> set[str]:
    access: set[str] = set()
    if any(s.package == package for s in snapshot.accessibility) or any(
        c.split("/", 1)[0] == package for c in snapshot.settings.enabled_accessibility_services
    ):
        access.add("accessibility")
    if any(a.package == package for a in snapshot.device_admins):
        access.add("device admin")
    if any(n.package == package for n in snapshot.notification_listeners):
        access.add("notification access")
    return access


def _known(pkg: str, ctx: CheckContext) -> bool:
    index = ctx.signatures
    return index is not None and bool(index.by_package(pkg))  # type: ignore[attr-defined]


@check(
    id="SPY-001",
    title="Behaves like a spy app",
    severity=Severity.HIGH,
    guidance="spy_behaviour",
    sources=(
        DUMPSYS_PACKAGE,
        "launcher",
        DUMPSYS_ACCESSIBILITY,
        DUMPSYS_DEVICE_POLICY,
        SETTINGS_SECURE,
        DUMPSYS_APPOPS,
    ),
    confidence=Confidence.MEDIUM,
)
def spy_behaviour(snapshot: DeviceSnapshot, ctx: CheckContext, me: Check) -> Iterator[Finding]:
    """Scores every non-system, not-already-known app; see the module docstring.

    An app whose entry was cut short (``partial``) is skipped: most of what it would be
    scored on was never read, and a score from the rest would be a guess.
    """
    for pkg in snapshot.packages:
        if pkg.system or pkg.partial or not pkg.installed or _known(pkg.package, ctx):
            continue
        signals = score_package(pkg, snapshot, ctx)
        score = sum(s.points for s in signals)
        if score < REVIEW_SCORE:
            continue
        high = score >= HIGH_SCORE
        name = f"{pkg.label} ({pkg.package})" if pkg.label else pkg.package
        yield me.finding(
            title=f"{name} behaves like a spy app"
            if high
            else f"{name} has some signs of a spy app",
            evidence=[Evidence("behaviour", f"+{s.points} {s.reason}") for s in signals],
            package=pkg.package,
            severity=Severity.HIGH if high else Severity.REVIEW,
            confidence=Confidence.MEDIUM if high else Confidence.LOW,
        )
