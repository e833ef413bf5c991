"""Read who signed every app that is not part of the phone's software, and hash the rest.

Every installed non-system app has its signing certificate read, from the parts of its
APK that hold it (``apk_remote``: a few batched commands, whatever the number of apps);
apps from outside an app store are also hashed on the phone and their label read. An
APK that cannot be read in parts (a tool missing on the phone, a read cut short) is
pulled whole over sync instead, as every APK is when whole files are asked for (an
evidence pack keeps the file itself). Each app's ``AppFileCheck`` says what was done.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field, replace

from scanner.apk.manifest import ApkManifest, read_manifest
from scanner.apk.partial import KnownBytes, kept_for_label, read_known
from scanner.apk.signers import (
    ROLE_LINEAGE,
    ROLE_SIGNER,
    SCHEME_V3,
    SCHEME_V31,
    ApkSigners,
    SignerCertificate,
)
from scanner.apk.signing import read_apk_signers
from scanner.apk_remote.fetch import Outcome, ReadStats, Run, StreamRun, Target, read_apk_parts
from scanner.checks.common import from_store
from scanner.device.apk_commands import MAX_COMMAND_CHARS, is_apk_path
from scanner.errors import DeviceError, Disconnected, PullTimeSpent
from scanner.model import (
    CHECKED_IN_PARTS,
    CHECKED_SIGNING_BLOCK,
    CHECKED_WHOLE,
    HASHED_ON_PHONE,
    HASHED_WHOLE,
    ApkCertificate,
    ApkFacts,
    AppFileCheck,
    DeviceSnapshot,
    Package,
    PullRecord,
    ScanProblem,
    Words,
)
from scanner.parse.text import clean_phone_text
from scanner.phrases import english, of_error, problem, words
from scanner.workers import worker as side_worker

logger = logging.getLogger(__name__)

MAX_PULLS = 40
"""Upper bound on APKs pulled whole in one scan (time on a slow link); the rest are named.
Reading in parts has no such bound: it costs a few commands for any number of apps."""

SOURCE_PARTS = "apk read on the phone"
"""``ApkFacts.source`` of facts read from parts of the APK, hashed on the phone."""


def apk_file(pkg: Package) -> str | None:
    """The base APK of a package: ``codePath`` is a folder on Android 5+, a file before."""
    if not pkg.apk_path:
        return None
    path = pkg.apk_path.rstrip("/")
    return path if path.endswith(".apk") else path + "/base.apk"


def split_files(pkg: Package) -> tuple[str, ...]:
    """The app's split APKs beside ``base.apk`` (``splits=`` of ``dumpsys package``)."""
    base = apk_file(pkg)
    if not base or not base.endswith("/base.apk"):
        return ()
    folder = base.removesuffix("/base.apk")
    return tuple(f"{folder}/split_{name}.apk" for name in pkg.splits)


def pull_candidates(snapshot: DeviceSnapshot) -> list[tuple[str, str]]:
    """(package, path) of every off-store, non-system app, in the phone's order.

    "Off-store" is decided by ``install_source``: an app whose installer name claims a
    store but that was installed by adb, a browser or a file manager is pulled too. An
    app whose entry was cut short has no path the scan can trust, so it is not pulled.
    """
    picked = []
    for pkg in snapshot.packages:
        path = apk_file(pkg)
        if (
            path
            and pkg.installed
            and not pkg.partial
            and not pkg.system
            and not from_store(pkg, snapshot)
        ):
            picked.append((pkg.package, path))
    return picked


def facts_from_apk(
    package: str, path: str, data: bytes, platform_sdk: int | None = None
) -> ApkFacts:
    """Hash an APK, read its signers and manifest (never raises on a bad file).

    The signer is the one Android uses on ``platform_sdk`` (the phone's API level; None
    means the newest Android); every other certificate is kept apart, with what it is.
    """
    signers = read_apk_signers(data)
    sha256 = hashlib.sha256(data).hexdigest()
    return facts_from_signers(package, path, sha256, signers, read_manifest(data), platform_sdk)


