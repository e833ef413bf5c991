"""The simulated phone: a loopback TCP server that speaks adbd's side of the protocol."""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket
import threading
from collections.abc import Callable, Iterable
from types import TracebackType

from cryptography.hazmat.primitives.asymmetric import rsa

from scanner.errors import ProfileError
from scanner.simulator import wire
from scanner.simulator.audit import AuditLog, AuthEvent, AuthStep, ReceivedCommand
from scanner.simulator.connection import Connection
from scanner.simulator.faults import FaultPlan, FaultState, Reboot
from scanner.simulator.link import LinkModel
from scanner.simulator.profile import Profile
from scanner.simulator.trust import TrustStore

logger = logging.getLogger(__name__)


class SimulatedPhone:
    """A phone on ``host:port`` that answers from ``profile`` and logs every request.

    Listens on loopback only. ``port=0`` picks a free port; read it from ``port`` after
    ``start()``. Each accepted connection is served on its own thread.

    ``faults`` (default: the profile's ``faults:``, usually none) plans what goes wrong;
    ``link`` (default: none, answers at once) adds latency and a byte rate.
    ``adb_version`` is the protocol version its adbd speaks: 0x01000001 (Android 9 and
    later: no payload checksums with a host that speaks it too) or 0x01000000 (older).
    """

    def __init__(
        self,
        profile: Profile,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        trusted_keys: Iterable[rsa.RSAPublicKey] = (),
        on_received: Callable[[ReceivedCommand], None] | None = None,
        faults: FaultPlan | None = None,
        link: LinkModel | None = None,
        adb_version: int = wire.A_VERSION,
    ) -> None:
        if not _is_loopback(host):
            raise ProfileError(
                "The simulated phone only listens on this computer.",
                f"host {host!r} is not a loopback address",
            )
        self.profile = profile
        self._host = host
        self._requested_port = port
        self._audit = AuditLog(on_received)
        self._trust = TrustStore(trusted_keys)
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._accept_thread: threading.Thread | None = None
        self._connections: list[tuple[Connection, threading.Thread]] = []
        self._connection_count = 0
        self.faults = faults if faults is not None else profile.faults
        self.link = link
        self.adb_version = adb_version
        self._fault_state = FaultState(self.faults, self._reboot)
        self._port: int | None = None
        self._boots = threading.Condition()
        self._boot_count = 0
        self._reboot_thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------

    def start(self) -> None:
        """Start listening and serving in the background; returns once listening."""
        if self._listener is not None:
            raise RuntimeError("the simulated phone is already started")
        self._stopping.clear()
        self._listen(self._requested_port)
        with self._boots:
            self._boot_count = 1
            self._boots.notify_all()
        logger.debug("simulated phone %r listening on %s", self.profile.name, self.serial_address)

    def stop(self) -> None:
        """Close every connection and the listener, and wait for the threads to end."""
        self._stopping.set()
        if self._reboot_thread is not None:
            self._reboot_thread.join()
            self._reboot_thread = None
        self._go_down()
        self._port = None

    def _listen(self, port: int) -> None:
        listener = socket.create_server((self._host, port))
        with self._lock:
            self._listener = listener
            self._port = int(listener.getsockname()[1])
        self._accept_thread = threading.Thread(
            target=self._accept_loop,
            args=(listener,),
            name=f"simphone-accept-{self._port}",
            daemon=True,
        )
        self._accept_thread.start()

    def _close_listener(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
        if listener is not None:
            _wake_accept(listener)
            listener.close()

    def _go_down(self) -> None:
        """Stop listening, close every connection and wait for their threads."""
        self._close_listener()
        if self._accept_thread is not None:
            self._accept_thread.join()
            self._accept_thread = None
        with self._lock:
            connections, self._connections = self._connections, []
        for connection, _ in connections:
            connection.close()
        for _, thread in connections:
            if thread is not threading.current_thread():
                thread.join()

    def _reboot(self, plan: Reboot) -> None:
        """Called on a connection thread: refuse new connections now, restart in background."""
        self._close_listener()
        thread = threading.Thread(
            target=self._reboot_cycle, args=(plan,), name="simphone-reboot", daemon=True
        )
        self._reboot_thread = thread
        thread.start()

    def _reboot_cycle(self, plan: Reboot) -> None:
        port = self._port
        self._go_down()
        if self._stopping.wait(plan.down_s) or port is None:
            return  # stopped while "booting"
        self._listen(port)
        with self._boots:
            self._boot_count += 1
            self._boots.notify_all()
        logger.debug("simulated phone %r is back after a reboot", self.profile.name)

    def __enter__(self) -> SimulatedPhone:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- what callers read ----------------------------------------------------

    @property
    def port(self) -> int:
        """The TCP port (valid after ``start()``, also while the phone is rebooting)."""
        if self._port is None:
            raise RuntimeError("the simulated phone is not started")
        return self._port

    @property
    def boot_count(self) -> int:
        """How many times this phone has booted (1 after ``start()``, +1 per reboot)."""
        with self._boots:
            return self._boot_count

    def wait_for_boot(self, count: int, timeout_s: float = 10.0) -> bool:
        """Block until the phone has booted ``count`` times (and listens); False on timeout."""
        with self._boots:
            return self._boots.wait_for(lambda: self._boot_count >= count, timeout_s)

    @property
    def serial_address(self) -> str:
        """``host:port``, the serial adb uses for a TCP device."""
        return f"{self._host}:{self.port}"

    @property
    def received(self) -> list[ReceivedCommand]:
        """Every service request received so far, oldest first (a copy)."""
        return self._audit.received()

    @property
    def auth_events(self) -> list[AuthEvent]:
        """Every authorisation step so far, oldest first (a copy)."""
        return self._audit.auth_events()

    @property
    def trusted_keys(self) -> tuple[rsa.RSAPublicKey, ...]:
        """Host keys this phone trusts now (given at start, or accepted since)."""
        return self._trust.keys()

    def wait_for_received(self, count: int, timeout_s: float = 5.0) -> bool:
        """Block until ``count`` requests have been received; False on timeout."""
        return self._audit.wait_for_received(count, timeout_s)

    def wait_for_auth(self, step: AuthStep, timeout_s: float = 5.0) -> bool:
        """Block until the handshake reaches ``step`` on any connection; False on timeout."""
        return self._audit.wait_for_auth(step, timeout_s)

    def trust_key(self, key: rsa.RSAPublicKey) -> None:
        """Trust a host key, as if the user had ticked "Always allow" earlier."""
        self._trust.add(key)

    # -- serving --------------------------------------------------------------

    def _accept_loop(self, listener: socket.socket) -> None:
        while not self._stopping.is_set():
            try:
                sock, _ = listener.accept()
            except OSError:
                break  # the listener was closed by stop() or a reboot
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                if self._stopping.is_set() or self._listener is not listener:
                    sock.close()
                    break
                self._connections = [(c, t) for c, t in self._connections if t.is_alive()]
                self._connection_count += 1
                connection = Connection(
                    sock,
                    self._connection_count,
                    self.profile,
                    self._audit,
                    self._trust,
                    self._stopping,
                    faults=self._fault_state,
                    link=self.link,
                    adb_version=self.adb_version,
                )
                thread = threading.Thread(
                    target=connection.serve,
                    name=f"simphone-conn-{self._connection_count}",
                    daemon=True,
                )
                self._connections.append((connection, thread))
                thread.start()


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _wake_accept(listener: socket.socket) -> None:
    """Unblock a thread waiting in ``accept()`` by connecting once (works on every OS)."""
    with (
        contextlib.suppress(OSError),  # the accept loop has already stopped
        socket.create_connection(listener.getsockname()[:2], timeout=1.0),
    ):
        pass
