"""During a scan no socket is opened to anything but the phone.

The standard library's socket calls are instrumented (not our code): every ``connect``,
``connect_ex``, ``create_connection`` and name lookup is recorded, then the destinations
are compared with the simulated phone's own address.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.simulator import SimulatedPhone, load_profile
from tests.faults.scanrun import run_scan


class SocketLog:
    """Destinations asked for, and addresses bound, while installed."""

    def __init__(self) -> None:
        self.connects: list[tuple[object, ...]] = []
        self.lookups: list[object] = []
        self.binds: list[tuple[object, ...]] = []


@pytest.fixture
def socket_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[SocketLog]:
    log = SocketLog()
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_bind = socket.socket.bind
    real_create_connection = socket.create_connection
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: object) -> None:
        log.connects.append(tuple(address) if isinstance(address, tuple) else (address,))
        return real_connect(self, address)  # type: ignore[arg-type]

    def connect_ex(self: socket.socket, address: object) -> int:
        log.connects.append(tuple(address) if isinstance(address, tuple) else (address,))
        return real_connect_ex(self, address)  # type: ignore[arg-type]

    def bind(self: socket.socket, address: object) -> None:
        real_bind(self, address)  # type: ignore[arg-type]
        bound = self.getsockname()  # the real port, when 0 asked for a free one
        log.binds.append(tuple(bound) if isinstance(bound, tuple) else (bound,))

    def create_connection(
        address: tuple[str, int], *args: object, **kwargs: object
    ) -> socket.socket:
        log.connects.append(tuple(address))
        return real_create_connection(address, *args, **kwargs)  # type: ignore[arg-type]

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        log.lookups.append(host)
        return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket.socket, "bind", bind)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield log


def test_a_scan_connects_only_to_the_phone(
    socket_log: SocketLog, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with SimulatedPhone(load_profile("infected")) as phone:
        before = len(socket_log.connects)
        run = run_scan(capsys, tmp_path, phone)
        during = socket_log.connects[before:]
        port = phone.port
    assert run.code == 0
    assert during  # the instrumentation saw the scanner's own connection
    assert {address[:2] for address in during} == {("127.0.0.1", port)}
    assert {str(host) for host in socket_log.lookups} <= {"127.0.0.1"}


def test_the_demo_connects_only_to_its_own_simulated_phone(
    socket_log: SocketLog, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--demo"])
    capsys.readouterr()
    assert code == 0
    listening = {address[:2] for address in socket_log.binds}
    assert listening and all(host == "127.0.0.1" for host, _ in listening)
    destinations = {address[:2] for address in socket_log.connects}
    # The scanner's connection, and the simulator waking its own accept loop at the end.
    assert destinations and destinations <= listening
    assert {str(host) for host in socket_log.lookups} <= {"127.0.0.1"}
