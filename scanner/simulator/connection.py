"""One host connection to the simulated phone: handshake, streams and services.

Written from AOSP ``adb/protocol.txt`` and adbd's behaviour:

* CNXN from the host -> AUTH TOKEN (20 random bytes), unless auth is disabled.
* AUTH SIGNATURE that a trusted key verifies -> CNXN; otherwise a fresh AUTH TOKEN, so
  the host can try its next key.
* AUTH RSAPUBLICKEY -> the "Allow USB debugging?" prompt, answered as the profile says.
* OPEN(host-id, 0, "service:args") -> OKAY(our-id, host-id), or CLSE(0, host-id) for a
  service that cannot be opened. ``shell,v2,...:`` answers in the shell protocol
  (``shell_v2.py``); legacy ``shell:`` and ``exec:`` send stdout and stderr as one stream.
* Legacy flow control (no ``delayed_ack``): after each WRTE, wait for the host's OKAY
  before sending the next one on that stream; acknowledge every host WRTE with OKAY.
* Protocol version: the lower of the host's CNXN version and the phone's
  (``adb_version``, 0x01000001 as since Android 9). From 0x01000001 every message goes
  out with ``data_check = 0``, unsummed; below it the sum is filled in, as adbd does.

All messages go out through ``_send``: the one place where the link model (latency,
throughput, ``link.py``) applies. Planned faults (``faults.py``) hook in at each step:
CNXN, AUTH, OPEN, and the pieces a stream's answer is made of.

A shell command's output is made as it is sent, as toybox streams it while adbd sends:
while the link model waits (the latency before the OPEN's OKAY, each WRTE's time on the
wire) the stream's next message is made, a step at a time (``_make_ahead``). Its
messages are the whole output's, cut at the max payload (``_Chunks``); only when they
leave changes, not what they hold.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import socket
import struct
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import NoReturn, cast

from scanner.simulator import wire
from scanner.simulator.android_key import KeyFormatError, decode_android_public_key
from scanner.simulator.audit import AuditLog, AuthStep, ReceivedCommand
from scanner.simulator.faults import (
    DROP,
    HANG,
    HUGE_CLAIM,
    FaultState,
    Hostile,
    Marker,
    Piece,
    endless_filler,
    huge_sync_reply,
    recv_answer,
    shapes_answer,
    shell_answer,
    trickled,
    wrong_checksum,
)
from scanner.simulator.link import LinkModel, LinkPacer, Meanwhile
from scanner.simulator.profile import Profile
from scanner.simulator.shell import output_pieces, run_command, shell_output
from scanner.simulator.shell_v2 import HEADER, ShellRequest, framed, onlcr, parse_shell_arguments
from scanner.simulator.sync import SyncSession
from scanner.simulator.trust import TrustStore

logger = logging.getLogger(__name__)

_QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)

TOKEN_SIZE = 20
FEATURES = ("shell_v2", "cmd")
"""Advertised features, in adbd's order. Leaving out stat_v2, ls_v2, sendrecv_v2 and
delayed_ack makes every client fall back to the legacy sync this phone speaks."""

SHELL_SERVICES = ("shell", "exec")
"""Services whose argument is a command line; ``exec:`` is the raw variant of ``shell:``."""

UNKNOWN_STREAM = (0x7FFF0001, 0x7FFF0002)
"""(our id, host id) of the stream a hostile phone floods: the host never opened it."""


class ConnectionClosed(Exception):
    """The connection ends: the host left, the phone was stopped, or a prompt was refused."""


class _Chunks:
    """Output pieces, made as they are taken, joined and cut into WRTE payloads of
    ``size`` bytes: the same messages as the whole output cut at ``size``."""

    def __init__(self, pieces: Iterator[bytes], size: int) -> None:
        self._pieces: Iterator[bytes] | None = pieces
        self._size = size
        self._parts: deque[bytes] = deque()
        self._offset = 0
        """Bytes of ``_parts[0]`` already sent."""
        self._length = 0
        """Bytes in ``_parts`` not yet sent."""

    def make(self) -> bool:
        """Make one more piece; False once the next payload is whole or the output ended."""
        if self._pieces is None or self._length >= self._size:
            return False
        piece = next(self._pieces, None)
        if piece is None:
            self._pieces = None
            return False
        if piece:
            self._parts.append(piece)
            self._length += len(piece)
        return self._length < self._size

    def __iter__(self) -> _Chunks:
        return self

    def __next__(self) -> bytes:
        while self.make():
            pass
        if not self._length:
            raise StopIteration
        size, parts = min(self._size, self._length), self._parts
        first, start = parts[0], self._offset
        if len(first) - start >= size:  # one piece holds it all (a capture, a tail)
            payload = first[start : start + size] if start or size < len(first) else first
            self._offset += size
            if self._offset == len(first):
                parts.popleft()
                self._offset = 0
        else:
            joined = bytearray()
            while len(joined) < size:
                first = parts[0]
                take = first[self._offset : self._offset + size - len(joined)]
                joined += take
                self._offset += len(take)
                if self._offset == len(first):
                    parts.popleft()
                    self._offset = 0
            payload = bytes(joined)
        self._length -= size
        return payload


@dataclass(slots=True)
class _Stream:
    """Per-stream state, keyed by our local id."""

    local_id: int
    remote_id: int
    pending: deque[Piece] = field(default_factory=deque)
    """WRTE payloads not yet sent, each at most the negotiated max payload."""
    source: Iterator[Piece] | None = None
    """The rest of the answer, made lazily (sent after ``pending``)."""
    awaiting_okay: bool = False
    hung: bool = False
    """A planned fault: the stream stays open and silent for ever."""
    close_when_drained: bool = False
    sync: SyncSession | None = None
    ahead: Piece | None = None
    """The next piece, taken while the host still had to acknowledge the last one."""
    ahead_message: bytes | None = None
    """``ahead`` already packed as a WRTE (its checksum summed for an old host) when it
    is data."""
    delay_s: float = 0.0
    """A hostile fault: wait this long before each WRTE (a trickle)."""
    wrong_checksum: bool = False
    """A hostile fault: every WRTE carries a wrong, non-zero checksum."""


class Connection:
    """Serves one accepted TCP socket until the host leaves or the phone stops."""

    def __init__(
        self,
        sock: socket.socket,
        number: int,
        profile: Profile,
        audit: AuditLog,
        trust: TrustStore,
        stopping: threading.Event,
        *,
        faults: FaultState | None = None,
        link: LinkModel | None = None,
        adb_version: int = wire.A_VERSION,
    ) -> None:
        self._sock = sock
        self.number = number
        self._profile = profile
        self._audit = audit
        self._trust = trust
        self._stopping = stopping
        self._online = False
        self._token = b""
        self._max_payload = wire.DEVICE_MAX_PAYLOAD
        self._adb_version = adb_version
        self._version = wire.A_VERSION_MIN
        """The settled protocol version: adbd starts a transport at the oldest, until the
        host's CNXN says more."""
        self._streams: dict[int, _Stream] = {}
        self._next_local_id = 1
        self._faults = faults
        self._hostile: Hostile | None = faults.plan.hostile if faults is not None else None
        self._held: _Stream | None = None
        """A hostile fault: the stream whose answer waits for the host to give up on it."""
        self._pacer = LinkPacer(link, stopping) if link is not None else None

    def serve(self) -> None:
        """Read and answer messages until the connection ends; never raises."""
        try:
            while not self._stopping.is_set():
                header, data = self._read_message()
                self._dispatch(header, data)
        except ConnectionClosed as exc:
            logger.debug("connection %d closed: %s", self.number, exc)
        except wire.ProtocolError as exc:
            # protocol.txt: an invalid header or corrupt payload closes the connection.
            logger.info("connection %d: protocol error: %s", self.number, exc)
        except OSError as exc:
            logger.debug("connection %d: socket error: %s", self.number, exc)
        finally:
            if self._faults is not None:
                self._faults.release(self.number)
            self.close()

    def close(self) -> None:
        """Close the socket; safe to call from another thread to unblock ``serve``."""
        with contextlib.suppress(OSError):  # already closed or never connected
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()

    # -- reading --------------------------------------------------------------

    def _read_exact(self, size: int) -> bytes:
        chunks = bytearray()
        while len(chunks) < size:
            piece = self._sock.recv(size - len(chunks))
            if not piece:
                raise ConnectionClosed("host closed the connection")
            chunks += piece
            self._ack_now()
        return bytes(chunks)

    def _ack_now(self) -> None:
        # Clients that write a header and its payload separately (adb-shell does) would
        # otherwise wait for our delayed ACK (Nagle): ~40 ms per message on Linux.
        # Linux resets TCP_QUICKACK by itself, so it is set again after every read.
        if _QUICKACK is not None:
            with contextlib.suppress(OSError):
                self._sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)

    def _read_message(self) -> tuple[wire.Header, bytes]:
        header = wire.unpack_header(self._read_exact(wire.HEADER_SIZE))
        data = self._read_exact(header.data_length) if header.data_length else b""
        wire.check_payload(header, data)
        return header, data

    # -- the one send path ----------------------------------------------------

    def _send(self, command: int, arg0: int, arg1: int, data: bytes = b"") -> None:
        self._send_packed(self._pack(command, arg0, arg1, data))

    def _pack(self, command: int, arg0: int, arg1: int, data: bytes = b"") -> bytes:
        return wire.pack_message(command, arg0, arg1, data, version=self._version)

    def _send_packed(self, message: bytes, meanwhile: Meanwhile | None = None) -> None:
        if self._pacer is not None:
            self._pacer.before_send(len(message), meanwhile)
        self._sock.sendall(message)

    # -- dispatch -------------------------------------------------------------

    def _dispatch(self, header: wire.Header, data: bytes) -> None:
        command = header.command
        if command == wire.A_CNXN:
            self._on_connect(header, data)
        elif command == wire.A_AUTH:
            self._on_auth(header, data)
        elif not self._online:
            # adbd ignores stream traffic on a transport that is not yet authorised.
            logger.debug("ignoring %s before authorisation", wire.command_name(command))
        elif command == wire.A_OPEN:
            self._on_open(header.arg0, data)
        elif command == wire.A_WRTE:
            self._on_write(header.arg0, header.arg1, data)
        elif command == wire.A_OKAY:
            self._on_okay(header.arg1)
        elif command == wire.A_CLSE:
            self._on_close(header.arg1)
        # SYNC and STLS are not used by a host over plain TCP; ignore them.

    # -- handshake ------------------------------------------------------------

    def _on_connect(self, header: wire.Header, data: bytes) -> None:
        if self._faults is not None:
            if self._faults.drop_at_cnxn():
                raise ConnectionClosed("fault: dropped at CNXN")
            held = self._faults.admit(self.number)
            if held == "close":
                raise ConnectionClosed("fault: another host holds the phone")
            if held == "silent":
                return  # adbd leaves a second host's CNXN unanswered: "offline" for it
        # A second CNXN restarts the transport, as on a real phone.
        self._streams.clear()
        self._online = False
        self._version = min(self._adb_version, header.arg0) or self._adb_version
        self._max_payload = min(wire.DEVICE_MAX_PAYLOAD, header.arg1) or wire.DEVICE_MAX_PAYLOAD
        logger.debug("connection %d: host banner %r", self.number, data[:200])
        if self._profile.auth == "none":
            self._audit.record_auth(self.number, AuthStep.AUTH_DISABLED)
            self._go_online()
        else:
            self._send_token()

    def _send_token(self) -> None:
        self._token = secrets.token_bytes(TOKEN_SIZE)
        self._audit.record_auth(self.number, AuthStep.CHALLENGE_SENT)
        self._send(wire.A_AUTH, wire.AUTH_TOKEN, 0, self._token)

    def _go_online(self) -> None:
        self._online = True
        hostile = self._hostile
        maxdata = self._max_payload
        if hostile is not None and hostile.maxdata is not None:
            maxdata = hostile.maxdata
        if hostile is not None and hostile.huge_header == "cnxn":
            self._flood(self._huge_message(wire.A_CNXN, self._version, maxdata, self._banner()))
        self._send(wire.A_CNXN, self._version, maxdata, self._banner())

    def _banner(self) -> bytes:
        props = "".join(f"{k}={v};" for k, v in self._profile.banner_properties().items())
        return f"device::{props}features={','.join(FEATURES)}".encode()

    def _on_auth(self, header: wire.Header, data: bytes) -> None:
        if self._online or not self._token:
            return  # nothing to authorise (adbd ignores it too)
        if self._faults is not None and self._faults.drop_at_auth():
            raise ConnectionClosed("fault: dropped during AUTH")
        if header.arg0 == wire.AUTH_SIGNATURE:
            if self._trust.verify(self._token, data):
                self._audit.record_auth(self.number, AuthStep.SIGNATURE_ACCEPTED)
                self._go_online()
            else:
                self._audit.record_auth(self.number, AuthStep.SIGNATURE_REJECTED)
                self._send_token()
        elif header.arg0 == wire.AUTH_RSAPUBLICKEY:
            self._on_public_key(data)

    def _on_public_key(self, data: bytes) -> None:
        self._audit.record_auth(self.number, AuthStep.KEY_OFFERED)
        try:
            offered = decode_android_public_key(data)
        except KeyFormatError as exc:
            # adbd logs a bad key and shows no prompt; the host waits in vain.
            logger.info("connection %d: bad public key: %s", self.number, exc)
            self._audit.record_auth(self.number, AuthStep.KEY_MALFORMED)
            return
        self._trust.asked(offered.key)
        decision = self._profile.auth
        if decision == "never":
            return  # the prompt stays on screen; the socket stays open
        if self._profile.auth_delay_s and self._stopping.wait(self._profile.auth_delay_s):
            raise ConnectionClosed("phone stopped while the prompt was showing")
        if decision == "accept":
            self._trust.add(offered.key, offered.comment)
            self._audit.record_auth(self.number, AuthStep.KEY_ACCEPTED)
            self._go_online()
        else:
            # A real phone just stays 'unauthorized'; closing lets the client learn quickly.
            self._audit.record_auth(self.number, AuthStep.KEY_REFUSED)
            raise ConnectionClosed("the user refused the key")

    # -- streams --------------------------------------------------------------

    def _on_open(self, remote_id: int, data: bytes) -> None:
        if remote_id == 0:
            return  # protocol.txt: local-id 0 is invalid
        name = data.split(b"\0", 1)[0].decode("utf-8", errors="replace")
        service, separator, argument = name.partition(":")
        # "shell,v2,raw:cmd": the shell's arguments come before the first colon.
        options = ""
        if service.startswith("shell,"):
            service, _, options = service.partition(",")
        faults = self._faults if service in SHELL_SERVICES or name == "sync:" else None
        if faults is not None and faults.at_open(name, argument) is DROP:
            self._audit.record(ReceivedCommand(service, argument, self.number))
            raise ConnectionClosed(f"fault: dropped at OPEN {name!r}")
        if self._pacer is not None:
            self._pacer.request_started()
        if self._held is not None:
            held, self._held = self._held, None
            self._audit.record(ReceivedCommand(service, argument, self.number))
            first = held.pending.popleft()
            self._flood(
                self._pack(wire.A_WRTE, held.local_id, held.remote_id, piece)
                for piece in self._split(endless_filler(first if isinstance(first, bytes) else b""))
                if isinstance(piece, bytes)
            )
        if service in SHELL_SERVICES and separator and argument:
            self._audit.record(ReceivedCommand(service, argument, self.number, options=options))
            request = parse_shell_arguments(options)
            if request.shell_protocol:
                source = _later(lambda: self._shell_protocol_answer(argument, request))
            else:
                source = self._legacy_answer(argument, request.pty)
            if self._hostile is not None:
                # Its faults act once the OKAY is out, before any output is made.
                stream = self._new_stream(remote_id)
                if self._hostile_shell(stream, argument):
                    return
                stream.source = source
            else:
                stream = self._new_stream(remote_id, source)
            stream.close_when_drained = True
            self._pump(stream)
        elif name == "sync:":
            self._new_stream(remote_id).sync = SyncSession(self._profile.files)
        else:
            # Unknown services and the interactive shell (no PTY here) fail to open.
            self._audit.record(
                ReceivedCommand(service, argument, self.number, refused=True, options=options)
            )
            self._send(wire.A_CLSE, 0, remote_id)

    def _legacy_answer(self, command: str, pty: bool) -> Iterator[Piece]:
        """The WRTE payloads of ``shell:``/``exec:``, made as they are taken."""
        pieces = output_pieces(self._profile, command, self._trust)
        if pty:  # without the protocol adbd makes the PTY raw unless "pty" was asked for
            pieces = (onlcr(piece) for piece in pieces)
        faults = self._faults
        if faults is not None and shapes_answer(faults.plan, command):
            # The fault needs the whole output: it is made when the first piece is taken.
            whole = pieces
            return _later(
                lambda: self._split(shell_answer(faults.plan, command, lambda: b"".join(whole)))
            )
        return _Chunks(pieces, self._max_payload)

    def _shell_protocol_answer(self, command: str, request: ShellRequest) -> Iterator[Piece]:
        """The packets of ``shell,v2``: stdout (with any planned fault), stderr, exit status."""
        answer = run_command(self._profile, command, self._trust)
        stdout, stderr = answer.stdout, answer.stderr
        if request.pty:
            stdout, stderr = onlcr(stdout + stderr), b""  # one terminal for both
        pieces: Iterator[Piece] = iter((stdout,))
        if self._faults is not None:
            pieces = shell_answer(self._faults.plan, command, lambda: stdout)
        max_data = max(1, self._max_payload - HEADER.size)  # one packet per WRTE
        return self._split(framed(pieces, stderr, answer.status, max_data))

    # -- hostile faults (see faults.Hostile) ----------------------------------

    def _hostile_shell(self, stream: _Stream, command: str) -> bool:
        """Play a hostile fault planned for ``command``; False when none is."""
        hostile = cast(Hostile, self._hostile)
        output = shell_output(self._profile, command)
        if hostile.huge_header == command:
            self._flood(self._huge_message(wire.A_WRTE, stream.local_id, stream.remote_id, output))
        if hostile.flood_unknown_stream == command:
            self._flood(
                self._pack(wire.A_WRTE, *UNKNOWN_STREAM, piece) for piece in endless_filler()
            )
        stream.wrong_checksum = hostile.wrong_checksum == command
        if hostile.ignore_flow_control == command:
            stream.pending.append(output or b"\n")
            stream.hung = True  # silent until the host moves on (see _on_open)
            self._held = stream
            return True
        return False

    def _huge_message(self, command: int, arg0: int, arg1: int, start: bytes) -> Iterator[bytes]:
        """A header claiming ``HUGE_CLAIM`` bytes, ``start``, then filler: never complete."""
        header = struct.pack(
            wire.HEADER_FORMAT, command, arg0, arg1, HUGE_CLAIM, 0, command ^ 0xFFFFFFFF
        )
        yield header
        yield from endless_filler(start)

    def _flood(self, messages: Iterable[bytes]) -> NoReturn:
        """Send without end and read nothing, until the host hangs up or the phone stops."""
        for message in messages:
            if self._stopping.is_set():
                break
            self._send_packed(message)  # OSError once the host is gone: serve() ends
        raise ConnectionClosed("hostile flood ended")

    def _new_stream(self, remote_id: int, source: Iterator[Piece] | None = None) -> _Stream:
        """Open a stream and send its OKAY; its answer (``source``) is begun meanwhile."""
        local_id = self._next_local_id
        self._next_local_id = local_id + 1 if local_id < 0xFFFFFFFF else 1
        stream = _Stream(local_id=local_id, remote_id=remote_id, source=source)
        self._streams[local_id] = stream
        meanwhile = None if source is None else self._meanwhile(stream)
        self._send_packed(self._pack(wire.A_OKAY, local_id, remote_id), meanwhile)
        return stream

    def _on_write(self, remote_id: int, local_id: int, data: bytes) -> None:
        stream = self._streams.get(local_id)
        if stream is None or stream.remote_id != remote_id:
            return
        self._send(wire.A_OKAY, local_id, remote_id)
        if stream.sync is None:
            return  # stdin to a finished command: nobody reads it
        for reply in stream.sync.feed(data):
            if reply.new_request:
                self._audit.record(
                    ReceivedCommand("sync", reply.request, self.number, refused=reply.refused)
                )
                if self._pacer is not None and reply.messages:
                    self._pacer.request_started()
            cut = None
            if self._faults is not None and reply.request.startswith("RECV "):
                cut = recv_answer(self._faults.plan, reply.request[5:], reply.messages)
            if cut is not None:
                stream.source = self._split(cut)
                continue
            hostile = self._hostile
            if hostile is not None and reply.request.startswith("RECV ") and reply.messages:
                if hostile.huge_header == "recv":
                    stream.source = self._split(huge_sync_reply())
                    continue
                if hostile.trickle_pull_s:
                    stream.source = trickled(reply.messages)
                    stream.delay_s = hostile.trickle_pull_s
                    stream.close_when_drained = reply.close
                    continue
            # adbd reads the sync service's output as a byte stream and sends it in WRTEs
            # of up to the max payload, so several 64 KB DATA chunks share one message.
            self._queue(stream, b"".join(reply.messages))
            if reply.close:
                stream.close_when_drained = True
        self._pump(stream)

    def _on_okay(self, local_id: int) -> None:
        stream = self._streams.get(local_id)
        if stream is not None:
            stream.awaiting_okay = False
            self._pump(stream)

    def _on_close(self, local_id: int) -> None:
        stream = self._streams.pop(local_id, None)
        if stream is not None:
            # The host closed first: confirm, as adbd does (clients wait for it).
            self._send(wire.A_CLSE, local_id, stream.remote_id)

    def _queue(self, stream: _Stream, data: bytes) -> None:
        for start in range(0, len(data), self._max_payload):
            stream.pending.append(data[start : start + self._max_payload])

    def _split(self, pieces: Iterator[Piece]) -> Iterator[Piece]:
        """Pieces cut to the negotiated max payload, lazily."""
        for piece in pieces:
            if isinstance(piece, Marker):
                yield piece
                continue
            for start in range(0, len(piece), self._max_payload):
                yield piece[start : start + self._max_payload]

    def _next_piece(self, stream: _Stream) -> Piece | None:
        if stream.pending:
            return stream.pending.popleft()
        if stream.source is not None:
            piece = next(stream.source, None)
            if piece is not None:
                return piece
            stream.source = None
        return None

    def _pump(self, stream: _Stream) -> None:
        if stream.awaiting_okay or stream.hung:
            return
        piece: Piece | None
        if stream.ahead is not None:
            piece, message = stream.ahead, stream.ahead_message
            stream.ahead = stream.ahead_message = None
        else:
            piece, message = self._next_piece(stream), None
        if piece is HANG:
            stream.hung = True
        elif piece is DROP:
            raise ConnectionClosed("fault: dropped in the middle of an answer")
        elif isinstance(piece, bytes):
            if stream.delay_s and self._stopping.wait(stream.delay_s):
                raise ConnectionClosed("phone stopped during a trickle")
            stream.awaiting_okay = True
            message = message or self._pack_write(stream, piece)
            self._send_packed(message, self._meanwhile(stream))
            self._look_ahead(stream)
        elif stream.close_when_drained:
            del self._streams[stream.local_id]
            self._send(wire.A_CLSE, stream.local_id, stream.remote_id)

    def _meanwhile(self, stream: _Stream) -> Meanwhile:
        return lambda: self._make_ahead(stream)

    def _make_ahead(self, stream: _Stream) -> bool:
        """One step towards the stream's next WRTE, done while the link model waits;
        True while there is more to do (the next message is not made yet)."""
        if stream.ahead is not None or stream.hung:
            return False
        source = stream.source
        if not stream.pending and isinstance(source, _Chunks) and source.make():
            return True
        self._look_ahead(stream)
        return False

    def _look_ahead(self, stream: _Stream) -> None:
        """Ready the next WRTE while the host reads this one, as adbd reads ahead of OKAY.

        Packing 256 KB in Python takes milliseconds; done after the OKAY it would be
        charged to the link, which a real phone's C++ daemon does not do.
        """
        if stream.ahead is not None:
            return  # made while the link model waited
        piece = self._next_piece(stream)
        if piece is None:
            return
        stream.ahead = piece
        if isinstance(piece, bytes):
            stream.ahead_message = self._pack_write(stream, piece)

    def _pack_write(self, stream: _Stream, piece: bytes) -> bytes:
        message = self._pack(wire.A_WRTE, stream.local_id, stream.remote_id, piece)
        return wrong_checksum(message) if stream.wrong_checksum else message


def _later(make: Callable[[], Iterator[Piece]]) -> Iterator[Piece]:
    """``make()``'s pieces, with ``make`` called only when the first one is taken."""
    yield from make()
