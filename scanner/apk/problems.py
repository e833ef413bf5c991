"""Problem notes from reading an untrusted APK, capped so hostile input stays bounded."""

from __future__ import annotations


class ProblemLog:
    """Collects plain problem strings up to ``limit``; the rest are only counted."""

    def __init__(self, limit: int) -> None:
        self.items: list[str] = []
        self._limit = limit
        self._dropped = 0

    def add(self, message: str) -> None:
        if len(self.items) < self._limit:
            self.items.append(message)
        else:
            self._dropped += 1

    def result(self) -> tuple[str, ...]:
        if self._dropped:
            return (*self.items, f"{self._dropped} further problems not listed")
        return tuple(self.items)
