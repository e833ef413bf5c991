"""Files and folders the tool owns: folders 0700, files 0600, whatever the umask.

A mode given to ``mkdir`` or ``os.open`` is filtered through the umask, which can both
widen nothing and narrow too much (umask 0277 would leave a folder we cannot write). So
every creation here is followed by an explicit chmod, and only what we created (or our
own subfolder) is ever changed: a user's existing ``~/.config`` keeps its mode.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def make_private_dir(path: Path) -> Path:
    """Create ``path`` (and any missing parents) as 0700; an existing ``path`` is set to 0700.

    Only for the tool's own folders. Parents that already exist are left exactly as they
    are; missing ones are made 0700, as the XDG base directory specification asks.
    """
    make_missing_parents(path)
    try:
        path.mkdir(mode=DIR_MODE)
    except FileExistsError:
        if not path.is_dir():
            raise
    os.chmod(path, DIR_MODE)
    return path


def make_missing_parents(path: Path) -> None:
    """Create the folders above ``path`` that do not exist yet, 0700; existing ones untouched."""
    missing = [p for p in path.parents if not p.exists()]
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            if not folder.is_dir():
                raise
            continue  # made by someone else meanwhile: not ours to change
        os.chmod(folder, DIR_MODE)


def make_private_temp_dir(parent: Path, prefix: str) -> Path:
    """A new uniquely named folder inside ``parent``, 0700."""
    folder = Path(tempfile.mkdtemp(dir=parent, prefix=prefix))
    os.chmod(folder, DIR_MODE)
    return folder


def create_private_file(path: Path, *, exclusive: bool = True) -> int:
    """Open ``path`` for writing as a new 0600 file (never replacing one when ``exclusive``).

    Returns the open file descriptor; the caller closes it. Without ``exclusive`` an existing
    file is opened as it is (not truncated) and its mode is set to 0600.
    """
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    if exclusive:
        flags |= os.O_EXCL
    fd = os.open(path, flags, FILE_MODE)
    try:
        _set_file_mode(fd, path)
    except BaseException:
        os.close(fd)
        raise
    return fd


def create_private_temp_file(directory: Path, prefix: str, suffix: str) -> tuple[int, Path]:
    """A new uniquely named 0600 file in ``directory``: (open descriptor, path)."""
    fd, name = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=suffix)
    try:
        _set_file_mode(fd, Path(name))
    except BaseException:
        os.close(fd)
        Path(name).unlink(missing_ok=True)
        raise
    return fd, Path(name)


def write_private_file(path: Path, data: bytes) -> None:
    """Write ``data`` to a new 0600 file at ``path`` (never replacing one) and fsync it.

    On failure the partly written file is removed and the ``OSError`` is raised again.
    """
    fd = create_private_file(path)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    os.close(fd)


def set_private_file_mode(path: Path) -> None:
    """Make an existing file of ours 0600 (for keys written before this rule existed)."""
    os.chmod(path, FILE_MODE)


def _set_file_mode(fd: int, path: Path) -> None:
    # fchmod acts on the file we opened, not on whatever the name points to by now.
    if hasattr(os, "fchmod"):
        os.fchmod(fd, FILE_MODE)
    else:  # Windows before Python 3.13: only the read-only bit exists there
        os.chmod(path, FILE_MODE)
