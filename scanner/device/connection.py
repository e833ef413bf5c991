"""One ADB connection to one phone, over TCP or USB, for the whole scan.

Only this package imports adb-shell. adb-shell's many exception types are translated
here, once, into the scanner's own errors with plain-language messages.
"""

from __future__ import annotations

import contextlib
import io
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from adb_shell import exceptions as adb_exc
from adb_shell.adb_device import AdbDevice
from adb_shell.constants import FILESYNC_PULL_FORMAT
from adb_shell.transport.tcp_transport import TcpTransport

from scanner.device.allowlist import is_allowed
from scanner.device.guard import GuardedTransport, LinkCounters
from scanner.device.keys import AdbSigner
from scanner.errors import (
    AuthRefused,
    CommandRefused,
    CommandTimeout,
    DeviceError,
    Disconnected,
    FileTooLarge,
    NotConnected,
    UsbUnavailable,
)

try:  # adb-shell internals, see SyncReader
    from adb_shell.hidden_helpers import _FileSyncTransactionInfo
except ImportError:  # another adb-shell version: SyncReader falls back to one pull each
    _FileSyncTransactionInfo = None

logger = logging.getLogger(__name__)


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
    """Longest time one command may take in total."""


@dataclass(frozen=True, slots=True)
class ShellOutput:
    """What one command returned."""

    data: bytes
    truncated: bool = False
    duration_s: float = 0.0


AuthPrompt = Callable[[], None]

_OTHER_HOST_HINT = (
    "If another computer or program (adb, Android Studio, scrcpy) is connected to the "
    "phone, close it first: a phone serves one computer at a time. Otherwise turn wireless "
    "debugging off and on again on the phone, and try again."
)

