"""Android's compiled resource formats: binary XML and the resource table, read defensively.

Layouts (facts from AOSP ``libs/androidfw/include/androidfw/ResourceTypes.h``), all
integers little-endian:

* Everything is a chunk: ``u16 type, u16 header_size, u32 size`` (size counts the header;
  the chunk's own fields follow, and its body starts ``header_size`` bytes in).
* String pool (0x0001): ``u32 string_count, u32 style_count, u32 flags, u32 strings_start,
  u32 styles_start``, then one u32 offset per string, relative to ``strings_start``.
  Flag 0x100 means UTF-8: two lengths (UTF-16 units, then bytes), each one byte, or two
  bytes when the high bit is set. Otherwise UTF-16LE after a u16 length (two u16 when the
  high bit is set).
* Binary XML (0x0003): a string pool, a resource map (0x0180: one u32 attribute resource id
  per string index, from index 0), then nodes (``u32 line, u32 comment`` and, after
  ``header_size``, an extension). A start element (0x0102) extension is ``u32 ns, u32 name,
  u16 attribute_start, u16 attribute_size, u16 attribute_count`` and three u16 indices; each
  attribute is ``u32 ns, u32 name, u32 raw_value`` and a Res_value (``u16 size, u8 res0,
  u8 data_type, u32 data``). An end element (0x0103) extension is ``u32 ns, u32 name``.
* Resource table (0x0002): ``u32 package_count``, then the global value string pool and
  package chunks (0x0200: ``u32 id``, a 128-unit UTF-16 name, offsets of the type and key
  pools...). A package's children include type specs (0x0202) and types (0x0201): ``u8 id,
  u8 flags, u16 reserved, u32 entry_count, u32 entries_start`` and a ResTable_config
  (``u32 size`` first; locale at bytes 8-11), then the entry offsets: u32 each (0xFFFFFFFF
  = none), u16 each counting 4-byte words with flag OFFSET16 (0xFFFF = none), or sorted
  ``(u16 index, u16 offset/4)`` pairs with flag SPARSE. An entry is ``u16 size, u16 flags,
  u32 key`` followed by a Res_value, or, with flag COMPACT (Android 14), ``u16 key, u16
  flags, u32 data`` with the data type in the high byte of the flags.
* A resource id is ``0xPPTTEEEE``: package id, type id (from 1), entry index.

Everything here is bounded by the bytes given: each offset and count is checked against its
chunk before use, and strings are decoded one at a time, on demand, up to a length cap.
Damage raises ``BadResource``, which never leaves ``scanner.apk``.
"""

from __future__ import annotations

import codecs
import struct
from collections.abc import Container, Iterator
from dataclasses import dataclass

RES_STRING_POOL_TYPE = 0x0001
RES_TABLE_TYPE = 0x0002
RES_XML_TYPE = 0x0003
RES_XML_FIRST_NODE_TYPE = 0x0100
RES_XML_START_ELEMENT_TYPE = 0x0102
RES_XML_END_ELEMENT_TYPE = 0x0103
RES_XML_LAST_NODE_TYPE = 0x017F
RES_XML_RESOURCE_MAP_TYPE = 0x0180
RES_TABLE_PACKAGE_TYPE = 0x0200
RES_TABLE_TYPE_TYPE = 0x0201

TYPE_NULL = 0x00
TYPE_REFERENCE = 0x01
TYPE_STRING = 0x03
TYPE_DYNAMIC_REFERENCE = 0x07
TYPE_FIRST_INT = 0x10
TYPE_LAST_INT = 0x1F

NO_INDEX = 0xFFFFFFFF
UTF8_FLAG = 0x100

_TYPE_FLAG_SPARSE = 0x01
_TYPE_FLAG_OFFSET16 = 0x02
_ENTRY_FLAG_COMPLEX = 0x0001
_ENTRY_FLAG_COMPACT = 0x0008

_CHUNK_HEADER_BYTES = 8
_POOL_HEADER_BYTES = 28
_NODE_HEADER_BYTES = 16
_ATTRIBUTE_BYTES = 20
_TABLE_HEADER_BYTES = 12
_PACKAGE_HEADER_BYTES = 8 + 4 + 256 + 16
_TYPE_HEADER_BYTES = 20 + 4  # fields up to entries_start, then the config's size field
_MAX_PACKAGES = 64
_MAX_REFERENCE_HOPS = 8


_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")


class BadResource(Exception):
    """A structure does not fit in its bytes, or a lookup failed; the message says which."""


def _u8(data: memoryview, offset: int, end: int, what: str) -> int:
    if offset < 0 or offset + 1 > end:
        raise BadResource(f"{what} at offset {offset} is past the end ({end})")
    return data[offset]


