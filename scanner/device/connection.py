"""One ADB connection to one phone, over TCP or USB, for the whole scan.

Only this package imports adb-shell. adb-shell's many exception types are translated
here, once, into the scanner's own errors with plain-language messages.
"""

from __future__ import annotations

import contextlib
import io
import logging
import struct
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from adb_shell import adb_device as adb_device_module
from adb_shell import adb_message
from adb_shell import constants as adb_constants
from adb_shell import exceptions as adb_exc
from adb_shell.adb_device import AdbDevice
from adb_shell.transport.tcp_transport import TcpTransport

from scanner.device.allowlist import is_allowed
from scanner.device.apk_commands import MAX_COMMAND_CHARS
from scanner.device.checksum import byte_sum
from scanner.device.deadline import Deadline
from scanner.device.guard import (
    MAX_MESSAGE_DATA,
    MIN_MAXDATA,
    GuardedTransport,
    LinkCounters,
    Overdue,
    plain_size,
)
from scanner.device.keys import AdbSigner
from scanner.errors import (
    AuthRefused,
    CommandRefused,
    CommandTimeout,
    DeviceError,
    Disconnected,
    FileTooLarge,
    NotConnected,
    ProtocolViolation,
    PullTimeSpent,
    UsbUnavailable,
)

try:  # adb-shell internals, see SyncReader
    from adb_shell.hidden_helpers import _FileSyncTransactionInfo
except ImportError:  # another adb-shell version: SyncReader falls back to one pull each
    _FileSyncTransactionInfo = None

logger = logging.getLogger(__name__)


def _checksum(data: object) -> int:
    """adb-shell's checksum of a received payload, the same number computed faster."""
    if isinstance(data, bytes | bytearray):
        return byte_sum(data)
    return int(adb_message.checksum(data))


# adb-shell 0.4.4 checks every payload it reads with ``adb_message.checksum`` before it
# sends the OKAY that lets the phone send more (see ``checksum.py``); it looks it up in
# ``adb_device``'s namespace at each read. Any other version keeps its own. With a phone
# at protocol 0x01000001 or later, ``_IOManager`` below skips the check altogether.
if adb_device_module.checksum is adb_message.checksum:
    adb_device_module.checksum = _checksum


A_VERSION_MIN: Final = 0x01000000
"""The ADB protocol version adb-shell 0.4.4 advertises: every payload carries its sum."""

A_VERSION_SKIP_CHECKSUM: Final = 0x01000001
"""From this protocol version (adbd since Android 9) neither side sums payloads: each
side settles on the lower of the two CNXN versions, and at this one or above AOSP's adb
sends ``data_check = 0`` and checks no payload it receives (``transport.cpp``
``send_packet``; the check on receipt was removed when the version was added). TCP and
USB already protect the bytes."""

_IO_MANAGER: Any = getattr(adb_device_module, "_AdbIOManager", object)
_IO_STEPS = ("_read_packet_from_device", "_read_bytes_from_device", "_send")
_CNXN: Final = adb_constants.ID_TO_WIRE[adb_constants.CNXN]

SKIPS_CHECKSUM: Final = adb_constants.VERSION == A_VERSION_MIN and all(
    callable(getattr(_IO_MANAGER, name, None)) for name in _IO_STEPS
)
"""True when adb-shell is the version ``_IOManager`` is written for (any other: its own
CNXN version and checks, as before)."""


