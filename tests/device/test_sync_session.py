"""Several APK pulls share one ``sync:`` stream, against the simulated phone over TCP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scanner.apks import pull_apks
from scanner.device.connection import PhoneConnection
from scanner.device.keys import ephemeral_signer
from scanner.errors import DeviceError, FileTooLarge
from scanner.simulator import Profile, SimulatedPhone

BIG = "/data/app/big/base.apk"
FILES = {
    "/data/app/a/base.apk": b"first file " * 10_000,
    "/data/app/b/base.apk": bytes(range(256)) * 1_000,
    "/data/app/c/base.apk": b"",
}


@pytest.fixture
def phone() -> Iterator[SimulatedPhone]:
    files = {**FILES, BIG: bytes(range(256)) * 16_000}  # 4 MB: over the limits set below
    with SimulatedPhone(Profile(name="files", files=files)) as started:
        yield started


@pytest.fixture
def connection(phone: SimulatedPhone) -> Iterator[PhoneConnection]:
    conn = PhoneConnection.connect_tcp("127.0.0.1", phone.port, ephemeral_signer())
    yield conn
    conn.close()


def sync_requests(phone: SimulatedPhone) -> list[str]:
    return [r.command for r in phone.received if r.service == "sync"]


def test_several_pulls_in_a_session_open_one_stream_and_return_each_file(phone, connection):
    before = connection.counters.streams_opened
    with connection.sync_session() as files:
        got = {path: files.pull(path) for path in FILES}
    assert got == FILES
    assert connection.counters.streams_opened - before == 1
    assert sync_requests(phone) == [f"RECV {path}" for path in FILES]


def test_a_missing_file_fails_alone_and_the_next_pull_reopens_the_stream(phone, connection):
    before = connection.counters.streams_opened
    with connection.sync_session() as files:
        first = files.pull("/data/app/a/base.apk")
        with pytest.raises(DeviceError) as refused:
            files.pull("/data/app/missing/base.apk")
        last = files.pull("/data/app/b/base.apk")
    assert first == FILES["/data/app/a/base.apk"]
    assert last == FILES["/data/app/b/base.apk"]
    assert "/data/app/missing/base.apk" in refused.value.message
    # The phone ends the sync service after a FAIL, so the third pull needs a new stream.
    assert connection.counters.streams_opened - before == 2


def test_a_session_that_pulls_nothing_opens_no_stream(connection):
    before = connection.counters.streams_opened
    with connection.sync_session():
        pass
    assert connection.counters.streams_opened == before


def test_the_connection_still_runs_commands_after_a_session(connection):
    with connection.sync_session() as files:
        files.pull("/data/app/c/base.apk")
    assert connection.shell("getprop").data == b""


def test_a_file_over_the_size_limit_stops_being_read_and_the_next_pull_works(phone, connection):
    received_before = connection.counters.bytes_received
    with connection.sync_session() as files:
        with pytest.raises(FileTooLarge) as too_big:
            files.pull(BIG, max_bytes=300_000)
        after_big = connection.counters.bytes_received
        last = files.pull("/data/app/b/base.apk", max_bytes=300_000)
    assert last == FILES["/data/app/b/base.apk"]
    assert BIG in too_big.value.message and "not read or checked" in too_big.value.message
    # Reading stopped near the limit (plus the messages already in flight): most of the
    # 4 MB file never crossed the link.
    assert after_big - received_before < 1_200_000


def test_a_file_exactly_at_the_size_limit_is_read_whole(connection):
    data = FILES["/data/app/b/base.apk"]
    with connection.sync_session() as files:
        assert files.pull("/data/app/b/base.apk", max_bytes=len(data)) == data
    assert connection.pull("/data/app/b/base.apk", max_bytes=len(data)) == data
    with pytest.raises(FileTooLarge):
        connection.pull("/data/app/b/base.apk", max_bytes=len(data) - 1)


def test_apps_past_the_pull_limit_are_named_as_not_checked_and_never_requested(phone, connection):
    candidates = [(f"app.{path.split('/')[3]}", path) for path in FILES]
    with connection.sync_session() as files:
        records, facts = pull_apks(files.pull, candidates, limit=2)
    assert [(r.package, r.ok) for r in records] == [
        ("app.a", True),
        ("app.b", True),
        ("app.c", False),
    ]
    assert "at most 2 apps" in records[2].error
    assert set(facts) == {"app.a", "app.b"}
    assert sync_requests(phone) == [f"RECV {path}" for path in list(FILES)[:2]]
