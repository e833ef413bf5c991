"""An androidqf acquisition folder -> ``RawCapture``.

androidqf (``mvt-project/androidqf``, the collector MVT reads) saves each command's output
in its own file, trimmed of surrounding white space (its ``adb.Shell`` trims):

- ``getprop.txt``: ``adb shell getprop``
- ``dumpsys.txt``: ``adb shell dumpsys``, every service as a ``DUMP OF SERVICE`` block
- ``settings_global.txt`` / ``settings_secure.txt`` / ``settings_system.txt``:
  ``cmd settings list <namespace>`` (the same text as ``settings list``)
- ``root_binaries.json`` (newer versions): a JSON list of ``which -a <name>`` outputs for
  ``su``, ``magisk``, ``busybox`` ...
- ``packages.json``, ``processes.txt``, ``logcat.txt``, ``logs/``, ``apks/`` ...: not
  used; ``dumpsys.txt`` already holds what ``dumpsys package`` says.

Files already in a command's format are used unchanged. MVT finds the files with
``*/getprop.txt`` patterns, so the files may sit in one sub-folder: that is accepted too.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Final

from scanner.device.allowlist import GETPROP, SETTINGS_GLOBAL, SETTINGS_SECURE, WHICH_SU
from scanner.errors import ScannerError
from scanner.model import CommandResult, RawCapture
from scanner.offline.bugreport import DUMPSYS_COMMANDS, SETTINGS_COMMANDS, settings_result
from scanner.offline.common import (
    in_scan_order,
    read_capped,
    section_result,
    serial_from_getprop,
)
from scanner.offline.sections import Section, dumpsys_services

TRANSPORT: Final = "androidqf"
NOT_PRESENT: Final = "not in this androidqf folder"

MAX_FILE_BYTES: Final = 512 * 1024 * 1024
"""A full ``dumpsys`` is tens of MB; a file past this is not what it says it is. (Each
command's output is then cut at the live scan's limit, as a live scan would cut it.)"""

MAX_SMALL_FILE_BYTES: Final = 4 * 1024 * 1024
"""``root_binaries.json`` is a few lines."""

GETPROP_FILE: Final = "getprop.txt"
DUMPSYS_FILE: Final = "dumpsys.txt"
ROOT_BINARIES_FILE: Final = "root_binaries.json"
SETTINGS_FILES: Final = {
    SETTINGS_GLOBAL: "settings_global.txt",
    SETTINGS_SECURE: "settings_secure.txt",
}
_MARKER_FILES: Final = (GETPROP_FILE, DUMPSYS_FILE, *SETTINGS_FILES.values())


def load_androidqf(folder: str | Path) -> RawCapture:
    """Read an androidqf output folder into a capture.

    Raises ScannerError when the folder is missing or holds none of androidqf's files.
    """
    root = _acquisition_root(Path(folder))
    found: dict[str, CommandResult] = {}

    getprop = _file(root, GETPROP_FILE, MAX_FILE_BYTES)
    if getprop is not None:
        found[GETPROP] = section_result(GETPROP, Section(getprop))

    dumpsys = _file(root, DUMPSYS_FILE, MAX_FILE_BYTES)
    services = dumpsys_services(dumpsys, ends_at_eof=True) if dumpsys is not None else {}
    for command, service in DUMPSYS_COMMANDS.items():
        if service in services:
            found[command] = section_result(command, services[service])

    for command, name in SETTINGS_FILES.items():
        listed = _file(root, name, MAX_FILE_BYTES)
        if listed is not None:
            found[command] = section_result(command, Section(listed))
        elif "settings" in services:
            # Older androidqf versions saved no settings files; the dump has them.
            result = settings_result(
                command, SETTINGS_COMMANDS[command], services["settings"], "androidqf dumpsys"
            )
            if result is not None:
                found[command] = result

    which_su = _which_su(root)
    if which_su is not None:
        found[WHICH_SU] = CommandResult(WHICH_SU, which_su)

    return RawCapture(
        results=in_scan_order(found, NOT_PRESENT),
        serial=serial_from_getprop(getprop),
        transport=TRANSPORT,
    )


def _acquisition_root(folder: Path) -> Path:
    """The folder holding androidqf's files: the one given, or its single sub-folder."""
    if not folder.is_dir():
        raise ScannerError(f"There is no androidqf folder at {folder}.")
    if any((folder / name).is_file() for name in _MARKER_FILES):
        return folder
    inner = [
        child
        for child in sorted(folder.iterdir())
        if child.is_dir() and any((child / name).is_file() for name in _MARKER_FILES)
    ]
    if len(inner) == 1:
        return inner[0]
    if len(inner) > 1:
        raise ScannerError(
            f"The folder {folder} holds several androidqf acquisitions; choose one of them.",
            ", ".join(child.name for child in inner),
        )
    raise ScannerError(
        f"{folder} does not look like an androidqf folder.",
        f"none of {', '.join(_MARKER_FILES)} in it or in a sub-folder",
    )


def _file(root: Path, name: str, limit: int) -> bytes | None:
    path = root / name
    if not path.is_file():
        return None
    # A link out of the folder would make the scan read something the user did not give.
    if not path.resolve().is_relative_to(root.resolve()):
        raise ScannerError(
            f"{path} points outside the androidqf folder; it was not read.",
            f"resolves to {path.resolve()}",
        )
    return read_capped(path, limit, "androidqf file")


def _which_su(root: Path) -> bytes | None:
    """What ``which su`` would print, from ``root_binaries.json``; None without the file."""
    data = _file(root, ROOT_BINARIES_FILE, MAX_SMALL_FILE_BYTES)
    if data is None:
        return None
    try:
        entries = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ScannerError(
            f"The androidqf file {root / ROOT_BINARIES_FILE} is damaged.", str(exc)
        ) from exc
    if not isinstance(entries, list):
        return None
    # Each entry is one ``which -a <name>`` output (paths, one a line); ``which su``
    # prints the first ``su`` on PATH, and nothing when there is none.
    for entry in entries:
        if not isinstance(entry, str):
            continue
        for line in entry.splitlines():
            path = line.strip()
            if path.startswith("/") and PurePosixPath(path).name == "su":
                return f"{path}\n".encode()
    return b""
