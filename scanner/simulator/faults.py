"""Faults a simulated phone can be told to have, so tests can prove the scanner holds.

A ``FaultPlan`` is data: pass it as ``SimulatedPhone(profile, faults=FaultPlan(...))`` or
write it in ``profile.yaml`` under ``faults:`` (see ``fault_plan_from_spec``). The
connection code asks this module what to do at each protocol step; the output shaping
(garbled, huge, hung, cut) is done by pure generators here, so a 100 MB answer is made
64 KiB at a time and never held in memory.

Two behaviours are modelled on what real phones do:

* Reboot: adbd dies with the phone, so every connection drops, the port refuses
  connections while the phone boots, then adbd listens again (keys it trusted are kept:
  ``/data/misc/adb/adb_keys`` survives a reboot).
* One host at a time (``one_host``): adbd over TCP serves one ADB host; a second host
  sees the phone as "offline" because its CNXN is never answered (``silent``, the
  default when the fault is on). ``close`` is the quicker variant where the phone shuts the
  second connection at once; both end with the scanner unable to connect.
"""

from __future__ import annotations

import base64
import itertools
import struct
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final, Literal, cast, get_args

from scanner.device.checksum import byte_sum

DropStep = Literal["cnxn", "auth", "open", "wrte", "recv"]
"""Where the connection is cut: the host's CNXN, its first AUTH reply, an OPEN, the middle
of a shell command's output, or the middle of a file pull (sync RECV)."""

Garble = Literal["non-utf8", "truncate", "unknown-format"]
"""How a command's real output is spoiled."""

OneHost = Literal["off", "silent", "close"]

DROP_STEPS: Final = frozenset(get_args(DropStep))
GARBLES: Final = frozenset(get_args(Garble))
ONE_HOST_MODES: Final = frozenset(get_args(OneHost))

HUGE_BLOCK_BYTES: Final = 64 * 1024
"""Huge outputs are generated one block of this size at a time."""

_FILLER_LINE: Final = b"    " + b"simulated-huge-output " * 46 + b"\n"
"""About 1 KiB per line: long lines keep a parser's line list small for the size."""

_HEADER_SIZE: Final = 24
_CHECK: Final = struct.Struct("<I")
_CHECK_AT: Final = 16
"""Where ``data_check`` sits in a message header (the fifth of six words; magic follows)."""

HUGE_CLAIM: Final = 0xFFFFFF00
"""The length a hostile header claims: just under 4 GiB."""

HUGE_HEADER_TARGETS: Final = frozenset({"cnxn", "recv"})
"""``huge_header`` values that are protocol steps, not shell commands."""


@dataclass(frozen=True, slots=True)
class Drop:
    """Cut the connection (as if the cable were pulled) at one protocol step."""

    step: DropStep
    command: str = ""
    """``open``: the shell command (or ``sync:``) whose OPEN triggers it; ``wrte``: the
    command whose output is cut; ``recv``: the device path being pulled. Empty: any."""
    index: int = 0
    """``open`` only: cut at the Nth OPEN the phone receives (1-based); 0 means by command."""
    after_bytes: int = 0
    """``wrte``/``recv``: how many bytes of the answer get through before the cut (for
    ``recv`` the sync DATA headers count too)."""

    def __post_init__(self) -> None:
        if self.step not in DROP_STEPS:
            raise ValueError(f"drop step must be one of {sorted(DROP_STEPS)}, not {self.step!r}")
        if self.index < 0 or self.after_bytes < 0:
            raise ValueError("drop index and after_bytes must not be negative")
        if self.step == "open" and not self.index and not self.command:
            raise ValueError("a drop at open needs an index or a command")


@dataclass(frozen=True, slots=True)
class Reboot:
    """The phone restarts when it receives the OPEN for ``at_command`` (first boot only)."""

    at_command: str
    down_s: float = 1.0
    """How long the port refuses connections before adbd listens again."""

    def __post_init__(self) -> None:
        if not self.at_command:
            raise ValueError("reboot needs at_command")
        if self.down_s < 0:
            raise ValueError("reboot down_s must not be negative")


