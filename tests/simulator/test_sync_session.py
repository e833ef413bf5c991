"""The sync: request parser and its answers, fed bytes directly."""

from __future__ import annotations

import struct

from scanner.simulator.sync import SYNC_DATA_MAX, SyncSession


def request(ident: bytes, path: str) -> bytes:
    encoded = path.encode()
    return ident + struct.pack("<I", len(encoded)) + encoded


FILES = {"/data/app/a/base.apk": bytes(range(256)) * 600, "/sdcard/x.txt": b"x\n"}


def test_several_requests_in_one_write_are_answered_in_order() -> None:
    session = SyncSession(FILES)
    replies = session.feed(request(b"STAT", "/sdcard/x.txt") + request(b"RECV", "/sdcard/x.txt"))
    assert [reply.request for reply in replies] == ["STAT /sdcard/x.txt", "RECV /sdcard/x.txt"]
    assert replies[0].messages == (b"STAT" + struct.pack("<3I", 0o100644, 2, 1_700_000_000),)
    assert replies[1].messages == (b"DATA\x02\x00\x00\x00x\n", b"DONE\x00\x00\x00\x00")


def test_request_split_byte_by_byte_is_answered_once_complete() -> None:
    session = SyncSession(FILES)
    raw = request(b"STAT", "/sdcard/x.txt")
    replies = [reply for byte in raw for reply in session.feed(bytes([byte]))]
    assert [reply.request for reply in replies] == ["STAT /sdcard/x.txt"]


def test_recv_splits_data_into_64k_chunks() -> None:
    (reply,) = SyncSession(FILES).feed(request(b"RECV", "/data/app/a/base.apk"))
    data_messages = reply.messages[:-1]
    assert all(len(message) - 8 <= SYNC_DATA_MAX for message in data_messages)
    assert b"".join(message[8:] for message in data_messages) == FILES["/data/app/a/base.apk"]
    assert reply.messages[-1] == b"DONE\x00\x00\x00\x00"


def test_recv_of_a_missing_file_fails_and_ends_the_session() -> None:
    session = SyncSession(FILES)
    (reply,) = session.feed(request(b"RECV", "/nope"))
    message = b"open failed: No such file or directory"
    assert reply.messages == (b"FAIL" + struct.pack("<I", len(message)) + message,)
    assert reply.close
    assert session.feed(request(b"STAT", "/sdcard/x.txt")) == []


def test_list_shows_children_with_dot_entries_and_ends_with_done() -> None:
    (reply,) = SyncSession(FILES).feed(request(b"LIST", "/data/app/"))
    names = [m[20:].decode() for m in reply.messages[:-1]]
    assert names == [".", "..", "a"]
    assert struct.unpack_from("<I", reply.messages[2], 4)[0] & 0o170000 == 0o040000
    assert reply.messages[-1] == b"DONE" + bytes(16)


def test_stat_of_a_missing_path_is_all_zeros() -> None:
    (reply,) = SyncSession(FILES).feed(request(b"STAT", "/missing"))
    assert reply.messages == (b"STAT" + bytes(12),)


def test_push_is_swallowed_then_refused() -> None:
    session = SyncSession(FILES)
    pushed = (
        request(b"SEND", "/sdcard/evil,33188")
        + b"DATA"
        + struct.pack("<I", 3)
        + b"abc"
        + b"DONE"
        + struct.pack("<I", 1_700_000_000)
    )
    started, finished = session.feed(pushed)
    assert (started.request, started.refused, started.messages) == (
        "SEND /sdcard/evil,33188",
        True,
        (),
    )
    assert not finished.new_request
    assert finished.messages[0].startswith(b"FAIL") and finished.messages[0].endswith(
        b"read-only simulated phone"
    )
    assert finished.close


def test_quit_ends_the_session() -> None:
    (reply,) = SyncSession(FILES).feed(b"QUIT\x00\x00\x00\x00")
    assert (reply.request, reply.close) == ("QUIT", True)