class _IOManager(_IO_MANAGER):  # type: ignore[misc]
    """adb-shell's I/O manager, speaking protocol 0x01000001: no payload sums from a phone
    that speaks it too.

    Only the packet read is written again (adb-shell's, plus the version): it reads the
    header, then the payload, each through ``GuardedTransport``, which has already
    checked the header's command, magic and length bounds before adb-shell sees a byte.
    A payload is summed and compared unless the phone settled on 0x01000001 or later:

    * the phone's CNXN carries its version in the header, so it settles for its own
      payload;
    * an AUTH before that CNXN comes while the phone's version is unknown: a checksum
      of 0 is taken (what a phone at 0x01000001 sends), any other must be right (what an
      older phone sends);
    * a phone that settled on 0x01000001 but sends a non-zero checksum anyway has it
      ignored, as AOSP's adb does (it never reads the field on receipt).
    """

    def __init__(self, transport: object) -> None:
        super().__init__(transport)
        self.phone_version: int | None = None
        """The version in the phone's CNXN; None until it arrives."""

    def _send(self, msg: Any, adb_info: object) -> None:
        if msg.command == _CNXN:
            msg.arg0 = A_VERSION_SKIP_CHECKSUM
            self.phone_version = None  # a new handshake
        super()._send(msg, adb_info)

    def _read_packet_from_device(self, adb_info: object) -> tuple[bytes, int, int, bytes]:
        header = self._read_bytes_from_device(adb_constants.MESSAGE_SIZE, adb_info)
        wire, arg0, arg1, length, data_check = adb_message.unpack(header)
        command: bytes | None = adb_constants.WIRE_TO_ID.get(wire)
        if command is None:  # GuardedTransport lets none through; adb-shell's error if so
            raise adb_exc.InvalidCommandError(f"Unknown command: {wire:#010x}")
        if wire == _CNXN:
            self.phone_version = arg0
        if not length:
            return command, arg0, arg1, b""
        data: bytes = self._read_bytes_from_device(length, adb_info)
        if self._verifies(data_check):
            actual = adb_device_module.checksum(data)
            if actual != data_check:
                raise adb_exc.InvalidChecksumError(f"Received checksum {actual} != {data_check}")
        return command, arg0, arg1, data

    def _verifies(self, data_check: int) -> bool:
        """Whether a payload with this checksum must be summed (see the class docstring)."""
        if self.phone_version is None:
            return data_check != 0
        return min(self.phone_version, A_VERSION_SKIP_CHECKSUM) < A_VERSION_SKIP_CHECKSUM


_MISREAD = (
    adb_exc.InvalidResponseError,
    adb_exc.InvalidCommandError,
    adb_exc.InvalidChecksumError,
)
"""adb-shell's errors for a message it could not make sense of (bad header or checksum)."""


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Time limits, generous enough for a slow ``dumpsys`` on an old phone."""

    connect_s: float = 10.0
    transport_s: float = 10.0
    """Longest wait for a single read or write on the link."""
    auth_s: float = 60.0
    """How long the person has to unlock the phone and tap "Allow"."""
    read_s: float = 60.0
    """Longest silence from the phone inside one command."""
    command_s: float = 180.0
    """Longest time one command may take in total, and one file read unless it keeps
    arriving at ``PULL_FLOOR_BYTES_PER_S`` or faster."""

    @property
    def all_pulls_s(self) -> float:
        """Longest time every file read of one scan may take together."""
        return PULLS_BUDGET_FACTOR * self.command_s


@dataclass(frozen=True, slots=True)
class ShellOutput:
    """What one command returned."""

    data: bytes
    truncated: bool = False
    duration_s: float = 0.0


AuthPrompt = Callable[[], None]

MAX_OUTPUT_BYTES = 64 * 1024 * 1024
"""Per-command cap: beyond this the scanner stops reading (bounded memory)."""

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Per-file cap on pulls. Spy apps are small; a bigger sideloaded app (a game) is named
in the report as not checked rather than held in memory whole."""

PULL_FLOOR_BYTES_PER_S = 100_000
"""A file read may outlast ``Timeouts.command_s`` only while it keeps this pace: a
64 MB app on a slow link is still read, a trickle of a byte every few seconds is cut."""

PULLS_BUDGET_FACTOR = 4
"""Every file read of one scan together: this many times ``Timeouts.command_s``."""

SYNC_DATA_MAX = 64 * 1024
"""The largest piece of a file a phone sends in one sync DATA message (adbd's
``SYNC_DATA_MAX``); a bigger claim is a phone breaking the rules."""

_SYNC_HEADER = struct.Struct("<2I")
_SYNC_DATA = adb_constants.FILESYNC_ID_TO_WIRE[adb_constants.DATA]
_SYNC_DONE = adb_constants.FILESYNC_ID_TO_WIRE[adb_constants.DONE]
_SYNC_FAIL = adb_constants.FILESYNC_ID_TO_WIRE[adb_constants.FAIL]