@dataclass(frozen=True, slots=True)
class Hostile:
    """A phone that breaks the ADB protocol on purpose, to prove the scanner's guard holds.

    Each behaviour floods or stalls without end: only the host hanging up (or the phone
    being stopped) ends it, as with a phone built to harm the computer that reads it.
    """

    huge_header: str = ""
    """``cnxn``: the phone's CNXN claims ~4 GB of banner; ``recv``: each pulled file's
    first sync DATA header claims ~4 GB; otherwise a shell command whose first WRTE claims
    ~4 GB. Filler follows, without end."""
    flood_unknown_stream: str = ""
    """Shell command: once it is opened, the phone sends WRTEs for a stream the host never
    opened, without end and without waiting for any OKAY."""
    ignore_flow_control: str = ""
    """Shell command: the phone holds its answer until the host gives up on it and opens
    another stream, then sends the answer and filler on the old stream without end,
    never waiting for an OKAY (and never answering the new OPEN)."""
    maxdata: int | None = None
    """What the phone's CNXN advertises as the largest payload it takes (adbd: 256 KiB)."""
    trickle_pull_s: float = 0.0
    """Every pulled file is sent one byte per WRTE, one every this many seconds."""
    wrong_checksum: str = ""
    """Shell command: every WRTE of its answer carries a wrong, non-zero checksum (a host
    at protocol 0x01000001 ignores it, as AOSP's adb does; an older one refuses it)."""

    def __post_init__(self) -> None:
        for name in (
            "huge_header",
            "flood_unknown_stream",
            "ignore_flow_control",
            "wrong_checksum",
        ):
            if not isinstance(getattr(self, name), str):
                raise ValueError(f"hostile: {name} must be a command or step name")
        maxdata = self.maxdata
        if maxdata is not None and (
            not isinstance(maxdata, int) or isinstance(maxdata, bool) or not 0 <= maxdata < 2**32
        ):
            raise ValueError("hostile: maxdata must be a whole number from 0 to 4294967295")
        trickle = self.trickle_pull_s
        if isinstance(trickle, bool) or not isinstance(trickle, int | float) or trickle < 0:
            raise ValueError("hostile: trickle_pull_s must be a number of seconds, not negative")


def _frozen(data: Mapping[str, object]) -> Mapping[str, object]:
    return MappingProxyType(dict(data))


@dataclass(frozen=True, slots=True)
class FaultPlan:
    """Everything that will go wrong with one simulated phone. The default: nothing."""

    drop: Drop | None = None
    hang: Mapping[str, int] = field(default_factory=dict)
    """Shell command -> bytes of its real output sent before it hangs (OPEN accepted, no
    CLSE, ever)."""
    garble: Mapping[str, Garble] = field(default_factory=dict)
    """Shell command -> how its output is spoiled."""
    huge: Mapping[str, int] = field(default_factory=dict)
    """Shell command -> total output size in bytes (real output, then generated filler)."""
    reboot: Reboot | None = None
    one_host: OneHost = "off"
    """``silent``/``close``: only the first host to connect is served (see module doc)."""
    hostile: Hostile | None = None
    """Protocol-breaking behaviours (see ``Hostile``)."""

    def __post_init__(self) -> None:
        for command, garble in self.garble.items():
            if garble not in GARBLES:
                raise ValueError(f"garble for {command!r} must be one of {sorted(GARBLES)}")
        for what, sizes in (("hang", self.hang), ("huge", self.huge)):
            if any(not isinstance(n, int) or n < 0 for n in sizes.values()):
                raise ValueError(f"{what}: byte counts must be whole numbers, not negative")
        if self.one_host not in ONE_HOST_MODES:
            raise ValueError(f"one_host must be one of {sorted(ONE_HOST_MODES)}")
        object.__setattr__(self, "hang", _frozen(self.hang))
        object.__setattr__(self, "garble", _frozen(self.garble))
        object.__setattr__(self, "huge", _frozen(self.huge))


NO_FAULTS: Final = FaultPlan()


# -- markers the connection acts on ---------------------------------------------------


