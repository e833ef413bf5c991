"""Shell commands that read parts of APK files: their one strict builder and validator.

These are the only allowed commands that carry words taken from the phone: APK paths,
from ``codePath`` in ``dumpsys package``. A path is put on a command line only when it
matches ``APK_PATH`` (the shapes Android gives its own APK files, nothing that a shell
would read as anything but one word) and always inside single quotes. ``is_apk_read_command``
accepts exactly what the builders make: steps of one fixed template, each an ``echo``
marker, one read-only tool over validated paths, and an ``echo`` of its exit status.

A step is ``echo @<nonce>:<i>; <tool> 2>/dev/null; echo =$?``. The nonce is random per
command, so bytes inside a file cannot fake the marker that ends a step; the status says
whether the tool ran (127: the phone's shell has no such tool, and the caller falls back
to pulling the whole file). Tools: ``stat -c %s`` (size), ``tail -c`` (the end of a
file), ``dd bs=512 skip= count=`` (a range in whole blocks: block counts are the form
every dd takes, toybox's and the older toolbox one alike, where byte offsets need
``iflag=skip_bytes``, which older ones lack), and ``sha256sum`` (hash on the phone).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

_PACKAGE = r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)+"
_SUFFIX = r"[A-Za-z0-9_-]{1,64}={0,2}"  # Android 8+ base64url (or "1", "2": digits)
_FILE_NAME = r"(?:base|split_[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)\.apk"
_SYSTEM_NAME = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"

APK_PATH: Final = re.compile(
    rf"/data/app/(?:~~{_SUFFIX}/)?{_PACKAGE}-{_SUFFIX}/{_FILE_NAME}"
    rf"|/data/app/{_PACKAGE}-[0-9]{{1,4}}\.apk"
    rf"|/(?:system|system_ext|product|vendor|oem)/(?:app|priv-app)/{_SYSTEM_NAME}/"
    rf"{_SYSTEM_NAME}\.apk"
)
"""An APK path as Android lays them out: ``/data/app/[~~X==/]<package>-Y==/base.apk``
(or ``split_<name>.apk``; ``-1/base.apk`` before Android 8, ``-1.apk`` before 5), or an
app folder of a system partition. Only letters, digits and ``._-=~/``: no quote, space,
``;``, ``$``, backtick, newline or NUL, and no ``..`` component."""

MAX_PATH_CHARS: Final = 400

BLOCK: Final = 512
"""dd's block size: every range is read in whole blocks of this many bytes."""

MAX_COMMAND_CHARS: Final = 100_000
"""The longest command line built. Linux refuses a single argument over 128 KiB
(MAX_ARG_STRLEN) and ``sh -c`` gets the whole line as one; a phone's ADB ``maxdata``
can be smaller still (4 KiB before Android 7), so callers also pass that limit."""

MAX_TAIL: Final = 1 << 20
MAX_BLOCKS: Final = 1 << 20
MAX_SKIP: Final = 1 << 32

_NONCE = r"[0-9a-f]{16}"
_QUOTED = r"'([^']{1,400})'"
_STEP = re.compile(
    rf"echo @(?P<nonce>{_NONCE}):(?P<index>0|[1-9][0-9]{{0,5}}); "
    rf"(?:stat -c %s {_QUOTED}"
    rf"|tail -c (?P<tail>[1-9][0-9]{{0,6}}) {_QUOTED}"
    rf"|dd if={_QUOTED} bs={BLOCK} skip=(?P<skip>0|[1-9][0-9]{{0,9}})"
    rf" count=(?P<count>[1-9][0-9]{{0,6}})"
    rf"|sha256sum (?P<hashed>{_QUOTED}(?: {_QUOTED}){{0,999}})"
    r") 2>/dev/null; echo =\$\?"
)
_QUOTED_PATH = re.compile(_QUOTED)


def is_apk_path(path: str) -> bool:
    """True when ``path`` may be put on a command line (see ``APK_PATH``)."""
    return (
        len(path) <= MAX_PATH_CHARS
        and APK_PATH.fullmatch(path) is not None
        and "/../" not in path
        and "//" not in path
    )


