"""An exclusive lock between processes, held around a read-modify-write of one file.

The lock is taken on a separate lock file (``.NAME.lock`` beside the file) because the
file itself is replaced by a rename on every save: a lock on the old file would not stop
a process that opens the new one. The lock file is removed while still locked, so every
waiter checks, once it holds the lock, that the name still points at the file it locked.

``flock`` on POSIX (Linux, macOS), ``msvcrt.locking`` on Windows; ``lock_ops_for`` picks
one by platform name so both choices can be tested anywhere.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from scanner.private_files import create_private_file


class LockBusy(Exception):
    """The lock was still held by another process when the wait ran out."""


@dataclass(frozen=True, slots=True)
class LockOps:
    """How this platform locks an open file without waiting."""

    name: str
    try_lock: Callable[[int], bool]
    """Lock the open file; False (at once) when another process holds it."""
    unlock: Callable[[int], None]


def lock_ops_for(platform: str) -> LockOps:
    """The locking calls for ``platform`` (a ``sys.platform`` value)."""
    if platform == "win32":
        return LockOps("msvcrt.locking", _msvcrt_try_lock, _msvcrt_unlock)
    return LockOps("fcntl.flock", _flock_try_lock, _flock_unlock)


def lock_path_for(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


@contextmanager
def exclusive_lock(
    path: Path, wait_s: float, *, ops: LockOps | None = None, poll_s: float = 0.05
) -> Iterator[None]:
    """Hold the lock for ``path`` for the ``with`` block, waiting at most ``wait_s`` for it.

    Raises ``LockBusy`` when another process still holds it after ``wait_s``, and
    ``OSError`` when the lock file cannot be made (for example a read-only folder).
    """
    ops = ops or lock_ops_for(sys.platform)
    lock_file = lock_path_for(path)
    deadline = time.monotonic() + wait_s
    while True:
        fd = create_private_file(lock_file, exclusive=False)
        if ops.try_lock(fd):
            if _still_named(fd, lock_file):
                break
            # The holder before us removed it as it finished: lock the current one instead.
            ops.unlock(fd)
            os.close(fd)
            continue
        os.close(fd)
        if time.monotonic() >= deadline:
            raise LockBusy(f"{lock_file} is locked by another process")
        time.sleep(poll_s)
    try:
        yield
    finally:
        # Windows refuses to remove an open file; the next holder reuses it.
        with contextlib.suppress(OSError):
            lock_file.unlink()
        try:
            ops.unlock(fd)
        finally:
            os.close(fd)


def _still_named(fd: int, lock_file: Path) -> bool:
    try:
        named = os.stat(lock_file)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino)


def _flock_try_lock(fd: int) -> bool:
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _flock_unlock(fd: int) -> None:
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def _msvcrt_try_lock(fd: int) -> bool:
    import msvcrt

    # locking() covers bytes from the current position; always lock the first byte.
    os.lseek(fd, 0, os.SEEK_SET)
    try:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
    except OSError:
        return False
    return True


def _msvcrt_unlock(fd: int) -> None:
    import msvcrt

    os.lseek(fd, 0, os.SEEK_SET)
    msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
