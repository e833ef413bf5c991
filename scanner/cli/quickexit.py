"""Quick exit: one key clears the screen and closes the scanner, on every system.

Someone may walk in while the scan runs or the report is on screen. From the start of
the scan until the scanner closes (the passphrase prompt and the writing of reports
included), ``q``, ``Q`` or ``Esc`` clears the screen and its scrollback and exits at
once. While a passphrase is typed, only ``Esc`` does (``q`` may be part of it).

One background thread owns the keyboard: a prompt takes its keys from that thread, so
no key is ever read by two readers. The keyboard is read with ``termios`` on POSIX and
``msvcrt`` on Windows; the choice and the meaning of each key are pure functions.
"""

from __future__ import annotations

import enum
import os
import queue
import sys
import threading
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, TextIO

if TYPE_CHECKING:  # the catalogue loads only when the closing prompt is shown
    from scanner.i18n import Catalogue

CLEAR = "\x1b[2J\x1b[3J\x1b[H"
"""Erase the screen, erase the scrollback, move to the top."""
ESC = "\x1b"
EXIT_KEYS = frozenset({"q", "Q", ESC})
ENTER_KEYS = frozenset({"\r", "\n"})
BACKSPACE_KEYS = frozenset({"\x7f", "\x08"})
_POLL_S = 0.2


class Action(enum.Enum):
    """What one key press means."""

    QUICK_EXIT = "quick_exit"
    TO_PROMPT = "to_prompt"
    IGNORE = "ignore"


def key_action(key: str, prompting: bool) -> Action:
    """The meaning of ``key``: ``Esc`` always leaves; ``q`` only when no prompt is open."""
    if key == ESC or (key in EXIT_KEYS and not prompting):
        return Action.QUICK_EXIT
    return Action.TO_PROMPT if prompting else Action.IGNORE


def backend_name(os_name: str, interactive: bool) -> str | None:
    """Which keyboard reader fits: ``posix``, ``windows``, or None (not a terminal)."""
    if not interactive:
        return None
    if os_name == "posix":
        return "posix"
    if os_name == "nt":
        return "windows"
    return None


def interactive(stdin: TextIO | None = None, stdout: TextIO | None = None) -> bool:
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    return bool(stdin and stdout and stdin.isatty() and stdout.isatty())


class Keyboard(Protocol):
    """Single keys from the terminal, without Enter and without echo."""

    def open(self) -> None: ...
    def read(self, timeout_s: float) -> str | None: ...
    def close(self) -> None: ...


class PosixKeyboard:
    """cbreak mode on the controlling terminal; the saved mode is put back on close."""

    def __init__(self) -> None:
        self._fd = sys.stdin.fileno()
        self._saved: list[Any] | None = None

    def open(self) -> None:
        import termios
        import tty

        self._saved = termios.tcgetattr(self._fd)
        tty.setcbreak(self._fd)  # keys arrive one at a time, without Enter or echo

    def read(self, timeout_s: float) -> str | None:
        import select

        ready, _, _ = select.select([self._fd], [], [], timeout_s)
        if not ready:
            return None
        data = os.read(self._fd, 1)
        return data.decode("latin-1") if data else None

    def close(self) -> None:
        if self._saved is not None:
            import termios

            termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)
            self._saved = None


class WindowsKeyboard:
    """``msvcrt`` reads single keys from the console without echo."""

    def open(self) -> None:
        pass

    def read(self, timeout_s: float) -> str | None:
        import msvcrt  # type: ignore[import-not-found,unused-ignore]
        import time

        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if msvcrt.kbhit():  # type: ignore[attr-defined,unused-ignore]
                return str(msvcrt.getwch())  # type: ignore[attr-defined,unused-ignore]
            time.sleep(0.02)
        return None

    def close(self) -> None:
        pass


def _keyboard_for(name: str | None) -> Keyboard | None:
    if name == "posix":
        return PosixKeyboard()
    if name == "windows":
        return WindowsKeyboard()
    return None


def clear_and_leave(out: TextIO | None = None) -> None:
    """Clear the screen and scrollback, then end the process at once."""
    out = sys.stdout if out is None else out
    out.write(CLEAR)
    out.flush()
    os._exit(0)


class QuickExit:
    """Context manager: the quick-exit key works for as long as it is open."""

    def __init__(self, enabled: bool | None = None) -> None:
        name = backend_name(os.name, interactive()) if enabled is None or enabled else None
        self._keyboard = _keyboard_for(name)
        self._stop = threading.Event()
        self._prompting = threading.Event()
        self._keys: queue.Queue[str] = queue.Queue()
        self._thread: threading.Thread | None = None

    @property
    def enabled(self) -> bool:
        return self._keyboard is not None

    def __enter__(self) -> QuickExit:
        if self._keyboard is None:
            return self
        self._keyboard.open()
        self._thread = threading.Thread(target=self._listen, daemon=True, name="quick-exit")
        self._thread.start()
        return self

    def _listen(self) -> None:
        keyboard = self._keyboard
        if keyboard is None:
            return
        while not self._stop.is_set():
            key = keyboard.read(_POLL_S)
            if key is None:
                continue
            action = key_action(key, self._prompting.is_set())
            if action is Action.QUICK_EXIT:
                keyboard.close()
                clear_and_leave()
            elif action is Action.TO_PROMPT:
                self._keys.put(key)

    def ask_line(self, prompt: str, out: TextIO | None = None) -> str:
        """Read a line, showing what is typed; ``Esc`` still clears the screen and leaves."""
        return self.ask_secret(prompt, out, echo=True)

    def ask_secret(self, prompt: str, out: TextIO | None = None, *, echo: bool = False) -> str:
        """Read a line without showing it; ``Esc`` still clears the screen and leaves."""
        out = sys.stdout if out is None else out
        if self._thread is None:
            if echo:
                return input(prompt)
            import getpass

            return getpass.getpass(prompt)
        typed: list[str] = []
        self._prompting.set()  # before the prompt shows, so no key typed after it is lost
        try:
            out.write(prompt)
            out.flush()
            while True:
                key = self._keys.get()
                if key in ENTER_KEYS:
                    break
                if key in BACKSPACE_KEYS:
                    if typed:
                        typed.pop()
                        if echo:
                            out.write("\b \b")
                elif key.isprintable():
                    typed.append(key)
                    if echo:
                        out.write(key)
                if echo:
                    out.flush()
        finally:
            self._prompting.clear()
            out.write("\n")
            out.flush()
        return "".join(typed)

    def wait_for_close(self, out: TextIO | None = None, say: Catalogue | None = None) -> None:
        """After the report: ``q``/``Esc`` clears the screen; Enter closes and keeps it."""
        out = sys.stdout if out is None else out
        if self._thread is None:
            return
        self._prompting.set()  # Enter arrives here; q and Esc still clear the screen
        try:
            from scanner.cli.words import words_for

            words = words_for() if say is None else say
            out.write(f"\n{words.text('scan.close_keys')}\n")
            out.flush()
            while True:
                key = self._keys.get()
                if key in ENTER_KEYS:
                    return
                if key in EXIT_KEYS:
                    clear_and_leave(out)
        finally:
            self._prompting.clear()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1)
        if self._keyboard is not None:
            self._keyboard.close()
