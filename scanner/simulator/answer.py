"""What one shell command gives back: its stdout, its stderr and its exit status."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ShellAnswer:
    """A finished command, as ``sh -c`` on the phone would leave it."""

    stdout: bytes = b""
    stderr: bytes = b""
    status: int = 0
    """0 to 255, as the shell reports it."""
    in_order: bytes | None = field(default=None, compare=False, repr=False)
    """Both streams in the order they were written, when that is not stdout then stderr."""

    @property
    def merged(self) -> bytes:
        """What the legacy ``shell:``/``exec:`` services send: stderr joins stdout.

        adbd gives a command without the shell protocol one PTY for both streams, so a
        client cannot tell them apart (and gets no exit status at all).
        """
        return self.in_order if self.in_order is not None else self.stdout + self.stderr


def in_sequence(answers: Iterable[ShellAnswer], status: int) -> ShellAnswer:
    """Commands run one after another: their outputs joined, the given final status."""
    done = list(answers)
    return ShellAnswer(
        stdout=b"".join(a.stdout for a in done),
        stderr=b"".join(a.stderr for a in done),
        status=status,
        in_order=b"".join(a.merged for a in done),
    )


def not_modelled(what: str) -> ShellAnswer:
    """The simulator's own plain answer for shell features it does not play.

    A real phone would run these; saying so is better than answering as if it had.
    """
    return ShellAnswer(stderr=f"simulated phone: {what} is not modelled\n".encode(), status=1)
