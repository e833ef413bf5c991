"""``dumpsys adb``: the computers the phone trusts for USB debugging (Android 10+).

``AdbService.dump`` prints a title, then ``AdbDebuggingManager.dump`` through a
``DualDumpOutputStream`` on an indenting writer::

    ADB MANAGER STATE (dumpsys adb):
    {
      debugging_manager={
        connected_to_adb=true
        last_key_received=F0:A1:…:C6           <- MD5 of the last key that asked
        user_keys=QAAAAPUB…AQA= user@linux      <- /data/misc/adb/adb_keys, one key a line
        QAAAAAcg…IP mark@laptop                 <- (each further line indented too)
                                                <- the file's last newline: an empty line
        system_keys=…                           <- /adb_keys (firmware keys), rarely there
        keystore=<?xml …?>                      <- adb_temp_keys.xml (Android 11+):
        <keyStore version="1">                     <adbKey key="…" lastConnection="ms"/>
        …
        adb_wifi={ … }                          <- Android 11+
      }
    }

The keystore is printed as the file's bytes read as text. Android 12+ writes that file
in Android's binary XML ("ABX"), so the ``keystore=`` value is binary: the last connection
time in it cannot be read back (bytes above 0x7f arrive as U+FFFD), and nothing of it
is ever kept or quoted. Android 10 prints no keystore; Android 9 has no ``adb`` service
(the snapshot records "Can't find service" plainly). A key is 524 bytes of struct in
base64 (``android_pubkey.c``) and a comment the computer chose; the phone's own
fingerprint is the MD5 of the decoded key, which is what ``last_key_received`` shows.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Final

from scanner.commands import DUMPSYS_ADB
from scanner.model import CollectionWarning, TrustedComputer
from scanner.parse.common import WarningLog, indent_of
from scanner.parse.lines import iter_lines
from scanner.parse.phone_text import clean_phone_text
from scanner.phrases import words

MAX_KEYS: Final = 200
"""A phone trusts a handful of computers; past this the rest are counted, not kept."""

MAX_KEYSTORE_CHARS: Final = 1024 * 1024
"""The keystore holds a few lines per key; what is beyond this is not looked at."""

TITLE: Final = "ADB MANAGER STATE"

_FIELD = re.compile(r"([a-z_]+)=(.*)")
_XML_ENTRY = re.compile(r'<adbKey key="([A-Za-z0-9+/=]+)[^"]*" lastConnection="(\d{1,19})"')
_FINGERPRINT = re.compile(r"(?:[0-9A-F]{2}:){15}[0-9A-F]{2}")
_MULTI_LINE = frozenset({"user_keys", "system_keys", "keystore"})
_AFTER_KEYSTORE = frozenset({"adb_wifi"})
"""Fields AOSP prints after the keystore (Android 11+)."""
_MAX_EPOCH_MS = 253402300799999  # 9999-12-31: anything later is not a time
_REPLACEMENT = "\ufffd"
NOT_TEXT = "the output contained bytes that are not text (outside the binary keystore)"


@dataclass(frozen=True, slots=True)
class AdbParse:
    """The trusted computers, and whether the phone listed them at all."""

    listed: bool = False
    """The phone printed its USB debugging state; ``computers`` empty then means none."""
    computers: tuple[TrustedComputer, ...] = ()
    warnings: tuple[CollectionWarning, ...] = ()


def key_material(key: str | bytes) -> bytes | None:
    """The decoded key struct of ``BASE64 [comment]`` (adbkey.pub form), or None."""
    text = key.decode("ascii", errors="replace") if isinstance(key, bytes) else key
    encoded = text.strip().split(" ", 1)[0].strip()
    if not encoded:
        return None
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None


def key_fingerprint(key: str | bytes) -> str:
    """Android's fingerprint of a key: MD5 of the key struct as ``AA:BB:…``; empty if unreadable."""
    raw = key_material(key)
    if raw is None:
        return ""
    return ":".join(f"{byte:02X}" for byte in hashlib.md5(raw).digest())  # noqa: S324 - Android's


def is_this_computer(trusted_key: str, our_public_key_b64: str | bytes) -> bool:
    """True when a key the phone trusts is this scanner's own key.

    The key material is compared, never the comment: the comment is whatever a computer
    chose to call itself, and another computer can use the same name.
    """
    theirs = key_material(trusted_key)
    ours = key_material(our_public_key_b64)
    return theirs is not None and theirs == ours


class _Fields:
    """The debugging manager's fields, each multi-line value with its lines."""

    __slots__ = (
        "dropped",
        "keystore_chars",
        "last_key",
        "listed",
        "not_text",
        "recognised",
        "values",
    )

    def __init__(self) -> None:
        self.dropped = 0
        """Key lines past ``MAX_KEYS``: counted, not kept."""
        self.not_text = False
        """Bytes that are not text outside the binary keystore (where they are expected)."""
        self.recognised = False
        self.listed = False
        self.last_key = ""
        self.values: dict[str, list[tuple[int, str]]] = {name: [] for name in _MULTI_LINE}
        self.keystore_chars = 0

    def add(self, name: str, number: int, text: str) -> None:
        if name == "keystore":
            room = MAX_KEYSTORE_CHARS - self.keystore_chars
            if room <= 0:
                return
            text = text[:room]
            self.keystore_chars += len(text) + 1
        elif not text.strip():
            return
        elif len(self.values[name]) >= MAX_KEYS:
            self.dropped += name == "user_keys"
            return
        self.values[name].append((number, text))

    def keystore(self) -> str:
        return "\n".join(text for _, text in self.values["keystore"])


