"""Save a live scan's raw outputs to a folder, load them back, or turn them into a profile.

A capture folder holds one file per command (the exact bytes the phone sent) and
``capture.json``::

    {"format": "phone-check capture", "format_version": 1,
     "created_at": "2026-03-01T09:30:00Z", "serial": "...", "source_transport": "usb",
     "banner": "", "interrupted": "",
     "commands": [{"command": "getprop", "file": "01-getprop.txt", "sha256": "...",
                   "size_bytes": 31337, "error": "", "truncated": false,
                   "duration_s": 0.21}, ...],
     "interrupted_words": {"key": "device.connection_lost", "values": {}},
     "not_applicable": [{"source": "which su", "reason": "...", "reason_words": {...}}]}

A command that gave no output has ``file``, ``sha256`` and ``size_bytes`` set to null and
says why in ``error``; ``error_words`` (``interrupted_words`` beside ``interrupted``,
``reason_words`` beside a ``reason``) keeps the same reason as a message id and its
values, so a report from the capture says it in the reader's language (optional: older
captures lack them, and a message this version does not know is left out, its English
kept). ``not_applicable`` (optional; older captures lack it) lists what the scanned input
could not hold, each a command without output; a capture never holds the apps' files, so
loading always adds ``apk files`` to it. Loading checks every file against its size and
SHA-256 and refuses the whole capture, naming the file, when one differs. (The hashes
catch a changed or damaged file; someone who rewrites ``capture.json`` too is not caught:
that needs a signature, which is the evidence pack's job.)

Captures hold personal data: they are written to a private temporary folder first
(``0700``, files ``0600``) and renamed into place only when complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import yaml

from scanner.commands import PHONE_CLOCK
from scanner.errors import (
    InputChanged,
    InputDamaged,
    InputMissing,
    InputNotRecognised,
    ReportError,
)
from scanner.i18n import ENGLISH, catalogue
from scanner.model import APK_FILES, CommandResult, NotApplicable, RawCapture, Words
from scanner.offline.common import MAX_COMMAND_BYTES, inside
from scanner.phrases import as_json, from_json, known_words

TRANSPORT: Final = "capture"
MANIFEST: Final = "capture.json"
FORMAT: Final = "phone-check capture"
FORMAT_VERSION: Final = 1
PROFILE_FILE: Final = "profile.yaml"
NO_APK_FILES: Final = (
    "a saved capture does not hold the apps' files, so their signing certificates and "
    "file hashes cannot be checked"
)
NO_CLOCK: Final = (
    "this capture was saved before the scanner read the phone's clock, so the clock "
    "cannot be compared with this computer's"
)

MAX_MANIFEST_BYTES: Final = 1024 * 1024
FILE_MODE: Final = 0o600
DIR_MODE: Final = 0o700

_SAFE_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
_SLUG: Final = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class CaptureManifest:
    """``capture.json`` as read, with the capture it describes (every file verified)."""

    created_at: datetime
    source_transport: str
    capture: RawCapture
    files: Mapping[str, str]
    """Command -> its file name in the folder, for commands that gave output."""


def write_capture(folder: str | Path, capture: RawCapture, *, created_at: datetime) -> Path:
    """Write ``capture`` to a new folder (or an empty one) and return its path.

    ``created_at`` must carry a time zone; it is stored in UTC. Raises ReportError when
    the folder already holds files or cannot be written.
    """
    if created_at.tzinfo is None:
        raise ValueError("created_at must be timezone-aware")
    target = Path(folder)
    entries: list[dict[str, object]] = []
    contents: dict[str, bytes] = {}
    for index, result in enumerate(capture.results, start=1):
        entry: dict[str, object] = {
            "command": result.command,
            "file": None,
            "sha256": None,
            "size_bytes": None,
            "error": result.error,
            "truncated": result.truncated,
            "duration_s": round(result.duration_s, 3),
        }
        if result.error_words is not None:
            entry["error_words"] = as_json(result.error_words)
        if result.output is not None:
            name = _file_name(index, result.command)
            contents[name] = result.output
            entry.update(
                file=name,
                sha256=hashlib.sha256(result.output).hexdigest(),
                size_bytes=len(result.output),
            )
        entries.append(entry)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": _utc_text(created_at),
        "serial": capture.serial,
        "source_transport": capture.transport,
        "banner": capture.banner,
        "interrupted": capture.interrupted,
        "commands": entries,
        # Optional (older captures lack it): what the scanned input could not hold.
        "not_applicable": [_part(part) for part in capture.not_applicable],
    }
    if capture.interrupted_words is not None:
        manifest["interrupted_words"] = as_json(capture.interrupted_words)
    contents[MANIFEST] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
    return _write_private_folder(target, contents, "capture")


def load_capture(folder: str | Path) -> RawCapture:
    """Load a capture folder, verifying every file; transport ``capture``.

    Raises InputMissing when the folder is not there, and an InputRefused error naming
    the file when one is missing, changed, damaged or leads outside the folder.
    """
    return read_manifest(folder).capture


def read_manifest(folder: str | Path) -> CaptureManifest:
    """Read and verify a capture folder, keeping what ``capture.json`` says about it."""
    root = Path(folder)
    if not root.is_dir():
        raise InputMissing.said("input_errors.no_capture", path=root)
    real = root.resolve()  # every file must stay inside the folder the user gave
    spec = _load_json(inside(real, root / MANIFEST, "capture_folder"))
    if spec.get("format") != FORMAT or spec.get("format_version") != FORMAT_VERSION:
        raise InputNotRecognised.said(
            "input_errors.capture_other_version",
            f"format {spec.get('format')!r} version {spec.get('format_version')!r}",
            path=root,
        )
    commands = spec.get("commands")
    if not isinstance(commands, list):
        raise _damaged(root / MANIFEST, "'commands' is not a list")
    results: list[CommandResult] = []
    files: dict[str, str] = {}
    for entry in commands:
        result, name = _verified_result(root, real, entry)
        if any(r.command == result.command for r in results):
            raise _damaged(root / MANIFEST, f"{result.command!r} is listed twice")
        results.append(result)
        if name is not None:
            files[result.command] = name
    capture = RawCapture(
        results=tuple(results),
        serial=_text(spec, "serial", root),
        transport=TRANSPORT,
        banner=_text(spec, "banner", root),
        interrupted=_text(spec, "interrupted", root),
        interrupted_words=_words(spec.get("interrupted_words"), root / MANIFEST),
        not_applicable=_not_applicable(spec, results, root),
    )
    return CaptureManifest(
        created_at=_parse_time(spec.get("created_at"), root),
        source_transport=_text(spec, "source_transport", root),
        capture=capture,
        files=files,
    )


def capture_to_profile(folder: str | Path, out_dir: str | Path) -> Path:
    """Write a simulator profile folder that replays a capture; returns its path.

    Commands that gave no output are left out (the simulated phone then answers them as
    an Android shell would); output that was cut is replayed as cut.
    """
    manifest = read_manifest(folder)
    capture = manifest.capture
    target = Path(out_dir)
    contents: dict[str, bytes] = {}
    commands: dict[str, str] = {}
    for result in capture.results:
        name = manifest.files.get(result.command)
        if name is None or result.output is None:
            continue
        contents[name] = result.output
        commands[result.command] = name
    missing = [r.command for r in capture.results if r.command not in commands]
    description = (
        f"Replay of a phone-check capture made {_utc_text(manifest.created_at)} "
        f"over {manifest.source_transport or 'an unknown link'}."
    )
    if missing:
        description += " No output was captured for: " + ", ".join(missing) + "."
    spec = {
        "name": target.name,
        "description": description,
        "serial": capture.serial or "CAPTURE01",
        "auth": "accept",
        "commands": commands,
    }
    contents[PROFILE_FILE] = yaml.safe_dump(
        spec, sort_keys=False, allow_unicode=True, width=1000
    ).encode()
    return _write_private_folder(target, contents, "simulator_profile")


def _part(part: NotApplicable) -> dict[str, object]:
    saved: dict[str, object] = {"source": part.source, "reason": part.reason}
    if part.words is not None:  # optional, like error_words
        saved["reason_words"] = as_json(part.words)
    return saved


def _file_name(index: int, command: str) -> str:
    slug = _SLUG.sub("_", command.lower()).strip("_")[:48] or "command"
    return f"{index:02d}-{slug}.txt"


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse_time(value: object, root: Path) -> datetime:
    if not isinstance(value, str):
        raise _damaged(root / MANIFEST, "'created_at' is missing")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _damaged(root / MANIFEST, f"'created_at' is not a time: {value!r}") from exc
    if moment.tzinfo is None:
        raise _damaged(root / MANIFEST, "'created_at' has no time zone")
    return moment.astimezone(UTC)


def _damaged(path: Path, detail: str) -> InputDamaged:
    return InputDamaged.said("input_errors.capture_damaged", detail, path=path)


def _not_applicable(
    spec: Mapping[str, object], results: list[CommandResult], root: Path
) -> tuple[NotApplicable, ...]:
    """What the scanned input could not hold, as recorded; and a capture never holds the
    apps' files. A recorded part must be a command that gave no output."""
    recorded = spec.get("not_applicable", [])
    if not isinstance(recorded, list):
        raise _damaged(root / MANIFEST, "'not_applicable' is not a list")
    without_output = {r.command for r in results if r.output is None}
    parts: dict[str, NotApplicable] = {}
    for entry in recorded:
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("source"), str)
            or not isinstance(entry.get("reason"), str)
            or entry["source"] not in (without_output | {APK_FILES})
        ):
            raise _damaged(root / MANIFEST, f"a not_applicable entry is not valid: {entry!r:.200}")
        reason = entry["reason"]
        said = _words(entry.get("reason_words"), root / MANIFEST) or known_words(reason)
        parts.setdefault(entry["source"], NotApplicable(entry["source"], reason, said))
    parts.setdefault(APK_FILES, NotApplicable(APK_FILES, NO_APK_FILES, known_words(NO_APK_FILES)))
    if all(r.command != PHONE_CLOCK for r in results):
        # Saved before the scan read the phone's clock: older, not damaged.
        parts.setdefault(PHONE_CLOCK, NotApplicable(PHONE_CLOCK, NO_CLOCK, known_words(NO_CLOCK)))
    return tuple(parts.values())


