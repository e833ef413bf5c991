"""A transport wrapper that inspects every ADB message in both directions.

Outgoing, it is defence in depth for the read-only promise: even if a bug elsewhere asked
adb-shell to open another service, this layer refuses it. Only ``shell:<allowlisted
command>`` and ``sync:`` streams may be opened, and a sync stream may only STAT, LIST,
RECV and QUIT.

Incoming, it holds the scanner against a phone that breaks the protocol. adb-shell
believes every header: it would read a 4 GB payload it was promised, size a buffer by
whatever ``maxdata`` the phone advertises, and keep every message for a stream it is not
reading in a store that never shrinks. So the guard reads whole messages itself and
hands adb-shell only those that pass: a valid header whose payload fits what the scanner
told the phone it may send, the phone's ``maxdata`` clamped to a sane range, and stream
messages only for streams the scanner opened, within legacy flow control. Stray
messages are dropped, within a small budget; past it, or on any broken bound, the link
ends as a ``ProtocolViolation`` and every later read or write fails the same way at once.

It also enforces the deadlines set with ``watch`` (so a trickle cannot outlast them),
counts bytes and streams (for the report and the benchmarks) and turns a closed socket
into a clear ``Disconnected`` instead of a silent busy wait.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final, NoReturn

from adb_shell import constants
from adb_shell.transport.base_transport import BaseTransport

from scanner.device.allowlist import is_allowed
from scanner.device.deadline import Deadline
from scanner.errors import (
    CommandRefused,
    CommandTimeout,
    DeviceError,
    Disconnected,
    ProtocolViolation,
)

logger = logging.getLogger(__name__)

_HEADER = struct.Struct("<6I")


def _word(name: bytes) -> int:
    return int.from_bytes(name, "little")


_CNXN = _word(b"CNXN")
_AUTH = _word(b"AUTH")
_OPEN = _word(b"OPEN")
_OKAY = _word(b"OKAY")
_CLSE = _word(b"CLSE")
_WRTE = _word(b"WRTE")
_SYNC = _word(b"SYNC")
_KNOWN: Final = frozenset({_CNXN, _AUTH, _OPEN, _OKAY, _CLSE, _WRTE, _SYNC})
_SYNC_READ_REQUESTS = (b"STAT", b"LIST", b"RECV", b"QUIT")

MAX_MESSAGE_DATA: Final = constants.MAX_ADB_DATA
"""The largest payload the phone may send: what adb-shell's CNXN tells it (1 MiB)."""

MIN_MAXDATA: Final = 4096
"""The smallest ``maxdata`` any adbd offers (Android 6 and older); a lower claim is raised."""

STREAM_WINDOW: Final = 2
"""Unacknowledged WRTEs allowed on one stream. Legacy flow control allows one (the phone
waits for our OKAY before the next); the second is slack."""

MAX_BUFFERED: Final = 8 * 1024 * 1024
"""Payload bytes the phone may have sent and the scanner not yet acknowledged, over all
streams: the most adb-shell could be holding in its store of unread messages."""

UNSOLICITED_MESSAGES: Final = 32
UNSOLICITED_BYTES: Final = 1024 * 1024
"""How much the guard drops unasked (messages for streams never opened, already closed
or abandoned) before it calls the phone hostile. An honest phone sends none of it."""

STRAGGLERS: Final = 3
"""Messages an abandoned stream may still get for free: the OKAY of its OPEN, one WRTE
sent before our CLSE arrived, and the phone's CLSE."""

_MIN_WAIT_S: Final = 0.005
"""The shortest wait passed to the transport (see ``_read_some``)."""


@dataclass
class LinkCounters:
    """What crossed the link; read by the report and the benchmarks."""

    bytes_sent: int = 0
    bytes_received: int = 0
    streams_opened: int = 0
    messages_dropped: int = 0
    """Messages from the phone the guard kept from adb-shell (for streams not ours, or
    abandoned; see ``UNSOLICITED_*`` and ``STRAGGLERS``)."""


class Overdue(CommandTimeout):
    """A deadline set with ``GuardedTransport.watch`` passed between two messages (the link
    is still in step; the caller names what was too slow)."""

    def __init__(self, deadline: Deadline) -> None:
        super().__init__(
            "The phone took too long.",
            detail=f"{deadline.received} bytes in {deadline.elapsed_s():.1f} s",
        )
        self.deadline = deadline


