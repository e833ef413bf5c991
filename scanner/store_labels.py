"""Name store apps as a person sees them, for the apps a report is about.

``dumpsys package`` prints no labels, and a store app's APK is read only for its
certificate. So after a first run of the checks, the store apps the report names (any
finding about them) and those the behaviour score puts near its review line (where the
name's own signal could decide) get their label read from their APK on the phone: the
manifest and resource table, located by the central directory already read for the
certificate, in one or two more rounds of commands (``apk_remote.fetch.read_labels``).
Then the checks run again with the names. An app whose name could not be read is named
by its package id, and the scan says why.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from scanner.apk.manifest import read_app_identity, read_manifest
from scanner.apk.partial import KnownBytes
from scanner.apk_remote.fetch import Outcome, ReadStats, Run, Target, label_held, read_labels
from scanner.checks.registry import CheckContext, run_checks
from scanner.checks.spy_behaviour import POINTS, REVIEW_SCORE, package_signals
from scanner.device.apk_commands import MAX_COMMAND_CHARS
from scanner.labels import with_catalogue_labels
from scanner.model import (
    ApkFacts,
    DeviceSnapshot,
    Finding,
    Package,
    ScanProblem,
    Severity,
    Words,
)
from scanner.parse.text import clean_phone_text
from scanner.phrases import problem, words

logger = logging.getLogger(__name__)

NEAR_REVIEW = REVIEW_SCORE - POINTS["off_purpose"]
"""A score from which the name's signal (a simple app asking for data it has no use for)
would reach the review line: such an app's name is read even when nothing names it yet."""

Directories = Mapping[str, tuple[Target, KnownBytes]]

LabelRead = tuple[str, Words | None]
"""An app's label, or "" and why it was not read (``_label``)."""


@dataclass(slots=True)
class LabelsAhead:
    """Store apps' names read early, on the scan's worker while the link is busy.

    Once the behaviour scores are made (``choose``), the apps scoring near the review line
    are known: the label pass reads their names whatever the checks find. Each one whose
    name is whole in the bytes its certificate read kept (``label_held``: no read, no share
    of the budget) is read as those bytes come in (``offer``), and the app is scored again
    with it, as the final run of the checks will ask (the same memo). The pass then reads
    only the rest, and uses what is here for the apps it wants (and nothing else).
    """

    wanted: frozenset[str] = frozenset()
    read: dict[str, LabelRead] = field(default_factory=dict)
    labelled: DeviceSnapshot | None = None
    context: CheckContext | None = None

    def choose(self, labelled: DeviceSnapshot, context: CheckContext) -> None:
        """The apps ``apps_to_name`` wants by score (``labelled``: catalogue names on)."""
        self.labelled, self.context = labelled, context
        self.wanted = frozenset(
            pkg.package
            for pkg in labelled.packages
            if _unnamed(pkg) and _score(pkg, labelled, context) >= NEAR_REVIEW
        )

    def offer(self, target: Target, kept: KnownBytes) -> bool:
        """Read a chosen app's name now if no more bytes are needed; True when read (its
        bytes need not be kept). On the worker: a failure leaves it to the pass."""
        if target.package not in self.wanted:
            return False
        try:
            outcome = label_held(target, kept)
            if outcome is None:
                return False
            label, why = self.read[target.package] = _label(outcome)
        except Exception:
            logger.debug("reading %s's name early failed", target.package, exc_info=True)
            self.read.pop(target.package, None)
            return False
        if why is None:
            self._score_named(target.package, label)
        return True

    def _score_named(self, package: str, label: str) -> None:
        """The app scored as the pass will name it (``name_store_apps``: only its name
        differs). Work done early only: on a failure the final run scores it in turn."""
        labelled, context = self.labelled, self.context
        pkg = labelled.package(package) if labelled is not None else None
        if pkg is None or labelled is None or context is None:
            return
        try:
            package_signals(replace(pkg, label=label, label_source="apk"), labelled, context)
        except Exception:
            logger.debug("scoring %s with its name early failed", package, exc_info=True)


@dataclass(frozen=True, slots=True)
class StoreLabels:
    """The snapshot and APK facts with the labels read, and what could not be read."""

    snapshot: DeviceSnapshot
    apks: dict[str, ApkFacts]
    problems: tuple[ScanProblem, ...] = ()
    stats: ReadStats = field(default_factory=ReadStats)
    asked: tuple[str, ...] = ()
    """The packages whose label was looked for, the most important first."""