def facts_from_signers(
    package: str,
    path: str,
    sha256: str,
    signers: ApkSigners,
    manifest: ApkManifest | None,
    platform_sdk: int | None,
    source: str = "apk pull",
) -> ApkFacts:
    """``ApkFacts`` from what the readers found; ``manifest`` None when it was not read."""
    current = signers.current_signers(platform_sdk)
    rotation = _rotation_certificates(signers, current)
    manifest_problems = manifest.problems if manifest is not None else ()
    return ApkFacts(
        package=package,
        path=path,
        sha256=sha256,
        cert_sha1=tuple(sorted({c.sha1 for c in current})),
        cert_sha256=tuple(sorted({c.sha256 for c in current})),
        cert_organizations=tuple(sorted({c.subject_o for c in current if c.subject_o})),
        cert_common_names=tuple(sorted({c.subject_cn for c in current if c.subject_cn})),
        problems=signers.problems + tuple(f"manifest: {p}" for p in manifest_problems),
        label=manifest.label if manifest is not None else None,
        manifest_package=manifest.package if manifest is not None else None,
        signing_scheme=current[0].scheme if current else "",
        rotation_certificates=rotation,
        other_certificates=_other_certificates(signers, current, rotation, platform_sdk),
        source=source,
    )


def _rotation_certificates(
    signers: ApkSigners, current: tuple[SignerCertificate, ...]
) -> tuple[ApkCertificate, ...]:
    """Lineage keys that are not the current signer, each said once."""
    current_keys = {c.sha256 for c in current}
    found: dict[str, ApkCertificate] = {}
    for scheme in (SCHEME_V31, SCHEME_V3):
        lineage = signers.for_scheme(scheme, ROLE_LINEAGE)
        for cert in lineage:
            if cert.sha256 in current_keys or cert.sha256 in found:
                continue
            # Before the current signer in its own lineage: a key the app rotated away from.
            earlier = any(
                later.sha256 in current_keys
                for later in lineage
                if later.signer_index == cert.signer_index and later.chain_index > cert.chain_index
            )
            kind = "an earlier signing key" if earlier else "another signing key"
            found[cert.sha256] = _apk_certificate(
                cert, f"{kind} of this app, from its key-rotation history ({scheme} lineage)"
            )
    return tuple(found.values())


def _other_certificates(
    signers: ApkSigners,
    current: tuple[SignerCertificate, ...],
    rotation: tuple[ApkCertificate, ...],
    platform_sdk: int | None,
) -> tuple[ApkCertificate, ...]:
    seen = {c.sha256 for c in current} | {c.sha256 for c in rotation}
    used = current[0].scheme if current else ""
    phone = "this phone" if platform_sdk is not None else "current Android versions"
    found: list[ApkCertificate] = []
    for cert in signers.certificates:
        if cert.sha256 in seen:
            continue
        seen.add(cert.sha256)
        if cert.role == ROLE_SIGNER:
            why = f"the {cert.scheme} signer, which {phone} does not use (it uses {used})"
        else:
            why = cert.note or f"in the {cert.scheme} signature, not the signer's"
        found.append(
            _apk_certificate(cert, f"other certificate in the file, not the signer's: {why}")
        )
    return tuple(found)


def _apk_certificate(cert: SignerCertificate, where: str) -> ApkCertificate:
    return ApkCertificate(cert.sha1, cert.sha256, cert.subject_o, cert.subject_cn, where)


def with_apk_labels(snapshot: DeviceSnapshot, apks: Mapping[str, ApkFacts]) -> DeviceSnapshot:
    """The snapshot with app labels read from pulled APKs where the phone gave none.

    ``dumpsys package`` prints no labels, so without this a report names an app only by
    its package. A label is taken only when the APK declares the same package, so a file
    that is not the app's own APK cannot rename it.
    """
    changed = False
    packages = []
    for pkg in snapshot.packages:
        facts = apks.get(pkg.package)
        if not pkg.label and facts and facts.label and facts.manifest_package == pkg.package:
            # The label is chosen by whoever wrote the app: one line, nothing invisible.
            pkg = replace(pkg, label=clean_phone_text(facts.label), label_source="apk")
            changed = True
        packages.append(pkg)
    return replace(snapshot, packages=tuple(packages)) if changed else snapshot


Puller = Callable[[str], bytes]


