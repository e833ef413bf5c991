"""``phone-check forget [--yes] [--case-file FILE ...]``: clear what the tool keeps here.

It lists what it will take away (the ADB key pair, the downloaded or imported databases,
trusted keys, caches, settings), asks (Enter goes on, Q or Esc stops and clears the
screen; ``--yes`` does not ask; with no terminal and no ``--yes`` it refuses), takes them
away, then says what it cannot reach and how to deal with it: shell history, the udev
rule, the program itself, and the phone's memory of this computer.

Case files are the survivor's evidence: they are kept, even inside the tool's folders,
unless ``--case-file`` names them. Only a file that really is a case file is taken.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from scanner import TOOL_NAME, paths
from scanner.casefile.crypto import MAGIC
from scanner.cli.exits import Exit
from scanner.cli.prescan import Choice, terminal_keyboard, wait_for_choice
from scanner.cli.quickexit import CLEAR, Keyboard
from scanner.cli.words import error_words, words_for
from scanner.errors import GuidanceError
from scanner.i18n import Catalogue

UDEV_RULES_DIR = Path("/etc/udev/rules.d")
UDEV_RULE_NAME = "51-android-phone-check.rules"
_HISTORY_FILES = (
    ".bash_history",
    ".zsh_history",
    ".local/share/fish/fish_history",
    "AppData/Roaming/Microsoft/Windows/PowerShell/PSReadLine/ConsoleHost_history.txt",
)
_NAMES = {
    "adbkey": "forget.what_adbkey",
    "adbkey.pub": "forget.what_adbkey_pub",
    "signatures": "forget.what_signatures",
    "trusted-keys": "forget.what_trusted_keys",
}
"""What each of the tool's own files is, by message id."""


@dataclass(frozen=True, slots=True)
class Item:
    """One thing ``forget`` will take away (a file, or a folder with all it holds)."""

    path: Path
    what: str
    """The message id saying what it is (``forget.what_…``)."""


@dataclass(frozen=True, slots=True)
class Plan:
    """What is here, found before anything is touched."""

    remove: tuple[Item, ...]
    folders: tuple[Path, ...]
    """The tool's own folders, taken away last when nothing kept is left in them."""
    kept_case_files: tuple[Path, ...]
    """Case files found in the tool's folders or the current folder, not named."""


def is_case_file(path: Path) -> bool:
    """True for a regular file that starts like a case file (never follows a link)."""
    try:
        if path.is_symlink() or not path.is_file():
            return False
        with path.open("rb") as handle:
            return handle.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def _describe(relative: Path) -> str:
    return _NAMES.get(relative.parts[0], "forget.what_other") if relative.parts else ""


def _walk(folder: Path) -> tuple[list[Item], list[Path]]:
    """Everything in ``folder`` but case files, and the case files found there."""
    items: list[Item] = []
    cases: list[Path] = []
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        for name in sorted(files) + sorted(d for d in dirs if (here / d).is_symlink()):
            path = here / name
            if is_case_file(path):
                cases.append(path)
            else:
                items.append(Item(path, _describe(path.relative_to(folder))))
    return items, cases


def make_plan(
    folders: Iterable[Path], named_case_files: Iterable[Path], here: Path | None = None
) -> Plan:
    """What would be taken away and what kept; reads only."""
    remove: list[Item] = []
    kept: list[Path] = []
    existing = tuple(folder for folder in folders if folder.is_dir() and not folder.is_symlink())
    for folder in existing:
        items, cases = _walk(folder)
        remove += items
        kept += cases
    here = Path.cwd() if here is None else here
    # An unreadable current folder only means fewer case files are named.
    with contextlib.suppress(OSError):
        kept += [path for path in sorted(here.iterdir()) if is_case_file(path)]
    named = [path.resolve() for path in named_case_files]
    remove += [Item(path, "forget.what_named_case_file") for path in named]
    kept = [path for path in dict.fromkeys(kept) if path.resolve() not in named]
    return Plan(tuple(remove), existing, tuple(kept))


def _remove(plan: Plan, say: Catalogue) -> list[str]:
    """Take the plan's items away; each failure as a line to show."""
    failed: list[str] = []
    for item in plan.remove:
        try:
            item.path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            failed.append(
                say.text("forget.item_failed", path=item.path, problem=exc.strerror or exc)
            )
    for folder in plan.folders:
        # Deepest first; a folder still holding a kept case file stays.
        for root, dirs, _ in os.walk(folder, topdown=False):
            for name in dirs:
                with contextlib.suppress(OSError):
                    (Path(root) / name).rmdir()
        try:
            folder.rmdir()
        except OSError:
            if not any(case.is_relative_to(folder) for case in plan.kept_case_files):
                failed.append(say.text("forget.folder_failed", path=folder))
    return failed


def _shell_history(home: Path) -> list[Path]:
    found = [home / name for name in _HISTORY_FILES if (home / name).is_file()]
    histfile = os.environ.get("HISTFILE")
    if histfile and Path(histfile).is_file() and Path(histfile) not in found:
        found.append(Path(histfile))
    return found


