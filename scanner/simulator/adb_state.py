"""What a simulated phone's ``dumpsys adb`` prints: the computers it trusts, in AOSP's form.

The profile's capture is the phone as it was before the scan. A computer this phone
trusts at run time (accepted at the prompt, or given at start) is added the way Android
adds it: a line in ``user_keys`` (``/data/misc/adb/adb_keys``), an ``adbKey`` entry with
``lastConnection`` in the keystore (``adb_temp_keys.xml``), and ``last_key_received`` set
to the fingerprint of the last key that asked. The fabricated profiles are rendered with
the same functions, so both read alike.

The keystore is a text XML file on Android 11 and Android's binary XML ("ABX",
``BinaryXmlSerializer``) from Android 12; ``dumpsys`` prints the file as text, as Java
reads it (UTF-8, each bad byte replaced by U+FFFD), through an indenting writer that puts
four spaces at the start of every line of the value.
"""

from __future__ import annotations

import base64
import hashlib
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

ABX_MAGIC: Final = b"ABX\x00"
XML_KEYSTORE_SDK: Final = 30
"""Android 11 added the keystore (last connection times)."""
BINARY_KEYSTORE_SDK: Final = 31
"""Android 12 writes it as binary XML."""
INDENT: Final = "    "

# BinaryXmlSerializer token bytes: the low nibble is the event, the high one the type.
_START_DOCUMENT: Final = 0x10  # START_DOCUMENT | TYPE_NULL
_END_DOCUMENT: Final = 0x11
_START_TAG: Final = 0x32  # START_TAG | TYPE_STRING_INTERNED
_END_TAG: Final = 0x33
_ATTR_STRING: Final = 0x2F  # ATTRIBUTE | TYPE_STRING
_ATTR_INT: Final = 0x6F  # ATTRIBUTE | TYPE_INT
_ATTR_LONG: Final = 0x8F  # ATTRIBUTE | TYPE_LONG
_NEW_STRING: Final = 0xFFFF
# The end of a keystore document: END_TAG "keyStore" (interned first, index 0), END_DOCUMENT.
_ABX_END: Final = bytes((_END_TAG, 0, 0, _END_DOCUMENT)).decode("ascii")


@dataclass(frozen=True, slots=True)
class KeyEntry:
    """One trusted computer: its ``adbkey.pub`` line and when it last connected."""

    line: str
    """``BASE64 comment`` (or only ``BASE64`` when the computer gave no name)."""
    last_connection_ms: int


def fingerprint(line: str) -> str:
    """Android's ``last_key_received`` form of a key: MD5 of the key struct, ``AA:BB:…``."""
    raw = base64.b64decode(line.split(" ", 1)[0])
    return ":".join(f"{b:02X}" for b in hashlib.md5(raw).digest())  # noqa: S324 - Android's


class _AbxWriter:
    """The few ``BinaryXmlSerializer`` calls ``AdbKeyStore.persistKeyStore`` makes."""

    def __init__(self) -> None:
        self.out = bytearray()
        self._interned: dict[str, int] = {}

    def _utf(self, text: str) -> None:
        data = text.encode("utf-8")
        self.out += struct.pack(">H", len(data)) + data

    def _interned_name(self, name: str) -> None:
        index = self._interned.get(name)
        if index is not None:
            self.out += struct.pack(">H", index)
            return
        self._interned[name] = len(self._interned)
        self.out += struct.pack(">H", _NEW_STRING)
        self._utf(name)

    def start(self, name: str) -> None:
        self.out.append(_START_TAG)
        self._interned_name(name)

    def end(self, name: str) -> None:
        self.out.append(_END_TAG)
        self._interned_name(name)

    def attribute(self, name: str, value: str | int, *, long: bool = False) -> None:
        if isinstance(value, str):
            self.out.append(_ATTR_STRING)
            self._interned_name(name)
            self._utf(value)
        else:
            self.out.append(_ATTR_LONG if long else _ATTR_INT)
            self._interned_name(name)
            self.out += struct.pack(">q" if long else ">i", value)

    def key(self, entry: KeyEntry) -> None:
        self.start("adbKey")
        self.attribute("key", entry.line)
        self.attribute("lastConnection", entry.last_connection_ms, long=True)
        self.end("adbKey")