class _CappedBuffer(io.BytesIO):
    """Collects a pulled file and refuses to grow past ``limit`` (bounded memory)."""

    def __init__(self, device_path: str, limit: int) -> None:
        super().__init__()
        self._device_path = device_path
        self._limit = limit

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if self.tell() + len(data) > self._limit:
            raise FileTooLarge.said(
                "device.file_too_large",
                detail=f"limit {self._limit} bytes",
                path=self._device_path,
                megabytes=self._limit // 1_000_000,
            )
        return super().write(data)


_SYNC_STEPS = (
    "_open",
    "_filesync_send",
    "_filesync_flush",
    "_filesync_read_buffered",
    "_clse",
    "_maxdata",
)
"""adb-shell internals ``SyncReader`` needs to keep one sync stream for several files."""


@dataclass
class PhoneConnection:
    """An authorised ADB connection. Use ``connect_tcp`` or ``connect_usb``."""

    device: AdbDevice
    transport: GuardedTransport
    serial: str
    kind: str
    timeouts: Timeouts = field(default_factory=Timeouts)
    sent_commands: list[str] = field(default_factory=list)

    @property
    def counters(self) -> LinkCounters:
        return self.transport.counters

    @property
    def max_command_chars(self) -> int:
        """The longest command line to send: it travels in one OPEN message, which must
        fit the phone's ``maxdata`` (4 KiB before Android 7) with ``shell:`` and a NUL."""
        maxdata = min(
            max(self.transport.phone_maxdata or MIN_MAXDATA, MIN_MAXDATA), MAX_MESSAGE_DATA
        )
        return int(min(MAX_COMMAND_CHARS, maxdata - len("shell:") - 1))

    @classmethod
    def connect_tcp(
        cls,
        host: str,
        port: int,
        signer: AdbSigner,
        *,
        on_auth_prompt: AuthPrompt | None = None,
        timeouts: Timeouts | None = None,
    ) -> PhoneConnection:
        """Connect to ``host:port`` (wireless debugging, or a simulated phone)."""
        timeouts = timeouts or Timeouts()
        label = f"{host}:{port}"
        transport = GuardedTransport(TcpTransport(host, port), label)
        return cls._open(transport, label, "tcp", signer, on_auth_prompt, timeouts)

    @classmethod
    def connect_usb(
        cls,
        signer: AdbSigner,
        *,
        serial: str | None = None,
        on_auth_prompt: AuthPrompt | None = None,
        timeouts: Timeouts | None = None,
    ) -> PhoneConnection:
        """Connect to the phone plugged in over USB (needs libusb)."""
        timeouts = timeouts or Timeouts()
        try:
            from adb_shell.transport.usb_transport import UsbTransport
        except (ImportError, OSError) as exc:
            raise UsbUnavailable.said("device.usb_missing", detail=repr(exc)) from exc
        try:
            inner = UsbTransport.find_adb(
                serial=serial, default_transport_timeout_s=timeouts.transport_s
            )
        except adb_exc.UsbDeviceNotFoundError as exc:
            raise NotConnected.said("device.no_phone_on_usb", detail=repr(exc)) from exc
        except Exception as exc:  # libusb raises its own types (usb1.USBError...)
            raise UsbUnavailable.said("device.usb_ports_unusable", detail=repr(exc)) from exc
        label = serial or "USB"
        transport = GuardedTransport(inner, label)
        return cls._open(transport, label, "usb", signer, on_auth_prompt, timeouts)

    @classmethod
    def _open(
        cls,
        transport: GuardedTransport,
        label: str,
        kind: str,
        signer: AdbSigner,
        on_auth_prompt: AuthPrompt | None,
        timeouts: Timeouts,
    ) -> PhoneConnection:
        device = AdbDevice(transport, default_transport_timeout_s=timeouts.transport_s)
        if SKIPS_CHECKSUM:
            device._io_manager = _IOManager(transport)
        prompted = False

        def auth_callback(_device: object) -> None:
            nonlocal prompted
            prompted = True
            if on_auth_prompt is not None:
                on_auth_prompt()

        try:
            device.connect(
                rsa_keys=[signer],
                transport_timeout_s=timeouts.connect_s,
                auth_timeout_s=timeouts.auth_s,
                read_timeout_s=timeouts.connect_s,
                auth_callback=auth_callback,
            )
        except ProtocolViolation as exc:
            transport.close()
            raise NotConnected.said(
                "device.not_android_because", detail=exc.detail, label=label, reason=exc.message
            ) from exc
        except Disconnected as exc:
            transport.close()
            if prompted:
                raise AuthRefused.said("device.auth_declined", detail=exc.detail) from exc
            if transport.reached:
                # Reached, then shut before the handshake: adbd serving another host
                # does this, as does a phone restarting its debugging service.
                raise NotConnected.said(
                    "device.closed_before_start", detail=exc.detail, label=label
                ) from exc
            raise NotConnected.said(
                "device.unreachable_check_on", detail=exc.detail, label=label
            ) from exc
        except (adb_exc.TcpTimeoutException, adb_exc.AdbTimeoutError) as exc:
            transport.close()
            if prompted:
                raise AuthRefused.said("device.auth_timed_out", detail=repr(exc)) from exc
            raise NotConnected.said("device.no_answer", detail=repr(exc), label=label) from exc
        except adb_exc.DeviceAuthError as exc:
            transport.close()
            raise AuthRefused.said("device.no_key_to_offer", detail=repr(exc)) from exc
        except _MISREAD as exc:
            transport.close()
            raise NotConnected.said("device.not_android", detail=repr(exc), label=label) from exc
        return cls(device=device, transport=transport, serial=label, kind=kind, timeouts=timeouts)

    def shell(
        self,
        command: str,
        *,
        max_bytes: int = MAX_OUTPUT_BYTES,
        on_data: Callable[[bytearray], None] | None = None,
    ) -> ShellOutput:
        """Run one allowlisted, read-only command and return its raw output.

        ``on_data`` is shown the output read so far each time more comes in (it must not
        keep or change it), so a caller can start on it while the rest is on the link.
        """
        if not is_allowed(command):
            raise CommandRefused.said(
                "device.command_refused", detail=f"refused shell command {command!r}"
            )
        self.sent_commands.append(command)
        started = time.monotonic()
        opened = self.transport.counters.streams_opened
        # One growing buffer, trimmed in place: a list of chunks joined and then sliced
        # would hold three copies of a huge answer at once.
        buffer = bytearray()
        truncated = False
        try:
            try:
                # The deadline is checked inside every read, so a trickle cannot dodge it.
                with self.transport.watch(Deadline(self.timeouts.command_s)):
                    stream = self.device.streaming_shell(
                        command,
                        transport_timeout_s=self.timeouts.transport_s,
                        read_timeout_s=self.timeouts.read_s,
                        decode=False,
                    )
                    for chunk in stream:
                        buffer += chunk
                        if len(buffer) > max_bytes:
                            truncated = True
                            del buffer[max_bytes:]
                            break
                        if on_data is not None:
                            on_data(buffer)
            except Overdue as exc:
                raise CommandTimeout.said(
                    "device.command_too_slow",
                    detail=f"over {self.timeouts.command_s} s ({exc.detail})",
                    command=command,
                ) from exc
            except (adb_exc.TcpTimeoutException, adb_exc.AdbTimeoutError) as exc:
                raise CommandTimeout.said(
                    "device.command_stopped", detail=repr(exc), command=command
                ) from exc
            except (
                adb_exc.UsbReadFailedError,
                adb_exc.UsbWriteFailedError,
                adb_exc.AdbConnectionError,
            ) as exc:
                raise Disconnected.said("device.connection_lost", detail=repr(exc)) from exc
            except _MISREAD as exc:
                raise Disconnected.said("device.misread_closed", detail=repr(exc)) from exc
        except DeviceError as exc:
            exc.partial = bytes(buffer)  # what came before the fault is evidence too
            if isinstance(exc, CommandTimeout):
                self._abandon_since(opened)
            raise
        if truncated:
            # Close the stream: the phone stops sending, and what it had already sent
            # for it is dropped by the guard instead of piling up unread.
            self._abandon_since(opened)
        data = bytes(buffer)
        del buffer
        return ShellOutput(data, truncated, time.monotonic() - started)

    def _abandon_since(self, opened: int) -> None:
        """Stop reading the stream this command opened (if it got that far)."""
        if self.transport.counters.streams_opened > opened:
            self.transport.abandon(self.transport.last_opened, self.timeouts.transport_s)

    def pull(self, device_path: str, *, max_bytes: int = MAX_FILE_BYTES) -> bytes:
        """Read one file from the phone over the sync service (read-only)."""
        buffer = _CappedBuffer(device_path, max_bytes)
        deadline = self.pull_deadline()
        try:
            with self.transport.watch(deadline), _pull_errors(device_path):
                self.device.pull(
                    device_path,
                    buffer,
                    transport_timeout_s=self.timeouts.transport_s,
                    read_timeout_s=self.timeouts.read_s,
                )
        except Overdue as exc:
            raise _too_slow(device_path, exc) from exc
        return buffer.getvalue()

    def pull_deadline(self) -> Deadline:
        """How long one file read may take (see ``PULL_FLOOR_BYTES_PER_S``)."""
        return Deadline(self.timeouts.command_s, PULL_FLOOR_BYTES_PER_S)

    @contextlib.contextmanager
    def sync_session(self) -> Iterator[SyncReader]:
        """Read several files over one ``sync:`` stream; it is closed on leaving the block.

        ``pull`` opens and closes a stream per file: two extra round trips each. Inside
        this block every ``SyncReader.pull`` reuses one stream, opened at the first pull.
        """
        reader = SyncReader(self)
        try:
            yield reader
        finally:
            reader.close()

    def close(self) -> None:
        try:
            self.device.close()
        except Exception:  # closing a dead link must never hide the real error
            logger.debug("close failed", exc_info=True)


