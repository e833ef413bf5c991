"""The guard holds against a phone that breaks the ADB protocol.

A small scripted "phone" on a real local socket sends exactly the bytes each test needs;
the guard reads them through adb-shell's real TCP transport, as adb-shell would (a
24-byte header, then its payload), and the test checks what got through, what was
dropped and what reached the phone.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator

import pytest
from adb_shell.transport.tcp_transport import TcpTransport

from scanner.device.deadline import Deadline
from scanner.device.guard import (
    MAX_BUFFERED,
    MAX_MESSAGE_DATA,
    MIN_MAXDATA,
    STRAGGLERS,
    STREAM_WINDOW,
    UNSOLICITED_BYTES,
    UNSOLICITED_MESSAGES,
    GuardedTransport,
    Overdue,
    plain_size,
)
from scanner.errors import Disconnected, ProtocolViolation

HEADER = struct.Struct("<6I")
LOCAL = 1  # our id for the stream each test opens
REMOTE = 77  # the phone's id for it


def word(name: bytes) -> int:
    return int.from_bytes(name, "little")


def message(
    command: bytes, arg0: int, arg1: int, data: bytes = b"", *, length: int | None = None
) -> bytes:
    cmd = word(command)
    size = len(data) if length is None else length
    return HEADER.pack(cmd, arg0, arg1, size, sum(data) & 0xFFFFFFFF, cmd ^ 0xFFFFFFFF) + data


class Phone:
    """The far end: sends what a test scripts, records what the guard let through."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.received = bytearray()
        self.hung_up = threading.Event()
        self._accepted = threading.Event()
        self.conn: socket.socket | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.conn, _ = self.server.accept()
            self._accepted.set()
            while chunk := self.conn.recv(65536):
                self.received += chunk
        except OSError:
            pass
        self.hung_up.set()

    def send(self, data: bytes) -> None:
        assert self._accepted.wait(5)
        assert self.conn is not None
        self.conn.sendall(data)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.server.close()
        self._thread.join(timeout=5)


@pytest.fixture
def phone() -> Iterator[Phone]:
    far = Phone()
    yield far
    far.close()


@pytest.fixture
def guard(phone: Phone) -> Iterator[GuardedTransport]:
    transport = GuardedTransport(TcpTransport("127.0.0.1", phone.port), "test")
    transport.connect(5)
    yield transport
    transport.close()


def read_message(guard: GuardedTransport, timeout: float = 5) -> tuple[bytes, int, int, bytes]:
    """Read one message the way adb-shell does: 24 header bytes, then the payload."""
    head = b""
    while len(head) < HEADER.size:
        head += guard.bulk_read(HEADER.size - len(head), timeout)
    command, arg0, arg1, length, _check, _magic = HEADER.unpack(head)
    data = b""
    while len(data) < length:
        data += guard.bulk_read(length - len(data), timeout)
    return command.to_bytes(4, "little"), arg0, arg1, data


def write(guard: GuardedTransport, raw: bytes) -> None:
    """Write one message the way adb-shell does: header, then payload separately."""
    guard.bulk_write(raw[: HEADER.size], 5)
    if raw[HEADER.size :]:
        guard.bulk_write(raw[HEADER.size :], 5)


def online(guard: GuardedTransport, phone: Phone) -> None:
    """The handshake, with auth off: the phone's CNXN."""
    phone.send(message(b"CNXN", 0x01000000, 256 * 1024, b"device::features=cmd"))
    assert read_message(guard)[0] == b"CNXN"


def open_stream(guard: GuardedTransport, phone: Phone) -> None:
    """Open ``shell:getprop`` as LOCAL and have the phone accept it as REMOTE."""
    online(guard, phone)
    write(guard, message(b"OPEN", LOCAL, 0, b"shell:getprop\0"))
    phone.send(message(b"OKAY", REMOTE, LOCAL))
    assert read_message(guard)[:3] == (b"OKAY", REMOTE, LOCAL)


def test_plain_size_says_sizes_as_a_person_would() -> None:
    assert [plain_size(n) for n in (0xFFFFFF00, 1024 * 1024, 1000, 12)] == [
        "4.3 GB",
        "1 MB",
        "1 KB",
        "12 B",
    ]


@pytest.mark.parametrize("command", [b"WRTE", b"CNXN"])
def test_a_header_claiming_4_gb_ends_the_link_before_any_of_its_payload_is_read(
    guard: GuardedTransport, phone: Phone, command: bytes
) -> None:
    if command == b"WRTE":
        open_stream(guard, phone)
    before = guard.counters.bytes_received
    phone.send(message(command, REMOTE, LOCAL, length=0xFFFFFF00) + b"x" * 65536)
    with pytest.raises(ProtocolViolation) as fault:
        read_message(guard)
    assert "4.3 GB" in fault.value.message
    assert "stopped reading" in fault.value.message
    assert guard.counters.bytes_received - before == HEADER.size
    assert phone.hung_up.wait(5)  # the phone sees the link close