def _new_field(stripped: str, indent: int, current: str | None) -> re.Match[str] | None:
    """The ``name=value`` line that starts a field, or None for a continuation line.

    A binary keystore's lines can hold any bytes, so only a field known to follow it ends
    it there; a key line starts with upper-case base64 and never looks like a field.
    """
    if indent != 4:
        return None
    field = _FIELD.fullmatch(stripped)
    if field is not None and current == "keystore" and field[1] not in _AFTER_KEYSTORE:
        return None
    return field


def _read_fields(text: str) -> _Fields:
    """One pass over the lines: each field's value, with its continuation lines."""
    fields = _Fields()
    current: str | None = None  # the multi-line field being read
    binary = False  # the keystore being read is binary
    nested = 0  # depth inside a sub-block such as adb_wifi={ … }
    for number, line in enumerate(iter_lines(text), start=1):
        stripped = line.strip()
        in_binary = False
        if not fields.listed:
            fields.recognised = fields.recognised or stripped.startswith(TITLE)
            if stripped == "debugging_manager={":
                fields.recognised = fields.listed = True
        elif nested:
            nested += 1 if stripped.endswith("{") else -1 if stripped == "}" else 0
        else:
            indent = indent_of(line)
            field = _new_field(stripped, indent, current)
            if field is None and stripped == "}" and indent <= 2:
                fields.not_text = fields.not_text or _REPLACEMENT in line
                break  # the end of debugging_manager
            if field is not None:
                name, value = field[1], field[2]
                current = name if name in _MULTI_LINE else None
                binary = current == "keystore" and value.startswith("ABX")
                if value == "{":
                    nested = 1
                elif name == "last_key_received":
                    fields.last_key = value.strip()
                elif current is not None:
                    fields.add(current, number, value)
            elif current is not None:
                if not stripped and not binary:
                    current = None  # the file's last newline ends the value
                else:
                    fields.add(current, number, line[4:] if line.startswith("    ") else line)
            in_binary = binary and current == "keystore"
        if not in_binary and _REPLACEMENT in line:
            fields.not_text = True
    return fields


def _last_connections(keystore: str) -> tuple[dict[bytes, datetime | None], bool]:
    """Key struct -> last connection (text keystore), and whether the keystore is binary."""
    if not keystore:
        return {}, False
    joined = keystore
    if joined.lstrip().startswith("ABX"):
        return {}, True
    found: dict[bytes, datetime | None] = {}
    for match in _XML_ENTRY.finditer(joined):
        raw = key_material(match[1])
        if raw is None:
            continue
        millis = int(match[2])
        found[raw] = (
            datetime.fromtimestamp(millis / 1000, tz=UTC) if 0 < millis <= _MAX_EPOCH_MS else None
        )
    return found, False


def _computers(fields: _Fields, log: WarningLog) -> Iterator[TrustedComputer]:
    keystore = fields.keystore()
    known, binary = _last_connections(keystore)
    seen: set[str] = set()
    for number, line_text in fields.values["user_keys"]:
        encoded, _, comment = line_text.strip().partition(" ")
        raw = key_material(encoded)
        if raw is None:
            log.line(number, encoded[:40], words("problems.key_not_base64"))
            continue
        if encoded in seen:
            continue  # the same key twice in adb_keys is one computer
        seen.add(encoded)
        in_binary = binary and encoded in keystore
        yield TrustedComputer(
            key=encoded,
            comment=clean_phone_text(comment),
            fingerprint=key_fingerprint(encoded),
            last_connection=known.get(raw),
            last_connection_unreadable=in_binary,
        )


def parse_dumpsys_adb(text: str) -> AdbParse:
    """Parse ``dumpsys adb``; never raises."""
    log = WarningLog(DUMPSYS_ADB)
    fields = _read_fields(text)
    if fields.not_text:
        log.add(words("problems.adb_not_text"))
    if not fields.listed:
        if fields.recognised:
            log.add(
                words("problems.adb_not_listed"),
                not_understood=False,
            )
        elif text and not text.isspace():  # (no copy of a big text just to test it)
            log.add(words("problems.adb_unknown"), text[:400])
        else:
            log.add(words("problems.adb_nothing"), not_understood=False)
        return AdbParse(warnings=log.result())
    computers = list(_computers(fields, log))
    if fields.dropped:
        log.add(words("problems.adb_dropped", count=fields.dropped, limit=str(MAX_KEYS)))
    last = fields.last_key.upper()
    if last and not _FINGERPRINT.fullmatch(last):
        log.add(words("problems.adb_last_key"), fields.last_key)
    computers = [replace(c, last_to_ask=bool(last) and c.fingerprint == last) for c in computers]
    return AdbParse(True, tuple(computers), log.result())
