"""A small, bounded ASN.1 BER reader: enough to slice PKCS#7 and X.509 without re-encoding.

Facts (ITU-T X.690): an element is identifier, length, content. Identifier: class in the top
two bits, constructed in bit 6, tag number in the low five (31 means base-128 digits follow).
Length: one byte below 0x80; 0x81-0x84 give the number of length bytes that follow; 0x80 is
"indefinite" (constructed only), ended by two zero bytes. DER forbids indefinite and
non-minimal lengths; BER allows them. Android's own parser (apksig ``Asn1BerParser``) reads
BER, and real signing tools wrote it, so this reader accepts both.

Why our own reader: a certificate's identity is the SHA-256 of its bytes *as stored*. A
library that re-encodes (or refuses) non-DER input would change or lose that identity.
Every element here is a slice of the input, so ``raw`` is exactly what the file holds.
"""

from __future__ import annotations

from typing import NamedTuple

CLASS_UNIVERSAL = 0
CLASS_CONTEXT = 2
TAG_INTEGER = 0x02
TAG_OID = 0x06
TAG_SEQUENCE = 0x10
TAG_SET = 0x11

_MAX_DEPTH = 40
_MAX_TAG_BYTES = 4
_MAX_LENGTH_BYTES = 4


class Asn1Error(Exception):
    """The bytes are not a well-formed BER element; the message says where."""


class Element(NamedTuple):
    """Where one element lies in the data (absolute offsets). A named tuple, not a
    frozen dataclass: a certificate is dozens of elements, and a tuple is made in a
    fraction of the time (an APK scan reads thousands)."""

    tag_class: int
    constructed: bool
    tag: int
    start: int
    content_start: int
    content_end: int
    """End of the content (before the end-of-contents bytes of an indefinite length)."""
    end: int

    def is_universal(self, tag: int) -> bool:
        return self.tag_class == CLASS_UNIVERSAL and self.tag == tag

    def is_context(self, tag: int) -> bool:
        return self.tag_class == CLASS_CONTEXT and self.tag == tag


def read_element(data: bytes, offset: int, end: int, depth: int = 0) -> Element:
    """The element starting at ``offset``, checked to end by ``end``."""
    if depth > _MAX_DEPTH:
        raise Asn1Error(f"elements nested more than {_MAX_DEPTH} deep")
    if offset >= end:
        raise Asn1Error(f"element expected at offset {offset}, but the data ends there")
    first = data[offset]
    tag_class, constructed, tag = first >> 6, bool(first & 0x20), first & 0x1F
    position = offset + 1
    if tag == 0x1F:
        tag = 0
        for _ in range(_MAX_TAG_BYTES):
            if position >= end:
                raise Asn1Error(f"tag at offset {offset} runs past the end")
            byte = data[position]
            position += 1
            tag = (tag << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        else:
            raise Asn1Error(f"tag at offset {offset} is too long")
    if position >= end:
        raise Asn1Error(f"length at offset {position} is past the end")
    length_byte = data[position]
    position += 1
    if length_byte == 0x80:
        if not constructed:
            raise Asn1Error(f"primitive element at offset {offset} has an indefinite length")
        return _indefinite(data, offset, position, end, depth, tag_class, tag)
    if length_byte & 0x80:
        count = length_byte & 0x7F
        if count > _MAX_LENGTH_BYTES or position + count > end:
            raise Asn1Error(f"length at offset {position - 1} uses {count} bytes")
        length = int.from_bytes(data[position : position + count], "big")
        position += count
    else:
        length = length_byte
    if length > end - position:
        raise Asn1Error(
            f"element at offset {offset} claims {length} bytes but only {end - position} remain"
        )
    return Element(
        tag_class, constructed, tag, offset, position, position + length, position + length
    )


def _indefinite(
    data: bytes, offset: int, content: int, end: int, depth: int, tag_class: int, tag: int
) -> Element:
    position = content
    while True:
        if end - position >= 2 and data[position] == 0 and data[position + 1] == 0:
            return Element(tag_class, True, tag, offset, content, position, position + 2)
        position = read_element(data, position, end, depth + 1).end


def child_list(data: bytes, parent: Element, limit: int) -> list[Element]:
    """At most ``limit`` children (hostile input can hold millions of tiny ones)."""
    # A plain loop, not a generator: certificates are read element by element, and a
    # generator's own overhead was a fifth of the reading.
    if not parent.constructed:
        raise Asn1Error(f"element at offset {parent.start} is not constructed")
    found: list[Element] = []
    position, end = parent.content_start, parent.content_end
    while position < end:
        child = read_element(data, position, end, 1)
        if len(found) >= limit:
            raise Asn1Error(f"element at offset {parent.start} holds more than {limit} elements")
        found.append(child)
        position = child.end
    return found


def content(data: bytes, element: Element) -> bytes:
    return bytes(data[element.content_start : element.content_end])


def raw(data: bytes, element: Element) -> bytes:
    """The element's bytes exactly as stored, header included."""
    return bytes(data[element.start : element.end])


def integer(data: bytes, element: Element) -> int:
    if not element.is_universal(TAG_INTEGER) or element.constructed:
        raise Asn1Error(f"INTEGER expected at offset {element.start}")
    return int.from_bytes(content(data, element), "big", signed=True)


def object_id(data: bytes, element: Element) -> str:
    """Dotted text form of an OBJECT IDENTIFIER."""
    if not element.is_universal(TAG_OID) or element.constructed:
        raise Asn1Error(f"OBJECT IDENTIFIER expected at offset {element.start}")
    body = content(data, element)
    if not body or body[-1] & 0x80:
        raise Asn1Error(f"OBJECT IDENTIFIER at offset {element.start} is truncated")
    arcs: list[int] = []
    value = 0
    for byte in body:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    first = arcs[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(str(arc) for arc in (*head, *arcs[1:]))