def abx_keystore(entries: Sequence[KeyEntry]) -> bytes:
    """``adb_temp_keys.xml`` as Android 12+ writes it."""
    writer = _AbxWriter()
    writer.out += ABX_MAGIC
    writer.out.append(_START_DOCUMENT)
    writer.start("keyStore")
    writer.attribute("version", 1)
    for entry in entries:
        writer.key(entry)
    writer.end("keyStore")
    writer.out.append(_END_DOCUMENT)
    return bytes(writer.out)


def xml_keystore(entries: Sequence[KeyEntry]) -> str:
    """``adb_temp_keys.xml`` as Android 11 writes it (``FastXmlSerializer``)."""
    lines = ["<?xml version='1.0' encoding='utf-8' standalone='yes' ?>", '<keyStore version="1">']
    lines += [_xml_entry(entry) for entry in entries]
    lines.append("</keyStore>")
    return "\n".join(lines) + "\n"


def _xml_entry(entry: KeyEntry) -> str:
    key = entry.line.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return f'<adbKey key="{key}" lastConnection="{entry.last_connection_ms}" />'


def as_java_text(data: bytes) -> str:
    """A file's bytes as ``FileUtils.readTextFile`` returns them (bad bytes -> U+FFFD)."""
    return data.decode("utf-8", errors="replace")


def _value_lines(name: str, value: str) -> list[str]:
    """``name=value`` through the indenting writer: every line of the value indented."""
    return [f"{INDENT}{line}" for line in f"{name}={value}".split("\n")]


def render_dumpsys_adb(
    sdk: int,
    entries: Sequence[KeyEntry],
    *,
    last_key_received: str = "",
    connected: bool = True,
    wifi_enabled: bool = False,
) -> str:
    """The whole ``dumpsys adb`` output of a phone (Android 10+) trusting ``entries``."""
    out = ["ADB MANAGER STATE (dumpsys adb):", "{", "  debugging_manager={"]
    out.append(f"{INDENT}connected_to_adb={'true' if connected else 'false'}")
    if last_key_received:
        out.append(f"{INDENT}last_key_received={last_key_received}")
    if entries:
        out += _value_lines("user_keys", "".join(f"{e.line}\n" for e in entries))
    if sdk >= XML_KEYSTORE_SDK and entries:
        out += _value_lines("keystore", _keystore_text(sdk, entries))
    if sdk >= XML_KEYSTORE_SDK:
        out += [
            f"{INDENT}adb_wifi={{",
            f"{INDENT}  enabled={'true' if wifi_enabled else 'false'}",
            f"{INDENT}  network_bssid=",
            f"{INDENT}  network_ssid=",
            f"{INDENT}  is_trusted_network=false",
            f"{INDENT}  tls_port=0",
            f"{INDENT}}}",
        ]
    out += ["  }", "}"]
    return "\n".join(out) + "\n"


def _keystore_text(sdk: int, entries: Sequence[KeyEntry]) -> str:
    if sdk >= BINARY_KEYSTORE_SDK:
        return as_java_text(abx_keystore(entries))
    return xml_keystore(entries)


def with_trusted_keys(
    output: bytes, added: Sequence[KeyEntry], last_key_received: str, sdk: int | None
) -> bytes:
    """A captured ``dumpsys adb`` with the keys trusted since added, as Android adds them.

    Keys already listed are left as they are. An output without a debugging manager (no
    ``adb`` service, another format) is returned unchanged. ``sdk`` picks the keystore's
    form when the capture has none yet (None: the current, binary form).
    """
    text = output.decode("utf-8", errors="replace")
    lines = text.split("\n")
    try:
        start = lines.index("  debugging_manager={")
    except ValueError:
        return output
    end = _block_end(lines, start)
    listed = _listed_keys(lines, start, end)
    new = [entry for entry in added if entry.line.split(" ", 1)[0] not in listed]
    if not new and not last_key_received:
        return output
    if new:
        end = _add_user_keys(lines, start, end, new)
        _add_to_keystore(lines, start, end, new, sdk)
    if last_key_received:
        _set_last_key(lines, start, last_key_received)
    return "\n".join(lines).encode("utf-8")