def _program_hint(say: Catalogue) -> str:
    place = Path(__file__).resolve().parents[2]
    if "pipx" in place.parts:
        return say.text("forget.program_pipx", tool=TOOL_NAME)
    if (place / "pyproject.toml").is_file():
        return say.text("forget.program_folder", path=place)
    return say.text("forget.program_pip", tool=TOOL_NAME)


def _cannot_remove(console: Console, udev_dir: Path, home: Path, say: Catalogue) -> None:
    lines: list[str] = []
    history = _shell_history(home)
    if history:
        files = ", ".join(str(path) for path in history)
        lines.append(say.text("forget.history_found", files=files, tool=TOOL_NAME))
    else:
        lines.append(say.text("forget.history_maybe", home=home, tool=TOOL_NAME))
    rule = udev_dir / UDEV_RULE_NAME
    if rule.exists():
        lines.append(say.text("forget.udev_rule", rule=rule))
    elif sys.platform.startswith("linux"):
        lines.append(say.text("forget.no_udev_rule", folder=udev_dir))
    adb_home = home / ".android"
    if (adb_home / "adbkey").exists():
        lines.append(say.text("forget.adb_key_left", folder=adb_home))
    lines.append(_program_hint(say))
    _bullets(console, lines)


def _bullets(console: Console, lines: Iterable[str]) -> None:
    # A grid keeps a wrapped line under its own bullet.
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for line in lines:
        grid.add_row("-", Text(line))
    console.print(grid)


def _show_plan(console: Console, plan: Plan, say: Catalogue) -> None:
    console.print(Text(say.text("forget.will_take"), style="bold"))
    _bullets(
        console,
        (say.text("forget.item", path=item.path, what=say.text(item.what)) for item in plan.remove),
    )
    if plan.kept_case_files:
        console.print(Text(say.text("forget.kept_heading")))
        _bullets(console, (str(path) for path in plan.kept_case_files))
    console.print(Text(say.text("forget.saved_elsewhere")))


def _guidance(key: str, say: Catalogue) -> str:
    from scanner.guidance import load_guidance

    try:
        return load_guidance(say.lang).ui(key)
    except GuidanceError as exc:
        return error_words(exc, say)


def _bad_case_files(named: Iterable[Path], say: Catalogue) -> list[str]:
    problems = []
    for path in named:
        if not path.exists():
            problems.append(say.text("forget.not_there", path=path))
        elif not is_case_file(path):
            problems.append(say.text("forget.not_a_case_file", path=path))
    return problems


def run(
    args: argparse.Namespace,
    console: Console,
    *,
    keyboard: Keyboard | None = None,
    udev_dir: Path = UDEV_RULES_DIR,
    out: TextIO | None = None,
) -> int:
    """The forget subcommand; returns the exit code (Ctrl-C: 130, never a traceback)."""
    say = words_for(args)
    try:
        return _run(args, console, keyboard, udev_dir, out, say)
    except KeyboardInterrupt:
        console.print()
        console.print(Text(say.text("forget.stopped")))
        return Exit.STOPPED
    except OSError as exc:
        console.print()
        console.print(Text(say.text("forget.unreadable", problem=exc)))
        return Exit.FILE_PROBLEM


def _run(
    args: argparse.Namespace,
    console: Console,
    keyboard: Keyboard | None,
    udev_dir: Path,
    out: TextIO | None,
    say: Catalogue,
) -> int:
    named = [Path(path) for path in args.case_file or ()]
    problems = _bad_case_files(named, say)
    if problems:
        console.print(Text(say.text("forget.nothing_taken", problems=" ".join(problems))))
        return Exit.FILE_PROBLEM
    console.print(Text(_guidance("cleaning_up_computer", say)))
    console.print()
    plan = make_plan(paths.kept_dirs(), named)
    if plan.remove:
        _show_plan(console, plan, say)
        if not args.yes:
            keyboard = keyboard if keyboard is not None else terminal_keyboard()
            if keyboard is None:
                console.print(Text(say.text("forget.no_terminal")))
                return Exit.USAGE
            prompt = Text(_guidance("forget_keys", say), style="bold")
            if wait_for_choice(keyboard, lambda: console.print(prompt)) is Choice.LEAVE:
                out = sys.stdout if out is None else out
                out.write(CLEAR)
                out.flush()
                return Exit.STOPPED
        failed = _remove(plan, say)
    else:
        console.print(Text(say.text("forget.nothing_kept")))
        failed = []
    if failed:
        console.print(Text(say.text("forget.failed_heading"), style="bold"))
        _bullets(console, failed)
    elif plan.remove:
        console.print(Text(say.count("forget.done", len(plan.remove))))
    console.print()
    console.print(Text(say.text("forget.cannot_reach_heading"), style="bold"))
    _cannot_remove(console, udev_dir, Path.home(), say)
    console.print()
    console.print(Text(say.text("forget.phone_heading"), style="bold"))
    console.print(Text(_guidance("cleaning_up_phone", say)))
    return Exit.FILE_PROBLEM if failed else Exit.OK