def apps_to_name(
    snapshot: DeviceSnapshot, findings: Iterable[Finding], context: CheckContext
) -> tuple[str, ...]:
    """Apps with no label yet that a finding names, or that score near the review line:
    the most severe finding first, then the highest score (the scan's byte budget goes to
    the apps that matter most)."""
    rank: dict[str, int] = {}
    for finding in findings:
        if finding.package:
            rank[finding.package] = min(rank.get(finding.package, 99), finding.severity.rank)
    wanted: list[tuple[int, int, str]] = []
    for pkg in snapshot.packages:
        if not _unnamed(pkg):
            continue
        score = _score(pkg, snapshot, context)
        if pkg.package in rank or score >= NEAR_REVIEW:
            wanted.append((rank.get(pkg.package, len(Severity)), -score, pkg.package))
    return tuple(package for _, _, package in sorted(wanted))


def _unnamed(pkg: Package) -> bool:
    """An installed, whole, non-system app with no name yet: one a name is read for."""
    return not (pkg.label or pkg.system or pkg.partial or not pkg.installed)


def _score(pkg: Package, snapshot: DeviceSnapshot, context: CheckContext) -> int:
    return sum(s.points for s in package_signals(pkg, snapshot, context))


def name_store_apps(
    run: Run,
    snapshot: DeviceSnapshot,
    apks: Mapping[str, ApkFacts],
    directories: Directories,
    context: CheckContext,
    max_chars: int = MAX_COMMAND_CHARS,
    early: Mapping[str, LabelRead] | None = None,
) -> StoreLabels:
    """Read the labels of the store apps that matter (see the module docstring).
    ``early``: names already read (``LabelsAhead``); those apps need no read."""
    early = early or {}
    # Apps the catalogue names keep that name: only an app with none is read for one.
    labelled = with_catalogue_labels(snapshot)
    findings = run_checks(labelled, context)
    wanted = [
        p for p in apps_to_name(labelled, findings, context) if p in directories or p in early
    ]
    if not wanted:
        return StoreLabels(snapshot, dict(apks))
    to_read = [directories[p] for p in wanted if p not in early]
    outcomes, stats = read_labels(run, to_read, max_chars)
    found = {o.target.package: o for o in outcomes}
    labels: dict[str, str] = {}
    refused: list[Words] = []
    for package in wanted:
        label, why = early[package] if package in early else _label(found[package])
        if why is None:
            labels[package] = label
        else:
            refused.append(words("labels.app_not_named", app=package, why=why))
    facts = dict(apks)
    for package, label in labels.items():
        if package in facts:
            facts[package] = replace(facts[package], label=label, manifest_package=package)
    packages = tuple(
        replace(pkg, label=labels[pkg.package], label_source="apk")
        if pkg.package in labels
        else pkg
        for pkg in snapshot.packages
    )
    problems: tuple[ScanProblem, ...] = ()
    if refused:
        said = words("problems.names_not_read", count=len(refused), apps=refused)
        problems = (problem(said, "app names"),)
    return StoreLabels(replace(snapshot, packages=packages), facts, problems, stats, tuple(wanted))


def _label(outcome: Outcome) -> LabelRead:
    """The label in one outcome's parts, or "" and why not."""
    if outcome.error or outcome.known is None:
        return "", outcome.error_words or words("labels.not_read")
    try:
        view = outcome.known.view()
        identity = read_app_identity(view)
        if identity.package != outcome.target.package:
            # A file that is not the app's own cannot rename it.
            return "", words("labels.other_package")
        if not identity.label:
            # The reader's own reason is technical: the person is told the name was not
            # found, or that the manifest could not be read when anything in it could not
            # (its version and permissions too, as ever). The fast reader stops at
            # <application>, so only when it found nothing wrong is the rest read.
            damaged = bool(identity.problems) or bool(read_manifest(view).problems)
            return "", words("labels.manifest_unreadable" if damaged else "labels.no_name")
    finally:
        outcome.known = None  # the parts are let go as soon as they are read
    return clean_phone_text(identity.label), None
