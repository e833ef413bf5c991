"""Run Google's apksigner and aapt on a real APK and keep what they report (for the tests).

apksigner 31 prints only the certificates of the newest scheme it verified, so each scheme
is judged alone by choosing the API range in which Android uses only that scheme:
v1 below API 24, v2 from 24 to 27 (v3 starts at 28), v3 from 28 (v1 is then not needed).
This apksigner predates v3.1 (Android 13): a v3.1 block is not judged by it.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

SCHEME_RUNS: dict[str, tuple[str, ...]] = {
    "v1": ("--max-sdk-version", "23"),
    "v2": ("--min-sdk-version", "24", "--max-sdk-version", "27"),
    "v3": ("--min-sdk-version", "28"),
}
ANY_SCHEME = "any"
"""A run without an API range: used where our reader found no scheme at all."""
_TIMEOUT_S = 120
FLAG_NAMES = {1: "installed data", 2: "shared UID", 4: "permission", 8: "rollback", 16: "auth"}
"""apksigner's words for the lineage flag bits."""
# Faster JVM start for a short run (apksigner's documented -J option passes these to java);
# the verifier's logic is the same.
_JVM = ("-JXX:TieredStopAtLevel=1", "-JXX:+UseSerialGC", "-JXX:-UsePerfData")


@dataclass(frozen=True, slots=True)
class Verification:
    """One ``apksigner verify --print-certs -v`` run."""

    verified: bool
    schemes: frozenset[str]
    """Schemes apksigner says it verified (``v1``, ``v2``, ``v3``)."""
    signers: frozenset[str]
    """Signer certificate SHA-256s, upper-case hex; empty when it did not verify."""
    said: str
    """Its first error line (or first line), for messages."""


@dataclass(frozen=True, slots=True)
class LineageNode:
    sha256: str
    capabilities: frozenset[str]


@dataclass(frozen=True, slots=True)
class Badging:
    package: str | None
    label: str | None
    said: str


@dataclass(frozen=True, slots=True)
class Tools:
    apksigner: str
    aapt: str
    jvm: tuple[str, ...] = _JVM


def with_class_archive(tools: Tools, folder: Path, sample: str) -> Tools:
    """The same tools, starting from a class archive of apksigner's own classes.

    Loading apksigner's classes is most of a short run; Java 13+ can save them once
    (``ArchiveClassesAtExit``) and map them on later starts. Without the archive (an older
    Java, say) every run still works, only slower.
    """
    archive = folder / "apksigner.jsa"
    dump = f"-JXX:ArchiveClassesAtExit={archive}"
    _run([tools.apksigner, *tools.jvm, dump, "verify", "--print-certs", "-v", sample])
    if not archive.is_file():
        return tools
    return replace(tools, jvm=(*tools.jvm, f"-JXX:SharedArchiveFile={archive}"))


def verify(tools: Tools, path: str, scheme: str) -> Verification:
    options = SCHEME_RUNS.get(scheme, ())
    done = _run([tools.apksigner, *tools.jvm, "verify", "--print-certs", "-v", *options, path])
    text = done.stdout + done.stderr
    verified = done.returncode == 0 and text.startswith("Verifies")
    schemes = frozenset(
        f"v{number}"
        for number in re.findall(r"^Verified using v(\d) scheme .*: true$", text, re.MULTILINE)
    )
    signers = frozenset(
        digest.upper()
        for digest in re.findall(
            r"^Signer #\d+ certificate SHA-256 digest: ([0-9a-f]+)$", text, re.MULTILINE
        )
    )
    return Verification(verified, schemes, signers if verified else frozenset(), _said(text))


def lineage(tools: Tools, path: str) -> tuple[LineageNode, ...] | None:
    """``apksigner lineage --print-certs``: the v3 lineage, oldest first; None when it has none."""
    done = _run([tools.apksigner, *tools.jvm, "lineage", "--in", path, "--print-certs"])
    if done.returncode != 0:
        return None
    nodes = []
    # Each node is a certificate block followed by its capability lines.
    for block in re.split(r"^(?=Signer #\d+ in lineage certificate DN)", done.stdout, flags=re.M):
        digest = re.search(r"certificate SHA-256 digest: ([0-9a-f]+)$", block, re.MULTILINE)
        if digest is None:
            continue
        flags = frozenset(
            name
            for name in FLAG_NAMES.values()
            if re.search(rf"^Has {name} capability\s*: true$", block, re.MULTILINE)
        )
        nodes.append(LineageNode(digest[1].upper(), flags))
    return tuple(nodes)


def badging(tools: Tools, path: str) -> Badging:
    done = _run([tools.aapt, "dump", "badging", path])
    package = re.search(r"^package: name='([^']*)'", done.stdout, re.MULTILINE)
    label = re.search(r"^application-label:'(.*)'$", done.stdout, re.MULTILINE)
    return Badging(
        package[1] if package else None,
        label[1] or None if label else None,
        _said(done.stderr + done.stdout),
    )


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, capture_output=True, text=True, errors="replace", timeout=_TIMEOUT_S, check=False
    )


def _said(text: str) -> str:
    lines = text.splitlines()
    errors = [line for line in lines if line.startswith(("ERROR", "Exception"))]
    return (errors or lines or [""])[0][:300]


@dataclass(frozen=True, slots=True)
class Reference:
    """What the tools said about one APK."""

    verifications: dict[str, Verification]
    """By scheme judged (or ``any``)."""
    lineage: tuple[LineageNode, ...] | None
    lineage_run: bool
    badging: Badging


def reference(tools: Tools, path: str, schemes: tuple[str, ...]) -> Reference:
    """Run the tools the schemes call for (chosen from the schemes our reader saw)."""
    judged = [scheme for scheme in SCHEME_RUNS if scheme in schemes]
    if "v3.1" in schemes and "v3" not in judged:
        judged.append("v3")
    runs = {scheme: verify(tools, path, scheme) for scheme in judged or [ANY_SCHEME]}
    with_v3 = "v3" in judged
    return Reference(
        verifications=runs,
        lineage=lineage(tools, path) if with_v3 else None,
        lineage_run=with_v3,
        badging=badging(tools, path),
    )
