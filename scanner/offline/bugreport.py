"""An Android bug report (``adb bugreport`` zip, or its main ``.txt``) -> ``RawCapture``.

A bug report zip holds ``main_entry.txt`` (the name of the main text file, Android 7+),
that main ``bugreport-<device>-<build>-<date>.txt``, ``version.txt``, ``FS/...``,
``proto/...`` and more. Everything the scan reads is in the main text: build properties in
``------ SYSTEM PROPERTIES (getprop) ------``, the system services in
``------ DUMPSYS (/system/bin/dumpsys) ------`` as ``DUMP OF SERVICE <name>:`` blocks, the
settings as the ``settings`` service's dump (see ``sections`` and ``settings_dump``).

Nothing is extracted to disk: the zip is read in memory, one entry, with a size cap that
is checked against the header and again while reading (a zip can lie about sizes).
"""

from __future__ import annotations

import fnmatch
import logging
import zipfile
from pathlib import Path
from typing import Final

from scanner.commands import (
    GETPROP,
)
from scanner.errors import InputMissing, InputNotRecognised
from scanner.model import APK_FILES, CommandResult, RawCapture
from scanner.offline.archive import ZipInput
from scanner.offline.common import (
    in_scan_order,
    not_applicable,
    read_capped,
    section_result,
    serial_from_getprop,
)
from scanner.offline.sections import Section, command_section, dumpsys_services
from scanner.offline.settings_dump import settings_list_from_dump
from scanner.sources import SOURCES, NotHeld, Properties, Service, SettingsTable

logger = logging.getLogger(__name__)

TRANSPORT: Final = "bugreport"
NOT_PRESENT: Final = "not in this bug report"

MAX_MAIN_BYTES: Final = 512 * 1024 * 1024
"""The largest main text accepted. Real ones are 20-250 MB; a zip bomb is far larger."""

MAX_POINTER_BYTES: Final = 4096
"""``main_entry.txt`` only holds a file name."""

NOT_HELD: Final = {
    **{
        source.command: source.bugreport.reason
        for source in SOURCES
        if isinstance(source.bugreport, NotHeld)
    },
    APK_FILES: "a bug report does not hold the apps' files, so their signing certificates "
    "and file hashes cannot be checked",
}
"""What dumpstate never collects: named in the report as not available, not as unread."""

SETTINGS_USER: Final = 0
"""``settings list`` on a live phone reads the current user; a bug report does not say
which user was current, so the phone's main user is read (as the snapshot does)."""

# Names the main text has had: AOSP (Android 7+, also named by main_entry.txt), then the
# older and vendor names MVT also looks for.
_MAIN_PATTERNS: Final = ("bugreport-*.txt", "bugreport.txt", "dumpstate*.txt", "dumpState_*.log")
_MARKERS: Final = (b"DUMP OF SERVICE ", b"------ SYSTEM PROPERTIES", b"== dumpstate:")


def load_bugreport(path: str | Path) -> RawCapture:
    """Read a bug report zip (or a plain ``bugreport.txt``) into a capture.

    Raises InputMissing when the file is not there or cannot be read, and an InputRefused
    error when it is not a bug report, has no main text, is damaged or is larger than any
    real one.
    """
    source = Path(path)
    if not source.is_file():
        raise InputMissing.said("input_errors.no_bug_report", path=source)
    if zipfile.is_zipfile(source):
        text = _main_text_from_zip(source)
    elif source.suffix.lower() == ".zip":
        raise InputNotRecognised.said(
            "input_errors.bug_report_not_zip", "no zip end-of-central-directory record", path=source
        )
    else:
        text = read_capped(source, MAX_MAIN_BYTES, "bug_report")
    if not any(marker in text for marker in _MARKERS):
        raise InputNotRecognised.said(
            "input_errors.bug_report_not_recognised",
            "no 'DUMP OF SERVICE' block and no 'SYSTEM PROPERTIES' section in the main text",
            path=source,
        )
    return capture_from_bugreport_text(text)


def capture_from_bugreport_text(text: bytes) -> RawCapture:
    """Map the sections of a bug report's main text onto the scan's commands."""
    found: dict[str, CommandResult] = {}
    props = command_section(text, b"SYSTEM PROPERTIES")
    services = dumpsys_services(text)
    for source in SOURCES:
        place = source.bugreport
        section: Section | None = None
        if isinstance(place, Properties):
            section = props
        elif isinstance(place, Service):
            section = services.get(place.name)
        elif isinstance(place, SettingsTable) and "settings" in services:
            result = settings_result(
                source.command, place.namespace, services["settings"], "bug report"
            )
            if result is not None:
                found[source.command] = result
        if section is not None:
            found[source.command] = section_result(source.command, section)
    getprop = found.get(GETPROP)
    return RawCapture(
        results=in_scan_order(found, NOT_PRESENT, NOT_HELD),
        serial=serial_from_getprop(getprop.output if getprop is not None else None),
        transport=TRANSPORT,
        not_applicable=not_applicable(found, NOT_HELD),
    )


def settings_result(
    command: str, namespace: str, dump: Section, where: str
) -> CommandResult | None:
    """``settings list <namespace>`` rebuilt from a ``dumpsys settings`` block, or None."""
    converted = settings_list_from_dump(dump.output, namespace, SETTINGS_USER)
    if converted is None:
        return None
    result = section_result(command, Section(converted.output, dump.truncated, dump.duration_s))
    if converted.unreadable_rows:
        # Rows were left out, so the output is incomplete: marked as such, the report
        # names it among what the scan could not fully read.
        logger.debug("%s: %d unreadable settings rows", command, converted.unreadable_rows)
        result = CommandResult(
            result.command,
            result.output,
            f"{converted.unreadable_rows} of the {where}'s {namespace} settings rows "
            "could not be read",
            result.duration_s,
            truncated=True,
        )
    return result


def _main_text_from_zip(source: Path) -> bytes:
    with ZipInput(source, "bug_report") as archive:
        return archive.read(_main_entry(archive, source), MAX_MAIN_BYTES)


def _main_entry(archive: ZipInput, source: Path) -> str:
    """The main text's entry: named by ``main_entry.txt``, else found by its usual name."""
    entries = archive.entries
    pointer = entries.get("main_entry.txt")
    if pointer is not None and pointer.file_size <= MAX_POINTER_BYTES:
        raw = archive.read("main_entry.txt", MAX_POINTER_BYTES)
        name = raw.decode("utf-8", errors="replace").strip()
        if name in entries:
            return name
        logger.debug("main_entry.txt names %r, which is not in the zip", name)
    top_level = [name for name in entries if "/" not in name]
    for pattern in _MAIN_PATTERNS:
        matches = fnmatch.filter(top_level, pattern)
        if matches:
            # Several (should not happen): the largest is the full report.
            return max(matches, key=lambda name: entries[name].file_size)
    raise InputNotRecognised.said(
        "input_errors.bug_report_zip_empty",
        f"none of main_entry.txt, {', '.join(_MAIN_PATTERNS)} at the top level",
        path=source,
    )