def _text(spec: Mapping[str, object], key: str, root: Path) -> str:
    value = spec.get(key, "")
    if not isinstance(value, str):
        raise _damaged(root / MANIFEST, f"{key!r} is not text")
    return value


def _load_json(path: Path) -> dict[str, object]:
    if not path.is_file():
        raise InputNotRecognised.said(
            "input_errors.capture_no_manifest", path=path.parent, name=MANIFEST
        )
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_MANIFEST_BYTES + 1)
    except OSError as exc:
        raise InputMissing.said(
            "input_errors.unreadable_capture_file", str(exc), path=path
        ) from exc
    if len(raw) > MAX_MANIFEST_BYTES:
        raise _damaged(path, "larger than any capture.json")
    try:
        spec = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _damaged(path, str(exc)) from exc
    if not isinstance(spec, dict):
        raise _damaged(path, "top level is not an object")
    return spec


def _verified_result(root: Path, real: Path, entry: object) -> tuple[CommandResult, str | None]:
    manifest = root / MANIFEST
    if not isinstance(entry, dict) or not isinstance(entry.get("command"), str):
        raise _damaged(manifest, f"a command entry is not valid: {entry!r:.200}")
    command: str = entry["command"]
    error = entry.get("error", "")
    truncated = entry.get("truncated", False)
    duration_s = entry.get("duration_s", 0.0)
    if (
        not isinstance(error, str)
        or not isinstance(truncated, bool)
        or not isinstance(duration_s, int | float)
    ):
        raise _damaged(manifest, f"the entry for {command!r} is not valid")
    said = _words(entry.get("error_words"), manifest)
    name = entry.get("file")
    if name is None:
        return CommandResult(command, None, error, float(duration_s), truncated, said), None
    if not isinstance(name, str) or not _SAFE_NAME.fullmatch(name) or name == MANIFEST:
        raise _damaged(manifest, f"the file name for {command!r} is not allowed: {name!r:.120}")
    data = _read_verified(root / name, inside(real, root / name, "capture_folder"), entry)
    return CommandResult(command, data, error, float(duration_s), truncated, said), name


