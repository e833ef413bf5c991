"""What every offline input shares: size limits, bounded reads, results in scan order."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final

from scanner.device.allowlist import SCAN_COMMANDS
from scanner.errors import ScannerError
from scanner.model import CUT_AT_LIMIT, CommandResult
from scanner.offline.sections import Section
from scanner.parse.getprop import parse_getprop

MAX_COMMAND_BYTES: Final = 64 * 1024 * 1024
"""The live scan's per-command limit (``device.connection.MAX_OUTPUT_BYTES``): an offline
section is cut at the same size, so it parses exactly as the live output would."""

CUT_MESSAGE: Final = CUT_AT_LIMIT


def section_result(command: str, section: Section) -> CommandResult:
    """A found section as a command result, cut at the live scan's size limit."""
    output = section.output
    truncated = section.truncated
    if len(output) > MAX_COMMAND_BYTES:
        output = output[:MAX_COMMAND_BYTES]
        truncated = True
    error = ""
    if truncated:
        error = CUT_MESSAGE if len(section.output) > MAX_COMMAND_BYTES else "output is incomplete"
    return CommandResult(
        command, output, error=error, duration_s=section.duration_s, truncated=truncated
    )


def in_scan_order(
    found: Mapping[str, CommandResult], missing_reason: str
) -> tuple[CommandResult, ...]:
    """One result per scan command, in the live scan's order; absent ones say why."""
    return tuple(
        found[command] if command in found else CommandResult(command, None, error=missing_reason)
        for command in SCAN_COMMANDS
    )


def read_capped(path: Path, limit: int, what: str) -> bytes:
    """Read a whole file, refusing one larger than ``limit`` (checked while reading)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise ScannerError(f"The {what} {path} could not be read.", str(exc)) from exc
    if len(data) > limit:
        raise ScannerError(
            f"The {what} {path} is too large to be what it says it is.",
            f"more than {limit} bytes",
        )
    return data


def serial_from_getprop(output: bytes | None) -> str:
    """The phone's serial number as its properties give it, or empty."""
    if not output:
        return ""
    props = parse_getprop(output.decode("utf-8", errors="replace")).props
    for key in ("ro.serialno", "ro.boot.serialno"):
        value = props.get(key, "").strip()
        if value:
            return value
    return ""