def pull_apks(
    pull: Puller,
    candidates: list[tuple[str, str]],
    limit: int = MAX_PULLS,
    platform_sdk: int | None = None,
) -> tuple[tuple[PullRecord, ...], dict[str, ApkFacts]]:
    """Pull up to ``limit`` candidates; a failed pull is recorded, a lost phone stops the rest.

    ``pull`` bounds each read's time (see ``SyncReader``); when the time for all of them
    is spent (``PullTimeSpent``), the rest are recorded as not checked, unasked.

    Candidates past the limit are recorded as not checked, so the report names them
    instead of silently leaving them out. ``platform_sdk`` (the phone's API level) decides
    which signature Android uses, as it does for the phone's own checks.
    """
    records: list[PullRecord] = []
    facts: dict[str, ApkFacts] = {}
    lost = ""
    lost_words: Words | None = None
    for package, path in candidates[:limit]:
        if lost:
            records.append(PullRecord(package, path, ok=False, error=lost, error_words=lost_words))
            continue
        started = time.monotonic()
        try:
            data = pull(path)
        except PullTimeSpent as exc:
            # The time for all pulls is spent: the message already says "not checked".
            lost, lost_words = exc.message, of_error(exc)
            records.append(_failed_pull(package, path, exc))
            continue
        except Disconnected as exc:
            lost = "not run: " + exc.message
            lost_words = words("problems.not_run", reason=of_error(exc) or exc.message)
            records.append(_failed_pull(package, path, exc))
            continue
        except DeviceError as exc:
            records.append(_failed_pull(package, path, exc))
            continue
        fact = facts_from_apk(package, path, data, platform_sdk)
        facts[package] = fact
        records.append(
            PullRecord(
                package, path, True, len(data), fact.sha256, duration_s=time.monotonic() - started
            )
        )
    said = words("problems.too_many_pulls", limit=str(limit))
    skipped = english(said)
    records.extend(
        PullRecord(package, path, ok=False, error=skipped, error_words=said)
        for package, path in candidates[limit:]
    )
    return tuple(records), facts


def _failed_pull(package: str, path: str, exc: DeviceError) -> PullRecord:
    return PullRecord(package, path, ok=False, error=exc.message, error_words=of_error(exc))


# --- every app: parts first, whole pulls for what parts could not give --------------

NOT_SYSTEM_ONLY = "not checked: a system app (part of the phone's own software)"
NOT_INSTALLED = "not checked: not installed for any user"
NO_PATH = "not checked: the phone's package list gives no file for it"
CUT_SHORT = "not checked: its entry in the package list was cut short"
UNSAFE_PATH = (
    "not checked: the phone gave a file path that is not in the form Android gives its "
    "apps' files, so the scanner did not put it on a command line"
)
STORE_NO_HASH = "not hashed: installed from an app store (its certificate is what is matched)"
REASON_WORDS = {
    NOT_SYSTEM_ONLY: "problems.app_system",
    NOT_INSTALLED: "problems.app_not_installed",
    NO_PATH: "problems.app_no_path",
    CUT_SHORT: "problems.app_cut_short",
    UNSAFE_PATH: "problems.app_unsafe_path",
}
"""The message of each fixed reason an app's file was not checked (same English)."""


def _not_checked(package: str, path: str, why: Words | str) -> AppFileCheck:
    """An app whose certificate (and hash) were not checked, saying why."""
    said = why if isinstance(why, Words) else words("problems.app_not_checked", reason=why)
    reason = english(said)
    return AppFileCheck(package, path, "", reason, "", reason, certificate_words=said)


def _file_problem(check: AppFileCheck) -> ScanProblem:
    return ScanProblem(
        check.certificate_not_checked,
        f"app file {check.package}",
        words=check.certificate_words,
    )


