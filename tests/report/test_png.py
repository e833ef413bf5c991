"""The test PNG reader undoes every PNG filter correctly (it guards the screenshot test)."""

from __future__ import annotations

import struct
import zlib

import pytest

from tests.report.png import read_png


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def _png(width: int, height: int, filtered_rows: list[bytes]) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(filtered_rows)))
        + _chunk(b"IEND", b"")
    )


def test_rows_with_none_sub_up_average_and_paeth_filters_decode() -> None:
    # Two RGB pixels per row. Row 0 raw; each later row's bytes are filtered by hand.
    rows = [
        b"\x00" + bytes([10, 20, 30, 40, 50, 60]),  # none
        b"\x01" + bytes([1, 2, 3, 1, 1, 1]),  # sub: -> 1,2,3,2,3,4
        b"\x02" + bytes([5, 5, 5, 5, 5, 5]),  # up: -> 6,7,8,7,8,9
        b"\x03" + bytes([0, 0, 0, 0, 0, 0]),  # average: -> 3,3,4,5,5,6
        b"\x04" + bytes([1, 1, 1, 1, 1, 1]),  # paeth: -> 4,4,5,6,6,7
    ]
    image = read_png(_png(2, 5, rows))
    assert image.rows == (
        bytes([10, 20, 30, 40, 50, 60]),
        bytes([1, 2, 3, 2, 3, 4]),
        bytes([6, 7, 8, 7, 8, 9]),
        bytes([3, 3, 4, 5, 5, 6]),
        bytes([4, 4, 5, 6, 6, 7]),
    )
    assert image.pixels()[3] == bytes([2, 3, 4])


def test_non_png_bytes_are_refused() -> None:
    with pytest.raises(ValueError, match="not a PNG"):
        read_png(b"GIF89a")
