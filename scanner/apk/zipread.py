"""ZIP entries of an APK, read from the central directory the way Android reads them.

Layouts (facts from the PKWARE APPNOTE), all integers little-endian:

* End of Central Directory (``PK\\x05\\x06``, 22 bytes + comment): ``u32 cd_size`` at 12,
  ``u32 cd_offset`` at 16, ``u16 comment_length`` at 20.
* Central directory entry (``PK\\x01\\x02``, 46 bytes + name + extra + comment): ``u16 method``
  at 10, ``u32 compressed_size`` at 20, ``u32 uncompressed_size`` at 24, ``u16 name_length,
  extra_length, comment_length`` at 28, ``u32 local_offset`` at 42.
* Local header (``PK\\x03\\x04``, 30 bytes + name + extra), then the data: ``u16 name_length,
  extra_length`` at 26. Sizes and method are taken from the central directory, as Android does;
  the local name must repeat the central one.

Android's ZIP reader (libziparchive) treats every compression method other than 0 (stored) as
deflate, so an entry marked with an unknown method still installs and runs; Python's
``zipfile`` refuses it, which a repackager can use to hide files from tools. We inflate it.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Collection, Iterator
from dataclasses import dataclass

EOCD_SIGNATURE = b"PK\x05\x06"
EOCD_SIZE = 22
METHOD_STORED = 0
_MAX_ZIP_COMMENT = 0xFFFF
_CD_SIGNATURE = b"PK\x01\x02"
_LOCAL_SIGNATURE = b"PK\x03\x04"
_CD_ENTRY_BYTES = 46
_LOCAL_HEADER_BYTES = 30


class BadZip(Exception):
    """The ZIP structure does not fit in its bytes; the message says where."""


@dataclass(frozen=True, slots=True)
class ZipEntry:
    """One central directory entry."""

    name: bytes
    """The name as stored (Android compares names as bytes)."""
    method: int
    compressed_size: int
    uncompressed_size: int
    local_offset: int

    @property
    def text_name(self) -> str:
        return self.name.decode("utf-8", errors="replace")


def find_eocd(data: memoryview) -> int | None:
    """Offset of the ZIP End of Central Directory record, or None when there is none.

    The record is the last ``PK\\x05\\x06`` whose comment length reaches exactly the end
    of the file (the same rule apksig uses), which skips the signature bytes when they
    happen to appear inside the comment.
    """
    size = len(data)
    if size < EOCD_SIZE:
        return None
    lowest = max(0, size - EOCD_SIZE - _MAX_ZIP_COMMENT)
    tail = bytes(data[lowest:])
    pos = len(tail) - EOCD_SIZE
    while pos >= 0:
        pos = tail.rfind(EOCD_SIGNATURE, 0, pos + 4)
        if pos < 0:
            return None
        comment_length = struct.unpack_from("<H", tail, pos + 20)[0]
        if pos + EOCD_SIZE + comment_length == len(tail):
            return lowest + pos
        pos -= 1
    return None


def central_directory(data: memoryview) -> tuple[int, int, int] | None:
    """``(eocd_offset, cd_offset, cd_size)`` when the ZIP trailer is consistent, else None."""
    eocd = find_eocd(data)
    if eocd is None:
        return None
    cd_size, cd_offset = struct.unpack_from("<II", data, eocd + 12)
    if cd_offset + cd_size != eocd:
        return None
    return eocd, cd_offset, cd_size


def iter_entries(apk: memoryview, max_entries: int) -> Iterator[ZipEntry]:
    """Every central directory entry in order, at most ``max_entries`` of them.

    Raises BadZip when there is no trailer or an entry is damaged; entries before the
    damage have been yielded by then.
    """
    return _walk_directory(apk, max_entries, None)


def iter_named_entries(
    apk: memoryview, names: Collection[bytes], max_entries: int
) -> Iterator[ZipEntry]:
    """The central directory entries named one of ``names``, in order (repeats included).

    The whole directory is walked and checked exactly as ``iter_entries`` walks it (the same
    ``max_entries`` bound, the same BadZip at the same entry), so a caller sees the same
    file; only the wanted entries are built, which makes a many-file APK cheap to search.
    """
    return _walk_directory(apk, max_entries, frozenset(names))


def iter_signature_entries(
    apk: memoryview, names: Collection[bytes], max_entries: int
) -> Iterator[ZipEntry]:
    """The entries a signature reader may want: each one whose name could start with
    ``META-INF/`` once upper-cased as Android does, and each one named in ``names``, in order.

    Walked and checked exactly as ``iter_entries`` walks it. Only names that cannot pass
    the caller's own test are left out (an all-ASCII start other than ``META-INF/`` in any
    case): a name with other characters there is kept, since upper-casing can turn some
    into ASCII letters (``ı`` becomes ``I``). A real app lists thousands of files, and
    building and decoding each entry was most of a scan's CPU.
    """
    return _walk_directory(apk, max_entries, frozenset(names), meta_inf=True)


_META_INF = b"META-INF/"


def _may_be_meta_inf(name: bytes) -> bool:
    head = name[: len(_META_INF)]
    return not head.isascii() or head.upper() == _META_INF


_CD_FIELDS = struct.Struct("<4s24xHHH")
"""Signature, then name, extra and comment lengths (at 28): all the walk itself needs."""
_CD_ENTRY = struct.Struct("<10xH8xII14xI")
"""Method (at 10), compressed and uncompressed sizes (at 20), local header offset (at 42)."""


def _walk_directory(
    apk: memoryview, max_entries: int, wanted: frozenset[bytes] | None, meta_inf: bool = False
) -> Iterator[ZipEntry]:
    """``iter_entries``, yielding only names in ``wanted`` (all when None) and, with
    ``meta_inf``, names that may start with ``META-INF/``."""
    eocd = find_eocd(apk)
    if eocd is None:
        raise BadZip("not a ZIP file: no End of Central Directory record found")
    cd_size, cd_offset = struct.unpack_from("<II", apk, eocd + 12)
    if cd_offset + cd_size > eocd:
        raise BadZip("the central directory does not fit before its trailer (ZIP64 or damaged)")
    lengths = None if wanted is None or meta_inf else frozenset(len(name) for name in wanted)
    fields, entry_fields = _CD_FIELDS.unpack_from, _CD_ENTRY.unpack_from
    position, end = cd_offset, cd_offset + cd_size
    for _ in range(max_entries):
        if end - position < _CD_ENTRY_BYTES:
            return
        signature, name_length, extra_length, comment_length = fields(apk, position)
        if signature != _CD_SIGNATURE:
            raise BadZip(f"central directory entry at offset {position} has a wrong signature")
        name_end = position + _CD_ENTRY_BYTES + name_length
        if name_end > end:
            raise BadZip(f"central directory entry at offset {position} runs past its end")
        if lengths is None or name_length in lengths:
            name = bytes(apk[position + _CD_ENTRY_BYTES : name_end])
            if wanted is None or name in wanted or (meta_inf and _may_be_meta_inf(name)):
                method, compressed, uncompressed, local_offset = entry_fields(apk, position)
                yield ZipEntry(name, method, compressed, uncompressed, local_offset)
        position = name_end + extra_length + comment_length


def entry_data(apk: memoryview, entry: ZipEntry, limit: int) -> bytes | memoryview:
    """An entry's bytes, at most ``limit`` of them (stored entries are not copied).

    Any method other than stored is inflated, as Android does. A local header naming another
    file is refused, as Android's ZIP reader and apksig both refuse it.
    """
    local = entry.local_offset
    if local > len(apk) - _LOCAL_HEADER_BYTES or apk[local : local + 4] != _LOCAL_SIGNATURE:
        raise BadZip(f"no ZIP local header at offset {local}")
    name_length, extra_length = struct.unpack_from("<HH", apk, local + 26)
    name_start = local + _LOCAL_HEADER_BYTES
    if apk[name_start : name_start + name_length] != entry.name:
        raise BadZip(
            f"the local header at offset {local} names another file than the central directory"
        )
    start = name_start + name_length + extra_length
    if entry.compressed_size > len(apk) - start:
        raise BadZip("the entry's data runs past the end of the APK")
    raw = apk[start : start + entry.compressed_size]
    if entry.method == METHOD_STORED:
        if len(raw) > limit:
            raise BadZip(f"the entry is {len(raw)} bytes, more than the {limit} read")
        return raw
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        data = inflater.decompress(raw, limit + 1)
    except zlib.error as exc:
        raise BadZip(f"the entry's compressed data is damaged ({exc})") from exc
    if len(data) > limit:
        raise BadZip(f"the entry inflates to more than the {limit} bytes read")
    return data
