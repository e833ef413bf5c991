"""The transport guard refuses anything but allowlisted shell commands and sync reads.

These drive the guard with real ADB messages over a real local socket and check what
actually arrived at the other end.
"""

from __future__ import annotations

import socket
import threading

import pytest
from adb_shell.adb_message import AdbMessage
from adb_shell.transport.tcp_transport import TcpTransport

from scanner.device.guard import GuardedTransport
from scanner.errors import CommandRefused, Disconnected
from scanner.sources import SCAN_COMMANDS


class Sink:
    """A local TCP server that records every byte it receives."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.received = bytearray()
        self.conn: socket.socket | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.conn, _ = self.server.accept()
            while chunk := self.conn.recv(65536):
                self.received += chunk
        except OSError:
            return  # the test hung up on purpose

    def close(self) -> None:
        """Wait until the client's bytes are all in (the client closes first), then stop."""
        self._thread.join(timeout=5)
        if self.conn:
            self.conn.close()
        self.server.close()


@pytest.fixture
def link():
    sink = Sink()
    transport = GuardedTransport(TcpTransport("127.0.0.1", sink.port), "test")
    transport.connect(5)
    yield transport, sink
    transport.close()
    sink.close()


def send(transport: GuardedTransport, msg: AdbMessage) -> None:
    transport.bulk_write(msg.pack(), 5)
    if msg.data:
        transport.bulk_write(msg.data, 5)


@pytest.mark.parametrize(
    "destination",
    [
        b"shell:pm uninstall com.example\0",
        b"shell:getprop; reboot\0",
        b"reboot:\0",
        b"shell:\0",
        b"root:\0",
        b"shell:settings put global adb_enabled 0\0",
    ],
)
def test_a_destination_off_the_allowlist_never_reaches_the_phone(link, destination):
    transport, sink = link
    with pytest.raises(CommandRefused):
        send(transport, AdbMessage(b"OPEN", 1, 0, destination))
    transport.close()
    sink.close()
    assert bytes(sink.received) == b""


def test_every_scan_command_passes_the_guard_unchanged(link):
    transport, sink = link
    expected = b""
    for i, command in enumerate(SCAN_COMMANDS, start=1):
        msg = AdbMessage(b"OPEN", i, 0, b"shell:" + command.encode() + b"\0")
        send(transport, msg)
        expected += msg.pack() + msg.data
    transport.close()
    sink.close()
    assert bytes(sink.received) == expected
    assert transport.counters.streams_opened == len(SCAN_COMMANDS)


def test_sync_stream_may_read_but_never_push(link):
    transport, sink = link
    send(transport, AdbMessage(b"OPEN", 7, 0, b"sync:\0"))
    send(transport, AdbMessage(b"WRTE", 7, 1, b"RECV\x05\x00\x00\x00/a/b"))
    with pytest.raises(CommandRefused):
        send(transport, AdbMessage(b"WRTE", 7, 1, b"SEND\x0a\x00\x00\x00/sdcard/x,33188"))
    transport.close()
    sink.close()
    assert b"SEND" not in bytes(sink.received)
    assert b"RECV\x05\x00\x00\x00/a/b" in bytes(sink.received)


def test_a_closed_socket_is_reported_as_disconnected_not_a_busy_wait(link):
    transport, sink = link
    send(transport, AdbMessage(b"OPEN", 1, 0, b"shell:getprop\0"))
    # Wait until the sink has the message, then hang up like a pulled cable.
    while len(sink.received) < 24:
        threading.Event().wait(0.01)
    assert sink.conn is not None
    sink.conn.shutdown(socket.SHUT_RDWR)
    sink.conn.close()
    with pytest.raises(Disconnected):
        transport.bulk_read(24, 5)
    transport.close()
