"""Find one command's output inside a larger Android text dump (bug report, full dumpsys).

Pure functions over bytes, so a section comes out byte for byte as the phone printed it.

Formats (AOSP ``frameworks/native/cmds/dumpsys/dumpsys.cpp`` and
``cmds/dumpstate/dumpstate.cpp``, ``DumpstateUtil.cpp``):

- ``dumpsys`` run on several services (plain ``adb shell dumpsys``, and every bug report's
  ``------ DUMPSYS (/system/bin/dumpsys) ------`` section) opens each service with a line of
  79 dashes and ``DUMP OF SERVICE <name>:`` (``DUMP OF SERVICE CRITICAL <name>:`` /
  ``HIGH`` in the priority sections), then the service's own output, then the trailer
  ``--------- 0.123s was the duration of dumpsys <name>, ending at: 2024-01-31 10:00:00``
  (the ``ending at`` part is newer; the oldest phones print no trailer at all, and the
  next dashed line ends the block).
- Bug reports from recent dumpstate versions ask dumpsys for the service's PID, binder
  threads and clients too, so a block can start with ``Service host process PID: 1234``,
  ``Threads in use: 3/32`` and ``Client PIDs: ...`` lines that ``adb shell dumpsys <name>``
  never prints; they are removed.
- A service that did not finish in time ends with
  ``*** SERVICE '<name>' DUMP TIMEOUT (10000ms) EXPIRED ***``: its output is incomplete.
- Other dumpstate sections open with ``------ TITLE (command args) ------``; the trailer
  ``------ 0.074s was the duration of 'TITLE' ------`` is only printed when the command
  took half a second or more (newer dumpstate versions), so a section ends at the next
  ``------ `` or ``====`` line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

_HEADER_WORDS: Final = b"DUMP OF SERVICE "
_HEADER: Final = re.compile(
    rb"DUMP OF SERVICE (?:(?P<priority>CRITICAL|HIGH|NORMAL) )?(?P<name>\S+):(?=\r?\n|\Z)"
)
_DASHES_BEFORE_HEADER: Final = re.compile(rb"-{78,}\r?\n$")
_TIMEOUT: Final = re.compile(
    rb"\r?\n\*\*\* SERVICE '[^'\n]*' DUMP TIMEOUT \(\d+ms\) EXPIRED \*\*\*\r?\n(?:\r?\n)?$"
)
# dumpstate's own lines about the service, printed before the service's output.
_BINDER_INFO: Final = re.compile(
    rb"(?:Service host process PID: \d+|Threads in use: \d+/\d+|Client PIDs: [\d, ]*"
    rb"|Client PIDs are not available for local binders\.)\r?\n"
)
_SECTION_BREAK: Final = re.compile(rb"^(?:------ |={20,})", re.MULTILINE)
_COMMAND_FAILED: Final = re.compile(rb"\*\*\* command '[^'\n]*' (?:timed out|failed|: Error)")


@dataclass(frozen=True, slots=True)
class Section:
    """One command's output cut out of a larger dump."""

    output: bytes
    truncated: bool = False
    """True when the dump says the command was cut short (timeout, no trailer at the end)."""
    duration_s: float = 0.0
    """From the trailer, where there is one."""


def _headers(data: bytes) -> list[re.Match[bytes]]:
    """Every ``DUMP OF SERVICE`` line; found with ``bytes.find`` (dumps are 100+ MB)."""
    headers: list[re.Match[bytes]] = []
    position = data.find(_HEADER_WORDS)
    while position != -1:
        at_line_start = position == 0 or data[position - 1 : position] == b"\n"
        match = _HEADER.match(data, position) if at_line_start else None
        if match is not None:
            headers.append(match)
        position = data.find(_HEADER_WORDS, position + len(_HEADER_WORDS))
    return headers