class Marker:
    """A point in an answer where something other than bytes happens."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


HANG: Final = Marker("hang")
"""Stop sending on this stream and never close it."""
DROP: Final = Marker("drop")
"""Cut the whole connection now."""

Piece = bytes | Marker
"""What an answer is made of: bytes to send, or a marker."""


# -- output shaping (pure generators) -------------------------------------------------


def garble_output(kind: Garble, data: bytes) -> bytes:
    """``data`` spoiled as ``kind`` says; deterministic, so tests can predict it."""
    if kind == "non-utf8":
        # Invalid UTF-8 (bytes never valid, an overlong '/') at the end of every 5th line,
        # where a value in another encoding (a Latin-1 label, say) would put it.
        lines = data.split(b"\n")
        return b"\n".join(
            line + b"\xff\xfe\xc0\xaf" if i % 5 == 4 else line for i, line in enumerate(lines)
        )
    if kind == "truncate":
        # Cut mid-line, as a dump that died half way prints.
        return data[: max(1, len(data) // 2) - 1] if data else b""
    # unknown-format: what a vendor's new binary or proto dump could look like.
    encoded = base64.b64encode(data)
    body = b"\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
    return b"\x89PHCK-PROTO v9\r\n\x00\x01\x02" + body + b"\n"


def huge_output(real: bytes, size: int) -> Iterator[bytes]:
    """``real`` then filler lines, ``size`` bytes in all, made one block at a time."""
    block = (_FILLER_LINE * (HUGE_BLOCK_BYTES // len(_FILLER_LINE) + 1))[:HUGE_BLOCK_BYTES]
    head = real[:size]
    if head:
        yield head
    left = size - len(head)
    while left > 0:
        piece = block[:left] if left < len(block) else block
        yield piece
        left -= len(piece)


def cut_after(pieces: Iterable[Piece], after_bytes: int, marker: Marker) -> Iterator[Piece]:
    """Pass ``after_bytes`` bytes of ``pieces`` through, then ``marker`` instead of the rest."""
    left = after_bytes
    for piece in pieces:
        if isinstance(piece, Marker):
            yield piece
            return
        if len(piece) >= left:
            if left:
                yield piece[:left]
            yield marker
            return
        left -= len(piece)
        yield piece
    # The answer was shorter than the cut point: it ends where it ends.


def shapes_answer(plan: FaultPlan, command: str) -> bool:
    """True when a fault changes ``command``'s answer (``shell_answer`` then needs the whole
    output); otherwise its answer is the real output, which may be sent as it is made."""
    drop = plan.drop
    return (
        command in plan.garble
        or command in plan.huge
        or command in plan.hang
        or (drop is not None and drop.step == "wrte" and drop.command in ("", command))
    )


def shell_answer(plan: FaultPlan, command: str, real: Callable[[], bytes]) -> Iterator[Piece]:
    """The pieces the phone sends for ``command``, with every planned fault applied."""
    output = real()
    kind = plan.garble.get(command)
    if kind is not None:
        output = garble_output(kind, output)
    pieces: Iterable[Piece] = (
        huge_output(output, plan.huge[command]) if command in plan.huge else (output,)
    )
    if command in plan.hang:
        pieces = cut_after(pieces, plan.hang[command], HANG)
        return _with_end(pieces, HANG)  # a hung command never ends, even if output is short
    drop = plan.drop
    if drop is not None and drop.step == "wrte" and drop.command in ("", command):
        return iter(cut_after(pieces, drop.after_bytes, DROP))
    return iter(pieces)


def _with_end(pieces: Iterable[Piece], end: Marker) -> Iterator[Piece]:
    for piece in pieces:
        yield piece
        if isinstance(piece, Marker):
            return
    yield end


def endless_filler(first: bytes = b"") -> Iterator[bytes]:
    """``first``, then filler blocks for ever (for floods that only a hang-up ends)."""
    if first:
        yield first
    block = next(huge_output(b"", HUGE_BLOCK_BYTES))
    yield from itertools.repeat(block)


def huge_sync_reply() -> Iterator[bytes]:
    """A sync reply to RECV whose DATA header claims ~4 GB, then filler without end."""
    return endless_filler(b"DATA" + struct.pack("<I", HUGE_CLAIM))


def wrong_checksum(message: bytes) -> bytes:
    """A packed ADB message (header, payload) with a ``data_check`` that is wrong and not 0."""
    wrong = (byte_sum(message[_HEADER_SIZE:]) + 1) & 0xFFFFFFFF or 1
    return message[:_CHECK_AT] + _CHECK.pack(wrong) + message[_CHECK_AT + _CHECK.size :]


def trickled(messages: Iterable[bytes]) -> Iterator[bytes]:
    """``messages`` one byte at a time."""
    for message in messages:
        for index in range(len(message)):
            yield message[index : index + 1]


def recv_answer(plan: FaultPlan, path: str, messages: Iterable[bytes]) -> Iterator[Piece] | None:
    """A pull's reply cut short when the plan drops during this RECV; None otherwise."""
    drop = plan.drop
    if drop is None or drop.step != "recv" or drop.command not in ("", path):
        return None
    return cut_after(messages, drop.after_bytes, DROP)


