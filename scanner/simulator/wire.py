"""The ADB transport message: a 24-byte little-endian header and an optional payload.

Written from AOSP ``adb/protocol.txt``: six u32 words (command, arg0, arg1, data_length,
data_check, magic), where ``magic == command ^ 0xffffffff`` and ``data_check`` is the plain
sum of the payload bytes (named "crc32" in the header struct, but never a CRC) below
protocol version 0x01000001, and 0 from it: adbd's ``send_packet`` fills it in only for a
transport whose settled version (the lower of the two CNXN versions) is older.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Final

from scanner.device.checksum import byte_sum

HEADER_FORMAT: Final = "<6I"
HEADER_SIZE: Final = struct.calcsize(HEADER_FORMAT)


def _word(name: bytes) -> int:
    return int.from_bytes(name, "little")


A_SYNC: Final = _word(b"SYNC")
A_CNXN: Final = _word(b"CNXN")
A_AUTH: Final = _word(b"AUTH")
A_OPEN: Final = _word(b"OPEN")
A_OKAY: Final = _word(b"OKAY")
A_CLSE: Final = _word(b"CLSE")
A_WRTE: Final = _word(b"WRTE")
A_STLS: Final = _word(b"STLS")

KNOWN_COMMANDS: Final = frozenset({A_SYNC, A_CNXN, A_AUTH, A_OPEN, A_OKAY, A_CLSE, A_WRTE, A_STLS})

# arg0 of an AUTH message.
AUTH_TOKEN: Final = 1
AUTH_SIGNATURE: Final = 2
AUTH_RSAPUBLICKEY: Final = 3

# Protocol versions: 0x01000001 lets both sides skip the payload checksum (Android 9+).
A_VERSION_MIN: Final = 0x01000000
A_VERSION_SKIP_CHECKSUM: Final = 0x01000001
A_VERSION: Final = A_VERSION_SKIP_CHECKSUM
"""What this adbd speaks unless told otherwise (``SimulatedPhone(adb_version=...)``)."""

DEVICE_MAX_PAYLOAD: Final = 256 * 1024
"""What adbd offers in its CNXN (MAX_PAYLOAD since Android 7)."""

LIMIT_PAYLOAD: Final = 1024 * 1024
"""The largest payload we accept from a host before treating the stream as corrupt."""


def command_name(command: int) -> str:
    """The four-letter name of a command word, for logs (``'????'`` when not ASCII)."""
    raw = command.to_bytes(4, "little")
    return raw.decode("ascii") if raw.isascii() and raw.isalpha() else f"0x{command:08x}"


def checksum(data: bytes) -> int:
    """The ``data_check`` value: the sum of the payload bytes, modulo 2**32.

    Only for a host that settled below 0x01000001 (``pack_message``), and to check what a
    host sends. Summed over whole slices in C (``byte_sum``, proved equal to the plain sum
    by its tests): a Python ``sum`` takes 2 ms per 256 KB message.
    """
    return byte_sum(data)


@dataclass(frozen=True, slots=True)
class Header:
    """A decoded 24-byte message header."""

    command: int
    arg0: int
    arg1: int
    data_length: int
    data_check: int
    magic: int


class ProtocolError(Exception):
    """The host sent bytes that are not a valid ADB message; the connection must close."""


def pack_message(
    command: int, arg0: int, arg1: int, data: bytes = b"", *, version: int = A_VERSION_MIN
) -> bytes:
    """Header plus payload for a transport settled on ``version``: as adbd's ``send_packet``,
    the checksum is filled in below 0x01000001 (such hosts verify it) and 0 from it (not
    computed: hosts that speak 0x01000001 check no payload)."""
    header = struct.pack(
        HEADER_FORMAT,
        command,
        arg0 & 0xFFFFFFFF,
        arg1 & 0xFFFFFFFF,
        len(data),
        checksum(data) if version < A_VERSION_SKIP_CHECKSUM else 0,
        command ^ 0xFFFFFFFF,
    )
    return header + data


def unpack_header(raw: bytes) -> Header:
    """Decode and validate a header; raise ProtocolError for a bad magic or size."""
    if len(raw) != HEADER_SIZE:
        raise ProtocolError(f"short header: {len(raw)} bytes")
    header = Header(*struct.unpack(HEADER_FORMAT, raw))
    if header.magic != header.command ^ 0xFFFFFFFF:
        raise ProtocolError(f"bad magic 0x{header.magic:08x} for {command_name(header.command)}")
    if header.command not in KNOWN_COMMANDS:
        raise ProtocolError(f"unknown command {command_name(header.command)}")
    if header.data_length > LIMIT_PAYLOAD:
        raise ProtocolError(f"payload of {header.data_length} bytes is over the limit")
    return header


def check_payload(header: Header, data: bytes) -> None:
    """Accept a zero checksum (hosts at 0x01000001 skip it) or the right one; reject
    anything else (adbd no longer checks; the simulator stays strict to catch host bugs)."""
    if header.data_check not in (0, checksum(data)):
        raise ProtocolError(
            f"checksum 0x{header.data_check:08x} does not match payload of"
            f" {command_name(header.command)}"
        )