@dataclass(slots=True)
class _Stream:
    """One stream the scanner opened, as the guard tracks it (keyed by our local id)."""

    remote_id: int = 0
    """The phone's id for it; 0 until the phone's OKAY accepts the OPEN."""
    owed_okays: int = 1
    """OKAYs the phone owes us: one for the OPEN, one for each of our WRTEs."""
    unacked: deque[int] = field(default_factory=deque)
    """Sizes of the phone's WRTEs the scanner has not acknowledged yet."""
    abandoned: bool = False
    stragglers: int = 0


def check_destination(destination: bytes) -> None:
    """Raise ``CommandRefused`` unless an OPEN destination is allowlisted."""
    text = destination.rstrip(b"\0").decode("utf-8", errors="replace")
    if text == "sync:":
        return
    if text.startswith("shell:") and is_allowed(text[len("shell:") :]):
        return
    raise CommandRefused.said(
        "device.command_refused",
        detail=f"refused ADB destination {text!r}",
    )


def plain_size(size: int) -> str:
    """A byte count as a person says it: "4.3 GB", "1 MB", "65 KB", "12 B" (unit symbols,
    which read the same in every language the report is written in)."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} B"


def _header(command: int, arg0: int, arg1: int, length: int = 0, check: int = 0) -> bytes:
    return _HEADER.pack(command, arg0, arg1, length, check, command ^ 0xFFFFFFFF)


def _name(command: int) -> str:
    raw = command.to_bytes(4, "little")
    return raw.decode("ascii") if raw.isascii() and raw.isalpha() else f"0x{command:08x}"


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
        self.phone_maxdata: int | None = None
        """The ``maxdata`` the phone advertised, before clamping (None before CNXN)."""
        self.last_opened = 0
        """Our local id of the most recent OPEN (the stream a shell command reads)."""
        self._deadlines: tuple[Deadline, ...] = ()
        self._reset()

    def _reset(self) -> None:
        self._pending = None
        self._sync_streams.clear()
        self._streams: dict[int, _Stream] = {}
        self._online = False
        self._broken: DeviceError | None = None
        self._partial = bytearray()  # bytes of the message being read, header first
        self._header: tuple[int, int, int, int, int] | None = None  # its header, once valid
        self._ready: deque[bytes] = deque()  # an admitted message, as adb-shell will read it
        self._buffered = 0
        self._unsolicited_messages = 0
        self._unsolicited_bytes = 0

    # -- link ---------------------------------------------------------------

    def connect(self, transport_timeout_s: float | None) -> None:
        self._reset()
        try:
            self._inner.connect(transport_timeout_s)
        except OSError as exc:
            raise Disconnected.said(
                "device.unreachable", detail=repr(exc), label=self.label
            ) from exc
        self.reached = True
        sock = getattr(self._inner, "_connection", None)
        if isinstance(sock, socket.socket):
            # adb-shell writes each header and payload separately; without NODELAY,
            # Nagle's algorithm plus delayed ACKs adds ~40 ms to every message.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def close(self) -> None:
        self._inner.close()

    @contextlib.contextmanager
    def watch(self, *deadlines: Deadline) -> Iterator[None]:
        """Reads inside the block end with ``Overdue`` once any of ``deadlines`` passes."""
        previous = self._deadlines
        self._deadlines = previous + deadlines
        try:
            yield
        finally:
            self._deadlines = previous

    def abandon(self, local_id: int, transport_timeout_s: float | None) -> None:
        """The scanner stops reading a stream: close it, and drop what still comes for it.

        Never raises: it is called while another error is on its way up.
        """
        stream = self._streams.get(local_id)
        if stream is None or stream.abandoned:
            return
        stream.abandoned = True
        if not stream.remote_id or self._broken is not None:
            return
        try:
            self.bulk_write(_header(_CLSE, local_id, stream.remote_id), transport_timeout_s)
        except DeviceError as exc:
            logger.debug("closing abandoned stream %d failed: %s", local_id, exc.detail)

    # -- reading ------------------------------------------------------------

    def bulk_read(self, numbytes: int, transport_timeout_s: float | None) -> bytes:
        self._raise_if_broken()
        if not numbytes:
            return b""
        if not self._ready:
            self._ready.extend(self._next_message(transport_timeout_s))
        piece = self._ready.popleft()
        if len(piece) > numbytes:
            # adb-shell reads a header, then its payload, each whole; this is for others.
            self._ready.appendleft(piece[numbytes:])
            piece = piece[:numbytes]
        return piece

    def _next_message(self, timeout: float | None) -> tuple[bytes, ...]:
        """Read until a message passes; returns its header and payload."""
        while True:
            if self._header is None:
                raw = self._fill(_HEADER.size, timeout)
                self._header = self._check_header(raw)
            command, arg0, arg1, length, check = self._header
            payload = self._fill(length, timeout) if length else b""
            self._header = None
            if self._admit(command, arg0, arg1, payload):
                if command == _CNXN:
                    arg1 = self._clamp_maxdata(arg1)
                head = _HEADER.pack(command, arg0, arg1, length, check, command ^ 0xFFFFFFFF)
                return (head, payload) if payload else (head,)

    def _fill(self, size: int, timeout: float | None) -> bytes:
        """Exactly ``size`` bytes; what came before a time-out is kept for the next call."""
        if not self._partial:
            first = self._read_some(size, timeout)
            if len(first) == size:
                return first  # the usual case: no copy
            self._partial += first
        while len(self._partial) < size:
            chunk = self._read_some(size - len(self._partial), timeout)
            self._partial += chunk
        data = bytes(self._partial)
        self._partial.clear()
        return data

    def _read_some(self, size: int, timeout: float | None) -> bytes:
        wait, soonest = timeout, None
        if self._deadlines:
            soonest = min(self._deadlines, key=lambda d: d.remaining_s())
            left = soonest.remaining_s()
            if left <= 0 and not self._mid_message():
                self._overdue(soonest)
            # Past the deadline inside a message, take only what is already here (the
            # rest of a message often lands just after its header). Never less than
            # _MIN_WAIT_S: adb-shell's USB transport turns a wait under 1 ms into
            # libusb's 0, which means no time limit at all.
            left = max(left, _MIN_WAIT_S)
            if wait is None or left < wait:
                wait = left
            else:
                soonest = None  # the read's own time-out comes first
        try:
            data: bytes = self._inner.bulk_read(size, wait)
        except OSError as exc:
            raise Disconnected.said("device.connection_lost", detail=repr(exc)) from exc
        except Exception:  # adb-shell's own time-outs (TCP or USB)
            if soonest is not None:
                self._overdue(soonest)
            raise
        if not data:
            # A TCP socket that reads empty is closed: the phone (or cable) went away.
            raise Disconnected.said("device.connection_lost", detail="socket closed by peer")
        self.counters.bytes_received += len(data)
        for deadline in self._deadlines:
            deadline.add(len(data))
        return data

    def _mid_message(self) -> bool:
        return bool(self._partial) or self._header is not None

    def _overdue(self, deadline: Deadline) -> NoReturn:
        if self._mid_message():
            # Half a message is in: the link is out of step until the rest arrives, which
            # at this pace may be never. Nothing more can be read from it.
            self._break(
                Disconnected.said(
                    "problems.phone_too_slow",
                    detail=f"deadline passed inside a message: {deadline.received} bytes "
                    f"in {deadline.elapsed_s():.1f} s",
                )
            )
        raise Overdue(deadline)

    # -- checking what the phone sent ----------------------------------------

    def _check_header(self, raw: bytes) -> tuple[int, int, int, int, int]:
        command, arg0, arg1, length, check, magic = _HEADER.unpack(raw)
        if command not in _KNOWN or magic != command ^ 0xFFFFFFFF:
            self._break(
                ProtocolViolation.said("problems.not_adb_message", detail=f"bad header {raw.hex()}")
            )
        if length > MAX_MESSAGE_DATA:
            self._break(
                ProtocolViolation.said(
                    "problems.message_too_large",
                    size=plain_size(length),
                    limit=plain_size(MAX_MESSAGE_DATA),
                    detail=f"{_name(command)} data_length {length} > {MAX_MESSAGE_DATA}",
                )
            )
        return command, arg0, arg1, length, check

    def _clamp_maxdata(self, maxdata: int) -> int:
        # adb-shell sizes a buffer for every file read by this number.
        self.phone_maxdata = maxdata
        return int(min(max(maxdata, MIN_MAXDATA), MAX_MESSAGE_DATA))

    def _admit(self, command: int, remote: int, local: int, payload: bytes) -> bool:
        """True to pass a message to adb-shell; False when it was dropped."""
        if command in (_AUTH, _CNXN):
            if self._online:
                return self._unsolicited(command, len(payload))
            self._online = command == _CNXN
            return True
        if command not in (_OKAY, _WRTE, _CLSE) or not self._online:
            # The phone may not open streams to us (OPEN), nor talk before the handshake.
            return self._unsolicited(command, len(payload))
        stream = self._streams.get(local)
        if stream is None:
            return self._unsolicited(command, len(payload))
        if stream.abandoned:
            if command == _CLSE:
                del self._streams[local]
            stream.stragglers += 1
            if stream.stragglers > STRAGGLERS:
                return self._unsolicited(command, len(payload))
            self.counters.messages_dropped += 1
            return False
        if not stream.remote_id:  # the OPEN is not answered yet
            if command == _OKAY and remote:
                stream.remote_id = remote
                stream.owed_okays -= 1
                return True
            if command == _CLSE:  # the phone refused the service
                del self._streams[local]
                return True
            return self._unsolicited(command, len(payload))
        if remote != stream.remote_id and not (command == _CLSE and remote == 0):
            return self._unsolicited(command, len(payload))
        if command == _OKAY:
            if stream.owed_okays <= 0:
                return self._unsolicited(command, 0)
            stream.owed_okays -= 1
        elif command == _WRTE:
            stream.unacked.append(len(payload))
            self._buffered += len(payload)
            if len(stream.unacked) > STREAM_WINDOW or self._buffered > MAX_BUFFERED:
                self._break(
                    ProtocolViolation.said(
                        "problems.phone_unpaced",
                        detail=f"stream {local}: {len(stream.unacked)} WRTE unacknowledged, "
                        f"{self._buffered} bytes buffered",
                    )
                )
        else:
            self._buffered -= sum(stream.unacked)
            del self._streams[local]
        return True

    def _unsolicited(self, command: int, size: int) -> bool:
        """Drop one message nobody asked for; past the budget, end the link."""
        self._unsolicited_messages += 1
        self._unsolicited_bytes += _HEADER.size + size
        self.counters.messages_dropped += 1
        if (
            self._unsolicited_messages > UNSOLICITED_MESSAGES
            or self._unsolicited_bytes > UNSOLICITED_BYTES
        ):
            self._break(
                ProtocolViolation.said(
                    "problems.phone_unasked",
                    detail=f"dropped {self._unsolicited_messages} messages "
                    f"({self._unsolicited_bytes} bytes), the last {_name(command)}",
                )
            )
        return False

    def _break(self, error: DeviceError) -> NoReturn:
        """End the link for good: the phone sees it close, and every later call fails."""
        self._broken = error
        self._ready.clear()
        self._partial.clear()
        try:
            self._inner.close()
        except Exception:  # already closed, or USB gone: the error below is the news
            logger.debug("closing after a protocol fault failed", exc_info=True)
        raise error

    def _raise_if_broken(self) -> None:
        if self._broken is not None:
            raise type(self._broken)(self._broken.message, detail=self._broken.detail)

    # -- writing ------------------------------------------------------------

    def bulk_write(self, data: bytes, transport_timeout_s: float | None) -> int:
        self._raise_if_broken()
        with self._lock:
            if self._pending is None and len(data) == _HEADER.size:
                command, arg0, arg1, length, _crc, magic = _HEADER.unpack(data)
                if magic == command ^ 0xFFFFFFFF and length:
                    # adb-shell writes header and payload separately: hold the header
                    # until the payload can be inspected with it.
                    self._pending = bytes(data)
                    return len(data)
                self._inspect(command, arg0, arg1, b"")
                return self._write(data, transport_timeout_s)
            if self._pending is not None:
                header, self._pending = self._pending, None
                command, arg0, arg1, _length, _crc, _magic = _HEADER.unpack(header)
                self._inspect(command, arg0, arg1, data)
                self._write(header, transport_timeout_s)
                return self._write(data, transport_timeout_s)
            raise CommandRefused.said(
                "device.message_refused",
                detail=f"unframed write of {len(data)} bytes",
            )

    def _inspect(self, command: int, local_id: int, remote_id: int, payload: bytes) -> None:
        stream = self._streams.get(local_id)
        if command == _OPEN:
            check_destination(payload)
            self.counters.streams_opened += 1
            self._streams[local_id] = _Stream()
            self.last_opened = local_id
            if payload.rstrip(b"\0") == b"sync:":
                self._sync_streams.add(local_id)
        elif command == _WRTE:
            if local_id in self._sync_streams and payload[:4] not in _SYNC_READ_REQUESTS:
                raise CommandRefused.said(
                    "device.file_request_refused",
                    detail=f"refused sync request {payload[:4]!r}",
                )
            if stream is not None:
                stream.owed_okays += 1
        elif command == _OKAY:
            if stream is not None and stream.unacked:
                self._buffered -= stream.unacked.popleft()
        elif command == _CLSE:
            self._sync_streams.discard(local_id)

    def _write(self, data: bytes, transport_timeout_s: float | None) -> int:
        try:
            written: int = self._inner.bulk_write(data, transport_timeout_s)
        except OSError as exc:
            raise Disconnected.said("device.connection_lost", detail=repr(exc)) from exc
        self.counters.bytes_sent += len(data)
        return written