def _too_slow(device_path: str, exc: Overdue) -> CommandTimeout:
    got = exc.deadline
    return CommandTimeout.said(
        "input_errors.too_slow",
        exc.detail,
        path=device_path,
        size=plain_size(got.received),
        seconds=f"{got.elapsed_s():.0f}",
    )


@contextlib.contextmanager
def _pull_errors(device_path: str) -> Iterator[None]:
    """Translate adb-shell's errors during a file read into the scanner's own."""
    try:
        yield
    except (adb_exc.TcpTimeoutException, adb_exc.AdbTimeoutError) as exc:
        raise CommandTimeout.said(
            "device.file_stopped", detail=repr(exc), path=device_path
        ) from exc
    except (adb_exc.AdbCommandFailureException, adb_exc.DevicePathInvalidError) as exc:
        raise DeviceError.said("device.file_refused", detail=repr(exc), path=device_path) from exc
    except adb_exc.InvalidResponseError as exc:
        # A sync reply out of order: this file is lost, the link may still work.
        raise DeviceError.said(
            "device.file_unexpected", detail=repr(exc), path=device_path
        ) from exc
    except (
        adb_exc.UsbReadFailedError,
        adb_exc.UsbWriteFailedError,
        adb_exc.AdbConnectionError,
        adb_exc.InvalidCommandError,
        adb_exc.InvalidChecksumError,
    ) as exc:
        raise Disconnected.said("device.connection_lost", detail=repr(exc)) from exc


