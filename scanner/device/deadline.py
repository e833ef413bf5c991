"""Time limits on reading from the phone that a slow trickle of bytes cannot dodge.

A per-read time-out only asks that *something* arrives now and then: a phone that sends
one byte every few seconds satisfies it for ever. A ``Deadline`` bounds a whole operation
instead: it ends ``allowance_s`` after it starts, or later only while the bytes keep
arriving at ``floor_bytes_per_s`` or faster (so a big file on a slow but honest link is
still read, and a trickle is cut).
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Deadline:
    """The end of one operation; fed with the bytes that arrive while it runs."""

    def __init__(
        self,
        allowance_s: float,
        floor_bytes_per_s: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if allowance_s < 0 or floor_bytes_per_s < 0:
            raise ValueError("a deadline's allowance and floor rate must not be negative")
        self.allowance_s = allowance_s
        self.floor_bytes_per_s = floor_bytes_per_s
        self._clock = clock
        self.started = clock()
        self.received = 0

    def add(self, size: int) -> None:
        """Count ``size`` more bytes received."""
        self.received += size

    def limit_s(self) -> float:
        """Seconds allowed in all, given what has arrived so far."""
        if not self.floor_bytes_per_s:
            return self.allowance_s
        return max(self.allowance_s, self.received / self.floor_bytes_per_s)

    def elapsed_s(self) -> float:
        return self._clock() - self.started

    def remaining_s(self) -> float:
        """Seconds left (zero or less: expired)."""
        return self.limit_s() - self.elapsed_s()
