"""One scan, start to finish: collect -> parse -> pull APKs -> check. No printing, no files.

``cli.py`` drives it and renders the result; tests call it directly against the
simulated phone. Offline inputs (bug reports, androidqf folders, captures) enter at
``analyse`` with a ``RawCapture`` they built, so their findings match a live scan's.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import sys
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scanner.apks import check_app_files, with_apk_labels
from scanner.checks.registry import CheckContext, run_checks
from scanner.checks.spy_behaviour import SCORES_READ, score_ahead
from scanner.collect import Progress, collect
from scanner.commands import GETPROP
from scanner.device.connection import PhoneConnection
from scanner.labels import with_catalogue_labels
from scanner.model import (
    ApkFacts,
    AppFileCheck,
    CollectionWarning,
    CommandResult,
    DatabaseSummary,
    DeviceSnapshot,
    PullRecord,
    RawCapture,
    ScanProblem,
    ScanResult,
    Words,
)
from scanner.parse.snapshot import NOT_TEXT, ParsedOutput, build_snapshot, parse_output
from scanner.phrases import error_words, known_words, problem, words
from scanner.sigdb.commands import db_summary
from scanner.sigdb.index import SignatureIndex
from scanner.sigdb.model import SignatureDB
from scanner.store_labels import LabelsAhead, name_store_apps
from scanner.workers import worker

logger = logging.getLogger(__name__)

CONNECTION = "connection"
"""The source named for what went wrong with the link itself."""


def problems_from_capture(capture: RawCapture) -> list[ScanProblem]:
    """Every command that did not give full output becomes a problem the report names,
    unless this kind of input cannot hold it (then it is named as not applicable)."""
    problems = [
        _command_problem(r)
        for r in capture.results
        if (not r.ok and not capture.not_held(r.command)) or r.truncated
    ]
    if capture.interrupted:
        said = capture.interrupted_words or known_words(capture.interrupted)
        problems.insert(
            0,
            ScanProblem(message=capture.interrupted, source=CONNECTION, words=said),
        )
    return problems


def _command_problem(result: CommandResult) -> ScanProblem:
    if result.error:
        return ScanProblem(result.error, result.command, words=error_words(result))
    return problem(words("problems.no_output"), result.command)


def problems_from_warnings(
    capture: RawCapture, warnings: tuple[CollectionWarning, ...]
) -> list[ScanProblem]:
    """An output that arrived in full but was not all understood is a problem too.

    Its warnings say what was not understood; without this, a garbled or unfamiliar
    package list would read as "nothing found" in a scan marked complete.
    """
    in_full = {r.command for r in capture.results if r.ok and not r.truncated}
    by_source: dict[str, list[CollectionWarning]] = {}
    for warning in warnings:
        if warning.source in in_full:
            by_source.setdefault(warning.source, []).append(warning)
    problems = []
    for source, found in by_source.items():
        # Lead with what was lost as a whole, then single lines, then the bare fact of
        # bytes that are not text.
        found.sort(key=lambda w: (w.message == NOT_TEXT, w.line is not None))
        misread = any(w.not_understood for w in found)
        said: Words | str = found[0].words or found[0].message
        if misread:
            said = words("problems.not_understood", message=said)
        if len(found) > 1:
            said = words("problems.and_more", message=said, count=len(found) - 1)
        if isinstance(said, str):  # a warning with no words of its own: its English
            problems.append(ScanProblem(said, source, not_understood=misread))
        else:
            problems.append(problem(said, source, not_understood=misread))
    return problems


def phone_now(snapshot: DeviceSnapshot) -> datetime:
    """Now, in the phone's local time (naive), to compare with install times it printed."""
    now = datetime.now(UTC)
    try:
        zone = ZoneInfo(snapshot.device.timezone) if snapshot.device.timezone else None
    except (ZoneInfoNotFoundError, ValueError):
        zone = None
    return now.astimezone(zone).replace(tzinfo=None) if zone else now.replace(tzinfo=None)


