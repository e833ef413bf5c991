"""The shell protocol (``shell,v2``): stdout, stderr and the exit status on one stream.

Written from AOSP ``adb/shell_protocol.h`` and ``daemon/services.cpp``. The service name
is ``shell[,arg,...]:command``; the arguments are ``v2`` (this protocol), ``raw`` or
``pty``, and ``TERM=<name>``; adbd ignores any other. Every packet is a 1-byte id, a
4-byte little-endian length and the data. adbd sends stdout and stderr packets as the
command writes them, then one exit packet holding the status byte, then closes.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from scanner.simulator.faults import Marker, Piece

ID_STDIN: Final = 0
ID_STDOUT: Final = 1
ID_STDERR: Final = 2
ID_EXIT: Final = 3
ID_CLOSE_STDIN: Final = 4
ID_WINDOW_SIZE: Final = 5

HEADER: Final = struct.Struct("<BI")


@dataclass(frozen=True, slots=True)
class ShellRequest:
    """How a host asked for a shell: the arguments between ``shell`` and ``:``."""

    shell_protocol: bool = False
    pty: bool = False
    """A terminal: output ``\\n`` becomes ``\\r\\n`` and stderr shares it with stdout."""
    term: str = "dumb"


def parse_shell_arguments(arguments: str) -> ShellRequest:
    """``v2,raw`` / ``v2,TERM=xterm,pty`` -> a request; an empty command means a PTY."""
    v2, pty, term = False, None, "dumb"
    for argument in arguments.split(","):
        if argument == "v2":
            v2 = True
        elif argument in ("raw", "pty"):
            pty = argument == "pty"
        elif argument.startswith("TERM="):
            term = argument.removeprefix("TERM=")
        # Anything else is ignored, as adbd does ("to allow for future expansion").
    return ShellRequest(shell_protocol=v2, pty=bool(pty), term=term)


def packet(packet_id: int, data: bytes = b"") -> bytes:
    """One shell-protocol packet."""
    return HEADER.pack(packet_id, len(data)) + data


def onlcr(data: bytes) -> bytes:
    """What a PTY in its default mode does to output: each ``\\n`` leaves as ``\\r\\n``."""
    return data.replace(b"\n", b"\r\n")


def framed(stdout: Iterable[Piece], stderr: bytes, status: int, max_data: int) -> Iterator[Piece]:
    """stdout pieces as packets of at most ``max_data`` bytes, then stderr, then the exit.

    A marker (a planned hang or drop) passes through and ends the answer there: a
    command cut short never reports a status.
    """
    for piece in stdout:
        if isinstance(piece, Marker):
            yield piece
            return
        yield from _packets(ID_STDOUT, piece, max_data)
    yield from _packets(ID_STDERR, stderr, max_data)
    yield packet(ID_EXIT, bytes([status & 0xFF]))


def _packets(packet_id: int, data: bytes, max_data: int) -> Iterator[bytes]:
    for start in range(0, len(data), max_data):
        yield packet(packet_id, data[start : start + max_data])
