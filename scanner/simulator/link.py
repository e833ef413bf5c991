"""A model of a slower link than loopback: a delay per request and a byte rate.

``SimulatedPhone(profile, link=LinkModel(latency_s=0.03, bytes_per_s=20e6))`` makes the
phone answer as if over USB 2 or Wi-Fi: the first reply to each shell command (its OKAY)
and to each sync request (its first WRTE) waits ``latency_s``, and every byte the phone
sends goes through a token bucket filled at ``bytes_per_s`` (no burst: each message leaves
when the link would have finished sending it). Without a ``link`` the phone sends at
once. Flow-control OKAYs that acknowledge the host's writes are paced, not delayed.

The phone's own work is free, as on a real phone whose C++ tools stream their output
while adbd sends it: ``before_send`` takes a ``meanwhile`` step (making the next message)
and runs it while it waits, for as long as the wait lasts and the step has work left.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

Meanwhile = Callable[[], bool]
"""One step of work to do while the link is busy; True while there is more to do."""


@dataclass(frozen=True, slots=True)
class LinkModel:
    """Latency per request and throughput of the simulated link."""

    latency_s: float = 0.030
    """Added before the first byte of each shell command's or sync request's answer."""
    bytes_per_s: float = 20_000_000
    """Rate every byte the phone sends is paced to."""

    def __post_init__(self) -> None:
        if self.latency_s < 0:
            raise ValueError("latency_s must not be negative")
        if self.bytes_per_s <= 0:
            raise ValueError("bytes_per_s must be positive")


class LinkPacer:
    """Applies a ``LinkModel`` to one connection's sends (one thread: the connection's)."""

    def __init__(
        self,
        model: LinkModel,
        stopping: threading.Event,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.model = model
        self._stopping = stopping
        self._clock = clock
        self._free_at = 0.0
        self._latency_due = False

    def request_started(self) -> None:
        """The next send is the first byte of an answer: it waits ``latency_s`` first."""
        self._latency_due = True

    def before_send(self, size: int, meanwhile: Meanwhile | None = None) -> None:
        """Block until ``size`` more bytes would have crossed the link, doing ``meanwhile``
        steps while that lasts (work that outlasts the wait makes the message late)."""
        now = self._clock()
        if self._latency_due:
            self._latency_due = False
            if self.model.latency_s:
                self._wait_until(now + self.model.latency_s, meanwhile)
                now = self._clock()
        start = max(now, self._free_at)
        self._free_at = start + size / self.model.bytes_per_s
        if self._free_at > now:
            self._wait_until(self._free_at, meanwhile)

    def _wait_until(self, deadline: float, meanwhile: Meanwhile | None) -> None:
        if meanwhile is not None:
            while self._clock() < deadline and not self._stopping.is_set() and meanwhile():
                pass
        delay = deadline - self._clock()
        if delay > 0:
            # Waiting on the phone's stop event keeps stop() prompt on a slow link.
            self._stopping.wait(delay)