def analyse(
    capture: RawCapture,
    started_at: datetime,
    *,
    signatures: SignatureDB | None = None,
    apks: Mapping[str, ApkFacts] | None = None,
    pulls: tuple[PullRecord, ...] = (),
    snapshot: DeviceSnapshot | None = None,
    link: Mapping[str, int] | None = None,
    extra_problems: tuple[ScanProblem, ...] = (),
    own_adb_key: str | None = None,
    app_checks: tuple[AppFileCheck, ...] = (),
    index: SignatureIndex | None = None,
    summary: DatabaseSummary | None = None,
    earlier: CheckContext | None = None,
) -> ScanResult:
    """Parse a capture (unless given) and run every check against it.

    ``own_adb_key``: this computer's ADB public key, so the phone's trusted computers can
    be told apart from it (None when unknown, as for an offline input). ``index``:
    ``signatures`` already indexed (a live scan builds it while the link is busy), and
    ``summary`` its ``db_summary`` (made there too). ``earlier``: the context of a run of
    the checks earlier in this scan (the store-label pass): its time is the scan's, and
    the work it kept is used again where it still holds.
    """
    # Every app named as a person sees it: its APK's label, else the catalogue's name.
    snapshot = with_catalogue_labels(
        with_apk_labels(snapshot or build_snapshot(capture), apks or {})
    )
    if index is None and signatures is not None:
        index = SignatureIndex.from_db(signatures)
    context = CheckContext(
        now=earlier.now if earlier is not None else phone_now(snapshot),
        signatures=index,
        apks=dict(apks or {}),
        own_adb_key=own_adb_key,
        memo=earlier.memo if earlier is not None else {},
    )
    findings = tuple(run_checks(snapshot, context))
    problems = [*extra_problems, *problems_from_capture(capture)]
    problems += problems_from_warnings(capture, snapshot.warnings)
    problems += [
        ScanProblem(p.error, f"pull {p.path}", words=p.error_words) for p in pulls if not p.ok
    ]
    return ScanResult(
        started_at=started_at,
        finished_at=datetime.now(UTC),
        capture=capture,
        snapshot=snapshot,
        findings=findings,
        signatures=summary or (db_summary(signatures) if signatures is not None else None),
        problems=tuple(problems),
        pulls=pulls,
        link=dict(link or {}),
        apks=dict(apks or {}),
        app_checks=app_checks,
    )


_SWITCH_INTERVAL_S = 0.0005


@contextlib.contextmanager
def _gil_handed_over_soon() -> Iterator[None]:
    """While a worker thread runs beside the thread reading the phone. Legacy ADB flow
    control is stop-and-wait: each reply waits for our OKAY. A worker holding the GIL for
    the default 5 ms would delay every OKAY, so it is handed over sooner."""
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(min(switch_interval, _SWITCH_INTERVAL_S))
    try:
        yield
    finally:
        sys.setswitchinterval(switch_interval)


def _scored_ahead(snapshot: DeviceSnapshot, ahead: CheckContext, labels: LabelsAhead) -> bool:
    """The behaviour scores the store-label pass will ask for (``score_ahead``), and the
    apps whose names it will read for their score (``labels``). Work done early only: a
    failure is left for that pass's own run of the check, whose runner names a check
    that fails."""
    try:
        labelled = with_catalogue_labels(snapshot)
        score_ahead(labelled, ahead)
        labels.choose(labelled, ahead)
    except Exception:
        logger.debug("scoring ahead failed; the checks will score in turn", exc_info=True)
        return False
    return True


def _build_into(
    built: list[DeviceSnapshot], capture: RawCapture, parsed: Mapping[str, ParsedOutput]
) -> None:
    """``build_snapshot`` as work for a worker (which must not raise: it never does)."""
    built.append(build_snapshot(capture, parsed))


_PreparedDB = tuple[SignatureIndex, DatabaseSummary]


def _prepare(signatures: SignatureDB) -> _PreparedDB:
    return SignatureIndex.from_db(signatures), db_summary(signatures)


_EARLY_READS: frozenset[str] = frozenset((GETPROP, *SCORES_READ))
"""The outputs the APK checks read (the apps and the Android version: ``dumpsys package``
and ``getprop``) and those the behaviour scores read (``SCORES_READ``)."""


@dataclass(frozen=True, slots=True)
class _Early:
    """Made on the parse worker as soon as the outputs in ``_EARLY_READS`` are in, while
    the rest of the batch is on the link: the snapshot of those outputs (its apps and
    Android version are the whole snapshot's), a context holding every app's score, and
    the store apps whose names are read as their APKs' bytes come in."""

    snapshot: DeviceSnapshot
    ahead: CheckContext
    labels: LabelsAhead