def _u16(data: memoryview, offset: int, end: int, what: str) -> int:
    if offset < 0 or offset + 2 > end:
        raise BadResource(f"{what} at offset {offset} is past the end ({end})")
    value: int = struct.unpack_from("<H", data, offset)[0]
    return value


def _u32(data: memoryview, offset: int, end: int, what: str) -> int:
    if offset < 0 or offset + 4 > end:
        raise BadResource(f"{what} at offset {offset} is past the end ({end})")
    value: int = struct.unpack_from("<I", data, offset)[0]
    return value


@dataclass(frozen=True, slots=True)
class Chunk:
    """Where one chunk lies, as absolute offsets into the data."""

    type: int
    header_size: int
    start: int
    end: int

    @property
    def body(self) -> int:
        """Offset of the first byte after the chunk's header."""
        return self.start + self.header_size


_CHUNK_HEADER = struct.Struct("<HHI")


def read_chunk(data: memoryview, offset: int, end: int, what: str) -> Chunk:
    """The chunk starting at ``offset``, checked to lie within ``end``."""
    if offset >= 0 and offset + _CHUNK_HEADER_BYTES <= end:
        chunk_type, header_size, size = _CHUNK_HEADER.unpack_from(data, offset)
    else:  # One of these fails: the message says which field is past the end.
        chunk_type = _u16(data, offset, end, f"{what} type")
        header_size = _u16(data, offset + 2, end, f"{what} header size")
        size = _u32(data, offset + 4, end, f"{what} size")
    if header_size < _CHUNK_HEADER_BYTES or size < header_size:
        raise BadResource(
            f"{what} (type 0x{chunk_type:04x}) at offset {offset} has header size "
            f"{header_size} and size {size}"
        )
    if size > end - offset:
        raise BadResource(
            f"{what} (type 0x{chunk_type:04x}) at offset {offset} claims {size} bytes "
            f"but only {end - offset} remain"
        )
    return Chunk(chunk_type, header_size, offset, offset + size)


def iter_chunks(data: memoryview, start: int, end: int, what: str) -> Iterator[Chunk]:
    """Consecutive chunks from ``start`` to ``end``; a few trailing bytes are ignored."""
    offset = start
    while end - offset >= _CHUNK_HEADER_BYTES:
        chunk = read_chunk(data, offset, end, what)
        yield chunk
        offset = chunk.end


class StringPool:
    """One string pool chunk; strings are decoded on request, never all at once."""

    __slots__ = ("_count", "_data", "_end", "_offsets", "_strings", "_utf8")

    def __init__(self, data: memoryview, chunk: Chunk, max_strings: int) -> None:
        if chunk.header_size < _POOL_HEADER_BYTES:
            raise BadResource(f"string pool header is {chunk.header_size} bytes, too short")
        count = _u32(data, chunk.start + 8, chunk.end, "string count")
        flags = _u32(data, chunk.start + 16, chunk.end, "string pool flags")
        strings_start = _u32(data, chunk.start + 20, chunk.end, "strings start")
        if count > max_strings:
            raise BadResource(
                f"string pool claims {count} strings, more than the {max_strings} read"
            )
        if count * 4 > chunk.end - chunk.body:
            raise BadResource(f"string pool offsets for {count} strings do not fit in the chunk")
        if count and strings_start >= chunk.end - chunk.start:
            raise BadResource(f"string data start {strings_start} is outside the string pool")
        self._data = data
        self._count = count
        self._utf8 = bool(flags & UTF8_FLAG)
        self._offsets = chunk.body
        self._strings = chunk.start + strings_start
        self._end = chunk.end

    def __len__(self) -> int:
        return self._count

    @property
    def utf8(self) -> bool:
        return self._utf8

    def get(self, index: int, max_chars: int) -> str | None:
        """String ``index`` cut to ``max_chars``; None for the "no string" index (-1)."""
        if index == NO_INDEX:
            return None
        if index >= self._count:
            raise BadResource(f"string index {index} is past the {self._count} strings in the pool")
        at = self._offsets + 4 * index
        if at + 4 <= self._end:
            relative: int = _U32.unpack_from(self._data, at)[0]
        else:
            relative = _u32(self._data, at, self._end, "string offset")
        offset = self._strings + relative
        if relative >= self._end - self._strings:
            raise BadResource(f"string {index} starts outside the string pool")
        if self._utf8:
            return self._utf8_string(offset, index, max_chars)
        return self._utf16_string(offset, index, max_chars)

    def _utf8_string(self, offset: int, index: int, max_chars: int) -> str:
        _, offset = self._utf8_length(offset)  # Length in UTF-16 units: not needed.
        size, offset = self._utf8_length(offset)
        if size > self._end - offset:
            raise BadResource(f"string {index} claims {size} bytes past the end of the pool")
        # Each character takes at most 4 bytes, so this slice holds the first max_chars.
        raw = bytes(self._data[offset : offset + min(size, 4 * max_chars)])
        return raw.decode("utf-8", errors="replace")[:max_chars]

    def _utf8_length(self, offset: int) -> tuple[int, int]:
        first = _u8(self._data, offset, self._end, "string length")
        if not first & 0x80:
            return first, offset + 1
        second = _u8(self._data, offset + 1, self._end, "string length")
        return ((first & 0x7F) << 8) | second, offset + 2

    def _utf16_string(self, offset: int, index: int, max_chars: int) -> str:
        if offset + 2 <= self._end:
            units: int = _U16.unpack_from(self._data, offset)[0]
        else:
            units = _u16(self._data, offset, self._end, "string length")
        offset += 2
        if units & 0x8000:
            low = _u16(self._data, offset, self._end, "string length")
            units = ((units & 0x7FFF) << 16) | low
            offset += 2
        if 2 * units > self._end - offset:
            raise BadResource(f"string {index} claims {units} characters past the end of the pool")
        raw = bytes(self._data[offset : offset + 2 * min(units, max_chars)])
        # As bytes.decode("utf-16-le", errors="replace"), without the codec lookup.
        return codecs.utf_16_le_decode(raw, "replace", True)[0]


