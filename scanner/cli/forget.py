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
from scanner.errors import GuidanceError

UDEV_RULES_DIR = Path("/etc/udev/rules.d")
UDEV_RULE_NAME = "51-android-phone-check.rules"
_HISTORY_FILES = (
    ".bash_history",
    ".zsh_history",
    ".local/share/fish/fish_history",
    "AppData/Roaming/Microsoft/Windows/PowerShell/PSReadLine/ConsoleHost_history.txt",
)
_NAMES = {
    "adbkey": "the connection key the phone knows this computer by",
    "adbkey.pub": "the public half of that key",
    "signatures": "the stalkerware database you downloaded or imported",
    "trusted-keys": "the keys of organisations whose databases you trusted",
}


@dataclass(frozen=True, slots=True)
class Item:
    """One thing ``forget`` will take away (a file, or a folder with all it holds)."""

    path: Path
    what: str


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
    return _NAMES.get(relative.parts[0], "a file the tool keeps") if relative.parts else ""


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
    remove += [Item(path, "a case file you named (evidence)") for path in named]
    kept = [path for path in dict.fromkeys(kept) if path.resolve() not in named]
    return Plan(tuple(remove), existing, tuple(kept))


def _remove(plan: Plan) -> list[str]:
    """Take the plan's items away; each failure as a line to show."""
    failed: list[str] = []
    for item in plan.remove:
        try:
            item.path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            failed.append(f"{item.path}: {exc.strerror or exc}")
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
                failed.append(f"{folder}: the folder could not be taken away")
    return failed


def _shell_history(home: Path) -> list[Path]:
    found = [home / name for name in _HISTORY_FILES if (home / name).is_file()]
    histfile = os.environ.get("HISTFILE")
    if histfile and Path(histfile).is_file() and Path(histfile) not in found:
        found.append(Path(histfile))
    return found


def _program_hint() -> str:
    place = Path(__file__).resolve().parents[2]
    if "pipx" in place.parts:
        return f"The program itself: run 'pipx uninstall {TOOL_NAME}'."
    if (place / "pyproject.toml").is_file():
        return f"The program itself is the folder {place}; delete it when you are done with it."
    return f"The program itself: run 'pip uninstall {TOOL_NAME}' (or 'pipx uninstall {TOOL_NAME}')."


def _cannot_remove(console: Console, udev_dir: Path, home: Path) -> None:
    lines: list[str] = []
    history = _shell_history(home)
    if history:
        lines.append(
            "Your shell keeps the commands you typed, and they name this tool: "
            + ", ".join(str(path) for path in history)
            + ". Open the file in a text editor and delete the lines with "
            f"'{TOOL_NAME}' or 'scan.py'. In bash, 'history -c && history -w' empties the "
            "whole list instead."
        )
    else:
        lines.append(
            "Your shell may keep the commands you typed (no history file was found in "
            f"{home}). If it does, delete the lines with '{TOOL_NAME}' or 'scan.py'."
        )
    rule = udev_dir / UDEV_RULE_NAME
    if rule.exists():
        lines.append(
            f"The udev rule {rule} needs the administrator: run "
            f"'sudo rm {rule} && sudo udevadm control --reload-rules'."
        )
    elif sys.platform.startswith("linux"):
        lines.append(f"No udev rule of this tool is installed in {udev_dir}.")
    adb_home = home / ".android"
    if (adb_home / "adbkey").exists():
        lines.append(
            f"Android's own adb tool keeps a separate key in {adb_home}; forget leaves it, "
            "as it may not be this tool's."
        )
    lines.append(_program_hint())
    _bullets(console, lines)


def _bullets(console: Console, lines: Iterable[str]) -> None:
    # A grid keeps a wrapped line under its own bullet.
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for line in lines:
        grid.add_row("-", Text(line))
    console.print(grid)


def _show_plan(console: Console, plan: Plan) -> None:
    console.print(Text("Forget will take away:", style="bold"))
    _bullets(console, (f"{item.path} ({item.what})" for item in plan.remove))
    if plan.kept_case_files:
        console.print(Text("Kept (case files are evidence; name one with --case-file):"))
        _bullets(console, (str(path) for path in plan.kept_case_files))
    console.print(
        Text(
            "Case files, reports and evidence packs are wherever you saved them (--save, "
            "--json, --html, --evidence, --capture); forget does not take them unless you "
            "name a case file with --case-file."
        )
    )


def _guidance(key: str) -> str:
    from scanner.guidance import load_guidance

    try:
        return load_guidance().ui(key)
    except GuidanceError as exc:
        return exc.message


def _bad_case_files(named: Iterable[Path]) -> list[str]:
    problems = []
    for path in named:
        if not path.exists():
            problems.append(f"{path} is not there.")
        elif not is_case_file(path):
            problems.append(f"{path} is not a case file, so forget will not take it away.")
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
    try:
        return _run(args, console, keyboard, udev_dir, out)
    except KeyboardInterrupt:
        console.print(Text("\nStopped. What was not yet taken away is still there."))
        return Exit.STOPPED
    except OSError as exc:
        console.print(Text(f"\nA file or folder could not be read: {exc}"))
        return Exit.FILE_PROBLEM


def _run(
    args: argparse.Namespace,
    console: Console,
    keyboard: Keyboard | None,
    udev_dir: Path,
    out: TextIO | None,
) -> int:
    named = [Path(path) for path in args.case_file or ()]
    problems = _bad_case_files(named)
    if problems:
        console.print(Text(" ".join(problems) + " Nothing was taken away."))
        return Exit.FILE_PROBLEM
    console.print(Text(_guidance("cleaning_up_computer")))
    console.print()
    plan = make_plan(paths.kept_dirs(), named)
    if plan.remove:
        _show_plan(console, plan)
        if not args.yes:
            keyboard = keyboard if keyboard is not None else terminal_keyboard()
            if keyboard is None:
                console.print(
                    Text(
                        "Forget asks before it takes anything away, and there is no "
                        "terminal to ask in. Run it again with --yes to go on without "
                        "being asked. Nothing was taken away."
                    )
                )
                return Exit.USAGE
            prompt = Text(_guidance("forget_keys"), style="bold")
            if wait_for_choice(keyboard, lambda: console.print(prompt)) is Choice.LEAVE:
                out = sys.stdout if out is None else out
                out.write(CLEAR)
                out.flush()
                return Exit.STOPPED
        failed = _remove(plan)
    else:
        console.print(Text("The tool keeps nothing on this computer now."))
        failed = []
    if failed:
        console.print(Text("These could not be taken away:", style="bold"))
        _bullets(console, failed)
    elif plan.remove:
        console.print(Text(f"Done: {len(plan.remove)} file(s) taken away."))
    console.print()
    console.print(Text("What forget cannot reach on this computer", style="bold"))
    _cannot_remove(console, udev_dir, Path.home())
    console.print()
    console.print(Text("On the phone", style="bold"))
    console.print(Text(_guidance("cleaning_up_phone")))
    return Exit.FILE_PROBLEM if failed else Exit.OK