@dataclass(frozen=True, slots=True)
class Size:
    """``stat -c %s``: the file's size in bytes, as text."""

    path: str


@dataclass(frozen=True, slots=True)
class Tail:
    """``tail -c``: the last ``count`` bytes (all of a smaller file)."""

    path: str
    count: int


@dataclass(frozen=True, slots=True)
class Blocks:
    """``dd``: ``count`` blocks of ``BLOCK`` bytes from block ``skip`` (less at the end)."""

    path: str
    skip: int
    count: int


@dataclass(frozen=True, slots=True)
class Hashes:
    """``sha256sum``: one ``<hex>  <path>`` line per file it could read."""

    paths: tuple[str, ...]


Step = Size | Tail | Blocks | Hashes


class UnsafeStep(ValueError):
    """A step that the validator would refuse (a bug in the caller: nothing is sent)."""


def new_nonce() -> str:
    return secrets.token_hex(8)


def step_text(step: Step) -> str:
    """The tool part of one step; raises ``UnsafeStep`` for a path or number out of bounds."""
    paths = step.paths if isinstance(step, Hashes) else (step.path,)
    if not paths or len(paths) > 1000 or not all(is_apk_path(p) for p in paths):
        raise UnsafeStep(f"not an APK path the scanner sends: {paths!r}")
    if isinstance(step, Size):
        return f"stat -c %s '{step.path}'"
    if isinstance(step, Tail):
        if not 0 < step.count <= MAX_TAIL:
            raise UnsafeStep(f"tail of {step.count} bytes")
        return f"tail -c {step.count} '{step.path}'"
    if isinstance(step, Blocks):
        if not (0 <= step.skip < MAX_SKIP and 0 < step.count <= MAX_BLOCKS):
            raise UnsafeStep(f"blocks {step.skip}+{step.count}")
        return f"dd if='{step.path}' bs={BLOCK} skip={step.skip} count={step.count}"
    return "sha256sum " + " ".join(f"'{p}'" for p in step.paths)


def framed_step(nonce: str, index: int, step: Step) -> str:
    return f"echo @{nonce}:{index}; {step_text(step)} 2>/dev/null; echo =$?"


def build_commands(
    steps: Sequence[Step], max_chars: int = MAX_COMMAND_CHARS
) -> list[tuple[str, str, list[Step]]]:
    """The steps as few commands as fit ``max_chars`` each: ``(command, nonce, steps)``.

    Steps keep their order; a single step longer than the limit raises ``UnsafeStep``
    (callers split ``Hashes`` steps to fit).
    """
    commands: list[tuple[str, str, list[Step]]] = []
    nonce, length = new_nonce(), 0
    parts: list[str] = []
    taken: list[Step] = []
    for step in steps:
        text = framed_step(nonce, len(parts), step)
        if parts and length + 2 + len(text) > max_chars:
            commands.append(("; ".join(parts), nonce, taken))
            nonce, parts, taken, length = new_nonce(), [], [], 0
            text = framed_step(nonce, 0, step)
        if len(text) > max_chars:
            raise UnsafeStep(f"one step is {len(text)} characters, over {max_chars}")
        length += len(text) + (2 if parts else 0)
        parts.append(text)
        taken.append(step)
    if parts:
        commands.append(("; ".join(parts), nonce, taken))
    return commands


def is_apk_read_command(command: str) -> bool:
    """True only for a command ``build_commands`` could have made from valid paths."""
    if len(command) > MAX_COMMAND_CHARS:
        return False
    position, index, nonce = 0, 0, None
    while True:
        match = _STEP.match(command, position)
        if match is None or int(match["index"]) != index:
            return False
        if nonce is None:
            nonce = match["nonce"]
        elif match["nonce"] != nonce:
            return False
        if not all(is_apk_path(p) for p in _QUOTED_PATH.findall(match[0])):
            return False
        position, index = match.end(), index + 1
        if position == len(command):
            return True
        if not command.startswith("; ", position):
            return False
        position += 2
