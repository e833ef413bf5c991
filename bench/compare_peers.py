"""Our scan beside MVT's and ISDi's live ADB checks, on the same simulated phone.

    .venv/bin/python bench/compare_peers.py [--apps 500] [--skip-mvt] [--skip-isdi]

One simulated phone (``fabricate.make_phone``, in a child process, behind the same link
model as ``bench/scan.py``: 30 ms per request, 20 MB/s) serves all three tools in turn:

* ours: ``PhoneConnection.connect_tcp`` + ``scan_phone`` in this process, APK pulls off
  and on (neither peer pulls APKs).
* MVT 2.6.1 (the last release with ``check-adb``), in its own virtual environment
  ``bench/.venvs/mvt`` (made on first run): ``mvt-android check-adb --serial
  127.0.0.1:PORT --fast --non-interactive``, HOME set to a temporary folder (its ADB key
  goes there), ``MVT_NETWORK_ACCESS_ALLOWED=false`` (no update check).
* ISDi (``isdi-scanner`` from PyPI) in ``bench/.venvs/isdi``: its web app's scan steps
  (``devices``, ``device_info``, ``find_spyapps``, ``isrooted``) called headless from a
  small driver, through a private real ``adb`` server (its own port and HOME).

Each peer is timed as a whole process (interpreter start and imports included), and its
start-up alone (``--help`` / importing the scanner module) is timed too and shown, so the
scan's own time can be read off. Requests are counted from the phone's own log.

The peers send commands our scan never does (``pm path``, ``sha256sum``, ``dumpsys
package <name>`` ...). The phone answers them from a bench-only table built here from
the same fabricated phone; they are read-only, and they are NOT on the scanner's
allowlist. Commands nobody answers get what an Android shell prints.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from common import MB, BenchPhone, PhoneSettings, timed_scan

from scanner.commands import (
    DUMPSYS_ACCESSIBILITY,
    DUMPSYS_ACCOUNT,
    DUMPSYS_APPOPS,
    DUMPSYS_DEVICE_POLICY,
    DUMPSYS_PACKAGE,
    SETTINGS_GLOBAL,
    SETTINGS_SECURE,
)
from scanner.device.keys import ephemeral_signer
from scanner.sigdb.commands import load_shipped_db
from tools.fabricate import big_phone, make_phone
from tools.fabricate.resolve import resolve_apps

BENCH = Path(__file__).resolve().parent
VENVS = BENCH / ".venvs"
MVT_SPEC = "mvt==2.6.1"
ISDI_SPEC = "isdi-scanner"
ADB = "/usr/bin/adb"

ISDI_DRIVER = r"""
import sys, time
started = time.perf_counter()
from isdi.scanner import AndroidScanner
imported = time.perf_counter()
sc = AndroidScanner()
devices = sc.devices()
serial = devices[0] if devices else sys.argv[1]
name, info = sc.device_info(serial=serial)
apps = sc.find_spyapps(serialno=serial)
rooted, reasons = sc.isrooted(serial)
done = time.perf_counter()
print(f"ISDI import_s={imported - started:.3f} scan_s={done - imported:.3f} apps={len(apps)}"
      f" device={name!r} rooted={rooted}")
