"""The shell protocol (shell,v2) on the wire, read by a host written here with struct."""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator

import pytest

from scanner.simulator import ReceivedCommand, SimulatedPhone
from scanner.simulator.faults import FaultPlan

from .conftest import small_profile
from .rawhost import RawHost

StartPhone = Callable[..., SimulatedPhone]
MAXDATA = 4096
BIG = bytes(i * 13 % 251 for i in range(3 * MAXDATA + 77))


@pytest.fixture
def open_host(start_phone: StartPhone) -> Iterator[Callable[..., tuple[SimulatedPhone, RawHost]]]:
    hosts: list[RawHost] = []

    def connect(**kwargs: object) -> tuple[SimulatedPhone, RawHost]:
        commands = {"big": BIG, "which su": b"", "getprop": b"[ro.product.model]: [X]\n"}
        phone = start_phone(small_profile(auth="none", commands=commands), **kwargs)
        host = RawHost(phone.port)
        hosts.append(host)
        assert host.connect(maxdata=MAXDATA).command == "CNXN"
        return phone, host

    yield connect
    for host in hosts:
        host.close()


def _stream(host: RawHost, service: bytes, local_id: int = 5) -> bytes:
    """Open ``service`` and return every byte the phone writes until it closes."""
    host.send("OPEN", local_id, 0, service + b"\0")
    opened = host.recv()
    assert (opened.command, opened.arg1) == ("OKAY", local_id)
    data = b""
    while True:
        message = host.recv()
        if message.command == "CLSE":
            return data
        assert (message.command, message.arg1) == ("WRTE", local_id)
        assert len(message.data) <= MAXDATA
        data += message.data
        host.send("OKAY", local_id, opened.arg0)


def _packets(data: bytes) -> list[tuple[int, bytes]]:
    """Split a shell-protocol stream: 1-byte id, 4-byte little-endian length, data."""
    packets, offset = [], 0
    while offset < len(data):
        packet_id, length = struct.unpack_from("<BI", data, offset)
        offset += 5
        packets.append((packet_id, data[offset : offset + length]))
        offset += length
    assert offset == len(data), "the stream ends inside a packet"
    return packets


def _collect(packets: list[tuple[int, bytes]]) -> tuple[bytes, bytes, list[int]]:
    stdout = b"".join(d for i, d in packets if i == 1)
    stderr = b"".join(d for i, d in packets if i == 2)
    exits = [d[0] for i, d in packets if i == 3 and len(d) == 1]
    assert {i for i, _ in packets} <= {1, 2, 3}
    return stdout, stderr, exits


@pytest.mark.parametrize(
    ("command", "stdout", "stderr", "status"),
    [
        (b"getprop", b"[ro.product.model]: [X]\n", b"", 0),
        (b"false", b"", b"", 1),
        (b"exit 3", b"", b"", 3),
        (b"exit 300", b"", b"", 300 % 256),
        (b"which su", b"", b"", 1),
        (b"frobnicate", b"", b"/system/bin/sh: frobnicate: inaccessible or not found\n", 127),
        (b"cmd nosuch x", b"", b"cmd: Can't find service: nosuch\n", 20),
    ],
)
def test_v2_carries_stdout_stderr_and_the_exit_status_apart(
    open_host: Callable[..., tuple[SimulatedPhone, RawHost]],
    command: bytes,
    stdout: bytes,
    stderr: bytes,
    status: int,
) -> None:
    _, host = open_host()
    packets = _packets(_stream(host, b"shell,v2,raw:" + command))
    assert _collect(packets) == (stdout, stderr, [status])
    assert packets[-1][0] == 3, "the exit packet comes last"


def test_large_stdout_arrives_whole_in_packets_that_fit_the_payload(
    open_host: Callable[..., tuple[SimulatedPhone, RawHost]],
) -> None:
    _, host = open_host()
    packets = _packets(_stream(host, b"shell,v2,TERM=xterm-256color,raw:big"))
    assert _collect(packets) == (BIG, b"", [0])
    assert len(packets) > 3  # cut into several stdout packets


def test_pty_turns_newlines_into_crlf_and_shares_them_with_stderr(
    open_host: Callable[..., tuple[SimulatedPhone, RawHost]],
) -> None:
    _, host = open_host()
    packets = _packets(_stream(host, b"shell,v2,pty:frobnicate"))
    message = b"/system/bin/sh: frobnicate: inaccessible or not found\r\n"
    assert _collect(packets) == (message, b"", [127])


def test_legacy_shell_and_exec_merge_stderr_and_send_no_status(
    open_host: Callable[..., tuple[SimulatedPhone, RawHost]],
) -> None:
    _, host = open_host()
    message = b"/system/bin/sh: frobnicate: inaccessible or not found\n"
    assert _stream(host, b"shell:frobnicate", 7) == message
    assert _stream(host, b"exec:frobnicate", 8) == message
    assert _stream(host, b"shell:big", 9) == BIG
    # Asked for a PTY without the protocol, adbd leaves the terminal cooked: CRLF.
    assert _stream(host, b"shell,pty:frobnicate", 10) == message.replace(b"\n", b"\r\n")


def test_unknown_shell_arguments_are_ignored_as_adbd_does(
    open_host: Callable[..., tuple[SimulatedPhone, RawHost]],
) -> None:
    phone, host = open_host()
    packets = _packets(_stream(host, b"shell,v2,future-flag,raw:exit 9"))
    assert _collect(packets) == (b"", b"", [9])
    assert phone.received[-1] == ReceivedCommand("shell", "exit 9", 1, options="v2,future-flag,raw")


def test_interactive_v2_shell_is_refused(
    open_host: Callable[..., tuple[SimulatedPhone, RawHost]],
) -> None:
    phone, host = open_host()
    host.send("OPEN", 4, 0, b"shell,v2,TERM=xterm,pty:\0")
    closed = host.recv()
    assert (closed.command, closed.arg0, closed.arg1) == ("CLSE", 0, 4)
    assert phone.received[-1] == ReceivedCommand(
        "shell", "", 1, refused=True, options="v2,TERM=xterm,pty"
    )


def test_stdin_packets_from_the_host_are_acknowledged_and_ignored(
    open_host: Callable[..., tuple[SimulatedPhone, RawHost]],
) -> None:
    _, host = open_host()
    host.send("OPEN", 6, 0, b"shell,v2,raw:big\0")
    opened = host.recv()
    # What adb sends when its own stdin ends: a close-stdin packet (id 4, no data).
    host.send("WRTE", 6, opened.arg0, struct.pack("<BI", 4, 0))
    data = b""
    while True:
        message = host.recv()
        if message.command == "CLSE":
            break
        if message.command == "OKAY":
            continue  # the phone's acknowledgement of our WRTE
        data += message.data
        host.send("OKAY", 6, opened.arg0)
    assert _collect(_packets(data)) == (BIG, b"", [0])


def test_a_hung_command_never_reports_a_status(
    open_host: Callable[..., tuple[SimulatedPhone, RawHost]],
) -> None:
    _, host = open_host(faults=FaultPlan(hang={"big": 100}))
    host.send("OPEN", 3, 0, b"shell,v2,raw:big\0")
    opened = host.recv()
    first = host.recv()
    assert first.command == "WRTE"
    assert _packets(first.data) == [(1, BIG[:100])]
    host.send("OKAY", 3, opened.arg0)
    host.sock.settimeout(0.5)
    with pytest.raises(TimeoutError):
        host.recv()  # nothing more: no stderr, no exit packet, no CLSE
