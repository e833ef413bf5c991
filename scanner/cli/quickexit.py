"""Quick exit: one key clears the screen and closes the scanner.

Someone may walk in while the report is on screen. While the scan runs and while the
report is shown, pressing ``q`` or ``Esc`` clears the screen and its scrollback and exits
at once. Only active on an interactive POSIX terminal; elsewhere it does nothing.
"""

from __future__ import annotations

import os
import select
import sys
import threading
from types import TracebackType
from typing import TextIO

CLEAR = "\x1b[2J\x1b[3J\x1b[H"
"""Erase the screen, erase the scrollback, move to the top."""
EXIT_KEYS = frozenset({b"q", b"Q", b"\x1b"})


def interactive(stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> bool:
    return os.name == "posix" and stdin.isatty() and stdout.isatty()


class QuickExit:
    """Context manager: listens for the exit key on the terminal in a background thread."""

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = interactive() if enabled is None else enabled
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._saved: list[object] | None = None

    def __enter__(self) -> QuickExit:
        if not self.enabled:
            return self
        import termios
        import tty

        fd = sys.stdin.fileno()
        self._saved = termios.tcgetattr(fd)
        tty.setcbreak(fd)  # keys arrive one at a time, without Enter
        self._thread = threading.Thread(target=self._listen, args=(fd,), daemon=True)
        self._thread.start()
        return self

    def _listen(self, fd: int) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready and os.read(fd, 1) in EXIT_KEYS:
                self._restore()
                sys.stdout.write(CLEAR)
                sys.stdout.flush()
                os._exit(0)

    def _restore(self) -> None:
        if self._saved is not None:
            import termios

            termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, self._saved)
            self._saved = None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1)
        self._restore()


def wait_for_close(prompt_out: TextIO = sys.stdout) -> None:
    """After the report: q/Esc clears the screen; Enter closes and keeps the report."""
    if not interactive():
        return
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    try:
        # Keys arrive one at a time from here on; only then invite the key press.
        tty.setcbreak(fd)
        prompt_out.write("\nPress Q to clear the screen and close, or Enter to close.\n")
        prompt_out.flush()
        while True:
            key = os.read(fd, 1)
            if key in EXIT_KEYS:
                prompt_out.write(CLEAR)
                prompt_out.flush()
                return
            if key in (b"\n", b"\r", b""):
                return
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
