"""Streams on an online connection: legacy flow control, several at once, failed opens."""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator

import pytest

from scanner.simulator import ReceivedCommand, SimulatedPhone

from .conftest import small_profile
from .rawhost import RawHost

StartPhone = Callable[..., SimulatedPhone]
MAXDATA = 4096
BIG = bytes(i * 7 % 251 for i in range(3 * MAXDATA + 123))


@pytest.fixture
def online(start_phone: StartPhone) -> Iterator[tuple[SimulatedPhone, RawHost]]:
    """A phone with auth disabled and a raw host connected with a 4 KiB max payload."""
    phone = start_phone(small_profile(auth="none", commands={"big": BIG, "id": b"uid=2000\n"}))
    host = RawHost(phone.port)
    assert host.connect(maxdata=MAXDATA).command == "CNXN"
    yield phone, host
    host.close()


def test_next_write_waits_for_the_hosts_okay(online: tuple[SimulatedPhone, RawHost]) -> None:
    _, host = online
    host.send("OPEN", 11, 0, b"shell:big\0")
    opened = host.recv()
    assert (opened.command, opened.arg1) == ("OKAY", 11)
    first = host.recv()
    assert (first.command, first.arg0, first.arg1) == ("WRTE", opened.arg0, 11)
    # Without acknowledging, open a second stream. Messages go out in order, so if the
    # phone had not waited for our OKAY, a second WRTE for stream 11 would come first.
    host.send("OPEN", 12, 0, b"shell:id\0")
    second_open = host.recv()
    assert (second_open.command, second_open.arg1) == ("OKAY", 12)
    assert second_open.arg0 != opened.arg0
    small = host.recv()
    assert (small.command, small.arg1, small.data) == ("WRTE", 12, b"uid=2000\n")
    host.send("OKAY", 12, small.arg0)
    closed = host.recv()
    assert (closed.command, closed.arg1) == ("CLSE", 12)
    # Now acknowledge stream 11 chunk by chunk and collect the rest.
    output = first.data
    host.send("OKAY", 11, opened.arg0)
    while True:
        packet = host.recv()
        assert packet.arg1 == 11
        if packet.command == "CLSE":
            break
        assert packet.command == "WRTE"
        assert len(packet.data) <= MAXDATA
        output += packet.data
        host.send("OKAY", 11, opened.arg0)
    assert output == BIG


def test_unknown_service_is_closed_and_recorded_as_refused(
    online: tuple[SimulatedPhone, RawHost],
) -> None:
    phone, host = online
    host.send("OPEN", 5, 0, b"reboot:bootloader\0")
    reply = host.recv()
    assert (reply.command, reply.arg0, reply.arg1) == ("CLSE", 0, 5)
    assert phone.received == [ReceivedCommand("reboot", "bootloader", 1, refused=True)]


def test_interactive_shell_is_refused(online: tuple[SimulatedPhone, RawHost]) -> None:
    phone, host = online
    host.send("OPEN", 5, 0, b"shell:\0")
    assert host.recv().command == "CLSE"
    assert phone.received == [ReceivedCommand("shell", "", 1, refused=True)]


def test_host_close_is_confirmed(online: tuple[SimulatedPhone, RawHost]) -> None:
    _, host = online
    host.send("OPEN", 7, 0, b"sync:\0")
    opened = host.recv()
    host.send("CLSE", 7, opened.arg0)
    reply = host.recv()
    assert (reply.command, reply.arg0, reply.arg1) == ("CLSE", opened.arg0, 7)


def test_sync_request_split_across_writes_is_answered(
    online: tuple[SimulatedPhone, RawHost],
) -> None:
    phone, host = online
    host.send("OPEN", 9, 0, b"sync:\0")
    local = host.recv().arg0
    path = b"/sdcard/Download/note.txt"
    request = b"RECV" + struct.pack("<I", len(path)) + path
    for piece in (request[:3], request[3:10], request[10:]):
        host.send("WRTE", 9, local, piece)
        assert host.recv().command == "OKAY"
    reply = host.recv()
    assert reply.command == "WRTE"
    # The whole small answer fits one message, as adbd sends it: DATA chunk, then DONE.
    assert reply.data == b"DATA" + struct.pack("<I", 6) + b"hello\n" + b"DONE\0\0\0\0"
    assert phone.received[-1] == ReceivedCommand("sync", "RECV /sdcard/Download/note.txt", 1)


def test_sync_answer_fills_each_message_up_to_the_max_payload(
    start_phone: StartPhone,
) -> None:
    """adbd streams the sync service's output: DATA chunks cross message boundaries."""
    path = "/sdcard/Download/big.bin"
    phone = start_phone(small_profile(auth="none", files={path: BIG}))
    host = RawHost(phone.port)
    try:
        assert host.connect(maxdata=MAXDATA).command == "CNXN"
        host.send("OPEN", 9, 0, b"sync:\0")
        local = host.recv().arg0
        host.send("WRTE", 9, local, b"RECV" + struct.pack("<I", len(path)) + path.encode())
        assert host.recv().command == "OKAY"
        sizes, stream = [], b""
        while not stream.endswith(b"DONE\0\0\0\0"):
            packet = host.recv()
            assert packet.command == "WRTE"
            sizes.append(len(packet.data))
            stream += packet.data
            host.send("OKAY", 9, local)
    finally:
        host.close()
    assert all(size == MAXDATA for size in sizes[:-1])
    assert len(sizes) == -(-len(stream) // MAXDATA)
    content, at = b"", 0
    while stream[at : at + 4] == b"DATA":
        (length,) = struct.unpack_from("<I", stream, at + 4)
        content += stream[at + 8 : at + 8 + length]
        at += 8 + length
    assert stream[at:] == b"DONE\0\0\0\0"
    assert content == BIG
