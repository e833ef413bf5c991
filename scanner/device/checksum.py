"""The ADB message checksum (the sum of the payload's bytes, modulo 2**32), computed fast.

adb-shell sums every payload byte it receives with the built-in ``sum``, one Python int
per byte: about 1.7 ms per 256 KB message, and legacy ADB flow control has the phone
wait for our OKAY, which adb-shell sends only after the sum. Only a phone older than
protocol 0x01000001 (before Android 9) still gets its payloads summed: with a newer one
no payload is (``connection._IOManager``, as AOSP's adb). Here the sum comes from two
remainders that C code computes over whole slices: ``zlib.adler32`` gives the byte sum
modulo 65521, and the slice read as one little-endian integer gives it modulo 255 (256
is 1 modulo 255). A slice of at most 65520 bytes sums to at most 65520 * 255, less than
65521 * 255, so the Chinese remainder theorem gives its exact sum.
"""

from __future__ import annotations

import zlib
from typing import Final

_ADLER: Final = 65521
_BYTE: Final = 255
_INVERSE: Final = pow(_ADLER % _BYTE, -1, _BYTE)
PIECE: Final = 65520
"""The longest slice whose byte sum the two remainders pin down."""


def byte_sum(data: bytes | bytearray) -> int:
    """``sum(data) & 0xFFFFFFFF``, as ``adb_shell.adb_message.checksum`` returns it."""
    total = 0
    for start in range(0, len(data), PIECE):
        piece = data[start : start + PIECE]
        low = ((zlib.adler32(piece) & 0xFFFF) - 1) % _ADLER  # adler32's A is 1 + sum
        high = int.from_bytes(piece, "little") % _BYTE
        total += low + _ADLER * (((high - low) * _INVERSE) % _BYTE)
    return total & 0xFFFFFFFF
