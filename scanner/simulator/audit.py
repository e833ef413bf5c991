"""What the simulated phone was asked, in order: the evidence for the read-only proof."""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReceivedCommand:
    """One service request the phone received."""

    service: str
    """``shell``, ``sync``, ``exec``, or the raw name of any other service asked for."""
    command: str
    """The shell command string, the sync request (``RECV /path``), or the text after ':'."""
    connection: int
    """Which TCP connection it came on, counting from 1."""
    refused: bool = False
    """True when the phone refused it: an unknown service, an interactive shell, a push."""
    options: str = ""
    """``shell`` only: the service's arguments before ':' (``v2,raw``); empty for legacy."""


class AuthStep(enum.StrEnum):
    """A step of the authorisation handshake, as the phone saw it."""

    CHALLENGE_SENT = "challenge-sent"
    """An AUTH TOKEN (the 20-byte challenge) went to the host."""
    SIGNATURE_ACCEPTED = "signature-accepted"
    SIGNATURE_REJECTED = "signature-rejected"
    KEY_OFFERED = "key-offered"
    KEY_MALFORMED = "key-malformed"
    KEY_ACCEPTED = "key-accepted"
    KEY_REFUSED = "key-refused"
    AUTH_DISABLED = "auth-disabled"


@dataclass(frozen=True, slots=True)
class AuthEvent:
    """One authorisation step on one connection."""

    connection: int
    step: AuthStep


class AuditLog:
    """Thread-safe, append-only record of requests and auth steps."""

    def __init__(self, on_received: Callable[[ReceivedCommand], None] | None = None) -> None:
        self._lock = threading.Condition()
        self._received: list[ReceivedCommand] = []
        self._auth: list[AuthEvent] = []
        self._on_received = on_received

    def record(self, entry: ReceivedCommand) -> None:
        """Append a request, then tell the listener (outside the lock)."""
        with self._lock:
            self._received.append(entry)
            self._lock.notify_all()
        if self._on_received is not None:
            self._on_received(entry)

    def record_auth(self, connection: int, step: AuthStep) -> None:
        """Append an auth step."""
        with self._lock:
            self._auth.append(AuthEvent(connection, step))
            self._lock.notify_all()

    def received(self) -> list[ReceivedCommand]:
        """A copy of every request so far, oldest first."""
        with self._lock:
            return list(self._received)

    def auth_events(self) -> list[AuthEvent]:
        """A copy of every auth step so far, oldest first."""
        with self._lock:
            return list(self._auth)

    def wait_for_received(self, count: int, timeout_s: float) -> bool:
        """Block until at least ``count`` requests are recorded; False on timeout."""
        with self._lock:
            return self._lock.wait_for(lambda: len(self._received) >= count, timeout_s)

    def wait_for_auth(self, step: AuthStep, timeout_s: float) -> bool:
        """Block until ``step`` has happened on any connection; False on timeout."""
        with self._lock:
            return self._lock.wait_for(
                lambda: any(event.step == step for event in self._auth), timeout_s
            )
