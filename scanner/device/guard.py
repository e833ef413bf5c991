"""A transport wrapper that inspects every ADB message before it reaches the phone.

Defence in depth for the read-only promise: even if a bug elsewhere asked adb-shell to
open another service, this layer refuses it. Only ``shell:<allowlisted command>`` and
``sync:`` streams may be opened, and a sync stream may only STAT, LIST, RECV and QUIT.
It also counts bytes and streams (for the report and the benchmarks) and turns a closed
socket into a clear ``Disconnected`` instead of a silent busy wait.
"""

from __future__ import annotations

import socket
import struct
import threading
from dataclasses import dataclass

from adb_shell.transport.base_transport import BaseTransport

from scanner.device.allowlist import is_allowed
from scanner.errors import CommandRefused, Disconnected

_HEADER = struct.Struct("<6I")
_OPEN = int.from_bytes(b"OPEN", "little")
_WRTE = int.from_bytes(b"WRTE", "little")
_CLSE = int.from_bytes(b"CLSE", "little")
_SYNC_READ_REQUESTS = (b"STAT", b"LIST", b"RECV", b"QUIT")


@dataclass
class LinkCounters:
    """What crossed the link; read by the report and the benchmarks."""

    bytes_sent: int = 0
    bytes_received: int = 0
    streams_opened: int = 0


def check_destination(destination: bytes) -> None:
    """Raise ``CommandRefused`` unless an OPEN destination is allowlisted."""
    text = destination.rstrip(b"\0").decode("utf-8", errors="replace")
    if text == "sync:":
        return
    if text.startswith("shell:") and is_allowed(text[len("shell:") :]):
        return
    raise CommandRefused(
        "The scanner stopped a command that is not on its read-only list. "
        "Nothing was sent to the phone.",
        detail=f"refused ADB destination {text!r}",
    )


class GuardedTransport(BaseTransport):  # type: ignore[misc]
    """Wraps adb-shell's TCP or USB transport; see the module docstring."""

    def __init__(self, inner: BaseTransport, label: str) -> None:
        self._inner = inner
        self.label = label
        self.counters = LinkCounters()
        self._pending: bytes | None = None
        self._sync_streams: set[int] = set()
        self._lock = threading.Lock()
        self.reached = False
        """True once the link itself was made (TCP connected / USB opened)."""

    def connect(self, transport_timeout_s: float | None) -> None:
        self._pending = None
        self._sync_streams.clear()
        try:
            self._inner.connect(transport_timeout_s)
        except OSError as exc:
            raise Disconnected(
                f"Could not reach the phone at {self.label}.", detail=repr(exc)
            ) from exc
        self.reached = True
        sock = getattr(self._inner, "_connection", None)
        if isinstance(sock, socket.socket):
            # adb-shell writes each header and payload separately; without NODELAY,
            # Nagle's algorithm plus delayed ACKs adds ~40 ms to every message.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def close(self) -> None:
        self._inner.close()

    def bulk_read(self, numbytes: int, transport_timeout_s: float | None) -> bytes:
        try:
            data: bytes = self._inner.bulk_read(numbytes, transport_timeout_s)
        except OSError as exc:
            raise Disconnected("The connection to the phone was lost.", detail=repr(exc)) from exc
        if not data and numbytes:
            # A TCP socket that reads empty is closed: the phone (or cable) went away.
            raise Disconnected(
                "The connection to the phone was lost.", detail="socket closed by peer"
            )
        self.counters.bytes_received += len(data)
        return data

    def bulk_write(self, data: bytes, transport_timeout_s: float | None) -> int:
        with self._lock:
            if self._pending is None and len(data) == _HEADER.size:
                command, arg0, _arg1, length, _crc, magic = _HEADER.unpack(data)
                if magic == command ^ 0xFFFFFFFF and length:
                    # adb-shell writes header and payload separately: hold the header
                    # until the payload can be inspected with it.
                    self._pending = bytes(data)
                    return len(data)
                self._inspect(command, arg0, b"")
                return self._write(data, transport_timeout_s)
            if self._pending is not None:
                header, self._pending = self._pending, None
                command, arg0, _arg1, _length, _crc, _magic = _HEADER.unpack(header)
                self._inspect(command, arg0, data)
                self._write(header, transport_timeout_s)
                return self._write(data, transport_timeout_s)
            raise CommandRefused(
                "The scanner stopped a message it could not check. Nothing was sent.",
                detail=f"unframed write of {len(data)} bytes",
            )

    def _inspect(self, command: int, local_id: int, payload: bytes) -> None:
        if command == _OPEN:
            check_destination(payload)
            self.counters.streams_opened += 1
            if payload.rstrip(b"\0") == b"sync:":
                self._sync_streams.add(local_id)
        elif command == _WRTE and local_id in self._sync_streams:
            if payload[:4] not in _SYNC_READ_REQUESTS:
                raise CommandRefused(
                    "The scanner stopped a file request that could change the phone. "
                    "Nothing was sent.",
                    detail=f"refused sync request {payload[:4]!r}",
                )
        elif command == _CLSE:
            self._sync_streams.discard(local_id)

    def _write(self, data: bytes, transport_timeout_s: float | None) -> int:
        try:
            written: int = self._inner.bulk_write(data, transport_timeout_s)
        except OSError as exc:
            raise Disconnected("The connection to the phone was lost.", detail=repr(exc)) from exc
        self.counters.bytes_sent += len(data)
        return written