class SyncReader:
    """Reads files one after another over a single ``sync:`` stream (RECV requests only).

    adb-shell 0.4.4 has no public call for this: its ``pull`` is open + RECV + close.
    This uses the steps it is made of (``_open``, the sync send and read buffers,
    ``_clse``), which is why ``pyproject.toml`` pins adb-shell exactly. When they are
    missing (another adb-shell), each pull falls back to ``PhoneConnection.pull``. The
    transport guard still inspects every request: only STAT, LIST, RECV and QUIT may pass.

    Each file read has its own deadline (``PhoneConnection.pull_deadline``) and all of
    them share one (``Timeouts.all_pulls_s``, from when the reader was made): once that
    is spent, every later pull raises ``PullTimeSpent`` without asking the phone.
    """

    def __init__(self, connection: PhoneConnection) -> None:
        self._connection = connection
        self._stream: object | None = None  # adb-shell's _AdbTransactionInfo while open
        self._shared = _FileSyncTransactionInfo is not None and all(
            hasattr(connection.device, name) for name in _SYNC_STEPS
        )
        self._budget = Deadline(connection.timeouts.all_pulls_s)

    def pull(self, device_path: str, *, max_bytes: int = MAX_FILE_BYTES) -> bytes:
        """Read one whole file; raises like ``PhoneConnection.pull``, or ``PullTimeSpent``."""
        if self._budget.remaining_s() <= 0:
            raise self._time_spent()
        if not self._shared:
            return self._connection.pull(device_path, max_bytes=max_bytes)
        if not device_path:
            # As adb-shell's own pull: refused before anything is sent.
            raise DeviceError.said("device.file_refused", detail="empty device path", path="")
        connection = self._connection
        device = connection.device
        timeouts = connection.timeouts
        buffer = _CappedBuffer(device_path, max_bytes)
        deadline = connection.pull_deadline()
        try:
            with connection.transport.watch(deadline, self._budget):
                try:
                    with _pull_errors(device_path):
                        if self._stream is None:
                            self._stream = device._open(
                                b"sync:", timeouts.transport_s, timeouts.read_s, None
                            )
                        state = _FileSyncTransactionInfo(
                            adb_constants.FILESYNC_PULL_FORMAT, maxdata=device._maxdata
                        )
                        _receive(device, device_path, buffer, self._stream, state)
                except BaseException as exc:
                    stream, self._stream = self._stream, None
                    if stream is not None:
                        self._end(stream, exc)
                    raise
        except Overdue as exc:
            if exc.deadline is self._budget:
                raise self._time_spent() from exc
            raise _too_slow(device_path, exc) from exc
        return buffer.getvalue()

    def _time_spent(self) -> PullTimeSpent:
        return PullTimeSpent.said(
            "input_errors.pull_time_spent",
            f"{self._budget.received} bytes in {self._budget.elapsed_s():.1f} s",
            seconds=f"{self._budget.allowance_s:.0f}",
        )

    def _end(self, stream: object, exc: BaseException) -> None:
        """After a failed pull: leave the stream so the next pull can open a new one."""
        if isinstance(exc, Disconnected):
            return  # the link is gone; nothing more can be said to the phone
        transport = self._connection.transport
        if isinstance(exc, Exception) and not isinstance(exc, CommandTimeout):
            # adbd ends the sync service after a failed request (a FAIL reply), so close
            # as adb-shell's own pull does.
            try:
                self._connection.device._clse(stream)
                return
            except Exception:
                logger.debug("closing the sync stream failed", exc_info=True)
        # Too slow, or Ctrl-C: waiting for the phone's goodbye could take as long again.
        transport.abandon(getattr(stream, "local_id", 0), self._connection.timeouts.transport_s)

    def close(self) -> None:
        """Close the stream if one is open; never raises (every file is already read)."""
        stream, self._stream = self._stream, None
        if stream is None:
            return
        connection = self._connection
        try:
            with connection.transport.watch(Deadline(connection.timeouts.transport_s)):
                connection.device._clse(stream)
        except Exception:  # a failed goodbye must not undo the reads that worked
            logger.debug("closing the sync stream failed", exc_info=True)


