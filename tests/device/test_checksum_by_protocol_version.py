"""Payload checksums by protocol version, over the real ADB wire with the simulated phone.

The scanner advertises 0x01000001 and settles on the lower of its version and the
phone's. A phone at 0x01000001 (Android 9 and later) sends every payload with
``data_check = 0`` and nothing is summed, as in AOSP's adb; an older phone (0x01000000)
fills in every sum and each one is checked, so a wrong one still ends the command with
the plain "could not read" error. What the scanner reads is the same either way.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator

import pytest
from adb_shell.transport.tcp_transport import TcpTransport

from scanner.device.connection import PhoneConnection, Timeouts
from scanner.device.guard import GuardedTransport
from scanner.device.keys import ephemeral_signer
from scanner.errors import Disconnected
from scanner.simulator import Profile, SimulatedPhone
from scanner.simulator.faults import FaultPlan, Hostile

MODERN = 0x01000001
OLD = 0x01000000

BIG = os.urandom(700_000).hex().encode()  # 1.4 MB: five full 256 KB messages and a rest
APK_PATH = "/data/app/~~Xq==/com.example-1Q==/base.apk"
APK = os.urandom(600_000)
PROFILE = Profile(
    name="versions",
    commands={"dumpsys package": BIG, "getprop": b"[ro.product.model]: [Pixel 7]\n"},
    files={APK_PATH: APK},
)


class Tap(TcpTransport):  # type: ignore[misc]
    """adb-shell's TCP link, keeping a copy of every byte the phone sent."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(host, port)
        self.received = bytearray()

    def bulk_read(self, numbytes: int, transport_timeout_s: float | None) -> bytes:
        data: bytes = super().bulk_read(numbytes, transport_timeout_s)
        self.received += data
        return data


def messages(stream: bytes) -> Iterator[tuple[bytes, int, bytes]]:
    """(command, data_check, payload) of each message in what the phone sent."""
    at = 0
    while at < len(stream):
        command, _, _, length, check, _ = struct.unpack_from("<6I", stream, at)
        yield command.to_bytes(4, "little"), check, stream[at + 24 : at + 24 + length]
        at += 24 + length


def scan(adb_version: int, plan: FaultPlan | None = None) -> tuple[dict[str, bytes], Tap]:
    """Run the commands and the pull against a phone speaking ``adb_version``."""
    with SimulatedPhone(PROFILE, adb_version=adb_version, faults=plan) as phone:
        tap = Tap("127.0.0.1", phone.port)
        label = f"127.0.0.1:{phone.port}"
        connection = PhoneConnection._open(
            GuardedTransport(tap, label), label, "tcp", ephemeral_signer(), None, Timeouts()
        )
        try:
            read = {command: connection.shell(command).data for command in PROFILE.commands}
            read[APK_PATH] = connection.pull(APK_PATH)
        finally:
            connection.close()
    return read, tap


def test_a_modern_phone_sends_no_checksums_and_what_is_read_is_the_same() -> None:
    modern, modern_link = scan(MODERN)
    old, old_link = scan(OLD)
    assert modern == old == {**PROFILE.commands, APK_PATH: APK}
    sent = [(check, payload) for _, check, payload in messages(modern_link.received) if payload]
    assert len(sent) > 10  # the AUTH token, the CNXN, and every answer's WRTEs
    assert all(check == 0 for check, _ in sent)
    summed = [(check, payload) for _, check, payload in messages(old_link.received) if payload]
    assert len(summed) > 10
    assert all(check == sum(payload) for check, payload in summed)


def test_a_wrong_checksum_is_ignored_from_a_modern_phone_as_aosp_does() -> None:
    plan = FaultPlan(hostile=Hostile(wrong_checksum="dumpsys package"))
    read, link = scan(MODERN, plan)
    assert read["dumpsys package"] == BIG
    answer = [
        (check, payload)
        for command, check, payload in messages(link.received)
        if command == b"WRTE" and payload and payload in BIG
    ]
    assert len(answer) >= 5
    assert all(check not in (0, sum(payload)) for check, payload in answer)


def test_a_wrong_checksum_from_an_old_phone_is_still_refused() -> None:
    plan = FaultPlan(hostile=Hostile(wrong_checksum="dumpsys package"))
    with SimulatedPhone(PROFILE, adb_version=OLD, faults=plan) as phone:
        connection = PhoneConnection.connect_tcp("127.0.0.1", phone.port, ephemeral_signer())
        try:
            assert connection.shell("getprop").data == PROFILE.commands["getprop"]
            with pytest.raises(Disconnected) as refused:
                connection.shell("dumpsys package")
        finally:
            connection.close()
    assert refused.value.message_id == "device.misread_closed"
    assert "InvalidChecksumError" in refused.value.detail