"""


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


# --------------------------------------------------------------------------- the phone


def _package_blocks(dump: str) -> dict[str, str]:
    """``Package [name]`` block text by package name, from a full ``dumpsys package``."""
    blocks: dict[str, str] = {}
    marker = "\n  Package ["
    start = dump.find(marker)
    while start >= 0:
        end = dump.find(marker, start + 1)
        block_end = end if end >= 0 else len(dump)
        # A section header at column 0 also ends the block.
        header = dump.find("\n\n", start + 1, block_end)
        block = dump[start + 1 : header if header >= 0 else block_end]
        name = block[len("  Package [") : block.index("]")]
        blocks.setdefault(name, block)
        start = end
    return blocks


def _fake_digest(kind: str, path: str) -> str:
    return hashlib.new(kind, path.encode()).hexdigest()


def peer_answers(n_apps: int, seed: int = 0) -> dict[str, bytes]:
    """Bench-only answers to the read-only commands MVT and ISDi send (not our allowlist)."""
    outputs = make_phone(n_apps, seed=seed)
    apps = resolve_apps(big_phone(n_apps, seed=seed))
    dump = outputs[DUMPSYS_PACKAGE].decode()
    blocks = _package_blocks(dump)
    answers: dict[str, bytes] = {}

    listing, system, third, disabled, names = [], [], [], [], []
    for app in apps:
        spec = app.spec
        installer = spec.installer or "null"
        listing.append(f"package:{app.apk_file}={spec.package}  installer={installer}")
        names.append(f"package:{spec.package}")
        (system if spec.system else third).append(f"package:{spec.package}")
        if spec.enabled_state in (2, 3, 4):
            disabled.append(f"package:{spec.package}")
        files = [app.apk_file]
        if app.code_path.startswith("/data/"):
            files += [f"{app.code_path}/split_{s}.apk" for s in spec.splits if s != "base"]
        answers[f"pm path {spec.package}"] = "".join(f"package:{f}\n" for f in files).encode()
        for path in files:
            for kind in ("md5", "sha1", "sha256", "sha512"):
                answers[f"{kind}sum {path}"] = f"{_fake_digest(kind, path)}  {path}\n".encode()
        block = blocks.get(spec.package, "")
        answers[f"dumpsys package {spec.package}"] = f"Packages:\n{block}\n".encode()
        del spec, app

    def lines(items: list[str]) -> bytes:
        return ("\n".join(items) + "\n").encode()

    answers["pm list packages -u -i -f"] = lines(listing)
    answers["pm list packages -s"] = lines(system)
    answers["pm list packages -3"] = lines(third)
    answers["pm list packages -d"] = lines(disabled)
    answers["pm list packages"] = lines(names)
    # An unrooted phone: `command -v su` prints nothing, so `&& su -c true` never runs.
    answers["command -v su && su -c true"] = b""
    answers["command -v su"] = b""
    answers["getenforce"] = b"Enforcing\n"
    answers["dpm list-owners"] = b"no owners\n"
    answers["cmd settings list global"] = outputs[SETTINGS_GLOBAL]
    answers["cmd settings list secure"] = outputs[SETTINGS_SECURE]
    answers["settings list system"] = answers["cmd settings list system"] = b"volume_ring=5\n"
    # `dumpsys` with no argument dumps every service, each under a header.
    services = {
        "package": outputs[DUMPSYS_PACKAGE],
        "accessibility": outputs[DUMPSYS_ACCESSIBILITY],
        "device_policy": outputs[DUMPSYS_DEVICE_POLICY],
        "account": outputs[DUMPSYS_ACCOUNT],
        "appops": outputs[DUMPSYS_APPOPS],
    }
    separator = b"-" * 77 + b"\n"
    answers["dumpsys"] = b"".join(
        separator + b"DUMP OF SERVICE " + name.encode() + b":\n" + body
        for name, body in services.items()
    )
    return answers


# --------------------------------------------------------------------------- the peers


def ensure_venv(name: str, spec: str) -> Path:
    """``bench/.venvs/<name>`` with ``spec`` installed (created on first use)."""
    folder = VENVS / name
    python = folder / "bin" / "python"
    if not python.exists():
        out(f"  creating {folder} and installing {spec} (once) ...")
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", spec],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return folder


def peer_env(home: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ANDROID_", "MVT_", "VIRTUAL_ENV", "PYTHON"))
    }
    env.update(HOME=str(home), **extra)
    return env


def timed_run(args: list[str], env: Mapping[str, str], timeout_s: float) -> tuple[float, str, int]:
    start = time.perf_counter()
    try:
        done = subprocess.run(
            args,
            env=dict(env),
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout_s,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        text = (exc.stdout or "") if isinstance(exc.stdout, str) else ""
        return time.perf_counter() - start, text + f"\n[timed out after {timeout_s} s]", -1
    return time.perf_counter() - start, done.stdout + done.stderr, done.returncode


def count_requests(entries: list[tuple[str, str, bool]]) -> tuple[int, Counter[str]]:
    kinds: Counter[str] = Counter()
    for service, command, _refused in entries:
        words = command.split()
        # Group by what is asked, not by its argument: `pm path`, `sha256sum`, `RECV`.
        two = words[:2] if words[:1] in (["dumpsys"], ["pm"], ["cmd"], ["settings"]) else words[:1]
        kinds[f"{service}: {' '.join(two)}"] += 1
    return len(entries), kinds


def run_mvt(phone: BenchPhone, timeout_s: float) -> dict[str, object]:
    folder = ensure_venv("mvt", MVT_SPEC)
    with tempfile.TemporaryDirectory(prefix="mvt-home-") as home:
        env = peer_env(Path(home), MVT_NETWORK_ACCESS_ALLOWED="false")
        tool = str(folder / "bin" / "mvt-android")
        startup, _, _ = timed_run([tool, "check-adb", "--help"], env, 120)
        before = len(phone.received())
        results = Path(home) / "results"
        wall, text, code = timed_run(
            [
                tool,
                "check-adb",
                "--serial",
                f"127.0.0.1:{phone.port}",
                "--fast",
                "--non-interactive",
                "--output",
                str(results),
            ],
            env,
            timeout_s,
        )
        requests = phone.received()[before:]
    return {"wall_s": wall, "startup_s": startup, "text": text, "code": code, "requests": requests}


def run_isdi(phone: BenchPhone, timeout_s: float) -> dict[str, object]:
    folder = ensure_venv("isdi", ISDI_SPEC)
    with tempfile.TemporaryDirectory(prefix="isdi-home-") as home:
        port = _free_port()
        env = peer_env(
            Path(home),
            ANDROID_ADB_SERVER_PORT=str(port),
            PATH=f"{folder / 'bin'}:/usr/bin:/bin",
        )
        python = str(folder / "bin" / "python")
        startup, _, _ = timed_run([python, "-c", "import isdi.scanner"], env, 120)
        serial = f"127.0.0.1:{phone.port}"
        subprocess.run([ADB, "start-server"], env=env, capture_output=True, check=False)
        try:
            before = len(phone.received())
            start = time.perf_counter()
            subprocess.run([ADB, "connect", serial], env=env, capture_output=True, check=False)
            subprocess.run(
                [ADB, "-s", serial, "wait-for-device"],
                env=env,
                capture_output=True,
                timeout=30,
                check=False,
            )
            connect = time.perf_counter() - start
            wall, text, code = timed_run([python, "-c", ISDI_DRIVER, serial], env, timeout_s)
            requests = phone.received()[before:]
        finally:
            subprocess.run([ADB, "kill-server"], env=env, capture_output=True, check=False)
    return {
        "wall_s": wall + connect,
        "connect_s": connect,
        "startup_s": startup,
        "text": text,
        "code": code,
        "requests": requests,
    }


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def tail(text: str, lines: int = 6) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()][-lines:]
    return "\n".join("      | " + line[:160] for line in kept)


def describe_peer(name: str, result: dict[str, object], ours_s: float) -> None:
    wall = float(result["wall_s"])  # type: ignore[arg-type]
    startup = float(result["startup_s"])  # type: ignore[arg-type]
    requests = result["requests"]
    assert isinstance(requests, list)
    total, kinds = count_requests(requests)
    refused = sum(1 for _, _, r in requests if r)
    scan_s = max(wall - startup, 0.0)
    out(
        f"\n{name}: {wall:.2f} s as a process (start-up alone {startup:.2f} s, so about"
        f" {scan_s:.2f} s of scanning); exit code {result['code']}"
    )
    out(
        f"  requests to the phone: {total} ({refused} refused by the phone);"
        f" ratio to ours: {wall / ours_s:.1f}x whole, {scan_s / ours_s:.1f}x scan only"
    )
    out("  commonest requests: " + ", ".join(f"{k} x{v}" for k, v in kinds.most_common(8)))
    summary = [line for line in str(result["text"]).splitlines() if line.startswith("ISDI ")]
    if summary:
        out("  driver: " + summary[-1])
    out("  last lines of its output:")
    out(tail(str(result["text"])))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=500)
    parser.add_argument("--apk-mb", type=float, default=4.0)
    parser.add_argument("--latency-ms", type=float, default=30.0)
    parser.add_argument("--mbps", type=float, default=20.0)
    parser.add_argument("--timeout-s", type=float, default=1800.0, help="per peer")
    parser.add_argument("--skip-mvt", action="store_true")
    parser.add_argument("--skip-isdi", action="store_true")
    args = parser.parse_args(argv)

    out(f"Building the bench-only answers for a {args.apps}-app phone ...")
    answers = peer_answers(args.apps)
    settings = PhoneSettings(
        n_apps=args.apps,
        apk_bytes=int(args.apk_mb * MB),
        latency_s=args.latency_ms / 1000,
        bytes_per_s=args.mbps * MB,
        extra_commands=answers,
    )
    db = load_shipped_db()
    signer = ephemeral_signer()
    with BenchPhone(settings) as phone:
        assert phone.info is not None
        out(f"Machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
        out(
            f"Phone: {args.apps} apps, link model: {phone.info.link_model};"
            f" {len(answers)} extra bench-only answers"
        )
        timed_scan(phone, signer, db, pulls=False)  # warm-up; the phone learns our key
        ours_off, _ = timed_scan(phone, signer, db, pulls=False)
        ours_on, _ = timed_scan(phone, signer, db, pulls=True)
        out(
            f"\nours, APK pulls off: {ours_off.wall_s:.2f} s, {ours_off.round_trips} requests,"
            f" {ours_off.bytes_received / MB:.1f} MB"
        )
        out(
            f"ours, APK pulls on:  {ours_on.wall_s:.2f} s, {ours_on.round_trips} requests,"
            f" {ours_on.bytes_received / MB:.1f} MB ({ours_on.apks_pulled} APKs pulled)"
        )
        out("(ratios below are against ours with pulls off: neither peer pulls APKs)")
        if not args.skip_mvt:
            describe_peer(
                "MVT 2.6.1 check-adb --fast", run_mvt(phone, args.timeout_s), ours_off.wall_s
            )
        if not args.skip_isdi:
            describe_peer(
                "ISDi (isdi-scanner) headless scan",
                run_isdi(phone, args.timeout_s),
                ours_off.wall_s,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
