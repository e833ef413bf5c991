"""The step before anything touches the phone: this check can be seen, so the person
accepts it first.

A spy app with accessibility can record the screen, so turning on debugging, the "Allow"
message, and making or sharing a bug report may all be seen. The note fits the route the
scan takes. On a terminal the scan waits: Enter goes on; Q or Esc clears the screen and
stops with ``Exit.STOPPED`` before any connection is opened. Without a terminal
(scripts, tests) or with ``--yes`` the note is printed and the scan goes on. A demo
shows the note once without waiting (no real phone is touched); a saved capture shows
nothing (the phone was read earlier, after this same step).
"""

from __future__ import annotations

import argparse
import enum
import os
import sys
from collections.abc import Callable
from typing import TextIO

from rich.console import Console
from rich.text import Text

from scanner.cli.exits import Exit
from scanner.cli.quickexit import (
    CLEAR,
    ENTER_KEYS,
    EXIT_KEYS,
    Keyboard,
    PosixKeyboard,
    WindowsKeyboard,
    backend_name,
    interactive,
)
from scanner.cli.words import error_words, readable, words_for
from scanner.errors import GuidanceError
from scanner.i18n import Catalogue

_POLL_S = 0.2
# The warning matters most when no words can be read at all, so it is kept here too.
_FALLBACK_HEADING = "Before the check"
_FALLBACK_NOTE = (
    "This check is not invisible. An app that watches the phone could see its screen "
    "while you get it ready. (The full advice text could not be read.)"
)
_FALLBACK_KEYS = "Press Enter to go on, or Q to stop."


class Route(enum.Enum):
    """How the phone's data reaches the scanner, which decides what could be seen."""

    CABLE = "cable"
    WIRELESS = "wireless"
    BUG_REPORT = "bug_report"
    DEMO = "demo"


TEXT_KEYS: dict[Route, tuple[str, ...]] = {
    Route.CABLE: ("before_scan", "before_scan_cable"),
    Route.WIRELESS: ("before_scan_wireless",),
    Route.BUG_REPORT: ("before_scan_bug_report",),
    # One short note: it says what a real check shows first (``setup`` prints it whole),
    # and the demo's report keeps to the length a person reads in two minutes.
    Route.DEMO: ("before_scan_demo",),
}
"""The ``ui.yaml`` texts shown for each route, in order."""


def route_for(args: argparse.Namespace) -> Route | None:
    """The route of this scan; None for a saved capture (no phone is reached now)."""
    if args.demo:
        return Route.DEMO
    if args.bugreport:
        return Route.BUG_REPORT
    if args.from_capture:
        return None
    if args.serial:
        return Route.WIRELESS
    return Route.CABLE  # USB, and androidqf, which collects over USB debugging


class Choice(enum.Enum):
    GO_ON = "go_on"
    LEAVE = "leave"


def choice_for_key(key: str) -> Choice | None:
    """Enter goes on; Q and Esc (the quick-exit keys) leave; other keys are ignored."""
    if key in ENTER_KEYS:
        return Choice.GO_ON
    if key in EXIT_KEYS:
        return Choice.LEAVE
    return None


def terminal_keyboard() -> Keyboard | None:
    """The terminal's keyboard, one key at a time; None when there is no terminal."""
    name = backend_name(os.name, interactive())
    if name == "posix":
        return PosixKeyboard()
    if name == "windows":
        return WindowsKeyboard()
    return None


def wait_for_choice(keyboard: Keyboard, show_prompt: Callable[[], None]) -> Choice:
    """Show the prompt, then read keys until one means something (the terminal's mode is
    put back after). The keyboard is opened first: switching the terminal to single keys
    drops what was typed before, so a key pressed as soon as the prompt shows is kept."""
    keyboard.open()
    try:
        show_prompt()
        while True:
            key = keyboard.read(_POLL_S)
            choice = None if key is None else choice_for_key(key)
            if choice is not None:
                return choice
    finally:
        keyboard.close()


def _texts(route: Route, say: Catalogue, *, discreet: bool = False) -> tuple[tuple[str, ...], str]:
    from scanner.guidance import load_guidance

    keys = ("before_scan_discreet",) if discreet else TEXT_KEYS[route]
    try:
        library = load_guidance(say.lang)
        return tuple(library.ui(key) for key in keys), library.ui("before_scan_keys")
    except GuidanceError as exc:
        # The warning matters more than its exact words: say it in short, and why.
        if not readable(say):
            return (_FALLBACK_NOTE, exc.message), _FALLBACK_KEYS
        return (
            (say.text("prescan.fallback_note"), error_words(exc, say)),
            say.text("prescan.fallback_keys"),
        )


def before_scan(
    args: argparse.Namespace,
    console: Console,
    keyboard: Keyboard | None = None,
    out: TextIO | None = None,
) -> Exit | None:
    """Show the note for this scan's route; ``Exit.STOPPED`` when the person leaves.

    ``keyboard`` defaults to the terminal's (None when there is no terminal).
    """
    route = route_for(args)
    if route is None:
        return None
    # On a screen others may see, the note keeps its warning in neutral words.
    say = words_for(args)
    paragraphs, keys = _texts(route, say, discreet=getattr(args, "discreet", False))
    # The demo's one-line pointer sits close to its report, which keeps to its length.
    spaced = route is not Route.DEMO
    if spaced:
        console.print()
    heading = say.text("prescan.heading") if readable(say) else _FALLBACK_HEADING
    console.print(Text(heading, style="bold"))
    for paragraph in paragraphs:
        console.print(Text(paragraph))
        if spaced:
            console.print()
    if route is Route.DEMO or args.yes:
        return None
    keyboard = keyboard if keyboard is not None else terminal_keyboard()
    if keyboard is None:
        return None  # not a terminal: nobody can press a key, so the note is the step
    if wait_for_choice(keyboard, lambda: console.print(Text(keys, style="bold"))) is Choice.GO_ON:
        return None
    out = sys.stdout if out is None else out
    out.write(CLEAR)
    out.flush()
    return Exit.STOPPED
