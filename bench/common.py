"""Shared benchmark plumbing: a big simulated phone in its own process, and a timed scan.

The phone runs in a child process so that the scanner's process holds only the scanner:
its peak memory and CPU time are then the scanner's own, and the phone's work (which a
real phone does on its own CPU) runs on the other core.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from scanner.commands import DUMPSYS_PACKAGE  # noqa: E402
from scanner.device.connection import PhoneConnection  # noqa: E402
from scanner.device.keys import AdbSigner  # noqa: E402
from scanner.model import ScanResult  # noqa: E402
from scanner.pipeline import scan_phone  # noqa: E402
from scanner.sigdb.model import SignatureDB  # noqa: E402

LATENCY_S = 0.030
"""Per-command latency of the modelled link (before the first response byte)."""
BYTES_PER_S = 20_000_000
"""Throughput cap of the modelled link (every byte the phone sends)."""
MB = 1_000_000


@dataclass(frozen=True, slots=True)
class PhoneSettings:
    """What the child process builds and serves."""

    n_apps: int = 500
    seed: int = 0
    apk_bytes: int = 0
    """Random (incompressible) payload added to each sideloaded APK; 0 serves no APKs."""
    latency_s: float = LATENCY_S
    bytes_per_s: float = BYTES_PER_S
    link: bool = True
    """False serves at loopback speed (no link model)."""
    store_entries: int = 0
    """Small files added to each store app's APK. A real app's ZIP holds hundreds to
    thousands (resources, icons, dex files), and its central directory lists each one:
    the APK checks read that directory whole (for the v1 signature and the label)."""
    extra_commands: Mapping[str, bytes] = field(default_factory=dict)
    """Answers for commands other tools send (peer comparison only; read-only commands)."""


@dataclass(frozen=True, slots=True)
class PhoneInfo:
    """What the child reports once it listens."""

    port: int
    command_bytes: Mapping[str, int]
    apk_files: int
    apk_bytes_total: int
    link_model: str
    """How the link is modelled, or why it is not."""
    sideloaded_files: int = 0
    sideloaded_bytes: int = 0


def _build_profile(settings: PhoneSettings) -> tuple[Any, int, int, int, int]:
    from scanner.simulator import Profile
    from scanner.simulator.apk_builder import build_apk
    from tools.fabricate import big_phone, make_phone
    from tools.fabricate.resolve import STORES, resolve_apps

    commands = dict(make_phone(settings.n_apps, seed=settings.seed))
    commands.update(settings.extra_commands)
    files: dict[str, bytes] = {}
    if settings.apk_bytes:
        # Benchmark data, not security.
        rng = random.Random(settings.seed)
        apps = resolve_apps(big_phone(settings.n_apps, seed=settings.seed))
        signers = _developer_signers([a.spec.package for a in apps if not a.spec.system])
        for app in apps:
            if app.spec.system:
                continue
            # Sideloaded apps carry the payload; store apps get a small APK of their own
            # (their certificate is checked too), which keeps the APK bytes conservative.
            sideloaded = app.spec.installer not in STORES
            extra = {"assets/payload.bin": rng.randbytes(settings.apk_bytes)} if sideloaded else {}
            if not sideloaded:
                extra.update(
                    (f"res/drawable-xhdpi-v4/icon_{i:04d}.png", rng.randbytes(64))
                    for i in range(settings.store_entries)
                )
            key, cert = signers[app.spec.package]
            files[app.apk_file] = build_apk(
                app.spec.package,
                label=app.spec.label,
                key=key,
                cert=cert,
                extra_files=extra,
                label_in_resources=True,
            )
    profile = Profile(name=f"bench-{settings.n_apps}", commands=commands, files=files)
    big = [len(f) for f in files.values() if len(f) >= settings.apk_bytes]
    return profile, len(files), sum(len(f) for f in files.values()), len(big), sum(big)


SHARED_SIGNER = 0.25
"""Share of apps signed by a developer that signed an app before them (a vendor's or a
company's several apps): on a phone most apps have a signer of their own."""


def _developer_signers(packages: list[str]) -> dict[str, tuple[Any, Any]]:
    """A signing identity for each package, as on a real phone: distinct certificates
    (so the scanner reads each one, as it would there), about a quarter of them shared.
    One RSA key is behind them all: generating one per developer would take minutes,
    and the scanner reads a certificate's bytes, never compares keys across apps."""
    from scanner.simulator.apk_builder import make_signing_identity

    rng = random.Random("developers")  # Benchmark data, not security.
    made: list[tuple[Any, Any]] = []
    signers: dict[str, tuple[Any, Any]] = {}
    for package in packages:
        if made and rng.random() < SHARED_SIGNER:
            signers[package] = rng.choice(made)
            continue
        number = len(made) + 1
        key = made[0][0] if made else None
        identity = make_signing_identity(f"Developer {number}", f"Bench developer {number}", key)
        made.append(identity)
        signers[package] = identity
    return signers


def _serve(settings: PhoneSettings, pipe: Connection) -> None:
    """Child process: build the phone, serve it, answer the parent's requests."""
    from scanner.simulator import SimulatedPhone

    profile, apk_files, apk_total, big_files, big_total = _build_profile(settings)
    kwargs: dict[str, Any] = {}
    description = "none (loopback speed)"
    if settings.link:
        try:
            from scanner.simulator.link import LinkModel
        except ImportError as exc:
            description = f"not available ({exc}); loopback speed"
        else:
            kwargs["link"] = LinkModel(
                latency_s=settings.latency_s, bytes_per_s=settings.bytes_per_s
            )
            description = (
                f"{settings.latency_s * 1000:.0f} ms latency, {settings.bytes_per_s / MB:.0f} MB/s"
            )
    phone = SimulatedPhone(profile, **kwargs)
    phone.start()
    try:
        pipe.send(
            PhoneInfo(
                port=phone.port,
                command_bytes={c: len(v) for c, v in profile.commands.items()},
                apk_files=apk_files,
                apk_bytes_total=apk_total,
                sideloaded_files=big_files,
                sideloaded_bytes=big_total,
                link_model=description,
            )
        )
        while True:
            request = pipe.recv()
            if request == "received":
                pipe.send([(r.service, r.command, r.refused) for r in phone.received])
            else:
                break
    finally:
        phone.stop()
        pipe.send("stopped")


class BenchPhone:
    """A simulated phone served by a child process; use as a context manager."""

    def __init__(self, settings: PhoneSettings) -> None:
        self.settings = settings
        context = multiprocessing.get_context("spawn")
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(settings, child), daemon=True)
        self.info: PhoneInfo | None = None

    def __enter__(self) -> BenchPhone:
        self._process.start()
        if not self._pipe.poll(600):
            raise RuntimeError("the simulated phone did not start")
        self.info = self._pipe.recv()
        return self

    def __exit__(self, *_: object) -> None:
        with contextlib.suppress(OSError, EOFError):
            self._pipe.send("stop")
            self._pipe.poll(10)
        self._process.join(10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()

    @property
    def port(self) -> int:
        assert self.info is not None
        return self.info.port

    def received(self) -> list[tuple[str, str, bool]]:
        """Every request the phone received so far: (service, command, refused)."""
        self._pipe.send("received")
        result: list[tuple[str, str, bool]] = self._pipe.recv()
        return result


@dataclass
class Timer:
    """Adds up wall and CPU time spent inside wrapped calls."""

    wall_s: float = 0.0
    cpu_s: float = 0.0
    calls: int = 0

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.wall_s += time.perf_counter() - wall
                self.cpu_s += time.process_time() - cpu
                self.calls += 1

        return timed


@dataclass(frozen=True, slots=True)
class ScanFigures:
    """One timed scan."""

    wall_s: float
    connect_s: float
    shell: Timer
    pull: Timer
    cpu_s: float
    bytes_received: int
    bytes_sent: int
    streams_opened: int
    shell_requests: int
    sync_requests: int
    apks_pulled: int
    apk_bytes: int
    findings: int
    certificates_checked: int
    hashes_checked: int
    apk_read_bytes: int
    """Bytes the APK read commands returned (their framing included)."""
    apk_name_bytes: int
    """Of those, the bytes the store apps' names took (the label pass)."""
    apk_names_asked: int
    """Store apps whose name the label pass looked for."""
    complete: bool
    traced_peak_bytes: int = 0

    @property
    def round_trips(self) -> int:
        """Requests that each wait for the phone: shell commands plus sync requests."""
        return self.shell_requests + self.sync_requests

    @property
    def code_s(self) -> float:
        """Time outside the link: parsing, checks, hashing and signature reading."""
        return self.wall_s - self.connect_s - self.shell.wall_s - self.pull.wall_s

    def lower_bound_s(self, latency_s: float, bytes_per_s: float) -> float:
        """What the link alone costs: every byte at full speed plus one latency a request."""
        return self.bytes_received / bytes_per_s + self.round_trips * latency_s


def _instrument(connection: PhoneConnection, shell: Timer, pull: Timer) -> None:
    """Time every shell command and file read (instance attributes: this run only)."""
    connection.shell = shell.wrap(connection.shell)  # type: ignore[method-assign]
    open_session = connection.sync_session

    @contextlib.contextmanager
    def timed_session() -> Iterator[Any]:
        with open_session() as reader:
            reader.pull = pull.wrap(reader.pull)
            yield reader

    connection.sync_session = timed_session  # type: ignore[method-assign]
    connection.pull = pull.wrap(connection.pull)  # type: ignore[method-assign]


def timed_scan(
    phone: BenchPhone,
    signer: AdbSigner,
    signatures: SignatureDB | None,
    *,
    pulls: bool,
    whole: bool = False,
    trace_memory: bool = False,
) -> tuple[ScanFigures, ScanResult]:
    """Connect and scan once; wall time covers connect_tcp + scan_phone."""
    before = phone.received()
    shell, pull = Timer(), Timer()
    if trace_memory:
        tracemalloc.start()
    cpu = time.process_time()
    start = time.perf_counter()
    connection = PhoneConnection.connect_tcp("127.0.0.1", phone.port, signer)
    connected = time.perf_counter()
    try:
        _instrument(connection, shell, pull)
        result = scan_phone(
            connection, signatures=signatures, pull_apks_enabled=pulls, whole_apks=whole
        )
    finally:
        connection.close()
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu
    peak = 0
    if trace_memory:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    requests = phone.received()[len(before) :]
    figures = ScanFigures(
        wall_s=wall,
        connect_s=connected - start,
        shell=shell,
        pull=pull,
        cpu_s=cpu,
        bytes_received=connection.counters.bytes_received,
        bytes_sent=connection.counters.bytes_sent,
        streams_opened=connection.counters.streams_opened,
        shell_requests=sum(1 for service, _, _ in requests if service in ("shell", "exec")),
        sync_requests=sum(1 for service, _, _ in requests if service == "sync"),
        apks_pulled=sum(1 for p in result.pulls if p.ok),
        apk_bytes=sum(p.size_bytes for p in result.pulls if p.ok),
        findings=len(result.findings),
        certificates_checked=sum(1 for c in result.app_checks if c.certificate),
        hashes_checked=sum(1 for c in result.app_checks if c.sha256),
        apk_read_bytes=int(result.link.get("apk_read_bytes", 0)),
        apk_name_bytes=int(result.link.get("apk_name_bytes", 0)),
        apk_names_asked=int(result.link.get("apk_names_asked", 0)),
        complete=result.complete,
        traced_peak_bytes=peak,
    )
    return figures, result


RU_MAXRSS_BYTES = 1 if sys.platform == "darwin" else 1024
"""Bytes per unit of ``ru_maxrss`` (Linux reports KiB, macOS bytes)."""


def rss_peak_bytes() -> int:
    """This process's resident-set high-water mark."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * RU_MAXRSS_BYTES


@dataclass(frozen=True)
class CliRun:
    """One run of ``scan.py`` in its own process, as a user would start it."""

    exit_code: int
    wall_s: float
    rss_peak_bytes: int
    """That process's own resident-set high-water mark (``wait4``'s rusage)."""
    report_bytes: int


# Starts one command and prints its exit code, wall time and RSS high-water. The scan is
# started from this small process, not from the bench: a child's RSS high-water counts
# what it held between fork and exec, which would be the whole bench process.
_LAUNCHER = """
import os, subprocess, sys, time
with open(sys.argv[1], "wb") as output:
    start = time.perf_counter()
    child = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=output,
                             stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
print(os.waitstatus_to_exitcode(status), wall, usage.ru_maxrss)
"""


def cli_scan(port: int, home: Path) -> CliRun:
    """``scan.py --serial 127.0.0.1:PORT --json FILE`` in a new process (APK pulls on, the
    default), with HOME (where the scan keeps its ADB key) in ``home``, so nothing of the
    user's is read or written and a second run reuses the first run's key."""
    report = home / "report.json"
    report.unlink(missing_ok=True)
    command = [sys.executable, str(REPO / "scan.py"), "--serial", f"127.0.0.1:{port}"]
    command += ["--json", str(report)]
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    launcher = [sys.executable, "-S", "-c", _LAUNCHER, str(home / "output.txt")]
    ran = subprocess.run(launcher + command, env=env, capture_output=True, text=True, check=True)
    code, wall, rss = ran.stdout.split()
    size = report.stat().st_size if report.exists() else 0
    return CliRun(int(code), float(wall), int(rss) * RU_MAXRSS_BYTES, size)


def dumpsys_package_bytes(info: PhoneInfo) -> int:
    return info.command_bytes.get(DUMPSYS_PACKAGE, 0)


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
