"""The legacy ``sync:`` file service (AOSP ``adb/SYNC.TXT``), read-only.

Every request and reply starts with a 4-byte id and a u32 little-endian length. Requests
may arrive split across WRTE packets or several in one, so a session buffers bytes and
answers each complete request in order. Only the v1 messages are spoken (STAT, LIST,
RECV, QUIT): the phone advertises no ``stat_v2``/``ls_v2``/``sendrecv_v2`` feature.
"""

from __future__ import annotations

import stat
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

SYNC_DATA_MAX: Final = 64 * 1024
"""The largest DATA chunk a phone sends."""

PATH_MAX: Final = 1024
"""adbd refuses longer request paths."""

FILE_MTIME: Final = 1_700_000_000
"""Every simulated file has this modification time (2023-11-14)."""

FILE_MODE: Final = stat.S_IFREG | 0o644
DIR_MODE: Final = stat.S_IFDIR | 0o771
DIR_SIZE: Final = 4096

READ_ONLY_MESSAGE: Final = "read-only simulated phone"

_HEADER: Final = struct.Struct("<4sI")


@dataclass(frozen=True, slots=True)
class SyncReply:
    """The answer to one complete sync request."""

    request: str
    """What the host asked, for the audit log, e.g. ``RECV /data/app/x/base.apk``."""
    messages: tuple[bytes, ...]
    """Sync messages to send back, in order (each is sent in its own WRTE when it fits)."""
    close: bool = False
    """True when adbd would end the sync service after this reply."""
    refused: bool = False
    """True when the phone refused the request (a push)."""
    new_request: bool = True
    """False for the delayed answer to a request already reported (the FAIL after a push)."""


class SyncSession:
    """One ``sync:`` stream: feed it the host's bytes, get replies back."""

    def __init__(self, files: Mapping[str, bytes]) -> None:
        self._files = {_normalise(path): content for path, content in files.items()}
        self._dirs = _directories(self._files)
        self._buffer = bytearray()
        self._sending: str | None = None  # the SEND request being discarded, if any
        self.closed = False

    def feed(self, data: bytes) -> list[SyncReply]:
        """Buffer ``data`` and answer every request it completes."""
        if self.closed:
            return []
        self._buffer += data
        replies: list[SyncReply] = []
        while not self.closed and len(self._buffer) >= _HEADER.size:
            progressed, reply = self._step()
            if reply is not None:
                replies.append(reply)
                self.closed = reply.close
            if not progressed:
                break
        return replies

    def _step(self) -> tuple[bool, SyncReply | None]:
        """Consume one complete message, if buffered: (consumed anything, its reply)."""
        ident, length = _HEADER.unpack_from(self._buffer)
        name = ident.decode("ascii", errors="replace")
        if self._sending is not None:
            return self._discard_push(name, length)
        if length > PATH_MAX:
            self._buffer.clear()
            reply = SyncReply(f"{name} <path of {length} bytes>", (_fail("path too long"),), True)
            return True, reply
        if len(self._buffer) < _HEADER.size + length:
            return False, None
        raw_path = bytes(self._buffer[_HEADER.size : _HEADER.size + length])
        del self._buffer[: _HEADER.size + length]
        path = raw_path.decode("utf-8", errors="replace")
        request = f"{name} {path}" if name != "QUIT" else "QUIT"
        if name == "STAT":
            return True, SyncReply(request, (self._stat(path),))
        if name == "LIST":
            return True, SyncReply(request, self._list(path))
        if name == "RECV":
            return True, self._recv(request, path)
        if name == "QUIT":
            return True, SyncReply(request, (), close=True)
        if name == "SEND":
            # Like adbd after a failed open: swallow the pushed data up to DONE, then FAIL.
            self._sending = request
            return True, SyncReply(request, (), refused=True)
        return True, SyncReply(request, (_fail(f"unknown command {ident.hex()}"),), close=True)

    def _discard_push(self, name: str, length: int) -> tuple[bool, SyncReply | None]:
        if name == "DATA":
            if len(self._buffer) < _HEADER.size + length:
                return False, None
            del self._buffer[: _HEADER.size + length]
            return True, None
        request = self._sending or "SEND"
        self._sending = None
        del self._buffer[: _HEADER.size]  # DONE carries the mtime in its length field
        fail = (_fail(READ_ONLY_MESSAGE),)
        return True, SyncReply(request, fail, close=True, refused=True, new_request=False)

    def _stat(self, path: str) -> bytes:
        mode, size = self._mode_and_size(_normalise(path))
        # A missing path answers all zeros: the legacy STAT has no error field.
        mtime = FILE_MTIME if mode else 0
        return b"STAT" + struct.pack("<3I", mode, size, mtime)

    def _list(self, path: str) -> tuple[bytes, ...]:
        directory = _normalise(path)
        entries: list[bytes] = []
        if directory in self._dirs:
            names = [".", "..", *sorted(self._children(directory))]
            for name in names:
                child = directory if name in (".", "..") else _join(directory, name)
                mode, size = self._mode_and_size(child)
                encoded = name.encode("utf-8")
                entries.append(
                    b"DENT" + struct.pack("<4I", mode, size, FILE_MTIME, len(encoded)) + encoded
                )
        # A missing or non-directory path lists nothing, as adbd does when opendir fails.
        entries.append(b"DONE" + struct.pack("<4I", 0, 0, 0, 0))
        return tuple(entries)

    def _recv(self, request: str, path: str) -> SyncReply:
        target = _normalise(path)
        content = self._files.get(target)
        if content is None:
            reason = (
                "read failed: Is a directory"
                if target in self._dirs
                else ("open failed: No such file or directory")
            )
            return SyncReply(request, (_fail(reason),), close=True)
        chunks = [
            b"DATA" + struct.pack("<I", len(piece)) + piece
            for piece in (
                content[start : start + SYNC_DATA_MAX]
                for start in range(0, len(content), SYNC_DATA_MAX)
            )
        ]
        chunks.append(b"DONE" + struct.pack("<I", 0))
        return SyncReply(request, tuple(chunks))

    def _mode_and_size(self, path: str) -> tuple[int, int]:
        if path in self._files:
            return FILE_MODE, len(self._files[path]) & 0xFFFFFFFF
        if path in self._dirs:
            return DIR_MODE, DIR_SIZE
        return 0, 0

    def _children(self, directory: str) -> set[str]:
        prefix = directory.rstrip("/") + "/"
        return {
            entry[len(prefix) :].split("/", 1)[0]
            for entry in (*self._files, *self._dirs)
            if entry.startswith(prefix) and len(entry) > len(prefix)
        }


def _fail(message: str) -> bytes:
    encoded = message.encode("utf-8")
    return b"FAIL" + struct.pack("<I", len(encoded)) + encoded


def _normalise(path: str) -> str:
    parts = [part for part in path.split("/") if part not in ("", ".")]
    return "/" + "/".join(parts)


def _join(directory: str, name: str) -> str:
    return directory.rstrip("/") + "/" + name


def _directories(files: Mapping[str, bytes]) -> frozenset[str]:
    dirs = {"/"}
    for path in files:
        parts = _normalise(path).split("/")[1:-1]
        for depth in range(1, len(parts) + 1):
            dirs.add("/" + "/".join(parts[:depth]))
    return frozenset(dirs)
