"""An androidqf acquisition (a folder, or the ``.zip`` androidqf writes) -> ``RawCapture``,
with what ``packages.json`` recorded of each app's files.

androidqf (``mvt-project/androidqf``, the collector MVT reads) saves each command's output
in its own file, trimmed of surrounding white space (its ``adb.Shell`` trims):

- ``getprop.txt``: ``adb shell getprop``
- ``dumpsys.txt``: ``adb shell dumpsys``, every service as a ``DUMP OF SERVICE`` block
- ``settings_global.txt`` / ``settings_secure.txt`` / ``settings_system.txt``:
  ``cmd settings list <namespace>`` (the same text as ``settings list``)
- ``root_binaries.json`` (newer versions): a JSON list of ``which -a <name>`` outputs for
  ``su``, ``magisk``, ``busybox`` ...
- ``packages.json``: per app, its files' hashes and signing certificate digests
  (``packages_json``); fed to the same certificate and hash checks as a live scan's pulls.
- ``processes.txt``, ``logcat.txt``, ``logs/``, ``apks/`` ...: not used; ``dumpsys.txt``
  already holds what ``dumpsys package`` says.

androidqf never asks which apps have an icon (the launcher query): that part is named
as not available in this kind of input.

Files already in a command's format are used unchanged. MVT finds the files with
``*/getprop.txt`` patterns, so the files may sit in one sub-folder: that is accepted too.
Newer androidqf versions write the acquisition straight into ``<uuid>.zip`` (files at its
top level); a zipped folder is read the same way. Every file is read inside the folder or
zip the user gave: a link (file or sub-folder) that leads out of it is refused.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Final, Protocol

from scanner.errors import InputDamaged, InputMissing, InputNotRecognised
from scanner.model import ApkFacts, CommandResult, RawCapture, Words
from scanner.offline.archive import ZipInput
from scanner.offline.bugreport import settings_result
from scanner.offline.common import (
    OfflineInput,
    in_scan_order,
    inside,
    not_applicable,
    read_capped,
    section_result,
    serial_from_getprop,
)
from scanner.offline.packages_json import apk_facts, certificate_unknown, parse_packages_json
from scanner.offline.sections import Section, dumpsys_services
from scanner.phrases import words
from scanner.sources import (
    SOURCES,
    NotHeld,
    OfflinePlace,
    Properties,
    RootSearch,
    Service,
    SettingsTable,
)

TRANSPORT: Final = "androidqf"
NOT_PRESENT: Final = "not in this androidqf folder"

NOT_HELD: Final = {
    source.command: source.androidqf.reason
    for source in SOURCES
    if isinstance(source.androidqf, NotHeld)
}
"""What androidqf never collects: named as not available, not as unread."""

MAX_FILE_BYTES: Final = 512 * 1024 * 1024
"""A full ``dumpsys`` is tens of MB; a file past this is not what it says it is. (Each
command's output is then cut at the live scan's limit, as a live scan would cut it.)"""

MAX_SMALL_FILE_BYTES: Final = 4 * 1024 * 1024
"""``root_binaries.json`` is a few lines."""

MAX_PACKAGES_BYTES: Final = 64 * 1024 * 1024
"""``packages.json`` is about 1.5 KB per app."""

GETPROP_FILE: Final = "getprop.txt"
DUMPSYS_FILE: Final = "dumpsys.txt"
ROOT_BINARIES_FILE: Final = "root_binaries.json"
PACKAGES_FILE: Final = "packages.json"
SETTINGS_FILES: Final = {
    row.command: f"settings_{row.androidqf.namespace}.txt"
    for row in SOURCES
    if isinstance(row.androidqf, SettingsTable)
}
_MARKER_FILES: Final = (GETPROP_FILE, DUMPSYS_FILE, PACKAGES_FILE, *SETTINGS_FILES.values())
_AGE_MAGIC: Final = b"age-encryption.org/"
_IGNORED_FOLDERS: Final = frozenset({"__MACOSX"})
"""What a Mac's zip tool adds beside the real files."""


class _Source(Protocol):
    """The folder or zip the user gave, read by relative (``/``-separated) names."""

    def has(self, name: str) -> bool: ...

    def folders(self) -> list[str]: ...

    def read(self, name: str, limit: int) -> bytes: ...


class _Folder:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.real = folder.resolve()  # the one folder everything must stay inside

    def has(self, name: str) -> bool:
        return (self.folder / name).is_file()

    def folders(self) -> list[str]:
        try:
            children = sorted(self.folder.iterdir())
        except OSError as exc:
            raise InputMissing.said(
                "input_errors.unreadable_androidqf_folder", str(exc), path=self.folder
            ) from exc
        return [child.name for child in children if child.is_dir()]

    def read(self, name: str, limit: int) -> bytes:
        real = inside(self.real, self.folder / name, "androidqf_folder")
        return read_capped(real, limit, "androidqf_file")

    def check_inside(self, name: str) -> None:
        inside(self.real, self.folder / name, "androidqf_folder")


class _Zip:
    def __init__(self, archive: ZipInput) -> None:
        self.archive = archive

    def has(self, name: str) -> bool:
        return name in self.archive.entries

    def folders(self) -> list[str]:
        return sorted({name.split("/", 1)[0] for name in self.archive.entries if "/" in name})

    def read(self, name: str, limit: int) -> bytes:
        return self.archive.read(name, limit)


def load_androidqf(path: str | Path) -> RawCapture:
    """Read an androidqf folder or zip into a capture (``read_androidqf`` without the
    app file records)."""
    return read_androidqf(path).capture


