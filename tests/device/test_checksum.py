"""The fast ADB checksum equals adb-shell's own on every kind of payload, and adb-shell
uses it when reading (a payload with a wrong checksum is still refused)."""

from __future__ import annotations

import os
import random
import struct

import pytest
from adb_shell import adb_device, adb_message
from adb_shell.adb_device import AdbDevice
from adb_shell.exceptions import InvalidChecksumError
from adb_shell.hidden_helpers import _AdbTransactionInfo
from adb_shell.transport.base_transport import BaseTransport

import scanner.device.connection  # noqa: F401  (puts the fast checksum in place)
from scanner.device.checksum import PIECE, byte_sum


def payloads() -> list[bytes]:
    rng = random.Random(16)
    sizes = [0, 1, 2, 255, PIECE - 1, PIECE, PIECE + 1, 2 * PIECE, 256 * 1024, 1024 * 1024]
    found = [bytes(0), b"\x00" * 5000, b"\xff" * (1024 * 1024), b"\xff" * PIECE]
    found += [rng.randbytes(size) for size in sizes]
    # Every byte value at once, and the largest sum any slice can have, then one more.
    found += [bytes(range(256)) * 300, b"\xff" * PIECE + b"\x01", os.urandom(333_333)]
    return found


@pytest.mark.parametrize("data", payloads(), ids=lambda d: f"{len(d)}-bytes")
def test_byte_sum_equals_adb_shells_checksum(data: bytes) -> None:
    assert byte_sum(data) == adb_message.checksum(data)
    assert byte_sum(bytearray(data)) == adb_message.checksum(bytearray(data))


def test_adb_shell_reads_with_the_fast_checksum() -> None:
    assert adb_device.checksum is not adb_message.checksum
    data = os.urandom(4096)
    assert adb_device.checksum(data) == sum(data) & 0xFFFFFFFF
    assert adb_device.checksum("text") == adb_message.checksum("text")


class Canned(BaseTransport):  # type: ignore[misc]
    """A link that replays fixed bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def connect(self, transport_timeout_s: float | None = None) -> None:
        pass

    def close(self) -> None:
        pass

    def bulk_write(self, data: bytes, transport_timeout_s: float | None = None) -> int:
        return len(data)

    def bulk_read(self, numbytes: int, transport_timeout_s: float | None = None) -> bytes:
        piece, self.data = self.data[:numbytes], self.data[numbytes:]
        return piece


def read_one(payload: bytes, claimed: int) -> bytes:
    wrte = int.from_bytes(b"WRTE", "little")
    header = struct.pack("<6I", wrte, 1, 1, len(payload), claimed, wrte ^ 0xFFFFFFFF)
    device = AdbDevice(Canned(header + payload))
    info = _AdbTransactionInfo(1, 1, 1.0, 1.0, None)
    _, _, _, data = device._io_manager._read_packet_from_device(info)
    return bytes(data)


def test_a_payload_whose_checksum_is_wrong_is_still_refused() -> None:
    payload = os.urandom(300_000)
    assert read_one(payload, sum(payload) & 0xFFFFFFFF) == payload
    with pytest.raises(InvalidChecksumError):
        read_one(payload, (sum(payload) + 1) & 0xFFFFFFFF)
