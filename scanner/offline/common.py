"""What every offline input shares: size limits, bounded reads that stay inside the folder
the user gave, results in scan order, and what a kind of input cannot hold."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from scanner.errors import InputMissing, InputUnsafe
from scanner.model import (
    CUT_AT_LIMIT,
    ApkFacts,
    CommandResult,
    NotApplicable,
    RawCapture,
    Words,
)
from scanner.offline.sections import Section
from scanner.parse.getprop import parse_getprop
from scanner.phrases import known_words
from scanner.sources import SCAN_COMMANDS

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


@dataclass(frozen=True, slots=True)
class OfflineInput:
    """What one offline input holds: the commands' outputs, and any record of the apps'
    files (an androidqf ``packages.json``)."""

    capture: RawCapture
    apks: Mapping[str, ApkFacts] = field(default_factory=dict)
    """Per package: file hashes and signing certificates as the input recorded them."""
    unchecked: Mapping[str, Words] = field(default_factory=dict)
    """Per package: why the input holds no signing certificate for it."""
    unlisted_reason: Words | None = None
    """Why an app the input does not list at all has no certificate facts; empty when the
    kind of input holds no app files (then ``capture.not_applicable`` says so)."""


def in_scan_order(
    found: Mapping[str, CommandResult],
    missing_reason: str,
    not_held: Mapping[str, str] | None = None,
) -> tuple[CommandResult, ...]:
    """One result per scan command, in the live scan's order; absent ones say why.

    ``not_held``: commands this kind of input cannot hold, with the reason to give.
    """
    reasons = not_held or {}
    return tuple(
        found[command]
        if command in found
        else CommandResult(command, None, error=reasons.get(command, missing_reason))
        for command in SCAN_COMMANDS
    )


def not_applicable(
    found: Mapping[str, CommandResult], not_held: Mapping[str, str]
) -> tuple[NotApplicable, ...]:
    """The parts this kind of input cannot hold, leaving out any it held after all."""
    return tuple(
        NotApplicable(source, reason, known_words(reason))
        for source, reason in not_held.items()
        if source not in found
    )


def inside(base: Path, path: Path, kind: str) -> Path:
    """``path`` with every link followed, refused unless it stays inside ``base``.

    ``kind`` names the folder in the refusal's message id (``androidqf_folder`` or
    ``capture_folder``: each its own whole sentence in every language).

    ``base`` is the folder the user gave, resolved once: a link (a file or a sub-folder)
    that leads out of it would make the scan read, and an evidence pack keep, something
    the user never pointed at.
    """
    real = path.resolve()
    if not real.is_relative_to(base):
        raise InputUnsafe.said(
            f"input_errors.outside_{kind}", f"resolves to {real}, outside {base}", path=path
        )
    return real


def read_capped(path: Path, limit: int, kind: str) -> bytes:
    """Read a whole file, refusing one larger than ``limit`` (checked while reading).

    ``kind`` (``androidqf_file`` or ``bug_report``) names the file in the message ids."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputMissing.said(f"input_errors.unreadable_{kind}", str(exc), path=path) from exc
    if len(data) > limit:
        raise InputUnsafe.said(
            f"input_errors.too_large_{kind}", f"more than {limit} bytes", path=path
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