def _make_early(
    parsed: dict[str, Future[ParsedOutput]],
    capture: RawCapture,
    indexed: Future[_PreparedDB] | None,
    own_adb_key: str | None,
) -> _Early | None:
    # On the parse worker, after the parses it waits for (one worker: they are done).
    outputs = {command: future.result() for command, future in parsed.items()}
    snapshot = build_snapshot(capture, outputs)
    index = indexed.result()[0] if indexed is not None else None
    ahead = CheckContext(now=phone_now(snapshot), signatures=index, own_adb_key=own_adb_key)
    labels = LabelsAhead()
    return _Early(snapshot, ahead, labels) if _scored_ahead(snapshot, ahead, labels) else None


def _collect_and_parse(
    connection: PhoneConnection,
    progress: Progress | None,
    signatures: SignatureDB | None,
    threaded: bool = True,
    own_adb_key: str | None = None,
) -> tuple[RawCapture, dict[str, ParsedOutput], _PreparedDB | None, _Early | None]:
    """Collect the batch, parsing each output on a worker thread while the next one comes in.

    The link is idle time for this process (waiting on the phone), so parsing there hides
    most of its cost; the parsers are pure, so the result is the same as parsing after.
    The signature index and the report's summary of the database are made there too,
    before the first big output arrives, and (threaded) the ``_Early`` snapshot and scores
    once their outputs are in.
    """
    futures: dict[str, Future[ParsedOutput]] = {}
    results: list[CommandResult] = []
    early: list[Future[_Early | None]] = []
    with worker("parse", threaded) as parser:

        def start_parsing(result: CommandResult) -> None:
            futures[result.command] = parser.submit(parse_output, result.command, result)
            results.append(result)
            if threaded and not early and futures.keys() >= _EARLY_READS:
                so_far = RawCapture(tuple(results), connection.serial, connection.kind)
                early.append(
                    parser.submit(_make_early, dict(futures), so_far, indexed, own_adb_key)
                )

        with _gil_handed_over_soon():
            indexed = parser.submit(_prepare, signatures) if signatures is not None else None
            try:
                capture = collect(connection, progress=progress, on_result=start_parsing)
            except BaseException:
                parser.shutdown(wait=False, cancel_futures=True)
                raise
        parsed = {command: future.result() for command, future in futures.items()}
        made = early[0].result() if early else None
        return capture, parsed, indexed.result() if indexed is not None else None, made


_YOUNG_THRESHOLD = 20_000
"""Allocations between young-generation collections while scanning (Python's default 700)."""


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Objects alive before the scan (modules, the signature index) are left out of the
    cyclic collector's passes and young objects are collected less often: profiled on the
    500-app bench phone, collections took 0.02-0.17 s of the scan's ~0.3 s of CPU. Almost
    everything a scan makes is freed by reference counting; the rest waits for the end."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(threshold[0], _YOUNG_THRESHOLD), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def scan_phone(
    connection: PhoneConnection,
    *,
    signatures: SignatureDB | None = None,
    progress: Progress | None = None,
    pull_apks_enabled: bool = True,
    whole_apks: bool = False,
    extra_problems: tuple[ScanProblem, ...] = (),
    own_adb_key: str | None = None,
    threaded: bool = True,
) -> ScanResult:
    """Collect from a connected phone, check every app's APK, and analyse.

    ``pull_apks_enabled``: check the apps' signing certificates and hashes (the name is
    from when every check pulled the whole file); ``whole_apks``: pull each APK whole
    instead of reading its parts (for an evidence pack, which keeps the files).
    ``own_adb_key``: the public key the connection authorised with (``adbkey.pub`` form).
    ``threaded``: parse and read APKs on a worker while the link is busy (False: the same
    work in this thread, in turn; the result is the same).
    """
    with _fewer_collections():
        return _scan_phone(
            connection,
            signatures=signatures,
            progress=progress,
            pull_apks_enabled=pull_apks_enabled,
            whole_apks=whole_apks,
            extra_problems=extra_problems,
            own_adb_key=own_adb_key,
            threaded=threaded,
        )