# -- per-phone state shared by its connections ----------------------------------------


class FaultState:
    """Counters and ownership for one phone: every connection thread shares it."""

    def __init__(self, plan: FaultPlan, on_reboot: Callable[[Reboot], None]) -> None:
        self.plan = plan
        self._on_reboot = on_reboot
        self._lock = threading.Lock()
        self._opens = 0
        self._rebooted = False
        self._owner: int | None = None

    def drop_at_cnxn(self) -> bool:
        """True when the connection must be cut as the host's CNXN arrives."""
        return self.plan.drop is not None and self.plan.drop.step == "cnxn"

    def drop_at_auth(self) -> bool:
        """True when the connection must be cut as the host's first AUTH reply arrives."""
        return self.plan.drop is not None and self.plan.drop.step == "auth"

    def admit(self, connection: int) -> OneHost:
        """``off`` when ``connection`` may be served, else what to do with its CNXN."""
        if self.plan.one_host == "off":
            return "off"
        with self._lock:
            if self._owner in (None, connection):
                self._owner = connection
                return "off"
        return self.plan.one_host

    def release(self, connection: int) -> None:
        """The connection ended: another host may connect now."""
        with self._lock:
            if self._owner == connection:
                self._owner = None

    def at_open(self, service_name: str, command: str) -> Marker | None:
        """Count an OPEN; ``DROP`` when the plan cuts or reboots the phone here."""
        with self._lock:
            self._opens += 1
            number = self._opens
            reboot = self.plan.reboot
            rebooting = reboot is not None and not self._rebooted and command == reboot.at_command
            if rebooting:
                self._rebooted = True
        if rebooting:
            self._on_reboot(cast(Reboot, reboot))
            return DROP
        drop = self.plan.drop
        if drop is None or drop.step != "open":
            return None
        if drop.index:
            return DROP if number == drop.index else None
        return DROP if drop.command in (command, service_name) else None


# -- profile.yaml -------------------------------------------------------------------------


def fault_plan_from_spec(spec: object) -> FaultPlan:
    """Build a plan from the ``faults:`` section of ``profile.yaml``.

    Raises ValueError (with the offending key) for anything not understood.
    """
    if spec is None:
        return NO_FAULTS
    if not isinstance(spec, dict):
        raise ValueError("faults: must be a mapping")
    unknown = set(spec) - {"drop", "hang", "garble", "huge", "reboot", "one_host", "hostile"}
    if unknown:
        raise ValueError(f"faults: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    drop = spec.get("drop")
    reboot = spec.get("reboot")
    hostile = spec.get("hostile")
    try:
        return FaultPlan(
            drop=Drop(**_options(drop, "drop")) if drop is not None else None,
            hang=_sizes(spec.get("hang"), "hang"),
            garble=cast(Mapping[str, Garble], _texts(spec.get("garble"), "garble")),
            huge=_sizes(spec.get("huge"), "huge"),
            reboot=Reboot(**_options(reboot, "reboot")) if reboot is not None else None,
            one_host=cast(OneHost, spec.get("one_host", "off")),
            hostile=Hostile(**_options(hostile, "hostile")) if hostile is not None else None,
        )
    except TypeError as exc:
        raise ValueError(f"faults: {exc}") from exc


def _options(value: object, key: str) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise ValueError(f"faults: {key}: must be a mapping")
    return dict(value)


def _sizes(value: object, key: str) -> dict[str, int]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
        for k, v in value.items()
    ):
        raise ValueError(f"faults: {key}: must map commands to byte counts")
    return dict(value)


def _texts(value: object, key: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ValueError(f"faults: {key}: must map commands to text")
    return dict(value)
