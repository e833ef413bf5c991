"""A tiny test-only encoder for Android binary XML and resource tables.

It writes just enough of both formats (from AOSP ``ResourceTypes.h``) to build manifests
whose label is literal text or a reference into ``resources.arsc``, with UTF-8 or UTF-16
string pools and the three entry-offset layouts. It is deliberately separate from
``scanner.simulator.apk_builder`` so the reader is not tested against its own twin only.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

ANDROID_NS = "http://schemas.android.com/apk/res/android"
ATTR_IDS = {
    "label": 0x01010001,
    "name": 0x01010003,
    "minSdkVersion": 0x0101020C,
    "versionCode": 0x0101021B,
    "versionName": 0x0101021C,
    "versionCodeMajor": 0x01010576,
}
NO_INDEX = 0xFFFFFFFF
TYPE_REFERENCE = 0x01
TYPE_STRING = 0x03
TYPE_INT_DEC = 0x10
CONFIG_BYTES = 64


@dataclass(frozen=True)
class Ref:
    """A reference value (``@string/...``) to a resource id."""

    resource_id: int


@dataclass(frozen=True)
class Typed:
    """Any typed value, for odd cases (a label that is a number...)."""

    data_type: int
    data: int


Value = str | int | Ref | Typed


@dataclass(frozen=True)
class Element:
    """An XML element; attribute names ``android:x`` go in the android namespace."""

    name: str
    attributes: Sequence[tuple[str, Value]] = ()
    children: Sequence[Element] = ()


def string_pool(strings: Sequence[str], *, utf8: bool) -> bytes:
    """A string pool chunk (0x0001) in either encoding."""
    offsets, data = bytearray(), bytearray()
    for text in strings:
        offsets += struct.pack("<I", len(data))
        if utf8:
            encoded = text.encode("utf-8")
            units = len(text.encode("utf-16-le")) // 2
            data += _utf8_length(units) + _utf8_length(len(encoded)) + encoded + b"\x00"
        else:
            encoded = text.encode("utf-16-le")
            units = len(encoded) // 2
            if units > 0x7FFF:
                data += struct.pack("<HH", 0x8000 | (units >> 16), units & 0xFFFF)
            else:
                data += struct.pack("<H", units)
            data += encoded + b"\x00\x00"
    data += bytes(-len(data) % 4)
    header_size = 28
    strings_start = header_size + len(offsets)
    flags = 0x100 if utf8 else 0
    header = struct.pack(
        "<HHIIIIII",
        0x0001,
        header_size,
        strings_start + len(data),
        len(strings),
        0,
        flags,
        strings_start,
        0,
    )
    return header + bytes(offsets) + bytes(data)


def _utf8_length(value: int) -> bytes:
    if value > 0x7FFF:
        raise ValueError("too long for a UTF-8 pool")
    if value > 0x7F:
        return bytes([0x80 | (value >> 8), value & 0xFF])
    return bytes([value])


class _Pool:
    def __init__(self, first: Sequence[str]) -> None:
        self.strings = list(first)

    def index(self, text: str) -> int:
        if text not in self.strings:
            self.strings.append(text)
        return self.strings.index(text)


def binary_xml(root: Element, *, utf8: bool = False, resource_map: bool = True) -> bytes:
    """A compiled XML document; ``android:`` attribute names get resource ids in the map."""
    used = sorted({name.split(":", 1)[1] for name, _ in _all_attributes(root) if ":" in name})
    # The resource map covers string indices 0..n-1, so mapped names go first.
    mapped = [name for name in used if name in ATTR_IDS] if resource_map else []
    pool = _Pool(mapped)
    ns_uri, prefix = pool.index(ANDROID_NS), pool.index("android")

    def attribute(name: str, value: Value) -> bytes:
        namespace, local = (ns_uri, name.split(":", 1)[1]) if ":" in name else (NO_INDEX, name)
        if isinstance(value, str):
            raw = pool.index(value)
            typed = (TYPE_STRING, raw)
        elif isinstance(value, Ref):
            raw, typed = NO_INDEX, (TYPE_REFERENCE, value.resource_id)
        elif isinstance(value, Typed):
            raw, typed = NO_INDEX, (value.data_type, value.data)
        else:
            raw, typed = NO_INDEX, (TYPE_INT_DEC, value)
        return struct.pack("<IIIHBBI", namespace, pool.index(local), raw, 8, 0, *typed)

    def node(element: Element, line: int) -> bytes:
        attributes = [attribute(n, v) for n, v in element.attributes]
        ext = struct.pack(
            "<IIHHHHHH", NO_INDEX, pool.index(element.name), 20, 20, len(attributes), 0, 0, 0
        )
        body = ext + b"".join(attributes)
        start = struct.pack("<HHIII", 0x0102, 16, 16 + len(body), line, NO_INDEX) + body
        inner = b"".join(node(child, line + 1 + i) for i, child in enumerate(element.children))
        end = struct.pack(
            "<HHIIIII", 0x0103, 16, 24, line, NO_INDEX, NO_INDEX, pool.index(element.name)
        )
        return start + inner + end

    nodes = node(root, 2)
    namespace = struct.pack("<HHIIIII", 0x0100, 16, 24, 1, NO_INDEX, prefix, ns_uri)
    namespace_end = struct.pack("<HHIIIII", 0x0101, 16, 24, 99, NO_INDEX, prefix, ns_uri)
    ids = b"".join(struct.pack("<I", ATTR_IDS[name]) for name in mapped)
    res_map = struct.pack("<HHI", 0x0180, 8, 8 + len(ids)) + ids if mapped else b""
    body = string_pool(pool.strings, utf8=utf8) + res_map + namespace + nodes + namespace_end
    return struct.pack("<HHI", 0x0003, 8, 8 + len(body)) + body


def _all_attributes(element: Element) -> list[tuple[str, Value]]:
    found = list(element.attributes)
    for child in element.children:
        found.extend(_all_attributes(child))
    return found


def manifest(
    package: str,
    label: Value | None = None,
    *,
    permissions: Sequence[str] = (),
    version_name: Value = "1.0",
    version_code: int = 1,
    utf8: bool = False,
) -> bytes:
    """An ``AndroidManifest.xml`` with the usual shape: manifest, uses-sdk, permissions, app."""
    application = Element("application", [("android:label", label)] if label is not None else [])
    children = [
        Element("uses-sdk", [("android:minSdkVersion", 24)]),
        *(Element("uses-permission", [("android:name", name)]) for name in permissions),
        application,
    ]
    root = Element(
        "manifest",
        [
            ("android:versionCode", version_code),
            ("android:versionName", version_name),
            ("package", package),
        ],
        children,
    )
    return binary_xml(root, utf8=utf8)


@dataclass(frozen=True)
class StringResource:
    """One ``string`` resource value in one configuration (``locale`` "" is the default)."""

    entry: int
    value: str | Ref
    locale: str = ""
    name: str = ""


@dataclass(frozen=True)
class TableOptions:
    utf8: bool = False
    package_id: int = 0x7F
    offset16: bool = False
    sparse: bool = False
    compact: bool = False
    type_names: Sequence[str] = field(default=("string",))
    string_type_id: int = 1


def string_id(entry: int, options: TableOptions = TableOptions()) -> int:
    """The resource id of ``string`` entry ``entry`` in the table ``resource_table`` writes."""
    return (options.package_id << 24) | (options.string_type_id << 16) | entry


def resource_table(
    resources: Sequence[StringResource], options: TableOptions = TableOptions()
) -> bytes:
    """A ``resources.arsc`` with one package holding string resources in several locales."""
    values = _Pool([])
    keys = _Pool([])
    entry_count = max((r.entry for r in resources), default=-1) + 1
    locales = list(dict.fromkeys(r.locale for r in resources))

    type_chunks = b""
    for locale in locales:
        chosen = {r.entry: r for r in resources if r.locale == locale}
        type_chunks += _type_chunk(options, entry_count, locale, chosen, values, keys)
    spec = struct.pack(
        "<HHIBBHI", 0x0202, 16, 16 + 4 * entry_count, options.string_type_id, 0, 0, entry_count
    ) + bytes(4 * entry_count)

    type_pool = string_pool(list(options.type_names), utf8=options.utf8)
    key_pool = string_pool(keys.strings or ["unused"], utf8=options.utf8)
    header_size = 288
    name = "com.example".encode("utf-16-le").ljust(256, b"\x00")
    body = type_pool + key_pool + spec + type_chunks
    package = (
        struct.pack("<HHII", 0x0200, header_size, header_size + len(body), options.package_id)
        + name
        + struct.pack(
            "<IIIII",
            header_size,
            len(options.type_names),
            header_size + len(type_pool),
            len(keys.strings),
            0,
        )
        + body
    )
    global_pool = string_pool(values.strings, utf8=options.utf8)
    content = global_pool + package
    return struct.pack("<HHII", 0x0002, 12, 12 + len(content), 1) + content


def _type_chunk(
    options: TableOptions,
    entry_count: int,
    locale: str,
    chosen: Mapping[int, StringResource],
    values: _Pool,
    keys: _Pool,
) -> bytes:
    config = bytearray(CONFIG_BYTES)
    struct.pack_into("<I", config, 0, CONFIG_BYTES)
    config[8 : 8 + len(locale)] = locale.encode("ascii")
    entries = bytearray()
    offsets: dict[int, int] = {}
    for index in sorted(chosen):
        resource = chosen[index]
        offsets[index] = len(entries)
        if isinstance(resource.value, Ref):
            data_type, data = TYPE_REFERENCE, resource.value.resource_id
        else:
            data_type, data = TYPE_STRING, values.index(resource.value)
        key = keys.index(resource.name or f"s{index}")
        if options.compact:
            entries += struct.pack("<HHI", key, 0x0008 | (data_type << 8), data)
        else:
            entries += struct.pack("<HHIHBBI", 8, 0, key, 8, 0, data_type, data)
    flags = 0
    if options.sparse:
        flags |= 0x01
        table = b"".join(struct.pack("<HH", i, offsets[i] // 4) for i in sorted(offsets))
        count = len(offsets)
    elif options.offset16:
        flags |= 0x02
        table = b"".join(
            struct.pack("<H", offsets[i] // 4 if i in offsets else 0xFFFF)
            for i in range(entry_count)
        )
        count = entry_count
    else:
        table = b"".join(struct.pack("<I", offsets.get(i, NO_INDEX)) for i in range(entry_count))
        count = entry_count
    table += bytes(-len(table) % 4)
    header_size = 20 + CONFIG_BYTES
    entries_start = header_size + len(table)
    header = struct.pack(
        "<HHIBBHII",
        0x0201,
        header_size,
        entries_start + len(entries),
        options.string_type_id,
        flags,
        0,
        count,
        entries_start,
    )
    return header + bytes(config) + table + bytes(entries)


def apk(files: Mapping[str, bytes]) -> bytes:
    """An (unsigned) APK: the manifest deflated, ``resources.arsc`` stored, as aapt does."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            stored = name == "resources.arsc"
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()