def _receive(
    device: AdbDevice, device_path: str, out: _CappedBuffer, stream: object, state: object
) -> None:
    """One RECV over an open sync stream, with every reply's header checked first.

    adb-shell's own ``_pull`` believes the size in each DATA header (a phone claiming
    4 GB would be buffered to the end) and fails with a bare ``KeyError`` on an unknown
    reply id; this reads the same replies with bounds.
    """
    device._filesync_send(adb_constants.RECV, stream, state, data=device_path)
    device._filesync_flush(stream, state)
    while True:
        head = device._filesync_read_buffered(_SYNC_HEADER.size, stream, state)
        ident, size = _SYNC_HEADER.unpack(head)
        if ident == _SYNC_DONE:
            return
        if ident not in (_SYNC_DATA, _SYNC_FAIL):
            raise adb_exc.InvalidResponseError(f"sync reply {bytes(head[:4])!r}")
        if size > SYNC_DATA_MAX:
            raise ProtocolViolation.said(
                "device.piece_too_large",
                size=plain_size(size),
                limit=plain_size(SYNC_DATA_MAX),
                detail=f"{device_path}: sync {bytes(head[:4])!r} size {size}",
            )
        data = device._filesync_read_buffered(size, stream, state)
        if ident == _SYNC_FAIL:
            reason = bytes(data).decode("utf-8", errors="replace")
            raise adb_exc.AdbCommandFailureException(f"Command failed: {reason}")
        out.write(bytes(data))