def _block_end(lines: list[str], start: int) -> int:
    for index in range(start + 1, len(lines)):
        if lines[index] == "  }":
            return index
    return len(lines)


def _listed_keys(lines: list[str], start: int, end: int) -> set[str]:
    keys: set[str] = set()
    reading = False
    for line in lines[start + 1 : end]:
        if line.startswith(f"{INDENT}user_keys="):
            reading, line = True, INDENT + line[len(INDENT) + len("user_keys=") :]
        elif not line.strip() or (line.startswith(INDENT) and "=" in line.split(" ", 1)[0]):
            reading = False
        if reading:
            keys.add(line.strip().split(" ", 1)[0])
    return keys


def _add_user_keys(lines: list[str], start: int, end: int, new: Sequence[KeyEntry]) -> int:
    """Append to ``user_keys`` (or create it); returns the block's new end."""
    for index in range(start + 1, end):
        if lines[index].startswith(f"{INDENT}user_keys="):
            stop = index + 1
            while stop < end and lines[stop].strip():
                stop += 1
            lines[stop:stop] = [f"{INDENT}{entry.line}" for entry in new]
            return end + len(new)
    at = start + 1
    while at < end and lines[at].startswith(
        (f"{INDENT}connected_to_adb=", f"{INDENT}last_key_received=")
    ):
        at += 1
    added = _value_lines("user_keys", "".join(f"{entry.line}\n" for entry in new))
    lines[at:at] = added
    return end + len(added)


def _add_to_keystore(
    lines: list[str], start: int, end: int, new: Sequence[KeyEntry], sdk: int | None
) -> None:
    for index in range(start + 1, end):
        if not lines[index].startswith(f"{INDENT}keystore="):
            continue
        value = lines[index][len(INDENT) + len("keystore=") :]
        if value.startswith("ABX"):
            _add_to_binary_keystore(lines, index, end, new)
        else:
            _add_to_xml_keystore(lines, index, end, new)
        return
    # No keystore yet: the phone writes one when it first trusts a computer (Android 11+).
    wifi = next((i for i in range(start + 1, end) if lines[i] == f"{INDENT}adb_wifi={{"), None)
    if wifi is not None:
        form = BINARY_KEYSTORE_SDK if sdk is None else sdk
        lines[wifi:wifi] = _value_lines("keystore", _keystore_text(form, new))


def _add_to_binary_keystore(
    lines: list[str], index: int, end: int, new: Sequence[KeyEntry]
) -> None:
    # New entries go before the document's end; their names are written as new strings
    # (a reader interns them again), which is valid ABX.
    writer = _AbxWriter()
    for entry in new:
        writer.key(entry)
    element = as_java_text(bytes(writer.out)).replace("\n", "\n" + INDENT)
    for at in range(index, end):
        position = lines[at].rfind(_ABX_END)
        if position != -1:
            lines[at] = lines[at][:position] + element + lines[at][position:]
            lines[at : at + 1] = lines[at].split("\n")
            return


def _add_to_xml_keystore(lines: list[str], index: int, end: int, new: Sequence[KeyEntry]) -> None:
    for at in range(index, end):
        if lines[at].strip() == "</keyStore>":
            lines[at:at] = [f"{INDENT}{_xml_entry(entry)}" for entry in new]
            return


def _set_last_key(lines: list[str], start: int, value: str) -> None:
    for index in range(start + 1, len(lines)):
        if lines[index].startswith(f"{INDENT}last_key_received="):
            lines[index] = f"{INDENT}last_key_received={value}"
            return
        if not lines[index].startswith(f"{INDENT}connected_to_adb="):
            lines.insert(index, f"{INDENT}last_key_received={value}")
            return