MAX_OUTPUT_BYTES = 64 * 1024 * 1024
"""Per-command cap: beyond this the scanner stops reading (bounded memory)."""

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Per-file cap on pulls. Spy apps are small; a bigger sideloaded app (a game) is named
in the report as not checked rather than held in memory whole."""


class _CappedBuffer(io.BytesIO):
    """Collects a pulled file and refuses to grow past ``limit`` (bounded memory)."""

    def __init__(self, device_path: str, limit: int) -> None:
        super().__init__()
        self._device_path = device_path
        self._limit = limit

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if self.tell() + len(data) > self._limit:
            raise FileTooLarge(
                f"The file {self._device_path} is larger than {self._limit // 1_000_000} MB, "
                "so it was not read or checked.",
                detail=f"limit {self._limit} bytes",
            )
        return super().write(data)


_SYNC_STEPS = ("_open", "_pull", "_clse", "_maxdata")
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
            raise UsbUnavailable(
                "USB support is missing on this computer. Install libusb "
                "(Debian/Ubuntu: sudo apt install libusb-1.0-0; Fedora: sudo dnf install "
                "libusb1; macOS: brew install libusb), or connect over wireless debugging "
                "with --serial HOST:PORT.",
                detail=repr(exc),
            ) from exc
        try:
            inner = UsbTransport.find_adb(
                serial=serial, default_transport_timeout_s=timeouts.transport_s
            )
        except adb_exc.UsbDeviceNotFoundError as exc:
            raise NotConnected(
                "No phone was found on USB. Check the cable is plugged in at both ends, "
                "that the phone is unlocked, and that USB debugging is on.",
                detail=repr(exc),
            ) from exc
        except Exception as exc:  # libusb raises its own types (usb1.USBError...)
            raise UsbUnavailable(
                "The computer could not use its USB ports for the phone. On Linux this "
                "is often a missing permission: see the README section on the udev rule.",
                detail=repr(exc),
            ) from exc
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
        except Disconnected as exc:
            transport.close()
            if prompted:
                raise AuthRefused(
                    'The phone did not allow this computer. If you saw "Allow USB '
                    'debugging?", it may have been declined. Unlock the phone, plug it in '
                    'again and tap "Allow".',
                    detail=exc.detail,
                ) from exc
            if transport.reached:
                # Reached, then shut before the handshake: adbd serving another host
                # does this, as does a phone restarting its debugging service.
                raise NotConnected(
                    f"The phone at {label} answered, then closed the connection before the "
                    f"scan could start. {_OTHER_HOST_HINT}",
                    detail=exc.detail,
                ) from exc
            raise NotConnected(
                f"Could not reach the phone at {label}. Check that it is on, unlocked "
                "and that debugging is switched on.",
                detail=exc.detail,
            ) from exc
        except (adb_exc.TcpTimeoutException, adb_exc.AdbTimeoutError) as exc:
            transport.close()
            if prompted:
                raise AuthRefused(
                    'The phone did not answer the "Allow USB debugging?" question in '
                    'time. Unlock the phone, look for that message and tap "Allow", '
                    "then run the scan again.",
                    detail=repr(exc),
                ) from exc
            raise NotConnected(
                f"The phone at {label} did not answer. {_OTHER_HOST_HINT}", detail=repr(exc)
            ) from exc
        except adb_exc.DeviceAuthError as exc:
            transport.close()
            raise AuthRefused(
                "The phone asked for permission but the scanner had no key to offer.",
                detail=repr(exc),
            ) from exc
        except _MISREAD as exc:
            transport.close()
            raise NotConnected(
                f"Something at {label} answered, but it does not behave like an Android phone.",
                detail=repr(exc),
            ) from exc
        return cls(device=device, transport=transport, serial=label, kind=kind, timeouts=timeouts)

    def shell(self, command: str, *, max_bytes: int = MAX_OUTPUT_BYTES) -> ShellOutput:
        """Run one allowlisted, read-only command and return its raw output."""
        if not is_allowed(command):
            raise CommandRefused(
                "The scanner stopped a command that is not on its read-only list. "
                "Nothing was sent to the phone.",
                detail=f"refused shell command {command!r}",
            )
        self.sent_commands.append(command)
        started = time.monotonic()
        # One growing buffer, trimmed in place: a list of chunks joined and then sliced
        # would hold three copies of a huge answer at once.
        buffer = bytearray()
        truncated = False
        try:
            try:
                stream = self.device.streaming_shell(
                    command,
                    transport_timeout_s=self.timeouts.transport_s,
                    read_timeout_s=self.timeouts.read_s,
                    decode=False,
                )
                for chunk in stream:
                    buffer += chunk
                    if len(buffer) > max_bytes:
                        # Stop acknowledging: ADB flow control makes the phone stop sending.
                        truncated = True
                        del buffer[max_bytes:]
                        break
                    if time.monotonic() - started > self.timeouts.command_s:
                        raise CommandTimeout(
                            f"The phone took too long to answer '{command}'.",
                            detail=f"over {self.timeouts.command_s} s",
                        )
            except (adb_exc.TcpTimeoutException, adb_exc.AdbTimeoutError) as exc:
                raise CommandTimeout(
                    f"The phone stopped answering '{command}'.", detail=repr(exc)
                ) from exc
            except (
                adb_exc.UsbReadFailedError,
                adb_exc.UsbWriteFailedError,
                adb_exc.AdbConnectionError,
            ) as exc:
                raise Disconnected(
                    "The connection to the phone was lost.", detail=repr(exc)
                ) from exc
            except _MISREAD as exc:
                raise Disconnected(
                    "The phone sent something the scanner could not understand, so the "
                    "connection was closed.",
                    detail=repr(exc),
                ) from exc
        except DeviceError as exc:
            exc.partial = bytes(buffer)  # what came before the fault is evidence too
            raise
        data = bytes(buffer)
        del buffer
        return ShellOutput(data, truncated, time.monotonic() - started)

    def pull(self, device_path: str, *, max_bytes: int = MAX_FILE_BYTES) -> bytes:
        """Read one file from the phone over the sync service (read-only)."""
        buffer = _CappedBuffer(device_path, max_bytes)
        with _pull_errors(device_path):
            self.device.pull(
                device_path,
                buffer,
                transport_timeout_s=self.timeouts.transport_s,
                read_timeout_s=self.timeouts.read_s,
            )
        return buffer.getvalue()

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


@contextlib.contextmanager
def _pull_errors(device_path: str) -> Iterator[None]:
    """Translate adb-shell's errors during a file read into the scanner's own."""
    try:
        yield
    except (adb_exc.TcpTimeoutException, adb_exc.AdbTimeoutError) as exc:
        raise CommandTimeout(
            f"The phone stopped sending the file {device_path}.", detail=repr(exc)
        ) from exc
    except (adb_exc.AdbCommandFailureException, adb_exc.DevicePathInvalidError) as exc:
        raise DeviceError(
            f"The phone would not send the file {device_path}.", detail=repr(exc)
        ) from exc
    except adb_exc.InvalidResponseError as exc:
        # A sync reply out of order: this file is lost, the link may still work.
        raise DeviceError(
            f"The phone sent something unexpected instead of the file {device_path}.",
            detail=repr(exc),
        ) from exc
    except (
        adb_exc.UsbReadFailedError,
        adb_exc.UsbWriteFailedError,
        adb_exc.AdbConnectionError,
        adb_exc.InvalidCommandError,
        adb_exc.InvalidChecksumError,
    ) as exc:
        raise Disconnected("The connection to the phone was lost.", detail=repr(exc)) from exc


class SyncReader:
    """Reads files one after another over a single ``sync:`` stream (RECV requests only).

    adb-shell 0.4.4 has no public call for this: its ``pull`` is open + RECV + close.
    This uses the three steps it is made of (``_open``, ``_pull``, ``_clse``), which is
    why ``pyproject.toml`` pins adb-shell exactly. When they are missing (another
    adb-shell), each pull falls back to ``PhoneConnection.pull``. The transport guard
    still inspects every request: only STAT, LIST, RECV and QUIT may pass.
    """

    def __init__(self, connection: PhoneConnection) -> None:
        self._connection = connection
        self._stream: object | None = None  # adb-shell's _AdbTransactionInfo while open
        self._shared = _FileSyncTransactionInfo is not None and all(
            hasattr(connection.device, name) for name in _SYNC_STEPS
        )

    def pull(self, device_path: str, *, max_bytes: int = MAX_FILE_BYTES) -> bytes:
        """Read one whole file; raises like ``PhoneConnection.pull``."""
        if not self._shared:
            return self._connection.pull(device_path, max_bytes=max_bytes)
        if not device_path:
            # As adb-shell's own pull: refused before anything is sent.
            raise DeviceError("The phone would not send the file .", detail="empty device path")
        device = self._connection.device
        timeouts = self._connection.timeouts
        buffer = _CappedBuffer(device_path, max_bytes)
        with _pull_errors(device_path):
            if self._stream is None:
                self._stream = device._open(b"sync:", timeouts.transport_s, timeouts.read_s, None)
            state = _FileSyncTransactionInfo(FILESYNC_PULL_FORMAT, maxdata=device._maxdata)
            try:
                device._pull(device_path, buffer, None, self._stream, state)
            except BaseException:
                # adbd ends the sync service after a failed request (a FAIL reply), so
                # close as adb-shell's own pull does; the next pull opens a new stream.
                stream, self._stream = self._stream, None
                device._clse(stream)
                raise
        return buffer.getvalue()

    def close(self) -> None:
        """Close the stream if one is open; never raises (every file is already read)."""
        stream, self._stream = self._stream, None
        if stream is None:
            return
        try:
            self._connection.device._clse(stream)
        except Exception:  # a failed goodbye must not undo the reads that worked
            logger.debug("closing the sync stream failed", exc_info=True)
