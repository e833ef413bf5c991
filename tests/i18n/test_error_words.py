"""The errors the command line shows come from the catalogues: a refused input, a refused
database file, a case file that cannot be opened and a weak passphrase are each said in
the chosen language, with no English sentence left, and no error in the modules moved is
raised with English words written in code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import scanner.errors
from scanner.cli.exits import Exit
from scanner.cli.outputs import PASSPHRASE_ENV
from scanner.errors import InputMissing, Malformed
from scanner.i18n import catalogue, placeholders, read_messages
from tests.cli.helpers import private_dirs, run  # noqa: F401 - private_dirs applies here

ROOT = Path(__file__).resolve().parents[2]
GROUPS = ("input_errors", "database_errors", "passphrase", "casefile_errors")
LANGUAGES = ("pl", "ro", "ar", "ur", "bn")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _said(lang: str, key: str, **values: object) -> str:
    return _one_line(catalogue(lang).text(key, **values))


def test_a_missing_bug_report_is_said_in_polish(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    absent = tmp_path / "absent.zip"

    code, out = run(capsys, "--bugreport", str(absent), "--lang", "pl")

    assert code == InputMissing.exit_code
    assert _said("pl", "input_errors.no_bug_report", path=absent) in out
    assert _said("en", "input_errors.no_bug_report", path=absent) not in out


def test_a_bug_report_that_is_not_a_zip_is_said_in_arabic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "report.zip"
    fake.write_bytes(b"not a zip at all")

    code, out = run(capsys, "--bugreport", str(fake), "--lang", "ar")

    assert code == Exit.INPUT_REFUSED
    assert _said("ar", "input_errors.bug_report_not_zip", path=fake) in out
    assert "is not a zip file" not in out


def test_a_database_file_in_no_known_format_is_refused_in_polish(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # "signatures" has no --lang: the computer's language setting chooses.
    monkeypatch.setenv("LC_ALL", "pl_PL.UTF-8")
    odd = tmp_path / "odd.yaml"
    odd.write_text("name: not a list\n", encoding="utf-8")

    code, out = run(capsys, "signatures", "import", str(odd), "--unsigned")

    assert code == Malformed.exit_code
    assert _said("pl", "database_errors.unknown_format", file=odd) in out
    assert "could not be used" not in out and "Nothing was changed" not in out


def test_a_file_that_is_not_a_case_file_is_said_in_romanian(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, "plum lantern under seventy kites")
    case = tmp_path / "case.phc"
    case.write_bytes(b"not a case file" + bytes(200))

    code, out = run(capsys, "--demo", "--save", str(case), "--lang", "ro")

    assert code == Exit.FILE_PROBLEM
    assert _said("ro", "casefile.not_a_case_file", name=case) in out
    assert _said("en", "casefile.not_a_case_file", name=case) not in out


def test_a_weak_passphrase_and_its_reason_are_said_in_urdu(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, "abc")

    code, out = run(capsys, "--demo", "--save", str(tmp_path / "case.phc"), "--lang", "ur")

    assert code == Exit.FILE_PROBLEM
    reason = _said("ur", "passphrase.too_short", n="8")
    assert _said("ur", "casefile.weak_not_saved", why=reason) in out
    assert "too short" not in out and "not saved" not in out
    assert not (tmp_path / "case.phc").exists()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_error_message_moved_here_is_translated(lang: str) -> None:
    english = read_messages("en")
    say = catalogue(lang)
    moved = sorted(k for k in english if k.split(".")[0] in GROUPS)
    assert len(moved) > 60  # the three groups were found
    left = []
    for key in moved:
        raw = english[key]
        if isinstance(raw, str):
            values = {name: f"<{name}>" for name in placeholders(raw)}
            if say.text(key, **values) == catalogue("en").text(key, **values):
                left.append(key)
            continue
        values = {name: f"<{name}>" for name in placeholders(raw["other"]) - {"count"}}
        left += [
            f"{key} ({n})"
            for n in (1, 2, 5, 21)
            if say.count(key, n, **values) == catalogue("en").count(key, n, **values)
        ]
    assert left == []


_MOVED_CODE = [
    *sorted((ROOT / "scanner" / "offline").glob("*.py")),
    *sorted((ROOT / "scanner" / "casefile").glob("*.py")),
    *(ROOT / "scanner" / "sigdb" / f"{name}.py" for name in ("verify", "store", "fetch")),
    ROOT / "scanner" / "sigdb" / "problems.py",
    ROOT / "scanner" / "device" / "connection.py",
]


def _english_raised(path: Path) -> list[str]:
    """Calls of an error class whose first argument is words written in code."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        kind = getattr(scanner.errors, node.func.id, None)
        if not (isinstance(kind, type) and issubclass(kind, scanner.errors.ScannerError)):
            continue
        if node.args and isinstance(node.args[0], ast.Constant | ast.JoinedStr):
            found.append(f"{path.name}:{node.lineno}")
    return found


def test_no_error_in_the_moved_modules_is_raised_with_english_words() -> None:
    assert [where for path in _MOVED_CODE for where in _english_raised(path)] == []


def test_the_check_for_english_words_in_code_can_fail(tmp_path: Path) -> None:
    code = tmp_path / "sample.py"
    code.write_text('raise InputMissing(f"There is no file at {path}.")\n', encoding="utf-8")
    assert len(_english_raised(code)) == 1 and _english_raised(code)[0].endswith(":1")