def check_targets(snapshot: DeviceSnapshot) -> tuple[list[Target], list[AppFileCheck]]:
    """The APKs to read, and a record for each app that will not be read, with why.

    An off-store app's split APKs follow its base, as targets of the same package: their
    signer and hash are read the same way, never their label.
    """
    targets: list[Target] = []
    skipped: list[AppFileCheck] = []
    for pkg in snapshot.packages:
        path = apk_file(pkg) or ""
        why = (
            NOT_SYSTEM_ONLY
            if pkg.system
            else CUT_SHORT
            if pkg.partial
            else NOT_INSTALLED
            if not pkg.installed
            else NO_PATH
            if not path
            else UNSAFE_PATH
            if not is_apk_path(path)
            else ""
        )
        if why:
            skipped.append(_not_checked(pkg.package, path, words(REASON_WORDS[why])))
            continue
        off_store = not from_store(pkg, snapshot)
        # A store app's certificate alone is wanted now: on Android 7 and later its v2/v3
        # signer is enough (``partial.v1_needed``), which spares reading its file list.
        sdk = None if off_store else snapshot.device.sdk
        targets.append(
            Target(
                pkg.package, path, hash_wanted=off_store, label_wanted=off_store, platform_sdk=sdk
            )
        )
        if off_store:
            # Store apps' splits are left alone: Android installs a split only when it has
            # base.apk's signer, and reading them would multiply the reads for store apps.
            targets += [
                Target(pkg.package, split, hash_wanted=True, label_wanted=False)
                for split in split_files(pkg)
                if is_apk_path(split)  # the rest are named as not checked, never sent
            ]
    return targets, skipped


@dataclass(frozen=True, slots=True)
class AppFiles:
    """What checking the apps' files found and did."""

    checks: tuple[AppFileCheck, ...]
    facts: dict[str, ApkFacts]
    pulls: tuple[PullRecord, ...]
    """The whole-file pulls (failed ones are problems of their own in the report)."""
    problems: tuple[ScanProblem, ...]
    """Apps whose certificate should have been checked and was not, other than by a failed
    pull: an off-store app whose file could not be read, any app with an unsafe path."""
    stats: ReadStats
    directories: dict[str, tuple[Target, KnownBytes]] = field(default_factory=dict)
    """Store apps' central directories (or, where the certificate needed none, the trailer
    that locates it), kept from the certificate reads, so their labels can be read later
    without reading them again (``scanner.store_labels``)."""


