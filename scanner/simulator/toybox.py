"""The simulated shell's file tools: ``echo``, ``stat``, ``tail``, ``dd`` and ``sha256sum``.

A command line of simple commands joined by ``;`` whose every command is one of these is
run here against the profile's files, as mksh and toybox run it on a phone: each tool
writes its bytes to stdout, its complaints to stderr (merged into the same stream by the
legacy shell, unless ``2>/dev/null``), and ``$?`` is the last exit status. Outputs are
the tools' (``stat -c %s``, ``tail -c N``, ``dd``'s bytes, ``sha256sum``'s ``<hex>  <path>``
lines); ``dd``'s stderr summary is simplified (records in/out and bytes, no timing), and
a tool the phone lacks answers as mksh does (status 127, "inaccessible or not found").
Only the options the scanner and ``adb shell`` users need are known; anything else
returns None so ``shell.py`` answers as before.

``tool_steps`` runs the line one simple command at a time, as it is taken, so the phone
can send what one step printed while the next one is run (toybox streams its output).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Final

from scanner.simulator.answer import ShellAnswer

TOOLS: Final = frozenset({"echo", "stat", "tail", "dd", "sha256sum"})
_NULL_STDERR: Final = "2>/dev/null"
_OTHER_SYNTAX: Final = frozenset('$`|&<>()*\\"')
"""Shell syntax beyond ``;``, single quotes, ``$?`` and ``2>/dev/null``: not run here."""
_OTHER_SYNTAX_FOUND: Final = re.compile(f"[{re.escape(''.join(sorted(_OTHER_SYNTAX)))}]").search
"""One pass in C over a 100 kB command line (mksh parses it in well under a millisecond;
a Python loop per character took 30 ms, charged to the link in the benchmarks)."""


@dataclass(frozen=True, slots=True)
class _Ran:
    stdout: bytes
    stderr: bytes
    status: int


_Run = Callable[[Mapping[str, bytes]], _Ran]
"""One simple command with its options read: run it on the phone's files."""


class _Usage(Exception):
    """Options this simulation does not know: leave the command to ``shell.py``."""


_DIGESTS: dict[int, tuple[bytes, str]] = {}
"""SHA-256 of files already hashed (by object): a phone hashes each time, but the
simulator need not spend the benchmark's CPU doing it again for the same bytes."""


def _digest(data: bytes) -> str:
    cached = _DIGESTS.get(id(data))
    if cached is None or cached[0] is not data:
        cached = (data, hashlib.sha256(data).hexdigest())
        _DIGESTS[id(data)] = cached
    return cached[1]


def run_tools(
    command: str,
    files: Mapping[str, bytes],
    missing: frozenset[str] = frozenset(),
) -> ShellAnswer | None:
    """What ``command`` prints and its status, or None when it is not for these tools.

    ``missing``: tools this phone's shell does not have.
    """
    steps = tool_steps(command, files, missing)
    if steps is None:
        return None
    out, err, merged = bytearray(), bytearray(), bytearray()
    status = 0
    for ran in steps:
        out += ran.stdout
        err += ran.stderr
        merged += ran.stdout
        merged += ran.stderr
        status = ran.status
    return ShellAnswer(bytes(out), bytes(err), status, in_order=bytes(merged))


def tool_steps(
    command: str,
    files: Mapping[str, bytes],
    missing: frozenset[str] = frozenset(),
) -> Iterator[ShellAnswer] | None:
    """Each simple command of ``command`` run as it is taken, or None when the line is
    not for these tools (checked here, before any runs).

    Each step gives what it wrote (stderr left empty where it went to /dev/null) and its
    status; the phone sends the output of one step while the next is run. A step whose
    options hold ``$?`` can only be checked once the status is known: such a line is run
    whole here, as before.
    """
    rest = command.replace(_NULL_STDERR, "").replace("$?", "")
    if _OTHER_SYNTAX_FOUND(rest):
        return None  # shell.py says what it does not model
    try:
        commands = _split(command)
    except ValueError:
        return None
    if not commands or any(not words or words[0] not in TOOLS for words, _ in commands):
        return None
    if all(words[0] == "echo" for words, _ in commands):
        return None  # no file tool: shell.py's own echo answers
    planned: list[tuple[list[str], bool, _Run | None]] = []
    status_known_later = False
    for words, quiet in commands:
        run: _Run | None = None
        if words[0] in missing:
            run = _not_on_phone(words[0])
        elif any("$?" in word for word in words[1:]):
            status_known_later = status_known_later or words[0] != "echo"
        else:
            try:
                run = _TOOL[words[0]](words[1:])
            except _Usage:
                return None
        planned.append((words, quiet, run))
    steps = _steps(planned, files)
    if not status_known_later:
        return steps
    try:
        return iter(list(steps))
    except _Usage:
        return None


def _steps(
    planned: list[tuple[list[str], bool, _Run | None]], files: Mapping[str, bytes]
) -> Iterator[ShellAnswer]:
    """Run each step in turn; one whose options hold ``$?`` is read once it is known."""
    status = 0
    for words, quiet, run in planned:
        if run is None:
            run = _TOOL[words[0]]([word.replace("$?", str(status)) for word in words[1:]])
        ran = run(files)
        status = ran.status
        yield ShellAnswer(ran.stdout, b"" if quiet else ran.stderr, ran.status)


