"""The one table of data sources: everything that names a command is derived from it."""

from __future__ import annotations

import ast
from dataclasses import fields
from pathlib import Path

import pytest

import scanner
from scanner.device.allowlist import ALLOWED_SHELL_COMMANDS, is_allowed
from scanner.model import CommandResult, DeviceSnapshot, RawCapture
from scanner.offline import androidqf, bugreport
from scanner.parse.snapshot import PARSERS, build_snapshot
from scanner.simulator.profile import load_profile
from scanner.simulator.shell import shell_output
from scanner.sources import BY_COMMAND, SCAN_COMMANDS, SOURCES, NotHeld

PACKAGE_ROOT = Path(scanner.__file__).parent

SNAPSHOT_FIELDS_NOT_FROM_A_COMMAND = {"warnings", "sources_read"}
"""Filled by the snapshot assembly itself, from every command."""


def test_the_allowlist_is_exactly_the_tables_commands() -> None:
    assert {row.command for row in SOURCES} == ALLOWED_SHELL_COMMANDS
    assert len(SCAN_COMMANDS) == len(set(SCAN_COMMANDS)) == len(SOURCES)
    assert all(is_allowed(row.command) for row in SOURCES)


def test_each_command_is_parsed_by_its_rows_parser() -> None:
    assert set(PARSERS) == set(SCAN_COMMANDS)
    for row in SOURCES:
        assert PARSERS[row.command] is row.parser
        assert BY_COMMAND[row.command] is row


def test_every_snapshot_field_is_fed_by_some_row_and_every_feed_exists() -> None:
    # Fields made by the snapshot itself (a look-up index) are no data of the phone's.
    names = {f.name for f in fields(DeviceSnapshot) if f.init}
    fed = {name for row in SOURCES for name in row.feeds}
    assert fed <= names, f"rows name fields the snapshot does not have: {fed - names}"
    assert names - SNAPSHOT_FIELDS_NOT_FROM_A_COMMAND == fed


@pytest.mark.parametrize("row", SOURCES, ids=lambda row: row.command)
def test_each_rows_parser_reads_the_simulated_phones_output(row) -> None:
    # The infected demo phone answers every command in the formats a real phone prints.
    profile = load_profile("infected")
    parsed = row.parser(shell_output(profile, row.command).decode())
    assert parsed is not None
    assert not [w for w in getattr(parsed, "warnings", ()) if w.not_understood]


def test_a_snapshot_from_the_simulated_phone_fills_every_fed_field() -> None:
    profile = load_profile("infected")
    capture = RawCapture(
        results=tuple(_result(command, shell_output(profile, command)) for command in SCAN_COMMANDS)
    )
    snapshot = build_snapshot(capture)
    assert set(snapshot.sources_read) == set(SCAN_COMMANDS)
    for name in {n for row in SOURCES for n in row.feeds} - {"device", "settings", "root"}:
        assert getattr(snapshot, name), f"the infected phone's snapshot has no {name}"


def _result(command: str, output: bytes) -> CommandResult:
    return CommandResult(command, output)


def test_offline_readers_name_exactly_the_rows_they_cannot_hold() -> None:
    assert {c for c in bugreport.NOT_HELD if c in SCAN_COMMANDS} == {
        row.command for row in SOURCES if isinstance(row.bugreport, NotHeld)
    }
    assert set(androidqf.NOT_HELD) == {
        row.command for row in SOURCES if isinstance(row.androidqf, NotHeld)
    }


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_parsers_do_not_depend_on_the_device_layer() -> None:
    offenders = {
        path.name: sorted(m for m in _imports(path) if m.startswith("scanner.device"))
        for path in sorted((PACKAGE_ROOT / "parse").glob("*.py"))
    }
    assert not {name: mods for name, mods in offenders.items() if mods}


def test_command_strings_are_written_only_in_the_commands_module() -> None:
    # A command string typed anywhere else in the product would be a second list.
    written = []
    for path in sorted(PACKAGE_ROOT.rglob("*.py")):
        if path.name == "commands.py" or "simulator" in path.parts:
            continue
        written.extend(
            f"{path.relative_to(PACKAGE_ROOT)}: {node.value!r}"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and node.value in SCAN_COMMANDS
        )
    assert not written