def _scan_phone(
    connection: PhoneConnection,
    *,
    signatures: SignatureDB | None,
    progress: Progress | None,
    pull_apks_enabled: bool,
    whole_apks: bool,
    extra_problems: tuple[ScanProblem, ...],
    own_adb_key: str | None,
    threaded: bool,
) -> ScanResult:
    started = datetime.now(UTC)
    capture, parsed, prepared, early = _collect_and_parse(
        connection, progress, signatures, threaded, own_adb_key
    )
    index, summary = prepared if prepared is not None else (None, None)
    pulls: tuple[PullRecord, ...] = ()
    apks: dict[str, ApkFacts] = {}
    checks: tuple[AppFileCheck, ...] = ()
    apk_reads: dict[str, int] = {}
    # The scores made early are used again by the final run of the checks (same memo).
    earlier_run: CheckContext | None = early.ahead if early is not None else None
    if pull_apks_enabled and not capture.interrupted:
        if progress is not None:
            progress("pull", len(capture.results), len(capture.results) + 1)
        built: list[DeviceSnapshot] = []
        meanwhile: Callable[[], None] | None = None
        labels = early.labels if early is not None else LabelsAhead()
        if early is not None:
            # The APK reads start at once from the early snapshot's apps; the whole
            # snapshot is built on the worker while the first answer is on the link.
            for_apks, ahead = early.snapshot, early.ahead
            meanwhile = partial(_build_into, built, capture, parsed)
        else:
            # In turn, or a threaded scan whose early scoring failed (trying it again on
            # the APK worker would fail the same way): the label pass scores in turn.
            for_apks = build_snapshot(capture, parsed)
            built.append(for_apks)
            ahead = CheckContext(now=phone_now(for_apks), signatures=index, own_adb_key=own_adb_key)
        # One sync stream for every whole pull: opening one per file costs two round trips.
        # APKs are read on a worker while commands are on the link.
        with _gil_handed_over_soon(), connection.sync_session() as files:
            checked = check_app_files(
                lambda command: connection.shell(command).data,
                files.pull,
                for_apks,
                whole=whole_apks,
                max_chars=connection.max_command_chars,
                threaded=threaded,
                stream=lambda command, on_data: connection.shell(command, on_data=on_data).data,
                meanwhile=meanwhile,
                read_label=labels.offer,  # (with no early scores it chose no app)
            )
        snapshot = built[0] if built else build_snapshot(capture, parsed)
        checks, apks, pulls = checked.checks, checked.facts, checked.pulls
        extra_problems = extra_problems + checked.problems
        apk_reads = {
            "apk_read_commands": checked.stats.commands,
            "apk_read_rounds": checked.stats.rounds,
            "apk_read_bytes": checked.stats.bytes_out,
            "apk_labels_read_early": len(labels.read),
            "apk_name_bytes": 0,
            "apk_names_asked": 0,
        }
        # Before the checks run, so titles read "System Service (com.systemservice)".
        snapshot = with_apk_labels(snapshot, apks)
        earlier_run = replace(ahead, apks=apks)  # the same time and memo
        if checked.directories or labels.read:
            named = name_store_apps(
                lambda command: connection.shell(command).data,
                snapshot,
                apks,
                checked.directories,
                earlier_run,
                connection.max_command_chars,
                labels.read,
            )
            snapshot, apks = named.snapshot, named.apks
            extra_problems = extra_problems + named.problems
            apk_reads["apk_read_commands"] += named.stats.commands
            apk_reads["apk_read_rounds"] += named.stats.rounds
            apk_reads["apk_read_bytes"] += named.stats.bytes_out
            # Of those, what the store apps' names took (the bench shows it apart).
            apk_reads["apk_name_bytes"] = named.stats.bytes_out
            apk_reads["apk_names_asked"] = len(named.asked)
    else:
        snapshot = build_snapshot(capture, parsed)
    counters = connection.counters
    link = {
        "bytes_received": counters.bytes_received,
        "bytes_sent": counters.bytes_sent,
        "streams_opened": counters.streams_opened,
        **apk_reads,
    }
    return analyse(
        capture,
        started,
        signatures=signatures,
        apks=apks,
        pulls=pulls,
        snapshot=snapshot,
        link=link,
        extra_problems=extra_problems,
        own_adb_key=own_adb_key,
        app_checks=checks,
        index=index,
        summary=summary,
        earlier=earlier_run,
    )
