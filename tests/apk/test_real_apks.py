"""The APK reader agrees with Android's own tools on every real APK in ../shared/real-apks.

For each file (Google's apksig test set and androguard's; see its INDEX.md) we compare:

* package and label with ``aapt dump badging``;
* the signer certificate (SHA-256) of each scheme with ``apksigner verify --print-certs -v``,
  one scheme at a time (see ``real_tools``);
* the v3 key-rotation lineage, certificates in order and their flags, with
  ``apksigner lineage --print-certs``.

Where apksigner refuses a scheme (a broken signature, say) there is nothing to compare, and
the summary counts it: our reader does not verify signatures, so it still reads the
certificates. Every difference must be listed in KNOWN_DIFFERENCES with its reason; an
unlisted difference fails, and so does a listed one that no longer differs.

The tools run once per session, in threads. Run with ``-s`` to see the summary (time taken,
counts compared, agreement).
"""

from __future__ import annotations

import os
import resource
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from real_tools import ANY_SCHEME, FLAG_NAMES, Reference, Tools, reference, with_class_archive

from scanner.apk.manifest import ApkManifest, read_manifest
from scanner.apk.signers import ApkSigners
from scanner.apk.signing import read_apk_signers
from tests.conftest import shared_path

_NUL_NAME = (
    "an entry name holds a NUL byte: aapt's ZIP reader (libziparchive, the phone's too) "
    "refuses the whole archive, while apksigner reads and verifies it; we read it like "
    "apksigner. Such a file cannot be installed, so it never comes from a phone, and reading "
    "more of a hostile file hides nothing"
)
KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {
    ("apksig/v1-only-with-nul-in-entry-name.apk", "package"): _NUL_NAME,
    ("apksig/v1-only-with-nul-in-entry-name.apk", "label"): _NUL_NAME,
}
"""``(file, what) -> why``: differences between our reader and the tools, each explained."""


@dataclass(frozen=True, slots=True)
class RealApk:
    name: str
    """Path under ``real-apks``, e.g. ``apksig/v2-only-empty.apk``."""
    path: Path
    signers: ApkSigners
    manifest: ApkManifest


@dataclass(frozen=True, slots=True)
class Session:
    apks: tuple[RealApk, ...]
    references: dict[str, Reference]
    seconds: float
    cpu_seconds: float
    """CPU time the tools used: unlike wall time, it does not grow when others load the machine."""


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(
                f"CI must install {name} (Debian: apt-get install {name}), but it is missing"
            )
        pytest.skip(
            f"{name} is not installed (Debian: apt-get install {name}); the real APKs are not "
            "compared with Google's tools in this run"
        )
    return path


@pytest.fixture(scope="session")
def real_apks() -> tuple[RealApk, ...]:
    folder = shared_path("real-apks")
    found = []
    for path in sorted(folder.rglob("*.apk")):
        data = path.read_bytes()
        found.append(
            RealApk(
                path.relative_to(folder).as_posix(),
                path,
                read_apk_signers(data),
                read_manifest(data),
            )
        )
    return tuple(found)


@pytest.fixture(scope="session")
def session(real_apks: tuple[RealApk, ...], tmp_path_factory: pytest.TempPathFactory) -> Session:
    started = time.monotonic()
    cpu_before = _children_cpu_s()
    tools = Tools(tool("apksigner"), tool("aapt"))
    # Archive the classes of a run that reads every scheme, so most runs find theirs there.
    sample = max(
        real_apks,
        key=lambda apk: (
            bool(apk.signers.lineage("v3")),
            {"v1", "v2", "v3"} <= set(apk.signers.schemes),
        ),
    )
    tools = with_class_archive(tools, tmp_path_factory.mktemp("jvm"), str(sample.path))
    # The tools are separate processes, so threads run them side by side.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        futures = {
            apk.name: pool.submit(reference, tools, str(apk.path), apk.signers.schemes)
            for apk in real_apks
        }
        references = {name: future.result() for name, future in futures.items()}
    return Session(
        real_apks, references, time.monotonic() - started, _children_cpu_s() - cpu_before
    )


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def differences(apk: RealApk, ref: Reference) -> dict[str, str]:
    """What differs between our reader and the tools for one file: ``what -> detail``."""
    found: dict[str, str] = {}
    badging = ref.badging
    if apk.manifest.package != badging.package:
        found["package"] = f"ours {apk.manifest.package!r}, aapt {badging.package!r}"
    if apk.manifest.label != badging.label:
        found["label"] = f"ours {apk.manifest.label!r}, aapt {badging.label!r}"
    for scheme, run in ref.verifications.items():
        if not run.verified:
            continue
        if scheme == ANY_SCHEME:
            found["schemes"] = f"apksigner verified {sorted(run.schemes)}, we found no signature"
            continue
        ours = {c.sha256 for c in apk.signers.for_scheme(scheme)}
        if ours != run.signers:
            found[f"{scheme} signer"] = f"ours {sorted(ours)}, apksigner {sorted(run.signers)}"
    lineage = _lineage_difference(apk, ref)
    if lineage:
        found["v3 lineage"] = lineage
    return found