def check_app_files(
    run: Run,
    pull: Puller,
    snapshot: DeviceSnapshot,
    *,
    whole: bool = False,
    max_chars: int = MAX_COMMAND_CHARS,
    limit: int = MAX_PULLS,
    threaded: bool = True,
    stream: StreamRun | None = None,
    meanwhile: Callable[[], None] | None = None,
    read_label: LabelNow | None = None,
) -> AppFiles:
    """Check every non-system app's certificate (and hash and label when off-store).

    ``run`` sends one shell command (``stream``, when given, also shows its output as it
    comes in); ``pull`` reads a whole file. ``meanwhile``: other work (it must not raise)
    for the worker while the first answer is on its way, before any APK is in. ``whole``:
    pull every APK whole instead of reading parts (an evidence pack keeps the files themselves).
    ``read_label``: offered each store app's kept bytes on the worker (see ``LabelNow``).
    An app from a store whose file the phone says is not there is named as not checked
    but is no problem of the scan (before parts could be read, no store app was checked);
    an off-store app is read whole when its parts could not be.
    """
    sdk = snapshot.device.sdk
    all_targets, checks = check_targets(snapshot)
    bases = {t.package: t.path for t in reversed(all_targets)}
    targets = [t for t in all_targets if bases[t.package] == t.path]
    splits = [t for t in all_targets if bases[t.package] != t.path]
    problems = [_file_problem(c) for c in checks if c.certificate_not_checked == UNSAFE_PATH]
    facts: dict[str, ApkFacts] = {}
    stats = ReadStats()
    to_pull: list[tuple[Target, Words | None]] = []
    split_results: dict[str, list[_SplitRead]] = {}
    directories: dict[str, tuple[Target, KnownBytes]] = {}
    if whole:
        to_pull = [(t, None) for t in targets]
    else:
        # Apps whose parts are all in are read on a worker thread while the next round of
        # commands is on the link (this thread then only waits on the socket).
        with side_worker("apk", threaded) as worker:
            read: dict[str, tuple[Future[list[_Done]], int]] = {}

            def start_reading(batch: list[tuple[Outcome, KnownBytes]]) -> None:
                # A store app's label is read only if the report names it: what that read
                # needs is kept (before the parts are let go), on the worker too.
                keep = [
                    not o.target.label_wanted and bases.get(o.target.package) == o.target.path
                    for o, _ in batch
                ]
                job = worker.submit(_read_all, batch, sdk, keep, read_label)
                for index, (outcome, _) in enumerate(batch):
                    read[outcome.target.path] = (job, index)

            ahead = worker.submit(meanwhile) if meanwhile is not None else None
            outcomes, stats = read_apk_parts(
                run, targets + splits, max_chars, start_reading, planner=worker, stream=stream
            )
            if ahead is not None:
                ahead.result()
            results: dict[str, _Read] = {}
            for o in outcomes:
                if o.target.path not in read or o.error:
                    results[o.target.path] = _from_parts(o, sdk)
                    continue
                job, index = read[o.target.path]
                results[o.target.path], kept = job.result()[index]
                if kept is not None:
                    directories[o.target.package] = (o.target, kept)
        lost = [o for o in outcomes if o.lost]
        if lost:
            # Named once for the scan; each app's record says it too.
            why = lost[0].error_words or lost[0].hash_error_words
            said = words("problems.apps_files_lost", count=len(lost), reason=why or "")
            problems.append(problem(said, "app files"))
        for outcome in outcomes:
            check, fact, pull_why = results[outcome.target.path]
            target = outcome.target
            if bases[target.package] != target.path:
                why_not = english(pull_why) if pull_why else check.certificate_not_checked
                split_results.setdefault(target.package, []).append(
                    _SplitRead(target.path, fact, why_not)
                )
                continue
            if pull_why and (target.hash_wanted or not outcome.absent):
                to_pull.append((target, pull_why))
                continue
            if pull_why:
                said = words("problems.app_not_checked", reason=pull_why)
                check = AppFileCheck(
                    target.package,
                    target.path,
                    "",
                    english(said),
                    "",
                    STORE_NO_HASH,
                    certificate_words=said,
                )
            checks.append(check)
            if fact is not None:
                facts[target.package] = fact
            elif target.hash_wanted and check.certificate_not_checked:
                problems.append(_file_problem(check))
    wanted = [(t.package, t.path) for t, _ in to_pull]
    records, pulled = pull_apks(pull, wanted, limit=limit, platform_sdk=sdk)
    by_package = {r.package: r for r in records}
    for target, why in to_pull:
        record = by_package[target.package]
        fact = pulled.get(target.package)
        if fact is not None:
            facts[target.package] = fact
            checks.append(
                AppFileCheck(target.package, target.path, CHECKED_WHOLE, "", HASHED_WHOLE)
            )
        else:
            error: Words | str = record.error_words or record.error
            if not record.error.lower().startswith("not "):
                error = words("problems.app_not_checked", reason=error)
            if why:
                error = words("problems.parts_failed_first", reason=error, first=why)
            checks.append(_not_checked(target.package, target.path, error))
    split_paths = {pkg.package: split_files(pkg) for pkg in snapshot.packages if pkg.splits}
    off_store = {t.package for t in targets if t.hash_wanted}
    for index, check in enumerate(checks):
        paths = split_paths.get(check.package) if check.package in bases else None
        if not paths:
            continue
        done = split_results.get(check.package, [])
        base = facts.get(check.package)
        store = check.package not in off_store
        summary = split_summary(paths, done, base, whole, store)
        checks[index] = replace(check, splits=summary)
        hashes = tuple(r.facts.sha256 for r in done if r.facts and r.facts.sha256)
        if base is not None and hashes:  # (a store app's splits are not read)
            facts[check.package] = replace(base, split_sha256=hashes)
    order = {pkg.package: i for i, pkg in enumerate(snapshot.packages)}
    checks.sort(key=lambda c: order.get(c.package, len(order)))
    return AppFiles(tuple(checks), facts, records, tuple(problems), stats, directories)


@dataclass(frozen=True, slots=True)
class _SplitRead:
    path: str
    facts: ApkFacts | None
    why_not: str