def _footer(data: bytes, name: bytes, start: int, limit: int) -> re.Match[bytes] | None:
    """The block's ``--------- ...s was the duration of dumpsys <name>`` trailer."""
    needle = b"s was the duration of dumpsys " + name
    pattern = re.compile(
        rb"--------- (?P<seconds>\d+(?:\.\d+)?)s was the duration of dumpsys "
        + re.escape(name)
        + rb"(?=,|\r?\n|\Z)(?:, ending at: [^\n]*)?\r?\n?"
    )
    position = data.find(needle, start, limit)
    while position != -1:
        # The seconds come before the words: back up to the start of the trailer.
        begin = data.rfind(b"--------- ", max(start, position - 40), position)
        if begin != -1:
            match = pattern.match(data, begin)
            if match is not None:
                return match
        position = data.find(needle, position + 1, limit)
    return None


def dumpsys_services(data: bytes, *, ends_at_eof: bool = False) -> dict[str, Section]:
    """Every ``DUMP OF SERVICE`` block of normal priority, by service name.

    ``ends_at_eof``: the text is one whole ``dumpsys`` run, so a last block with no
    trailer (the oldest phones) ended with the file rather than being cut off.

    The ``CRITICAL``/``HIGH`` blocks of a bug report hold only part of a service's dump
    (what it prints for that priority), so they are not what ``dumpsys <name>`` prints and
    are skipped. The first block of a name wins.
    """
    headers = _headers(data)
    services: dict[str, Section] = {}
    for index, header in enumerate(headers):
        if header["priority"] not in (None, b"NORMAL"):
            continue
        name = header["name"].decode("utf-8", errors="replace")
        if name in services:
            continue
        start = header.end()
        if data[start : start + 2] == b"\r\n":
            start += 2
        elif data[start : start + 1] == b"\n":
            start += 1
        limit = headers[index + 1].start() if index + 1 < len(headers) else len(data)
        services[name] = _service_block(data, start, limit, header["name"], ends_at_eof)
    return services


def _service_block(data: bytes, start: int, limit: int, name: bytes, ends_at_eof: bool) -> Section:
    footer = _footer(data, name, start, limit)
    truncated = False
    duration_s = 0.0
    if footer is not None:
        body = data[start : footer.start()]
        duration_s = float(footer["seconds"])
    else:
        # The oldest phones print no trailer: the block ends at the next block's dashed
        # line, or at the next dumpstate section; with neither, the dump stopped mid-way.
        body = data[start:limit]
        stop = _SECTION_BREAK.search(body)
        if stop is not None:
            body = body[: stop.start()]
        dashes = _DASHES_BEFORE_HEADER.search(body)
        if dashes is not None:
            body = body[: dashes.start()]
        truncated = stop is None and limit == len(data) and not ends_at_eof
    # dumpstate's PID/threads/clients lines come first, before the service speaks.
    position = 0
    while match := _BINDER_INFO.match(body, position):
        position = match.end()
    body = body[position:]
    # The timeout notice can only be the last thing in the block: look at the tail only.
    tail_start = max(0, len(body) - 512)
    timeout = _TIMEOUT.search(body, tail_start) if b"*** SERVICE '" in body[tail_start:] else None
    if timeout is not None:
        body = body[: timeout.start()]
        truncated = True
    return Section(body, truncated, duration_s)


def command_section(data: bytes, title: bytes) -> Section | None:
    """The output of a dumpstate ``RunCommand`` section such as ``SYSTEM PROPERTIES``.

    None when the dump has no such section.
    """
    pattern = re.compile(rb"------ " + re.escape(title) + rb"(?: \([^\n]*\))? ------\r?\n")
    words = b"------ " + title
    header = None
    position = data.find(words)
    while position != -1 and header is None:
        if position == 0 or data[position - 1 : position] == b"\n":
            header = pattern.match(data, position)
        position = data.find(words, position + len(words))
    if header is None:
        return None
    stop = _SECTION_BREAK.search(data, header.end())
    end = stop.start() if stop is not None else len(data)
    body = data[header.end() : end]
    truncated = stop is None
    failed = _COMMAND_FAILED.search(body)
    if failed is not None:
        body = body[: failed.start()]
        truncated = True
    return Section(body, truncated)