@dataclass(frozen=True, slots=True)
class XmlAttribute:
    """One attribute of a start element, with its value left undecoded."""

    namespace: int
    """String index of the namespace URI, ``NO_INDEX`` for none."""
    name: str | None
    resource_id: int | None
    """The attribute's resource id from the resource map; Android matches ``android:``
    attributes by this id, not by name."""
    raw_value: int
    """String index of the raw value, ``NO_INDEX`` for none."""
    data_type: int
    data: int


@dataclass(frozen=True, slots=True)
class XmlStart:
    """A start element: its depth (1 for the root), name and attributes."""

    depth: int
    name: str | None
    attributes: tuple[XmlAttribute, ...]


_NAME_CHARS = 128
"""Element and attribute names are short; longer ones are cut (they match nothing we want)."""
_MAX_CACHED_NAMES = 4096


class BinaryXml:
    """A compiled XML document (such as ``AndroidManifest.xml``)."""

    __slots__ = ("_data", "_end", "_map_count", "_map_start", "_names", "_nodes_start", "strings")

    def __init__(self, data: memoryview, max_strings: int) -> None:
        root = _xml_root(data)
        pool: StringPool | None = None
        map_start = map_count = 0
        nodes_start: int | None = None
        # As Android's ResXMLTree::setTo: the last pool and map before the first node count.
        for chunk in iter_chunks(data, root.body, root.end, "binary XML chunk"):
            if chunk.type == RES_STRING_POOL_TYPE:
                pool = StringPool(data, chunk, max_strings)
            elif chunk.type == RES_XML_RESOURCE_MAP_TYPE:
                map_start, map_count = chunk.body, (chunk.end - chunk.body) // 4
            elif RES_XML_FIRST_NODE_TYPE <= chunk.type <= RES_XML_LAST_NODE_TYPE:
                nodes_start = chunk.start
                break
        if pool is None:
            raise BadResource("binary XML has no string pool")
        if nodes_start is None:
            raise BadResource("binary XML has no elements")
        self._data = data
        self._end = root.end
        self._map_start = map_start
        self._map_count = map_count
        self._nodes_start = nodes_start
        self._names: dict[int, str | None] = {}
        self.strings = pool

    def name(self, index: int) -> str | None:
        """An element or attribute name (short, cut at ``_NAME_CHARS``), cached."""
        if index in self._names:
            return self._names[index]
        text = self.strings.get(index, _NAME_CHARS)
        if len(self._names) < _MAX_CACHED_NAMES:
            self._names[index] = text
        return text

    def resource_id(self, name_index: int) -> int | None:
        """The attribute resource id the map gives string ``name_index``, if any."""
        if name_index >= self._map_count:
            return None
        value = _u32(self._data, self._map_start + 4 * name_index, self._end, "resource map")
        return value or None

    def start_elements(
        self, max_depth: int, attributes_of: Container[str | None] | None = None
    ) -> Iterator[XmlStart]:
        """Every start element down to ``max_depth``, in document order.

        Deeper elements are counted for depth but not decoded. ``attributes_of``: the
        element names whose attributes are decoded (None: all); other elements come with
        no attributes, but theirs are checked just the same, so damage is found at the
        same element whatever is decoded. Damage raises BadResource after the elements
        before it have been yielded.
        """
        depth = 0
        for chunk in iter_chunks(self._data, self._nodes_start, self._end, "XML node"):
            if chunk.type == RES_XML_START_ELEMENT_TYPE:
                depth += 1
                if depth <= max_depth:
                    yield self._start_element(chunk, depth, attributes_of)
            elif chunk.type == RES_XML_END_ELEMENT_TYPE:
                depth = max(0, depth - 1)

    def _start_element(
        self, chunk: Chunk, depth: int, attributes_of: Container[str | None] | None
    ) -> XmlStart:
        data, end = self._data, chunk.end
        if chunk.header_size < _NODE_HEADER_BYTES:
            raise BadResource(f"XML node at offset {chunk.start} has a short header")
        ext = chunk.body
        if ext + 14 > end:
            raise BadResource(f"XML element at offset {chunk.start} is too short")
        _, name_index, attribute_start, attribute_size, count = struct.unpack_from(
            "<IIHHH", data, ext
        )
        name = self.name(name_index)
        if count and attribute_size < _ATTRIBUTE_BYTES:
            raise BadResource(f"element attributes are {attribute_size} bytes, too short")
        first = ext + attribute_start
        if count and (first + count * attribute_size > end or attribute_start < 20):
            raise BadResource(f"{count} attributes of element at offset {chunk.start} do not fit")
        if attributes_of is not None and name not in attributes_of:
            for number in range(count):
                # Only the name can fail to read (every other field fits, checked above).
                self.name(struct.unpack_from("<I", data, first + number * attribute_size + 4)[0])
            return XmlStart(depth, name, ())
        attributes = []
        for number in range(count):
            at = first + number * attribute_size
            namespace, name_index, raw = struct.unpack_from("<III", data, at)
            data_type = data[at + 15]
            value: int = struct.unpack_from("<I", data, at + 16)[0]
            attributes.append(
                XmlAttribute(
                    namespace=namespace,
                    name=self.name(name_index),
                    resource_id=self.resource_id(name_index),
                    raw_value=raw,
                    data_type=data_type,
                    data=value,
                )
            )
        return XmlStart(depth, name, tuple(attributes))


