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
a held-back set. A store app's name is read from its APK when the score comes near the
review line (``scanner.store_labels``): broad personal data under a plain name from a real
store earns no breadth point; under a simple app's name it earns the name's signal.
Known false positive left: a store app whose name could not be read, holding four or more
kinds of personal data with no kind on record, may reach ``review``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType
from typing import Final

from scanner.checks import app_kinds as k
from scanner.checks.common import app_name, how_words, install_source
from scanner.checks.installer_claim import imitated_maker
from scanner.checks.label_kinds import NamedKind, named_kind
from scanner.checks.registry import Check, CheckContext, check
from scanner.commands import (
    DUMPSYS_ACCESSIBILITY,
    DUMPSYS_APPOPS,
    DUMPSYS_DEVICE_POLICY,
    DUMPSYS_PACKAGE,
    LAUNCHER_ACTIVITIES,
    SETTINGS_GLOBAL,
    SETTINGS_SECURE,
)
from scanner.model import Confidence, DeviceSnapshot, Finding, Package, Severity, Words
from scanner.phrases import render, said, words

HIGH_SCORE = 8
REVIEW_SCORE = 5
RECENT = timedelta(days=30)

# ----------------------------------------------------------------- points and words
# Every user-visible sentence of this check is here, in one table, for translation.
_MESSAGE: Final[Mapping[str, str]] = MappingProxyType(
    {
        k.HIDDEN: "checks.spy_hidden",
        k.ACCESSIBILITY: "checks.spy_accessibility",
        k.NOTIFICATIONS: "checks.spy_notifications",
        k.DEVICE_ADMIN: "checks.spy_device_admin",
        k.LOCATION: "checks.spy_location",
        k.BACKGROUND_LOCATION: "checks.spy_background_location",
        k.SMS: "checks.spy_sms",
        k.CALL_LOG: "checks.spy_call_log",
        k.MICROPHONE: "checks.spy_microphone",
        k.CAMERA: "checks.spy_camera",
        k.CONTACTS: "checks.spy_contacts",
        k.USAGE: "checks.spy_usage",
        k.OVERLAY: "checks.spy_overlay",
    }
)
"""Each signal's words in ``guidance/en/messages/checks.yaml``; the others are
``checks.spy_<key>``."""


_NAMED_KINDS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "a calculator": "checks.named_calculator",
        "a torch": "checks.named_torch",
        "a cleaner or battery saver": "checks.named_cleaner",
        "a clock or alarm": "checks.named_clock",
        "a compass or level": "checks.named_compass",
        "a wallpaper app": "checks.named_wallpaper",
        "a QR code reader": "checks.named_qr_reader",
    }
)
"""The simple kinds an app's name claims (``label_kinds``), by their English words."""


def _message(key: str) -> str:
    return _MESSAGE.get(key) or f"checks.spy_{key}"


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
        k.USAGE: 1,
        k.OVERLAY: 1,
        "recent": 1,
        "off_purpose": 2,
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
    said: Words
    group: str = ""
    """``access`` or ``data`` for signals listed on a shared line, else empty."""

    @property
    def reason(self) -> str:
        """The signal in English."""
        return render(self.said)


_MEMO: Final = "spy_behaviour.signals"


def package_signals(
    pkg: Package, snapshot: DeviceSnapshot, ctx: CheckContext
) -> tuple[Signal, ...]:
    """``score_package``, made once per app while what it reads is the same: the
    store-label pass asks for the scores this check has just made, and the final run
    (handed the same memo) finds made the scores of the apps whose names were read early
    (``store_labels.LabelsAhead``) and scores again only the others that pass named."""
    held = ctx.memo.get(_MEMO)
    if not isinstance(held, _Scored) or held.snapshot is not snapshot:
        basis = _basis(snapshot, ctx)
        kept = held.by_package if isinstance(held, _Scored) and held.basis == basis else {}
        held = ctx.memo[_MEMO] = _Scored(snapshot, basis, kept)
    found = held.by_package.get(pkg.package, ())
    for scored, signals in found:
        if scored is pkg or scored == pkg:
            return signals
    signals = tuple(score_package(pkg, snapshot, ctx))
    # The app as it is now first, and as it was (before its name was read) second.
    held.by_package[pkg.package] = ((pkg, signals), *found[:1])
    return signals


def score_ahead(snapshot: DeviceSnapshot, ctx: CheckContext) -> None:
    """Score every app this check will score, keeping the scores in ``ctx.memo``: done on
    a worker while the link is busy, so a later run of the checks with the same memo (and
    the same app, and all it reads) finds them made. Checks still run in full after."""
    for pkg in snapshot.packages:
        if _scored(pkg, ctx):
            package_signals(pkg, snapshot, ctx)
            time.sleep(0)  # the thread reading the phone acknowledges it at once (GIL)


SCORES_READ: Final = (
    DUMPSYS_PACKAGE,
    LAUNCHER_ACTIVITIES,
    DUMPSYS_ACCESSIBILITY,
    DUMPSYS_DEVICE_POLICY,
    DUMPSYS_APPOPS,
    SETTINGS_GLOBAL,
    SETTINGS_SECURE,
)
"""The commands whose outputs the apps and ``_basis`` are made of: a snapshot built from
these alone scores every app as the whole snapshot does, so a live scan scores while the
rest of its batch is on the link (``pipeline``)."""