def _words(data: object, manifest: Path) -> Words | None:
    """A saved reason's message (None when none was saved, or this version has no such
    message: its English words are kept beside it)."""
    if data is None:
        return None
    try:
        said = from_json(data)
    except ValueError as exc:
        raise _damaged(manifest, f"a saved message is not valid: {exc}") from exc
    return said if _all_known(said) else None


def _all_known(said: Words) -> bool:
    english = catalogue(ENGLISH)
    if not english.has(said.key):
        return False
    for _, value in said.values:
        nested = (value,) if isinstance(value, Words) else value if isinstance(value, tuple) else ()
        if not all(_all_known(item) for item in nested):
            return False
    return True


def _read_verified(path: Path, real: Path, entry: Mapping[str, object]) -> bytes:
    """``path`` as listed, ``real`` where it leads (inside the folder); checked by hash."""
    expected_hash = entry.get("sha256")
    expected_size = entry.get("size_bytes")
    if not isinstance(expected_hash, str) or not isinstance(expected_size, int):
        raise _damaged(path.parent / MANIFEST, f"no hash or size recorded for {path.name}")
    if not real.is_file():
        raise InputChanged.said(
            "input_errors.capture_incomplete", f"{path} is not a regular file", name=path.name
        )
    try:
        with real.open("rb") as handle:
            data = handle.read(MAX_COMMAND_BYTES + 1)
    except OSError as exc:
        raise InputMissing.said(
            "input_errors.unreadable_capture_file", str(exc), path=path
        ) from exc
    actual_hash = hashlib.sha256(data).hexdigest()
    if len(data) != expected_size or actual_hash != expected_hash.lower():
        raise InputChanged.said(
            "input_errors.capture_changed",
            f"{path}: expected {expected_size} bytes sha256 {expected_hash}, "
            f"found {len(data)} bytes sha256 {actual_hash}",
            name=path.name,
        )
    return data


def _write_private_folder(target: Path, contents: Mapping[str, bytes], kind: str) -> Path:
    """Write every file into a private temporary folder, then rename it to ``target``.

    ``kind`` (``capture`` or ``simulator_profile``) names what is saved in the message ids."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ReportError.said(
            f"input_errors.exists_{kind}",
            "refusing to write into a folder that already holds files",
            path=target,
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _temporary_folder(target) as temporary:
            for name, data in contents.items():
                _write_private_file(temporary / name, data)
            os.chmod(temporary, DIR_MODE)
            if target.exists():
                target.rmdir()  # empty, checked above; rename cannot replace it on Windows
            os.rename(temporary, target)
    except OSError as exc:
        raise ReportError.said(f"input_errors.not_written_{kind}", str(exc), path=target) from exc
    return target


@contextmanager
def _temporary_folder(target: Path) -> Iterator[Path]:
    # mkdtemp makes the folder 0700, beside the target so the rename stays on one disk.
    temporary = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield temporary
    finally:
        if temporary.exists():
            shutil.rmtree(temporary, ignore_errors=True)


def _write_private_file(path: Path, data: bytes) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags, FILE_MODE)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, FILE_MODE)  # exactly 0600, whatever the umask