def _xml_root(data: memoryview) -> Chunk:
    """The document's outer chunk, checked only as Android's ``ResXMLTree::setTo`` checks it.

    Android looks at the header size and the size, never at the type: a manifest whose type
    field is not 0x0003 still installs (a trick used to break analysis tools), so we read it.
    A header smaller than a chunk header fails later, at the first inner chunk, as there.
    """
    chunk_type = _u16(data, 0, len(data), "binary XML type")
    header_size = _u16(data, 2, len(data), "binary XML header size")
    size = _u32(data, 4, len(data), "binary XML size")
    if header_size > size or size > len(data):
        raise BadResource(
            f"binary XML header size {header_size} and size {size} do not fit in "
            f"the {len(data)} bytes of the file"
        )
    return Chunk(chunk_type, header_size, 0, size)


@dataclass(frozen=True, slots=True)
class _Candidate:
    rank: int
    """0: the default configuration; 1: no locale but other qualifiers; 2: a locale."""
    data_type: int
    data: int


class ResourceTable:
    """A compiled resource table (``resources.arsc``), for looking up single values."""

    __slots__ = ("_data", "_packages", "strings")

    def __init__(self, data: memoryview, max_strings: int) -> None:
        root = read_chunk(data, 0, len(data), "resource table header")
        if root.type != RES_TABLE_TYPE or root.header_size < _TABLE_HEADER_BYTES:
            raise BadResource(f"not a resource table: first chunk type is 0x{root.type:04x}")
        pool: StringPool | None = None
        packages: list[tuple[int, Chunk]] = []
        for chunk in iter_chunks(data, root.body, root.end, "resource table chunk"):
            # As Android's ResTable: the first string pool is the value pool.
            if chunk.type == RES_STRING_POOL_TYPE and pool is None:
                pool = StringPool(data, chunk, max_strings)
            elif chunk.type == RES_TABLE_PACKAGE_TYPE and len(packages) < _MAX_PACKAGES:
                if chunk.header_size < _PACKAGE_HEADER_BYTES:
                    raise BadResource(f"package header is {chunk.header_size} bytes, too short")
                packages.append((_u32(data, chunk.start + 8, chunk.end, "package id"), chunk))
        if pool is None:
            raise BadResource("resource table has no value string pool")
        self._data = data
        self._packages = tuple(packages)
        self.strings = pool

    def value(self, resource_id: int) -> tuple[int, int]:
        """``(data_type, data)`` of a simple resource, default configuration preferred."""
        package_id, type_id, entry = (
            resource_id >> 24,
            (resource_id >> 16) & 0xFF,
            resource_id & 0xFFFF,
        )
        best: _Candidate | None = None
        for pid, package in self._packages:
            if pid != package_id:
                continue
            for chunk in iter_chunks(self._data, package.body, package.end, "package chunk"):
                if chunk.type != RES_TABLE_TYPE_TYPE:
                    continue
                found = self._entry(chunk, type_id, entry)
                if found is not None and (best is None or found.rank < best.rank):
                    best = found
                    if best.rank == 0:
                        return best.data_type, best.data
        if best is None:
            raise BadResource(f"resource 0x{resource_id:08x} is not in resources.arsc")
        return best.data_type, best.data

    def string(self, resource_id: int, max_chars: int) -> str:
        """The text a string resource holds, following references to other resources."""
        seen: set[int] = set()
        current = resource_id
        for _ in range(_MAX_REFERENCE_HOPS):
            if current in seen:
                raise BadResource(f"resource 0x{resource_id:08x} refers to itself in a loop")
            seen.add(current)
            data_type, data = self.value(current)
            if data_type == TYPE_STRING:
                text = self.strings.get(data, max_chars)
                if text is None:
                    raise BadResource(f"resource 0x{current:08x} holds no string")
                return text
            if data_type not in (TYPE_REFERENCE, TYPE_DYNAMIC_REFERENCE):
                raise BadResource(
                    f"resource 0x{current:08x} holds a value of type 0x{data_type:02x}, not text"
                )
            current = data
        raise BadResource(f"resource 0x{resource_id:08x} goes through too many references")

    def _entry(self, chunk: Chunk, type_id: int, entry: int) -> _Candidate | None:
        data, end = self._data, chunk.end
        if chunk.header_size < _TYPE_HEADER_BYTES:
            raise BadResource(f"type chunk at offset {chunk.start} has a short header")
        if _u8(data, chunk.start + 8, end, "type id") != type_id:
            return None
        flags = _u8(data, chunk.start + 9, end, "type flags")
        entry_count = _u32(data, chunk.start + 12, end, "entry count")
        entries_start = _u32(data, chunk.start + 16, end, "entries start")
        offset = self._entry_offset(chunk, flags, entry_count, entry)
        if offset is None:
            return None
        # Reads below are bounded by the chunk's end, so a wild offset fails there.
        at = chunk.start + entries_start + offset
        entry_flags = _u16(data, at + 2, end, "entry flags")
        if entry_flags & _ENTRY_FLAG_COMPACT:
            value_type, value = entry_flags >> 8, _u32(data, at + 4, end, "compact entry data")
        elif entry_flags & _ENTRY_FLAG_COMPLEX:
            raise BadResource(f"entry {entry} is a bag (style, array or plural), not a value")
        else:
            value_at = at + _u16(data, at, end, "entry size")
            value_type = _u8(data, value_at + 3, end, "value type")
            value = _u32(data, value_at + 4, end, "value data")
        return _Candidate(self._rank(chunk), value_type, value)

    def _entry_offset(self, chunk: Chunk, flags: int, count: int, entry: int) -> int | None:
        data, end, table = self._data, chunk.end, chunk.body
        if flags & _TYPE_FLAG_SPARSE:
            if count * 4 > end - table:
                raise BadResource(f"sparse entries of type chunk at {chunk.start} do not fit")
            # Sorted by index; a linear walk is bounded by the chunk and simpler to trust.
            for number in range(count):
                index, words = struct.unpack_from("<HH", data, table + 4 * number)
                if index == entry:
                    return 4 * int(words)
            return None
        if entry >= count:
            return None
        if flags & _TYPE_FLAG_OFFSET16:
            words = _u16(data, table + 2 * entry, end, "entry offset")
            return None if words == 0xFFFF else 4 * words
        offset = _u32(data, table + 4 * entry, end, "entry offset")
        return None if offset == NO_INDEX else offset

    def _rank(self, chunk: Chunk) -> int:
        config = chunk.start + 20
        size = min(_u32(self._data, config, chunk.end, "config size"), chunk.body - config)
        qualifiers = bytes(self._data[config + 4 : config + max(size, 4)])
        if not any(qualifiers):
            return 0
        locale = qualifiers[4:8]
        return 1 if not any(locale) else 2