def split_summary(
    paths: tuple[str, ...],
    done: list[_SplitRead],
    base: ApkFacts | None,
    whole: bool,
    store: bool = False,
) -> str:
    """One plain sentence on an app's split APKs: signer against base.apk, and hashes."""
    count = f"{len(paths)} split APK{'s' if len(paths) > 1 else ''}"
    if store:
        # Kept short: most store apps have splits, and this is said once for each.
        return f"{count}: not checked (an app from a store; only base.apk is read)"
    names = ", ".join(p.rsplit("/", 1)[-1] for p in paths)
    lead = f"{count} ({names})"
    if whole:
        return f"{lead}: not checked (only base.apk is read when files are pulled whole)"
    by_path = {r.path: r for r in done}
    same, other, unread = [], [], []
    for path in paths:
        read = by_path.get(path)
        name = path.rsplit("/", 1)[-1]
        if read is None or read.facts is None or not read.facts.cert_sha256:
            why = (
                UNSAFE_PATH
                if not is_apk_path(path)
                else read.why_not
                if read is not None and read.why_not
                else "not read"
            )
            unread.append(f"{name}: {why.removeprefix('not checked: ')}")
        elif base is not None and read.facts.cert_sha256 == base.cert_sha256:
            same.append(name)
        else:
            other.append(name)
    parts = []
    if base is None:
        parts.append("their signer was not compared: base.apk's certificate was not read")
    if same:
        parts.append(f"signed by the same certificate as base.apk: {', '.join(same)}")
    if other:
        parts.append(
            "signed by a different certificate from base.apk (Android installs an app only "
            f"when all its files share one signer): {', '.join(other)}"
        )
    if unread:
        parts.append(f"certificate not checked: {'; '.join(unread)}")
    hashed = [r for r in done if r.facts is not None and r.facts.sha256]
    if hashed:
        parts.append(f"{len(hashed)} of {len(paths)} hashed on the phone")
    return f"{lead}: " + "; ".join(parts)


_Read = tuple[AppFileCheck, ApkFacts | None, Words | None]


_Done = tuple[_Read, KnownBytes | None]
"""An app read in parts, and what a later read of its label needs (when it was kept)."""


LabelNow = Callable[[Target, KnownBytes], bool]
"""Reads a store app's label from the bytes kept for it, when it can and should be read
now; True when it was (the bytes need not be kept for the label pass then)."""


def _read_all(
    batch: list[tuple[Outcome, KnownBytes]],
    sdk: int | None,
    keep: list[bool],
    read_label: LabelNow | None = None,
) -> list[_Done]:
    done: list[_Done] = []
    for (outcome, known), wanted in zip(batch, keep, strict=True):
        kept = kept_for_label(known) if wanted else None
        if kept is not None and read_label is not None and read_label(outcome.target, kept):
            kept = None
        done.append((_from_parts(outcome, sdk, known), kept))
        # Hands the GIL to the thread reading the phone, which otherwise waited up to
        # 100 ms to acknowledge an answer while this worker read apps.
        time.sleep(0)
    return done


def _from_parts(outcome: Outcome, sdk: int | None, known: KnownBytes | None = None) -> _Read:
    """The check and facts of one app read in parts, or why it must be pulled whole.

    ``known``: its bytes, when handed over by ``read_apk_parts`` (which then lets go of
    them itself: memory stays bounded, see fetch); else the outcome's own.
    """
    target = outcome.target
    known = known if known is not None else outcome.known
    if outcome.lost:
        lost = outcome.error_words or outcome.hash_error_words or ""
        said = words("problems.app_not_checked", reason=lost)
        return _not_checked(target.package, target.path, said), None, None
    if outcome.error or known is None:
        why = outcome.error_words or words("problems.parts_not_read")
        return AppFileCheck(target.package, target.path), None, why
    if target.hash_wanted and not outcome.sha256:
        # The certificate alone would leave the file unmatched by hash: pull it.
        why = outcome.hash_error_words or words("problems.phone_did_not_hash")
        return AppFileCheck(target.package, target.path), None, why
    signers, manifest, v1_read = read_known(
        known, outcome.sha256, target.label_wanted, target.platform_sdk
    )
    fact = facts_from_signers(
        target.package, target.path, outcome.sha256, signers, manifest, sdk, SOURCE_PARTS
    )
    hashed, not_hashed = (HASHED_ON_PHONE, "") if outcome.sha256 else ("", STORE_NO_HASH)
    how = CHECKED_IN_PARTS if v1_read else CHECKED_SIGNING_BLOCK
    return (
        AppFileCheck(target.package, target.path, how, "", hashed, not_hashed),
        fact,
        None,
    )
