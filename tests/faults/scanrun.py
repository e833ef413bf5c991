"""Running the real command line against a simulated phone, and reading what it left."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scanner.cli import main
from scanner.device.allowlist import is_allowed
from scanner.simulator import ReceivedCommand, SimulatedPhone
from scanner.sources import SCAN_COMMANDS

SYNC_READS = ("STAT ", "LIST ", "RECV ", "QUIT")

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class ScanRun:
    """What one ``scan.py`` run printed, returned and wrote."""

    code: int
    out: str
    report: dict[str, Any] | None
    """The JSON report, or None when none was written."""

    def command(self, command: str) -> dict[str, Any]:
        """The report's entry for one command."""
        assert self.report is not None
        for entry in self.report["commands"]:
            if entry["command"] == command:
                return dict(entry)
        raise AssertionError(f"{command!r} is not in the report")

    def command_error_message(self, source: str) -> str:
        """The report's error message for one source (a command, ``connection``...)."""
        assert self.report is not None
        found = [e["message"] for e in self.report["errors"] if e["source"] == source]
        assert found, f"no error for {source!r}"
        return str(found[0])

    def error_sources(self) -> list[str]:
        assert self.report is not None
        return [e["source"] for e in self.report["errors"]]


def run_scan(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    phone: SimulatedPhone,
    *extra: str,
) -> ScanRun:
    """``scan.py --serial <phone> --json <tmp>``; the report is read back if written."""
    report_path = tmp_path / "report.json"
    report_path.unlink(missing_ok=True)
    code = main(["--serial", phone.serial_address, "--json", str(report_path), *extra])
    out = capsys.readouterr().out
    report = json.loads(report_path.read_text()) if report_path.exists() else None
    return ScanRun(code, " ".join(out.split()), report)


def is_read_only(entry: ReceivedCommand) -> bool:
    """An allowlisted shell command, a sync read, or the OPEN of the sync service itself."""
    if entry.refused:
        return False
    if entry.service == "shell":
        return is_allowed(entry.command)
    # A drop at OPEN logs the sync service's own OPEN, with no request yet ("").
    return entry.service == "sync" and (entry.command == "" or entry.command.startswith(SYNC_READS))


def read_only_violations(received: Iterable[ReceivedCommand]) -> list[ReceivedCommand]:
    """Every request that is not read-only (see ``is_read_only``)."""
    return [entry for entry in received if not is_read_only(entry)]


def commands_before(command: str) -> Sequence[str]:
    """The scan batch up to, not including, ``command``."""
    return SCAN_COMMANDS[: SCAN_COMMANDS.index(command)]


@dataclass(frozen=True, slots=True)
class ProcessRun(ScanRun):
    """A ``scan.py`` run in its own process, with what it cost."""

    peak_rss_bytes: int = 0
    """The CLI process's resident-set high-water mark (``wait4``'s rusage)."""
    wall_s: float = 0.0


# Starts the scan, kills it if it outlives the time-out (exit code -9 then), and reports
# its exit code and RSS high-water. It runs in this small process, not in pytest: a
# child's high-water counts what it held between fork and exec, which would be all of
# pytest's memory.
_LAUNCHER = """
import os, signal, subprocess, sys
with open(sys.argv[2], "wb") as output:
    child = subprocess.Popen(sys.argv[3:], stdin=subprocess.DEVNULL, stdout=output,
                             stderr=subprocess.STDOUT)
    signal.signal(signal.SIGALRM, lambda *_: child.kill())
    signal.setitimer(signal.ITIMER_REAL, float(sys.argv[1]))
    _, status, usage = os.wait4(child.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""

RU_MAXRSS_BYTES = 1 if sys.platform == "darwin" else 1024
"""Bytes per unit of ``ru_maxrss`` (Linux reports KiB, macOS bytes)."""


def run_scan_process(
    tmp_path: Path, phone: SimulatedPhone, *extra: str, timeout_s: float = 120
) -> ProcessRun:
    """``python scan.py --serial <phone> --json <tmp> ...`` as a user runs it; killed
    (exit code -9) if it runs past ``timeout_s``.

    HOME and the XDG folders are private to the test, so no key or setting of the
    user's is read or written.
    """
    report_path = tmp_path / "report.json"
    report_path.unlink(missing_ok=True)
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "NO_COLOR": "1",
        "COLUMNS": "1000",
    }
    scan = [sys.executable, str(REPO / "scan.py"), "--serial", phone.serial_address]
    scan += ["--json", str(report_path), *extra]
    output = tmp_path / "output.txt"
    started = time.monotonic()
    launched = subprocess.run(
        [sys.executable, "-S", "-c", _LAUNCHER, str(timeout_s), str(output), *scan],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=timeout_s + 30,
    )
    wall = time.monotonic() - started
    code, rss = launched.stdout.split()
    out = output.read_text(errors="replace")
    report = json.loads(report_path.read_text()) if report_path.exists() else None
    return ProcessRun(int(code), " ".join(out.split()), report, int(rss) * RU_MAXRSS_BYTES, wall)
