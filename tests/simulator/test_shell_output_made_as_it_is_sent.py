"""A shell command's output is made as the phone sends it, not whole before the first WRTE.

The messages stay those of the whole output cut at the max payload; only when each is
made changes: while the link model waits (the latency before the OKAY, each WRTE's time
on the wire), as a real phone's toybox streams its output while adbd sends it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from scanner.simulator import Profile, SimulatedPhone, toybox
from scanner.simulator.connection import Connection
from scanner.simulator.link import LinkModel
from scanner.simulator.shell import run_command, shell_output
from scanner.simulator.shell_v2 import onlcr

from .rawhost import Packet, RawHost

StartPhone = Callable[..., SimulatedPhone]
PATHS = [f"/data/app/com.example.app{i}-1/base.apk" for i in range(6)]
FILES = {
    path: bytes((i * 131 + n * 7) % 251 for i in range(200_000 + 977 * n))
    for n, path in enumerate(PATHS)
}
TOOLS_COMMAND = "; ".join(
    [
        f"echo @x:{n}; tail -c {len(FILES[p]) - n} '{p}' 2>/dev/null; echo =$?"
        for n, p in enumerate(PATHS)
    ]
    + [
        "stat -c %s /data/app/absent/base.apk",  # its stderr joins the stream
        f"dd if={PATHS[0]} bs=4096 skip=3 count=70",
        f"sha256sum {' '.join(PATHS[:3])}",
        "echo =$?",
    ]
)
DUMP = b"".join(
    b"  Package [com.example.p%d] (%08x):\r\n    versionCode=%d\r\n"
    % (n, n * 2654435761 % 2**32, n)
    for n in range(30_000)
)


def _profile() -> Profile:
    return Profile(
        name="streamed",
        commands={"dumpsys package": DUMP},
        files=FILES,
        auth="none",
    )


def _cut(data: bytes, size: int) -> list[bytes]:
    return [data[start : start + size] for start in range(0, len(data), size)]


def _open(host: RawHost, service: bytes) -> int:
    host.send("OPEN", 21, 0, service + b"\0")
    opened = host.recv()
    assert (opened.command, opened.arg1) == ("OKAY", 21)
    return opened.arg0


def _read_all(host: RawHost, local: int) -> tuple[list[bytes], Packet]:
    """Every WRTE payload of stream 21, acknowledged one by one, and the packet ending it."""
    payloads: list[bytes] = []
    while True:
        packet = host.recv()
        assert packet.arg1 == 21
        if packet.command != "WRTE":
            return payloads, packet
        payloads.append(packet.data)
        host.send("OKAY", 21, local)


def _answer(port: int, service: str, maxdata: int) -> tuple[list[bytes], Packet, int]:
    """Connect, open ``service`` and read its whole answer: payloads, end, our stream id."""
    host = RawHost(port)
    try:
        assert host.connect(maxdata=maxdata).command == "CNXN"
        local = _open(host, service.encode())
        payloads, end = _read_all(host, local)
    finally:
        host.close()
    return payloads, end, local


@pytest.mark.parametrize("maxdata", [4096, 256 * 1024])
@pytest.mark.parametrize(
    ("service", "command", "expected"),
    [
        ("shell", TOOLS_COMMAND, lambda whole: whole),
        ("exec", TOOLS_COMMAND, lambda whole: whole),
        ("shell,pty", TOOLS_COMMAND, onlcr),
        ("shell", "dumpsys package", lambda whole: whole),
    ],
    ids=["toybox", "toybox-exec", "toybox-pty", "dumpsys-package"],
)
def test_the_messages_are_the_whole_outputs_cut_at_the_max_payload(
    start_phone: StartPhone,
    maxdata: int,
    service: str,
    command: str,
    expected: Callable[[bytes], bytes],
) -> None:
    profile = _profile()
    whole = expected(shell_output(profile, command))
    assert len(whole) > 4 * 256 * 1024  # several messages even at the largest payload
    payloads, end, local = _answer(start_phone(profile).port, f"{service}:{command}", maxdata)
    assert (end.command, end.arg0) == ("CLSE", local)
    assert [len(p) for p in payloads] == [len(p) for p in _cut(whole, maxdata)]
    assert payloads == _cut(whole, maxdata)


def test_the_first_write_waits_for_its_own_bytes_not_the_whole_answer(
    start_phone: StartPhone, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Recorded on the phone, in order: each ``tail`` step run, each message sent, each
    OKAY from the host. Made whole, all the steps would run before the first WRTE."""
    maxdata, size, steps = 4096, 3000, 12
    files = {f"/data/app/a{n}/base.apk": bytes([n]) * size for n in range(steps)}
    command = "; ".join(f"tail -c {size} /data/app/a{n}/base.apk" for n in range(steps))
    events: list[str] = []
    tail, send, on_okay = toybox._TOOL["tail"], Connection._send_packed, Connection._on_okay

    def recorded_tail(args: list[str]) -> Callable[[Mapping[str, bytes]], object]:
        run = tail(args)

        def step(files: Mapping[str, bytes]) -> object:
            events.append("tail")
            return run(files)

        return step

    def recorded_send(self: Connection, message: bytes, *args: Any) -> None:
        send(self, message, *args)
        events.append(message[:4].decode("ascii"))

    def recorded_okay(self: Connection, local_id: int) -> None:
        events.append("host OKAY")
        on_okay(self, local_id)

    monkeypatch.setitem(toybox._TOOL, "tail", recorded_tail)  # type: ignore[index]
    monkeypatch.setattr(Connection, "_send_packed", recorded_send)
    monkeypatch.setattr(Connection, "_on_okay", recorded_okay)
    # 0.3 s before the OKAY; each 4 KiB WRTE is on the wire for about 50 ms.
    link = LinkModel(latency_s=0.3, bytes_per_s=80_000)
    phone = start_phone(Profile(name="tails", files=files, auth="none"), link=link)
    payloads, end, _ = _answer(phone.port, f"shell:{command}", maxdata)
    assert payloads == _cut(b"".join(files.values()), maxdata)
    assert end.command == "CLSE"
    assert events.count("tail") == steps
    before_ack = events[: events.index("host OKAY")]
    # The first message's two steps ran while the latency was waited, before the OKAY
    # left; the second message's one while the first WRTE was on the wire; no more
    # before the host acknowledged it.
    assert before_ack == ["CNXN", "tail", "tail", "OKAY", "tail", "WRTE"]
    assert before_ack.count("tail") == math.ceil(2 * maxdata / size) < steps


def test_a_step_whose_options_need_the_status_is_read_once_the_status_is_known() -> None:
    """``tail -c $?``: such a line is run whole when it starts, answering as it always did;
    an option it turns out not to take leaves the whole line to the shell, as before."""
    profile = Profile(name="status", files={"/f": b"0123456789"})
    assert shell_output(profile, "stat -c %s /f; tail -c $? /f") == b"10\n"  # $? = 0
    assert shell_output(profile, "stat -c %s /nope; tail -c $? /f 2>/dev/null") == (
        b"stat: '/nope': No such file or directory\n9"
    )
    assert run_command(profile, "stat -c %s /f; dd if=/f bs=$?") == run_command(
        profile, "stat -c %s /f; dd if=/f bs=0"
    )
    assert run_command(profile, "stat -c %s /f; dd if=/f bs=0").status == 127  # not the tools'
