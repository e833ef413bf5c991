"""Running the real command line against a simulated phone, and reading what it left."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scanner.cli import main
from scanner.device.allowlist import ALLOWED_SHELL_COMMANDS, SCAN_COMMANDS
from scanner.simulator import ReceivedCommand, SimulatedPhone

SYNC_READS = ("STAT ", "LIST ", "RECV ", "QUIT")


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
        return entry.command in ALLOWED_SHELL_COMMANDS
    # A drop at OPEN logs the sync service's own OPEN, with no request yet ("").
    return entry.service == "sync" and (entry.command == "" or entry.command.startswith(SYNC_READS))


def read_only_violations(received: Iterable[ReceivedCommand]) -> list[ReceivedCommand]:
    """Every request that is not read-only (see ``is_read_only``)."""
    return [entry for entry in received if not is_read_only(entry)]


def commands_before(command: str) -> Sequence[str]:
    """The scan batch up to, not including, ``command``."""
    return SCAN_COMMANDS[: SCAN_COMMANDS.index(command)]