def read_androidqf(path: str | Path) -> OfflineInput:
    """Read an androidqf folder or ``.zip``: the commands' outputs and ``packages.json``.

    Raises InputMissing when it is not there or cannot be read, and an InputRefused error
    when it is not an androidqf acquisition, is damaged or encrypted, or a link in it leads
    outside the folder given.
    """
    given = Path(path)
    if given.is_dir():
        return _read(_Folder(given), given)
    if not given.is_file():
        raise InputMissing.said("input_errors.no_androidqf", path=given)
    if given.name.endswith(".age") or _starts_with(given, _AGE_MAGIC):
        raise InputDamaged.said(
            "input_errors.androidqf_encrypted", "age-encrypted file", path=given
        )
    if not zipfile.is_zipfile(given):
        raise InputNotRecognised.said(
            "input_errors.androidqf_not_zip", "no zip end-of-central-directory record", path=given
        )
    with ZipInput(given, "androidqf_zip") as archive:
        return _read(_Zip(archive), given)


def _read(source: _Source, given: Path) -> OfflineInput:
    prefix = _acquisition_prefix(source, given)
    found: dict[str, CommandResult] = {}

    getprop = _file(source, prefix + GETPROP_FILE, MAX_FILE_BYTES)
    dumpsys = _file(source, prefix + DUMPSYS_FILE, MAX_FILE_BYTES)
    services = dumpsys_services(dumpsys, ends_at_eof=True) if dumpsys is not None else {}
    for row in SOURCES:
        result = _from_place(row.command, row.androidqf, source, prefix, given, getprop, services)
        if result is not None:
            found[row.command] = result

    capture = RawCapture(
        results=in_scan_order(found, NOT_PRESENT, NOT_HELD),
        serial=serial_from_getprop(getprop),
        transport=TRANSPORT,
        not_applicable=not_applicable(found, NOT_HELD),
    )
    return _with_app_files(capture, _file(source, prefix + PACKAGES_FILE, MAX_PACKAGES_BYTES))


def _from_place(
    command: str,
    place: OfflinePlace,
    source: _Source,
    prefix: str,
    given: Path,
    getprop: bytes | None,
    services: Mapping[str, Section],
) -> CommandResult | None:
    """One command's output as this acquisition holds it, or None when it does not."""
    if isinstance(place, Properties):
        return None if getprop is None else section_result(command, Section(getprop))
    if isinstance(place, Service):
        found = services.get(place.name)
        return None if found is None else section_result(command, found)
    if isinstance(place, SettingsTable):
        listed = _file(source, prefix + SETTINGS_FILES[command], MAX_FILE_BYTES)
        if listed is not None:
            return section_result(command, Section(listed))
        if "settings" in services:
            # Older androidqf versions saved no settings files; the dump has them.
            return settings_result(
                command, place.namespace, services["settings"], "androidqf dumpsys"
            )
        return None
    if isinstance(place, RootSearch):
        which_su = _which_su(source, prefix + ROOT_BINARIES_FILE, given)
        return None if which_su is None else CommandResult(command, which_su)
    return None  # NotHeld: named by NOT_HELD


def _with_app_files(capture: RawCapture, raw: bytes | None) -> OfflineInput:
    """The capture with what ``packages.json`` recorded of each app's files."""
    if raw is None:
        return OfflineInput(
            capture,
            unlisted_reason=words("problems.known_androidqf_no_packages"),
        )
    try:
        recorded = parse_packages_json(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return OfflineInput(
            capture,
            unlisted_reason=words("problems.androidqf_packages_unreadable", error=str(exc)),
        )
    apks: dict[str, ApkFacts] = {}
    unchecked: dict[str, Words] = {}
    for package in recorded.packages:
        facts = apk_facts(package)
        if facts is not None:
            apks.setdefault(package.name, facts)
        reason = certificate_unknown(package)
        if reason is not None:
            unchecked.setdefault(package.name, reason)
    return OfflineInput(
        capture,
        apks=apks,
        unchecked=unchecked,
        unlisted_reason=words("problems.known_androidqf_unlisted"),
    )


def _acquisition_prefix(source: _Source, given: Path) -> str:
    """Where androidqf's files are: ``""`` (the top) or ``"<one sub-folder>/"``."""
    if any(source.has(name) for name in _MARKER_FILES):
        return ""
    inner = [
        folder
        for folder in source.folders()
        if folder not in _IGNORED_FOLDERS
        and any(source.has(f"{folder}/{name}") for name in _MARKER_FILES)
    ]
    if len(inner) == 1:
        if isinstance(source, _Folder):
            source.check_inside(inner[0])  # a linked sub-folder must not lead elsewhere
        return f"{inner[0]}/"
    if len(inner) > 1:
        raise InputNotRecognised.said(
            "input_errors.androidqf_several", ", ".join(inner), path=given
        )
    raise InputNotRecognised.said(
        "input_errors.androidqf_not_recognised",
        f"none of {', '.join(_MARKER_FILES)} in it or in a sub-folder",
        path=given,
    )


def _file(source: _Source, name: str, limit: int) -> bytes | None:
    return source.read(name, limit) if source.has(name) else None


def _starts_with(path: Path, magic: bytes) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(magic)) == magic
    except OSError as exc:
        raise InputMissing.said(
            "input_errors.unreadable_androidqf_file", str(exc), path=path
        ) from exc


def _which_su(source: _Source, name: str, given: Path) -> bytes | None:
    """What ``which su`` would print, from ``root_binaries.json``; None without the file."""
    data = _file(source, name, MAX_SMALL_FILE_BYTES)
    if data is None:
        return None
    try:
        entries = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputDamaged.said(
            "input_errors.damaged_androidqf_file", str(exc), path=given / name
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
