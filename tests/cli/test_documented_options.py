"""Every option the README documents, given bad input, ends with a plain message and a
documented exit code: never a traceback, never an undocumented code."""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.cli.exits import Exit

REPO = Path(__file__).resolve().parents[2]


def documented_codes() -> dict[int, str]:
    """The README's exit-code table."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### Exit codes") :].split("\n\n")[1]
    return {int(m.group(1)): m.group(2) for m in re.finditer(r"^\| (\d+) \| (.+) \|$", table, re.M)}


def test_the_readme_table_and_the_code_list_the_same_exit_codes() -> None:
    assert set(documented_codes()) == {int(code) for code in Exit}


def test_every_error_class_uses_a_documented_code() -> None:
    from scanner import errors

    classes = [
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, errors.ScannerError)
    ]
    assert len(classes) > 10
    for cls in classes:
        assert cls.exit_code in documented_codes(), cls.__name__


def _options(parser: argparse.ArgumentParser, command: str = "") -> Iterator[tuple[str, str]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _options(sub, f"{command} {name}".strip())
        else:
            yield from ((command, o) for o in action.option_strings if o.startswith("--"))


def test_the_readme_documents_every_option_of_every_subcommand() -> None:
    from scanner.cli.main import build_parser

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    options = list(_options(build_parser()))
    assert ("forget", "--case-file") in options
    missing = [f"{command} {option}".strip() for command, option in options if option != "--help"]
    missing = [name for name in missing if name.rsplit(" ", 1)[-1] not in readme]
    assert missing == []


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("PHONE_CHECK_PASSPHRASE", raising=False)
    monkeypatch.chdir(tmp_path)


def _closed_port(_tmp: Path) -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"


def _not_a_zip(tmp: Path) -> str:
    path = tmp / "report.zip"
    path.write_bytes(b"this is not a zip file")
    return str(path)


def _existing_dir(tmp: Path) -> str:
    folder = tmp / "already-here"
    folder.mkdir(exist_ok=True)
    (folder / "x").write_text("x")
    return str(folder)


def _existing_file(tmp: Path) -> str:
    path = tmp / "existing.key"
    path.write_text("x")
    return str(path)


def _forget_with_a_key(tmp: Path) -> str:
    """``forget`` with something to take away (the fixture's config folder holds a key)."""
    from scanner.device.keys import load_or_create_signer

    load_or_create_signer(tmp / "config" / "phone-check")
    return "forget"


# (arguments, expected code); "{tmp}" is the test's folder, callables build inputs there.
BAD_INPUTS: list[tuple[str, list[object], int]] = [
    ("serial-shape", ["--serial", "not-a-port"], Exit.USAGE),
    ("serial-nobody", ["--serial", _closed_port], Exit.NO_PHONE),
    ("demo-profile", ["--demo", "--demo-profile", "no-such-phone"], Exit.USAGE),
    ("bugreport-missing", ["--bugreport", "{tmp}/none.zip"], Exit.FILE_PROBLEM),
    ("bugreport-not-zip", ["--bugreport", _not_a_zip], Exit.INPUT_REFUSED),
    ("androidqf-missing", ["--androidqf", "{tmp}/none"], Exit.FILE_PROBLEM),
    ("from-capture-missing", ["--from-capture", "{tmp}/none"], Exit.FILE_PROBLEM),
    ("json-no-folder", ["--demo", "--json", "{tmp}/no/such/r.json"], Exit.FILE_PROBLEM),
    ("html-no-folder", ["--demo", "--html", "{tmp}/no/such/r.html"], Exit.FILE_PROBLEM),
    ("save-no-terminal", ["--demo", "--save", "{tmp}/case.phc"], Exit.FILE_PROBLEM),
    ("history-alone", ["--demo", "--history"], Exit.USAGE),
    ("evidence-exists", ["--demo", "--evidence", _existing_dir], Exit.FILE_PROBLEM),
    (
        "evidence-key-missing",
        ["--demo", "--evidence", "{tmp}/pack", "--evidence-key", "{tmp}/none.key"],
        Exit.FILE_PROBLEM,
    ),
    ("evidence-key-alone", ["--demo", "--evidence-key", "{tmp}/k"], Exit.USAGE),
    ("examiner-alone", ["--demo", "--examiner", "Sam"], Exit.USAGE),
    ("organisation-alone", ["--demo", "--organisation", "Refuge"], Exit.USAGE),
    ("case-ref-alone", ["--demo", "--case-ref", "CR-1"], Exit.USAGE),
    ("place-alone", ["--demo", "--place", "Leeds"], Exit.USAGE),
    ("present-alone", ["--demo", "--present", "Sam"], Exit.USAGE),
    ("consent-alone", ["--demo", "--consent", "apps only"], Exit.USAGE),
    ("examiner-no-value", ["--demo", "--evidence", "{tmp}/pack", "--examiner"], Exit.USAGE),
    ("capture-exists", ["--demo", "--capture", _existing_dir], Exit.FILE_PROBLEM),
    ("auth-timeout", ["--demo", "--auth-timeout", "soon"], Exit.USAGE),
    ("command-timeout", ["--demo", "--command-timeout", "soon"], Exit.USAGE),
    ("two-sources", ["--demo", "--serial", "127.0.0.1:5555"], Exit.USAGE),
    ("yes-with-a-value", ["--demo", "--yes=now"], Exit.USAGE),
    ("forget-no-terminal-no-yes", [_forget_with_a_key], Exit.USAGE),
    (
        "forget-case-file-missing",
        ["forget", "--yes", "--case-file", "{tmp}/none.phc"],
        Exit.FILE_PROBLEM,
    ),
    (
        "forget-case-file-not-a-case-file",
        ["forget", "--yes", "--case-file", _existing_file],
        Exit.FILE_PROBLEM,
    ),
    ("forget-unknown-option", ["forget", "--all"], Exit.USAGE),
    ("unknown-option", ["--colour"], Exit.USAGE),
    ("region-unknown", ["--demo", "--region", "atlantis"], Exit.USAGE),
    ("details-with-a-value", ["--demo", "--details=all"], Exit.USAGE),
    ("discreet-with-a-value", ["--demo", "--discreet=yes"], Exit.USAGE),
    ("unknown-subcommand", ["scan-everything"], Exit.USAGE),
    ("setup-vendor", ["setup", "--vendor", "nokia"], Exit.USAGE),
    ("signatures-no-action", ["signatures"], Exit.USAGE),
    (
        "signatures-import-missing",
        ["signatures", "import", "{tmp}/none.yaml"],
        Exit.DATABASE_REFUSED,
    ),
    ("signatures-import-unsigned", ["signatures", "import", _existing_file], Exit.DATABASE_REFUSED),
    ("signatures-trust-missing", ["signatures", "trust", "{tmp}/none.pub"], Exit.DATABASE_REFUSED),
    (
        "signatures-sign-missing",
        ["signatures", "sign", "{tmp}/db", "{tmp}/k", "{tmp}/out"],
        Exit.DATABASE_REFUSED,
    ),
    ("evidence-keygen-exists", ["evidence", "keygen", _existing_file], Exit.FILE_PROBLEM),
    (
        "capture-to-profile-missing",
        ["capture-to-profile", "{tmp}/none", "{tmp}/out"],
        Exit.FILE_PROBLEM,
    ),
]


def _argv(spec: list[object], tmp: Path) -> list[str]:
    return [
        item(tmp) if callable(item) else str(item).replace("{tmp}", str(tmp))  # type: ignore[operator]
        for item in spec
    ]


@pytest.mark.parametrize(
    ("args", "code"),
    [(args, code) for _, args, code in BAD_INPUTS],
    ids=[name for name, _, _ in BAD_INPUTS],
)
def test_bad_input_gets_a_plain_message_and_a_documented_code(
    args: list[object], code: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    returned = main(_argv(args, tmp_path))

    out = capsys.readouterr()
    assert returned == code, out.out + out.err
    assert returned in documented_codes()
    assert "Traceback" not in out.out + out.err
    assert (out.out + out.err).strip()  # something was said


@pytest.mark.parametrize(
    "args",
    [
        ["--bugreport", "{tmp}/none.zip"],
        ["--serial", "nope"],
        ["signatures"],
        ["--demo", "--json", "{tmp}/no/such/r.json"],
    ],
    ids=["missing-file", "bad-serial", "no-action", "unwritable-report"],
)
def test_as_its_own_process_no_traceback_either(args: list[object], tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "scan.py"), *_argv(args, tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode in documented_codes()
    assert done.returncode != 0
    assert "Traceback" not in done.stdout + done.stderr


def _parser_options() -> set[str]:
    import argparse

    from scanner.cli.main import build_parser

    found: set[str] = set()
    parsers = [build_parser()]
    while parsers:
        parser = parsers.pop()
        for action in parser._actions:
            found.update(opt for opt in action.option_strings if opt.startswith("--"))
            if isinstance(action, argparse._SubParsersAction):
                parsers.extend(action.choices.values())
    return found


SIMULATOR_OPTIONS = {"--profile"}
"""Options of the simulated phone's own command (``python -m scanner.simulator``)."""


def test_every_option_the_readme_names_exists() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    # Options the README shows on their own (`--details`), not inside other tools' commands.
    named = set(re.findall(r"`(--[a-z][a-z-]+)", readme)) - SIMULATOR_OPTIONS
    assert {"--details", "--region", "--discreet"} <= named
    assert named <= _parser_options(), sorted(named - _parser_options())


def test_every_scan_option_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    from scanner.cli.main import build_parser

    scan_options = {
        opt
        for action in build_parser()._actions
        for opt in action.option_strings
        if opt.startswith("--") and opt not in ("--help", "--version")
    }
    missing = sorted(
        opt for opt in scan_options if not re.search(rf"`[^`]*{re.escape(opt)}\b", readme)
    )
    assert not missing, missing


CASE_OPTIONS = ("--examiner", "--organisation", "--case-ref", "--place", "--present", "--consent")


def test_the_readme_documents_every_case_detail_option_and_each_is_tried_above() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    tried = {str(item) for _, args, _ in BAD_INPUTS for item in args}
    for option in CASE_OPTIONS:
        assert f"`{option}" in readme, option
        assert option in tried, option