def test_a_payload_of_exactly_the_limit_passes(guard: GuardedTransport, phone: Phone) -> None:
    open_stream(guard, phone)
    data = bytes(range(256)) * (MAX_MESSAGE_DATA // 256)
    phone.send(message(b"WRTE", REMOTE, LOCAL, data))
    assert read_message(guard) == (b"WRTE", REMOTE, LOCAL, data)


@pytest.mark.parametrize(
    "raw",
    [
        HEADER.pack(word(b"WRTE"), REMOTE, LOCAL, 0, 0, 0x12345678),  # bad magic
        HEADER.pack(word(b"XXXX"), REMOTE, LOCAL, 0, 0, word(b"XXXX") ^ 0xFFFFFFFF),
    ],
    ids=["bad-magic", "unknown-command"],
)
def test_a_header_that_is_not_adb_ends_the_link(
    guard: GuardedTransport, phone: Phone, raw: bytes
) -> None:
    open_stream(guard, phone)
    phone.send(raw)
    with pytest.raises(ProtocolViolation, match="not an ADB message"):
        read_message(guard)


@pytest.mark.parametrize(
    ("advertised", "seen"),
    [(0xFFFFFFFF, MAX_MESSAGE_DATA), (0, MIN_MAXDATA), (256 * 1024, 256 * 1024)],
)
def test_the_phones_maxdata_is_clamped_before_adb_shell_reads_it(
    guard: GuardedTransport, phone: Phone, advertised: int, seen: int
) -> None:
    phone.send(message(b"CNXN", 0x01000000, advertised, b"device::"))
    command, _version, maxdata, banner = read_message(guard)
    assert (command, maxdata, banner) == (b"CNXN", seen, b"device::")
    assert guard.phone_maxdata == advertised


def test_a_message_for_a_stream_never_opened_is_dropped_and_the_next_one_passes(
    guard: GuardedTransport, phone: Phone
) -> None:
    open_stream(guard, phone)
    phone.send(message(b"WRTE", 5, 0xDEAD, b"not for you"))
    phone.send(message(b"WRTE", REMOTE, LOCAL, b"for you"))
    assert read_message(guard) == (b"WRTE", REMOTE, LOCAL, b"for you")
    assert guard.counters.messages_dropped == 1


@pytest.mark.parametrize(
    "stray",
    [
        message(b"WRTE", REMOTE, 0, b"local id 0"),  # adb-shell would take it as ours
        message(b"WRTE", REMOTE + 1, LOCAL, b"wrong remote id"),
        message(b"OKAY", REMOTE, LOCAL),  # we wrote nothing: no OKAY is owed
        message(b"OPEN", 9, 0, b"reverse:forward\0"),  # the phone may not open streams
    ],
    ids=["local-0", "wrong-remote", "unowed-okay", "open-from-phone"],
)
def test_messages_outside_our_streams_are_dropped(
    guard: GuardedTransport, phone: Phone, stray: bytes
) -> None:
    open_stream(guard, phone)
    phone.send(stray + message(b"CLSE", REMOTE, LOCAL))
    assert read_message(guard)[:3] == (b"CLSE", REMOTE, LOCAL)
    assert guard.counters.messages_dropped == 1


def test_stream_messages_before_the_handshake_are_dropped(
    guard: GuardedTransport, phone: Phone
) -> None:
    phone.send(message(b"WRTE", REMOTE, LOCAL, b"early") + message(b"CNXN", 1, 4096, b"d::"))
    assert read_message(guard)[0] == b"CNXN"
    assert guard.counters.messages_dropped == 1


@pytest.mark.parametrize("size", [0, 64 * 1024], ids=["empty", "64KiB"])
def test_a_flood_for_a_stream_never_opened_ends_as_a_protocol_violation(
    guard: GuardedTransport, phone: Phone, size: int
) -> None:
    open_stream(guard, phone)
    flood = message(b"WRTE", 5, 0xDEAD, b"f" * size)

    def keep_sending() -> None:
        try:
            while True:
                phone.send(flood)
        except (OSError, AssertionError):
            return  # the guard hung up

    threading.Thread(target=keep_sending, daemon=True).start()
    before = guard.counters.bytes_received
    with pytest.raises(ProtocolViolation, match="did not ask for"):
        read_message(guard)
    read = guard.counters.bytes_received - before
    assert read <= UNSOLICITED_BYTES + len(flood)
    assert guard.counters.messages_dropped <= UNSOLICITED_MESSAGES + 1


def test_writes_past_the_flow_control_window_end_the_link(
    guard: GuardedTransport, phone: Phone
) -> None:
    open_stream(guard, phone)
    phone.send(message(b"WRTE", REMOTE, LOCAL, b"chunk") * (STREAM_WINDOW + 1))
    for _ in range(STREAM_WINDOW):
        assert read_message(guard)[0] == b"WRTE"  # read, but not acknowledged
    with pytest.raises(ProtocolViolation, match="without waiting"):
        read_message(guard)


def test_writes_that_are_each_acknowledged_never_hit_the_window(
    guard: GuardedTransport, phone: Phone
) -> None:
    open_stream(guard, phone)
    phone.send(message(b"WRTE", REMOTE, LOCAL, b"chunk") * (STREAM_WINDOW * 5))
    for _ in range(STREAM_WINDOW * 5):
        assert read_message(guard)[0] == b"WRTE"
        write(guard, message(b"OKAY", LOCAL, REMOTE))


def test_buffered_bytes_over_all_streams_are_capped(guard: GuardedTransport, phone: Phone) -> None:
    online(guard, phone)
    big = b"b" * MAX_MESSAGE_DATA
    streams = MAX_BUFFERED // MAX_MESSAGE_DATA + 1
    for local in range(1, streams + 1):
        write(guard, message(b"OPEN", local, 0, b"shell:getprop\0"))
        phone.send(message(b"OKAY", 100 + local, local))
        assert read_message(guard)[0] == b"OKAY"
    # One unacknowledged WRTE per stream: within each window, over the total cap.
    for local in range(1, streams):
        phone.send(message(b"WRTE", 100 + local, local, big))
        assert read_message(guard)[0] == b"WRTE"
    phone.send(message(b"WRTE", 100 + streams, streams, big))
    with pytest.raises(ProtocolViolation, match="without waiting"):
        read_message(guard)


def test_an_abandoned_stream_is_closed_and_what_still_comes_for_it_is_dropped(
    guard: GuardedTransport, phone: Phone
) -> None:
    open_stream(guard, phone)
    opened = message(b"OPEN", LOCAL, 0, b"shell:getprop\0")
    # The phone's reader runs on its own thread: wait until the OPEN has reached it.
    deadline = time.monotonic() + 5
    while len(phone.received) < len(opened) and time.monotonic() < deadline:
        time.sleep(0.01)
    sent_before = len(phone.received)
    assert bytes(phone.received) == opened
    guard.abandon(LOCAL, 5)
    deadline = time.monotonic() + 5
    while len(phone.received) < sent_before + HEADER.size and time.monotonic() < deadline:
        time.sleep(0.01)
    assert bytes(phone.received[sent_before:]) == message(b"CLSE", LOCAL, REMOTE)
    # What the phone had in flight, then its goodbye: dropped quietly, not held.
    phone.send(message(b"WRTE", REMOTE, LOCAL, b"late") + message(b"CLSE", REMOTE, LOCAL))
    write(guard, message(b"OPEN", LOCAL + 1, 0, b"shell:getprop\0"))
    phone.send(message(b"OKAY", REMOTE + 1, LOCAL + 1))
    assert read_message(guard)[:3] == (b"OKAY", REMOTE + 1, LOCAL + 1)
    assert guard.counters.messages_dropped == 2


def test_an_abandoned_stream_that_keeps_sending_counts_as_unasked(
    guard: GuardedTransport, phone: Phone
) -> None:
    open_stream(guard, phone)
    guard.abandon(LOCAL, 5)
    phone.send(message(b"WRTE", REMOTE, LOCAL, b"more") * (STRAGGLERS + UNSOLICITED_MESSAGES + 1))
    with pytest.raises(ProtocolViolation, match="did not ask for"):
        read_message(guard)


def test_after_a_violation_every_read_and_write_fails_at_once_and_nothing_is_sent(
    guard: GuardedTransport, phone: Phone
) -> None:
    open_stream(guard, phone)
    phone.send(message(b"WRTE", REMOTE, LOCAL, length=0xFFFFFF00))
    with pytest.raises(ProtocolViolation):
        read_message(guard)
    sent = len(phone.received)
    with pytest.raises(ProtocolViolation):
        guard.bulk_read(HEADER.size, 5)
    with pytest.raises(ProtocolViolation):
        write(guard, message(b"OKAY", LOCAL, REMOTE))
    assert phone.hung_up.wait(5)
    assert len(phone.received) == sent


def test_a_deadline_between_messages_raises_overdue_and_the_link_stays_usable(
    guard: GuardedTransport, phone: Phone
) -> None:
    open_stream(guard, phone)
    started = time.monotonic()
    with pytest.raises(Overdue), guard.watch(Deadline(0.2)):
        read_message(guard, timeout=5)
    assert time.monotonic() - started < 2  # the deadline, not the 5 s read time-out
    phone.send(message(b"WRTE", REMOTE, LOCAL, b"late but whole"))
    assert read_message(guard)[3] == b"late but whole"


def test_a_trickle_of_small_messages_cannot_outlast_a_deadline(
    guard: GuardedTransport, phone: Phone
) -> None:
    open_stream(guard, phone)
    stop = threading.Event()

    def trickle() -> None:
        while not stop.wait(0.05):
            try:
                phone.send(message(b"WRTE", REMOTE, LOCAL, b"."))
            except OSError:
                return

    threading.Thread(target=trickle, daemon=True).start()
    started = time.monotonic()
    got = 0
    try:
        with pytest.raises(Overdue), guard.watch(Deadline(0.5)):
            while True:
                read_message(guard, timeout=5)
                write(guard, message(b"OKAY", LOCAL, REMOTE))
                got += 1
    finally:
        stop.set()
    assert got > 0  # it was trickling, not silent
    assert time.monotonic() - started < 3


def test_a_deadline_inside_a_message_ends_the_link_as_too_slow(
    guard: GuardedTransport, phone: Phone
) -> None:
    open_stream(guard, phone)
    phone.send(message(b"WRTE", REMOTE, LOCAL, length=10) + b"abc")  # 7 bytes never come
    with pytest.raises(Disconnected, match="so slowly") as fault, guard.watch(Deadline(0.2)):
        read_message(guard, timeout=5)
    assert not isinstance(fault.value, Overdue)
    with pytest.raises(Disconnected, match="so slowly"):
        guard.bulk_read(HEADER.size, 5)  # out of step for good


def test_the_rest_of_a_message_already_here_when_the_deadline_passes_is_still_read(
    guard: GuardedTransport, phone: Phone
) -> None:
    open_stream(guard, phone)
    phone.send(message(b"WRTE", REMOTE, LOCAL, b"whole"))
    time.sleep(0.1)  # all of it is waiting in the socket
    watched: list[Deadline] = []

    def clock() -> float:
        # Time runs out the moment the header is in, before its payload is read.
        return 5.0 if watched and watched[0].received >= HEADER.size else 0.0

    watched.append(Deadline(1.0, clock=clock))
    with guard.watch(watched[0]):
        assert read_message(guard, timeout=5) == (b"WRTE", REMOTE, LOCAL, b"whole")
        with pytest.raises(Overdue):  # the next message is not started
            read_message(guard, timeout=5)


def test_a_passed_deadline_stops_reading_at_the_next_message_even_with_data_waiting(
    guard: GuardedTransport, phone: Phone
) -> None:
    open_stream(guard, phone)
    phone.send(message(b"WRTE", REMOTE, LOCAL, b"ready"))
    time.sleep(0.1)  # it is in the socket, ready to read
    with pytest.raises(Overdue), guard.watch(Deadline(0.0)):
        read_message(guard, timeout=5)
    assert read_message(guard)[3] == b"ready"  # still whole, for a later read


class RecordingTcp(TcpTransport):  # type: ignore[misc]
    """adb-shell's TCP transport, noting every wait the guard asks of it."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(host, port)
        self.waits: list[float | None] = []

    def bulk_read(self, numbytes: int, transport_timeout_s: float | None) -> bytes:
        self.waits.append(transport_timeout_s)
        data: bytes = super().bulk_read(numbytes, transport_timeout_s)
        return data


def test_the_transport_is_never_asked_to_wait_under_a_millisecond(phone: Phone) -> None:
    # adb-shell's USB transport sends libusb whole milliseconds, where 0 means no limit.
    inner = RecordingTcp("127.0.0.1", phone.port)
    guard = GuardedTransport(inner, "test")
    guard.connect(5)
    try:
        open_stream(guard, phone)
        now = [0.0]
        nearly_over = Deadline(1.0, clock=lambda: now[0])
        now[0] = 0.9997  # 0.3 ms left, for good
        with pytest.raises(Overdue), guard.watch(nearly_over):
            read_message(guard, timeout=5)
    finally:
        guard.close()
    assert min(wait for wait in inner.waits if wait is not None) >= 0.001
