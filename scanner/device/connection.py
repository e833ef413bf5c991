"""One ADB connection to one phone, over TCP or USB, for the whole scan.

Only this package imports adb-shell. adb-shell's many exception types are translated
here, once, into the scanner's own errors with plain-language messages.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from adb_shell import exceptions as adb_exc
from adb_shell.adb_device import AdbDevice
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
    NotConnected,
    UsbUnavailable,
)

logger = logging.getLogger(__name__)


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

MAX_OUTPUT_BYTES = 64 * 1024 * 1024
"""Per-command cap: beyond this the scanner stops reading (bounded memory)."""


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
            raise NotConnected(f"The phone at {label} did not answer.", detail=repr(exc)) from exc
        except adb_exc.DeviceAuthError as exc:
            transport.close()
            raise AuthRefused(
                "The phone asked for permission but the scanner had no key to offer.",
                detail=repr(exc),
            ) from exc
        except (
            adb_exc.InvalidResponseError,
            adb_exc.InvalidCommandError,
            adb_exc.InvalidChecksumError,
        ) as exc:
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
        chunks: list[bytes] = []
        size = 0
        truncated = False
        try:
            stream = self.device.streaming_shell(
                command,
                transport_timeout_s=self.timeouts.transport_s,
                read_timeout_s=self.timeouts.read_s,
                decode=False,
            )
            for chunk in stream:
                chunks.append(chunk)
                size += len(chunk)
                if size > max_bytes:
                    # Stop acknowledging: ADB flow control makes the phone stop sending.
                    truncated = True
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
            raise Disconnected("The connection to the phone was lost.", detail=repr(exc)) from exc
        except (
            adb_exc.InvalidResponseError,
            adb_exc.InvalidCommandError,
            adb_exc.InvalidChecksumError,
        ) as exc:
            raise Disconnected(
                "The phone sent something the scanner could not understand, so the "
                "connection was closed.",
                detail=repr(exc),
            ) from exc
        data = b"".join(chunks)
        return ShellOutput(data[:max_bytes], truncated, time.monotonic() - started)

    def pull(self, device_path: str) -> bytes:
        """Read one file from the phone over the sync service (read-only)."""
        import io

        buffer = io.BytesIO()
        try:
            self.device.pull(
                device_path,
                buffer,
                transport_timeout_s=self.timeouts.transport_s,
                read_timeout_s=self.timeouts.read_s,
            )
        except (adb_exc.TcpTimeoutException, adb_exc.AdbTimeoutError) as exc:
            raise CommandTimeout(
                f"The phone stopped sending the file {device_path}.", detail=repr(exc)
            ) from exc
        except (adb_exc.AdbCommandFailureException, adb_exc.DevicePathInvalidError) as exc:
            raise DeviceError(
                f"The phone would not send the file {device_path}.", detail=repr(exc)
            ) from exc
        except (adb_exc.UsbReadFailedError, adb_exc.UsbWriteFailedError) as exc:
            raise Disconnected("The connection to the phone was lost.", detail=repr(exc)) from exc
        return buffer.getvalue()

    def close(self) -> None:
        try:
            self.device.close()
        except Exception:  # closing a dead link must never hide the real error
            logger.debug("close failed", exc_info=True)