def _basis(snapshot: DeviceSnapshot, ctx: CheckContext) -> tuple[object, ...]:
    """All that ``score_package`` reads besides the app itself. A snapshot with these equal
    (in practice the same objects: the store-label pass changes only apps' names) scores an
    unchanged app the same. A new read of the snapshot there must be added here."""
    return (
        ctx.now,
        snapshot.settings,
        snapshot.accessibility,
        snapshot.device_admins,
        snapshot.notification_listeners,
        snapshot.appops,
        frozenset(p.package for p in snapshot.packages if p.system),  # see install_source
    )


@dataclass(slots=True)
class _Scored:
    snapshot: DeviceSnapshot
    basis: tuple[object, ...]
    by_package: dict[str, tuple[tuple[Package, tuple[Signal, ...]], ...]] = field(
        default_factory=dict
    )
    """Each app's scores, for at most two versions of it (unnamed, and named)."""


def score_package(pkg: Package, snapshot: DeviceSnapshot, ctx: CheckContext) -> list[Signal]:
    """Every behaviour signal for one app: those its kind explains at 0 points. (It reads
    of the snapshot and context only what ``_basis`` names.)"""
    kind = k.purpose(pkg, snapshot)
    explained = kind.explains if kind else frozenset()
    signals: list[Signal] = []

    def add(key: str, **fill: str | int | Words | list[Words]) -> None:
        text = words(_message(key), **fill)
        group = _GROUPS.get(key, "")
        if key in explained and kind is not None:
            why = words(
                "checks.spy_explained_item" if group else "checks.spy_explained",
                what=text,
                kind=words(f"checks.kind_{kind.key}"),
            )
            signals.append(Signal(0, why, group))
        elif group:
            item = words("checks.spy_item", what=text, points=POINTS[key])
            signals.append(Signal(POINTS[key], item, group))
        else:
            signals.append(Signal(POINTS[key], text))

    if pkg.has_launcher is False:
        add(k.HIDDEN)
    source = install_source(pkg, snapshot)
    if source.mismatch:
        add("spoofed", claim=source.claim or "", how=how_words(source))
    elif not source.from_store:
        if source.how:
            add("sideloaded", how=how_words(source))
        elif pkg.installer:
            add("sideloaded_by", installer=pkg.installer)
        else:
            add("sideloaded_by", installer=words("checks.spy_none_recorded"))
    maker = imitated_maker(pkg, snapshot)
    if maker is not None:
        add("imitation", maker=maker)
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
    claimed = named_kind(pkg.label) if kind is None else None
    if len(data - explained) >= BREADTH and not _plain_store_name(pkg, source.from_store, claimed):
        add("breadth", count=len(data - explained))
    # Only where the app's name is known (its own file, or the catalogue): the name adds to,
    # and never replaces, the signals above.
    unneeded = [w for w in _DATA_ORDER if w in data and claimed and w not in claimed.needs]
    if claimed is not None and unneeded:
        named = _NAMED_KINDS.get(claimed.words)
        add(
            "off_purpose",
            kind=words(named) if named else claimed.words,
            what=[words(_message(w)) for w in unneeded],
        )
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


def _plain_store_name(pkg: Package, store: bool, claimed: NamedKind | None) -> bool:
    """A store install whose own file names it, with a name that claims neither a simple
    kind nor a part of the system. Broad personal data is what many such apps hold (social,
    dating, family apps): breadth alone then earns nothing. Where the name is not known, or
    claims to be simple or part of the system, breadth still counts (and a simple name
    asking for the data adds its own signal)."""
    return (
        store
        and pkg.label_source == "apk"
        and claimed is None
        and not _SYSTEMISH_LABEL.search(pkg.label or "")
    )


def evidence_lines(signals: Sequence[Signal]) -> list[tuple[int, Words]]:
    """One line per ungrouped signal; grouped ones share a line where the first stood."""
    lines: list[tuple[int, Words]] = []
    done: set[str] = set()
    for signal in signals:
        if not signal.group:
            lines.append((signal.points, signal.said))
        elif signal.group not in done:
            done.add(signal.group)
            members = [s for s in signals if s.group == signal.group]
            group = words(f"checks.spy_group_{signal.group}", items=[s.said for s in members])
            lines.append((sum(s.points for s in members), group))
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


def _scored(pkg: Package, ctx: CheckContext) -> bool:
    """Whether the check scores this app (not a system app, one cut short, one not
    installed for this user, or one the database knows: the known checks name it)."""
    return not (pkg.system or pkg.partial or not pkg.installed or _known(pkg.package, ctx))


def _known(pkg: str, ctx: CheckContext) -> bool:
    index = ctx.signatures
    return index is not None and bool(index.by_package(pkg))  # type: ignore[attr-defined]


@check(
    id="SPY-001",
    title="Behaves like a spy app",
    name="check_names.spy_behaviour",
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
        if not _scored(pkg, ctx):
            continue
        signals = package_signals(pkg, snapshot, ctx)
        score = sum(s.points for s in signals)
        if score < REVIEW_SCORE:
            continue
        high = score >= HIGH_SCORE
        name = app_name(snapshot, pkg.package)
        yield me.finding(
            title=words("checks.spy_title_high" if high else "checks.spy_title_review", app=name),
            evidence=[
                *(
                    said("behaviour", "checks.spy_line", points=n, reason=reason)
                    for n, reason in evidence_lines(signals)
                ),
                said(
                    "score", "checks.spy_scale", score=score, review=REVIEW_SCORE, high=HIGH_SCORE
                ),
            ],
            package=pkg.package,
            severity=Severity.HIGH if high else Severity.REVIEW,
            confidence=Confidence.MEDIUM if high else Confidence.LOW,
        )
