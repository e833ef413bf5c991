"""Pull the APKs worth checking and read who signed them.

Only apps that are neither system apps nor installed from an app store are pulled: those
are where stalkerware lives, and pulling every app would take minutes on a real link.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import replace

from scanner.apk.manifest import read_manifest
from scanner.apk.signers import (
    ROLE_LINEAGE,
    ROLE_SIGNER,
    SCHEME_V3,
    SCHEME_V31,
    ApkSigners,
    SignerCertificate,
)
from scanner.apk.signing import read_apk_signers
from scanner.checks.common import from_store
from scanner.errors import DeviceError, Disconnected, PullTimeSpent
from scanner.model import ApkCertificate, ApkFacts, DeviceSnapshot, Package, PullRecord
from scanner.parse.text import clean_phone_text

logger = logging.getLogger(__name__)

MAX_PULLS = 40
"""Upper bound on APKs pulled in one scan (time on a slow link); the rest are named."""


def apk_file(pkg: Package) -> str | None:
    """The base APK of a package: ``codePath`` is a folder on Android 5+, a file before."""
    if not pkg.apk_path:
        return None
    path = pkg.apk_path.rstrip("/")
    return path if path.endswith(".apk") else path + "/base.apk"


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
    manifest = read_manifest(data)
    current = signers.current_signers(platform_sdk)
    rotation = _rotation_certificates(signers, current)
    return ApkFacts(
        package=package,
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        cert_sha1=tuple(sorted({c.sha1 for c in current})),
        cert_sha256=tuple(sorted({c.sha256 for c in current})),
        cert_organizations=tuple(sorted({c.subject_o for c in current if c.subject_o})),
        cert_common_names=tuple(sorted({c.subject_cn for c in current if c.subject_cn})),
        problems=signers.problems + tuple(f"manifest: {p}" for p in manifest.problems),
        label=manifest.label,
        manifest_package=manifest.package,
        signing_scheme=current[0].scheme if current else "",
        rotation_certificates=rotation,
        other_certificates=_other_certificates(signers, current, rotation, platform_sdk),
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
            pkg = replace(pkg, label=clean_phone_text(facts.label))
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
    for package, path in candidates[:limit]:
        if lost:
            records.append(PullRecord(package, path, ok=False, error=lost))
            continue
        started = time.monotonic()
        try:
            data = pull(path)
        except PullTimeSpent as exc:
            # The time for all pulls is spent: the message already says "not checked".
            lost = exc.message
            records.append(PullRecord(package, path, ok=False, error=exc.message))
            continue
        except Disconnected as exc:
            lost = "not run: " + exc.message
            records.append(PullRecord(package, path, ok=False, error=exc.message))
            continue
        except DeviceError as exc:
            records.append(PullRecord(package, path, ok=False, error=exc.message))
            continue
        fact = facts_from_apk(package, path, data, platform_sdk)
        facts[package] = fact
        records.append(
            PullRecord(
                package, path, True, len(data), fact.sha256, duration_s=time.monotonic() - started
            )
        )
    skipped = (
        f"not checked: a scan reads the files of at most {limit} apps installed outside "
        "an app store, and this phone has more"
    )
    records.extend(
        PullRecord(package, path, ok=False, error=skipped) for package, path in candidates[limit:]
    )
    return tuple(records), facts
