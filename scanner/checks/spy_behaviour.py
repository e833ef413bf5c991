"""Unknown spy apps, found by what they can do rather than by name.

An explained score: each signal adds points and is listed as evidence, with the scale,
so a reader sees exactly why an app was named. Only apps that are neither system apps
nor known stalkerware (KNOWN-001 reports those) are scored.

What an app can do is weighed against what an app of its kind needs (``app_kinds``): a
keyboard's microphone, a watch companion's notification access, an automation app's
accessibility service count for nothing, but only when an app store really installed
it. So a spy app from a store still rises on its own access, and an ordinary app whose
purpose explains its access stays silent. Play allows SMS and call-log access only to
the default messages and phone apps, so those weigh more than the camera or location.

Calibration (``tools/fabricate/spy_calibration.py``, ``bench/spy_calibration.py``):
generated unknown spy apps and ordinary Samsung and Pixel phones, a development set and
a held-back set. Known false positives: an unusual store app holding four or more kinds
of personal data with no kind on record may reach ``review``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from types import MappingProxyType
from typing import Final

from scanner.checks import app_kinds as k
from scanner.checks.common import app_name, install_source
from scanner.checks.installer_claim import imitated_maker
from scanner.checks.label_kinds import named_kind
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

# ----------------------------------------------------------------- points and words
# Every user-visible sentence of this check is here, in one table, for translation.
WORDS: Final[Mapping[str, str]] = MappingProxyType(
    {
        k.HIDDEN: "no icon in the app drawer (hidden)",
        "sideloaded": "installed from outside an app store, by {how}",
        "sideloaded_by": "installed from outside an app store (installer: {installer})",
        "spoofed": "installed from outside an app store, by {how}, though its installer "
        "name claims {claim}, an app store",
        "imitation": "uses {maker}'s package names, but is not a system app and not from "
        "{maker}'s store",
        "systemish": "name '{label}' looks like part of the system",
        k.ACCESSIBILITY: "accessibility",
        k.NOTIFICATIONS: "notifications",
        k.DEVICE_ADMIN: "device admin",
        "all_three": "all three",
        k.LOCATION: "location",
        k.BACKGROUND_LOCATION: "background location",
        k.SMS: "texts",
        k.CALL_LOG: "call history",
        k.MICROPHONE: "microphone",
        k.CAMERA: "camera",
        k.CONTACTS: "contacts",
        "breadth": "{count} kinds",
        "off_purpose": "its name says it is {kind}, which has no use for {what}",
        k.USAGE: "usage access",
        k.OVERLAY: "drawing over apps",
        "access": "special access",
        "data": "can reach",
        "item": "{what} +{points}",
        "explained_item": "{what} +0 (expected of {kind}, from an app store)",
        "recent": "installed recently ({date})",
        "explained": "{what} (no points: expected of {kind}, from an app store)",
        "scale": "{score} points; review from {review}, serious from {high}",
        "title_high": "{name} behaves like a spy app",
        "title_review": "{name} has some signs of a spy app",
        "none_recorded": "none recorded",
    }
)

POINTS: Final[Mapping[str, int]] = MappingProxyType(
    {
        k.HIDDEN: 2,
        "sideloaded": 3,
        "sideloaded_by": 3,
        "spoofed": 4,
        "imitation": 3,
        "systemish": 1,
        k.ACCESSIBILITY: 3,
        k.NOTIFICATIONS: 3,
        k.DEVICE_ADMIN: 2,
        "all_three": 2,
        k.LOCATION: 1,
        k.BACKGROUND_LOCATION: 2,
        k.SMS: 3,
        k.CALL_LOG: 3,
        k.MICROPHONE: 1,
        k.CAMERA: 1,
        k.CONTACTS: 1,
        "breadth": 1,
        "off_purpose": 2,
        k.USAGE: 1,
        k.OVERLAY: 1,
        "recent": 1,
    }
)

BREADTH = 4
"""This many kinds of personal data, unexplained, earn the ``breadth`` point."""

# ------------------------------------------------------------------------ signals

PERSONAL_DATA: Final[Mapping[str, str]] = MappingProxyType(
    {
        "android.permission.ACCESS_FINE_LOCATION": k.LOCATION,
        "android.permission.ACCESS_COARSE_LOCATION": k.LOCATION,
        "android.permission.ACCESS_BACKGROUND_LOCATION": k.BACKGROUND_LOCATION,
        "android.permission.READ_SMS": k.SMS,
        "android.permission.RECEIVE_SMS": k.SMS,
        "android.permission.READ_CALL_LOG": k.CALL_LOG,
        "android.permission.PROCESS_OUTGOING_CALLS": k.CALL_LOG,
        "android.permission.RECORD_AUDIO": k.MICROPHONE,
        "android.permission.CAMERA": k.CAMERA,
        "android.permission.READ_CONTACTS": k.CONTACTS,
    }
)
_DATA_ORDER = (
    k.LOCATION,
    k.BACKGROUND_LOCATION,
    k.SMS,
    k.CALL_LOG,
    k.MICROPHONE,
    k.CAMERA,
    k.CONTACTS,
)
_OPS = {"GET_USAGE_STATS": k.USAGE, "SYSTEM_ALERT_WINDOW": k.OVERLAY}

# Words spy apps use to pass as part of Android. Matched on whole words of the label.
_SYSTEMISH_LABEL = re.compile(
    r"\b(system|service|services|update|updater|wi-?fi|sync|battery|security|"
    r"settings|device|android|google|framework|process|core|manager)\b",
    re.IGNORECASE,
)


_GROUPS: Final[Mapping[str, str]] = MappingProxyType(
    {
        **dict.fromkeys(
            (k.ACCESSIBILITY, k.NOTIFICATIONS, k.DEVICE_ADMIN, "all_three", k.USAGE, k.OVERLAY),
            "access",
        ),
        **dict.fromkeys((*_DATA_ORDER, "breadth"), "data"),
    }
)
"""Signals listed together on one evidence line, so a finding stays short."""


@dataclass(frozen=True, slots=True)
class Signal:
    points: int
    reason: str
    group: str = ""
    """``access`` or ``data`` for signals listed on a shared line, else empty."""


def score_package(pkg: Package, snapshot: DeviceSnapshot, ctx: CheckContext) -> list[Signal]:
    """Every behaviour signal for one app: those its kind explains at 0 points."""
    kind = k.purpose(pkg, snapshot)
    explained = kind.explains if kind else frozenset()
    signals: list[Signal] = []

    def add(key: str, **fill: object) -> None:
        text = WORDS[key].format(**fill)
        group = _GROUPS.get(key, "")
        if key in explained and kind is not None:
            words = WORDS["explained_item" if group else "explained"]
            signals.append(Signal(0, words.format(what=text, kind=kind.words), group))
        elif group:
            item = WORDS["item"].format(what=text, points=POINTS[key])
            signals.append(Signal(POINTS[key], item, group))
        else:
            signals.append(Signal(POINTS[key], text))

    if pkg.has_launcher is False:
        add(k.HIDDEN)
    source = install_source(pkg, snapshot)
    if source.mismatch:
        add("spoofed", claim=source.claim, how=source.how)
    elif not source.from_store:
        if source.how:
            add("sideloaded", how=source.how)
        else:
            add("sideloaded_by", installer=pkg.installer or WORDS["none_recorded"])
    maker = imitated_maker(pkg, snapshot)
    if maker is not None:
        add("imitation", package=pkg.package, maker=maker)
    if kind is None and pkg.label and _SYSTEMISH_LABEL.search(pkg.label):
        add("systemish", label=pkg.label)
    access = _special_access(pkg.package, snapshot)
    for key in (k.ACCESSIBILITY, k.NOTIFICATIONS, k.DEVICE_ADMIN):
        if key in access:
            add(key)
    if len(access - explained) == 3:
        add("all_three")
    granted = pkg.granted()
    data = {PERSONAL_DATA[p] for p in granted if p in PERSONAL_DATA}
    for key in _DATA_ORDER:
        if key in data:
            add(key)
    if len(data - explained) >= BREADTH:
        add("breadth", count=len(data - explained))
    # Only where the app's name is known (its own file, or the catalogue): a store app's
    # name is not read, so this adds to, and never replaces, the signals above.
    claimed = named_kind(pkg.label) if kind is None else None
    unneeded = [w for w in _DATA_ORDER if w in data and claimed and w not in claimed.needs]
    if claimed is not None and unneeded:
        add("off_purpose", kind=claimed.words, what=", ".join(WORDS[w] for w in unneeded))
    ops = {
        _OPS[op.op]
        for op in snapshot.appops
        if op.package == pkg.package and op.mode == "allow" and op.op in _OPS
    }
    for key in (k.USAGE, k.OVERLAY):
        if key in ops:
            add(key)
    installed = pkg.first_install
    if installed is not None and timedelta(0) <= ctx.now - installed <= RECENT:
        add("recent", date=f"{installed:%Y-%m-%d}")
    return signals


def evidence_lines(signals: list[Signal]) -> list[tuple[int, str]]:
    """One line per ungrouped signal; grouped ones share a line where the first stood."""
    lines: list[tuple[int, str]] = []
    done: set[str] = set()
    for signal in signals:
        if not signal.group:
            lines.append((signal.points, signal.reason))
        elif signal.group not in done:
            done.add(signal.group)
            members = [s for s in signals if s.group == signal.group]
            items = ", ".join(s.reason for s in members)
            lines.append((sum(s.points for s in members), f"{WORDS[signal.group]}: {items}"))
    return lines


def _special_access(package: str, snapshot: DeviceSnapshot) -> set[str]:
    access: set[str] = set()
    if any(s.package == package for s in snapshot.accessibility) or any(
        c.split("/", 1)[0] == package for c in snapshot.settings.enabled_accessibility_services
    ):
        access.add(k.ACCESSIBILITY)
    if any(a.package == package for a in snapshot.device_admins):
        access.add(k.DEVICE_ADMIN)
    if any(n.package == package for n in snapshot.notification_listeners):
        access.add(k.NOTIFICATIONS)
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
        name = app_name(snapshot, pkg.package)
        scale = WORDS["scale"].format(score=score, review=REVIEW_SCORE, high=HIGH_SCORE)
        yield me.finding(
            title=WORDS["title_high" if high else "title_review"].format(name=name),
            evidence=[
                *(Evidence("behaviour", f"+{n} {text}") for n, text in evidence_lines(signals)),
                Evidence("score", scale),
            ],
            package=pkg.package,
            severity=Severity.HIGH if high else Severity.REVIEW,
            confidence=Confidence.MEDIUM if high else Confidence.LOW,
        )
