"""What one shell command gives back: its stdout, its stderr and its exit status."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ShellAnswer:
    """A finished command, as ``sh -c`` on the phone would leave it."""

    stdout: bytes = b""
    stderr: bytes = b""
    status: int = 0
    """0 to 255, as the shell reports it."""

    @property
    def merged(self) -> bytes:
        """What the legacy ``shell:``/``exec:`` services send: stderr joins stdout.

        adbd gives a command without the shell protocol one PTY for both streams, so a
        client cannot tell them apart (and gets no exit status at all).
        """
        return self.stdout + self.stderr


def not_modelled(what: str) -> ShellAnswer:
    """The simulator's own plain answer for shell features it does not play.

    A real phone would run these; saying so is better than answering as if it had.
    """
    return ShellAnswer(stderr=f"simulated phone: {what} is not modelled\n".encode(), status=1)