def _lineage_difference(apk: RealApk, ref: Reference) -> str:
    if not ref.lineage_run:
        return ""
    ours = [
        (c.sha256, frozenset(n for bit, n in FLAG_NAMES.items() if (c.lineage_flags or 0) & bit))
        for c in apk.signers.lineage("v3")
    ]
    if ref.lineage is None:
        # apksigner found no valid lineage. Only where v3 verified is ours then wrong: we do
        # not check the lineage's own signatures, so a broken one is still read.
        v3 = ref.verifications.get("v3")
        if v3 is not None and v3.verified and ours:
            return f"ours {ours}, apksigner none"
        return ""
    theirs = [(node.sha256, node.capabilities) for node in ref.lineage]
    return "" if ours == theirs else f"ours {ours}, apksigner {theirs}"


def test_reader_agrees_with_apksigner_and_aapt_on_every_real_apk(session: Session) -> None:
    found = {
        (apk.name, what): detail
        for apk in session.apks
        for what, detail in differences(apk, session.references[apk.name]).items()
    }
    unexplained = {key: detail for key, detail in found.items() if key not in KNOWN_DIFFERENCES}
    gone = sorted(key for key in KNOWN_DIFFERENCES if key not in found)
    _print_summary(session, found)

    assert not unexplained, "differences not in KNOWN_DIFFERENCES:\n" + "\n".join(
        f"{name} [{what}]: {detail}" for (name, what), detail in sorted(unexplained.items())
    )
    assert not gone, f"listed in KNOWN_DIFFERENCES but no longer different: {gone}"


def _print_summary(session: Session, found: dict[tuple[str, str], str]) -> None:
    runs = [run for ref in session.references.values() for run in ref.verifications.values()]
    lineages = sum(1 for ref in session.references.values() if ref.lineage)
    differing = {name for name, _ in found}
    print(
        f"\nreal APKs: {len(session.apks)} files, tools took {session.seconds:.1f} s "
        f"({session.cpu_seconds:.1f} CPU-s); "
        f"apksigner verify runs {len(runs)} ({sum(r.verified for r in runs)} verified, "
        f"{sum(not r.verified for r in runs)} refused: not compared); lineages compared "
        f"{lineages}; {len(session.apks) - len(differing)}/{len(session.apks)} files agree, "
        f"{len(found)} listed differences"
    )


def test_most_real_apks_are_actually_compared(session: Session) -> None:
    """Guards the comparison itself: a parser that read nothing would 'agree' everywhere."""
    runs = [run for ref in session.references.values() for run in ref.verifications.values()]
    compared_signers = sum(1 for run in runs if run.verified and run.signers)
    packages = sum(1 for ref in session.references.values() if ref.badging.package)
    lineages = sum(1 for ref in session.references.values() if ref.lineage)

    assert compared_signers >= len(session.apks) // 2
    assert packages >= len(session.apks) * 9 // 10
    assert lineages >= 10


def test_every_real_apk_is_read_and_what_is_missing_is_said(
    real_apks: tuple[RealApk, ...],
) -> None:
    """No crash, no warning (warnings are errors here), and no silent gap."""
    for apk in real_apks:
        assert not any("unexpectedly" in p for p in apk.manifest.problems), apk.name
        if apk.manifest.package is None:
            assert apk.manifest.problems, apk.name
        if not apk.signers.current_signers():
            assert apk.signers.problems, apk.name