def _not_on_phone(tool: str) -> _Run:
    text = f"/system/bin/sh: {tool}: inaccessible or not found\n".encode()
    return lambda _files: _Ran(b"", text, 127)


_TOKEN = re.compile(r"(?:'[^']*'|[^\s;'])+|;|'")
"""A word (unquoted runs and single-quoted strings), a ``;``, or a quote left open."""
_QUOTED = re.compile(r"'([^']*)'")


def _words(command: str) -> list[str]:
    """The shell's words and ``;``s: unquoted runs and single-quoted strings (other
    quoting was turned away before); raises ValueError on an unbalanced quote."""
    tokens = _TOKEN.findall(command)
    if "'" in tokens:
        raise ValueError("unbalanced quote")
    return [_unquoted(token) if "'" in token else token for token in tokens]


def _unquoted(word: str) -> str:
    if word[0] == word[-1] == "'" and word.count("'") == 2:
        return word[1:-1]  # the usual case, a quoted path
    return _QUOTED.sub(r"\1", word)


def _split(command: str) -> list[tuple[list[str], bool]]:
    """Simple commands as (words, stderr to /dev/null); raises ValueError on bad quoting."""
    commands: list[tuple[list[str], bool]] = []
    words: list[str] = []
    for word in _words(command):
        if word == ";":
            commands.append(_redirected(words))
            words = []
        elif word[0] == ";" and not word.strip(";"):
            raise ValueError("empty command")
        else:
            words.append(word)
    if words:
        commands.append(_redirected(words))
    return commands


def _redirected(words: list[str]) -> tuple[list[str], bool]:
    if _NULL_STDERR not in words:
        return words, False
    return [w for w in words if w != _NULL_STDERR], True


def _missing(tool: str, path: str) -> bytes:
    return f"{tool}: {path}: No such file or directory\n".encode()


def _echo(args: list[str]) -> _Run:
    text = (" ".join(args) + "\n").encode()
    return lambda _files: _Ran(text, b"", 0)


def _stat(args: list[str]) -> _Run:
    if len(args) < 3 or args[0] != "-c" or args[1] != "%s":
        raise _Usage
    paths = args[2:]

    def run(files: Mapping[str, bytes]) -> _Ran:
        out, err, status = bytearray(), bytearray(), 0
        for path in paths:
            data = files.get(path)
            if data is None:
                err += f"stat: '{path}': No such file or directory\n".encode()
                status = 1
            else:
                out += f"{len(data)}\n".encode()
        return _Ran(bytes(out), bytes(err), status)

    return run


def _tail(args: list[str]) -> _Run:
    if len(args) != 3 or args[0] != "-c" or not args[1].isdigit():
        raise _Usage
    count, path = int(args[1]), args[2]

    def run(files: Mapping[str, bytes]) -> _Ran:
        data = files.get(path)
        if data is None:
            return _Ran(b"", _missing("tail", path), 1)
        return _Ran(data[len(data) - count :] if count < len(data) else data, b"", 0)

    return run


def _dd(args: list[str]) -> _Run:
    options: dict[str, str] = {}
    for arg in args:
        key, equals, value = arg.partition("=")
        if not equals or key not in ("if", "bs", "skip", "count"):
            raise _Usage
        options[key] = value
    numbers = [options.get(k, d) for k, d in (("bs", "512"), ("skip", "0"), ("count", ""))]
    if "if" not in options or not all(n.isdigit() for n in numbers if n) or numbers[0] == "0":
        raise _Usage
    path = options["if"]
    block, skip = int(numbers[0]), int(numbers[1])
    count = int(numbers[2]) if numbers[2] else None

    def run(files: Mapping[str, bytes]) -> _Ran:
        data = files.get(path)
        if data is None:
            return _Ran(b"", _missing("dd", path), 1)
        start = min(block * skip, len(data))
        end = len(data) if count is None else min(start + block * count, len(data))
        piece = data[start:end]
        whole, part = divmod(len(piece), block)
        records = f"{whole}+{1 if part else 0}"
        # dd's summary goes to stderr (simplified: records in, records out, bytes copied).
        summary = f"{records} records in\n{records} records out\n{len(piece)} bytes copied\n"
        return _Ran(piece, summary.encode(), 0)

    return run


def _sha256sum(args: list[str]) -> _Run:
    if not args or any(a.startswith("-") for a in args):
        raise _Usage

    def run(files: Mapping[str, bytes]) -> _Ran:
        out, err, status = bytearray(), bytearray(), 0
        for path in args:
            data = files.get(path)
            if data is None:
                err += _missing("sha256sum", path)
                status = 1
                continue
            hexdigest = _digest(data)
            out += f"{hexdigest}  {path}\n".encode()
        return _Ran(bytes(out), bytes(err), status)

    return run


_TOOL: Final[Mapping[str, Callable[[list[str]], _Run]]] = {
    "echo": _echo,
    "stat": _stat,
    "tail": _tail,
    "dd": _dd,
    "sha256sum": _sha256sum,
}
"""Each tool: its options read (``_Usage`` for ones not known), then run on the files."""
