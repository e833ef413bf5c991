"""File reads and commands end in time however slowly the phone sends, and what a phone
advertises or announces cannot size the scanner's buffers.

Against the simulated phone over TCP, with hostile faults and slowed links.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from scanner.apks import pull_apks
from scanner.commands import DUMPSYS_PACKAGE, GETPROP
from scanner.device.connection import (
    PULL_FLOOR_BYTES_PER_S,
    PhoneConnection,
    Timeouts,
)
from scanner.device.guard import MAX_MESSAGE_DATA
from scanner.device.keys import ephemeral_signer
from scanner.errors import CommandTimeout, ProtocolViolation, PullTimeSpent
from scanner.simulator import Profile, SimulatedPhone, load_profile
from scanner.simulator.faults import FaultPlan, Hostile
from scanner.simulator.link import LinkModel

APK = "/data/app/a/base.apk"
CONTENT = bytes(range(256)) * 400  # 100 KiB


@contextmanager
def connected(phone: SimulatedPhone, timeouts: Timeouts | None = None) -> Iterator[PhoneConnection]:
    connection = PhoneConnection.connect_tcp(
        "127.0.0.1", phone.port, ephemeral_signer(), timeouts=timeouts
    )
    try:
        yield connection
    finally:
        connection.close()


def recv_requests(phone: SimulatedPhone) -> list[str]:
    return [r.command for r in phone.received if r.command.startswith("RECV ")]


def trickling_phone(every_s: float) -> SimulatedPhone:
    profile = Profile(name="files", files={APK: CONTENT}, commands={GETPROP: b"[a]: [b]\n"})
    return SimulatedPhone(profile, faults=FaultPlan(hostile=Hostile(trickle_pull_s=every_s)))


def test_a_trickled_file_is_cut_at_its_deadline_and_the_link_still_works() -> None:
    timeouts = Timeouts(transport_s=2, read_s=2, command_s=0.5)
    with trickling_phone(0.05) as phone, connected(phone, timeouts) as connection:
        started = time.monotonic()
        with pytest.raises(CommandTimeout) as slow, connection.sync_session() as files:
            files.pull(APK)
        took = time.monotonic() - started
        # The phone was still sending; the link is in step and answers the next command.
        assert connection.shell(GETPROP).data == b"[a]: [b]\n"
    assert not isinstance(slow.value, PullTimeSpent)
    assert APK in slow.value.message
    assert "too slowly" in slow.value.message
    assert took < 0.5 + 1.5  # the deadline, not the 2 s read time-outs, nor forever


def test_every_pull_shares_one_budget_and_the_rest_are_named_unasked() -> None:
    timeouts = Timeouts(transport_s=2, read_s=2, command_s=0.3)
    candidates = [(f"com.example.app{n}", APK) for n in range(12)]
    with trickling_phone(0.05) as phone, connected(phone, timeouts) as connection:
        started = time.monotonic()
        with connection.sync_session() as files:
            records, facts = pull_apks(files.pull, candidates)
        took = time.monotonic() - started
        asked = len(recv_requests(phone))
    assert facts == {}
    assert len(records) == len(candidates)
    slow = [r for r in records if "too slowly" in r.error]
    spent = [r for r in records if r.error.startswith("Not read or checked")]
    assert slow and spent
    assert len(slow) + len(spent) == len(candidates)
    assert records[: len(slow)] == tuple(slow)  # cut one by one, then the rest at once
    assert asked == len(slow) + 1  # the pull the budget ran out in was asked; later ones not
    assert took < timeouts.all_pulls_s + timeouts.command_s + 1.5


def test_a_big_file_arriving_above_the_floor_rate_is_read_past_the_command_time() -> None:
    rate = 3 * PULL_FLOOR_BYTES_PER_S
    content = bytes(range(256)) * (3 * rate // 256)  # three seconds' worth at 3x the floor
    link = LinkModel(latency_s=0, bytes_per_s=rate)
    # The simulated link delivers each 256 KiB message whole, 0.9 s apart at this rate:
    # the allowance must cover the first one.
    timeouts = Timeouts(transport_s=2, read_s=2, command_s=1.5)
    with (
        SimulatedPhone(Profile(name="files", files={APK: content}), link=link) as phone,
        connected(phone, timeouts) as connection,
    ):
        started = time.monotonic()
        with connection.sync_session() as files:
            got = files.pull(APK)
        took = time.monotonic() - started
    assert got == content
    assert took > timeouts.command_s  # so only the floor rate let it finish


def test_a_shell_answer_trickling_in_is_cut_at_the_command_deadline() -> None:
    link = LinkModel(latency_s=0, bytes_per_s=2_000)  # a 256 KiB message takes two minutes
    timeouts = Timeouts(transport_s=5, read_s=5, command_s=0.5)
    with (
        SimulatedPhone(load_profile("infected"), link=link) as phone,
        connected(phone, timeouts) as connection,
    ):
        started = time.monotonic()
        with pytest.raises(CommandTimeout, match="took too long"):
            connection.shell(DUMPSYS_PACKAGE)
        took = time.monotonic() - started
    assert took < 0.5 + 2.0


def test_a_sync_data_header_claiming_4_gb_is_refused_before_it_is_buffered() -> None:
    profile = Profile(name="files", files={APK: CONTENT})
    plan = FaultPlan(hostile=Hostile(huge_header="recv"))
    with (
        SimulatedPhone(profile, faults=plan) as phone,
        connected(phone) as connection,
    ):
        before = connection.counters.bytes_received
        with pytest.raises(ProtocolViolation) as fault, connection.sync_session() as files:
            files.pull(APK)
        read = connection.counters.bytes_received - before
    assert "4.3 GB" in fault.value.message
    assert read < 2 * MAX_MESSAGE_DATA  # one ADB message at most, not gigabytes


def test_a_phone_advertising_maxdata_of_4_gb_gets_buffers_of_1_mib_and_still_reads() -> None:
    profile = Profile(name="files", files={APK: CONTENT})
    plan = FaultPlan(hostile=Hostile(maxdata=0xFFFFFFFF))
    with (
        SimulatedPhone(profile, faults=plan) as phone,
        connected(phone) as connection,
    ):
        with connection.sync_session() as files:
            got = files.pull(APK)
        assert connection.device._maxdata == MAX_MESSAGE_DATA
        assert connection.transport.phone_maxdata == 0xFFFFFFFF
    assert got == CONTENT
