"""argparse's own mistakes are said in the reader's language (--lang, as --help), with the
option names and values as typed, the exit code 2 and the pointer to --help."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scanner.cli.main import _Parser, main
from scanner.cli.usage_errors import understand
from scanner.resources import guidance_root

LANGS = ("pl", "ar")
GUIDANCE = Path(str(guidance_root()))


def _catalogue(lang: str) -> dict[str, str]:
    text = (GUIDANCE / lang / "messages" / "usage_errors.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def _expected(lang: str, key: str, **facts: str) -> str:
    return _catalogue(lang)[key].format(**facts)


# argv, the message it must be said by, its facts, and argparse's English it replaces.
CLI_CASES = (
    (["--bogus"], "unrecognized", {"arguments": "--bogus"}, "unrecognized arguments"),
    (["evidence"], "required", {"arguments": "ACTION"}, "the following arguments are"),
    (
        ["evidence", "handover", "pack"],
        "required",
        {"arguments": "--to"},
        "the following arguments are",
    ),
    (
        ["--demo", "--serial", "h:1"],
        "not_allowed",
        {"option": "--serial", "other": "--demo"},
        "not allowed with argument",
    ),
    (["--auth-timeout"], "expected_one", {"option": "--auth-timeout"}, "expected one argument"),
    (
        ["--auth-timeout", "soon"],
        "not_a_number",
        {"option": "--auth-timeout", "value": "soon"},
        "invalid float value",
    ),
    (["--demo=yes"], "ignored_value", {"option": "--demo", "value": "yes"}, "ignored explicit"),
    (
        ["--evid", "x"],
        "ambiguous",
        {"option": "--evid", "matches": "--evidence, --evidence-key"},
        "ambiguous option",
    ),
)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("argv", "key", "facts", "english"), CLI_CASES)
def test_argparse_mistake_is_said_in_the_readers_language(
    capsys: pytest.CaptureFixture[str],
    lang: str,
    argv: list[str],
    key: str,
    facts: dict[str, str],
    english: str,
) -> None:
    code = main(["--lang", lang, *argv])
    err = capsys.readouterr().err
    assert code == 2
    assert _expected(lang, key, **facts) in err
    assert _expected(lang, "try_help", command="phone-check --help") in err
    assert english not in err


@pytest.mark.parametrize("lang", LANGS)
def test_a_wrong_choice_names_the_value_and_the_choices(
    capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    assert main(["--lang", lang, "--region", "mars"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice" not in err
    said = [line for line in err.splitlines() if "mars" in line]
    assert len(said) == 1
    # argparse quotes choices with repr in 3.11 and not from 3.12: either stays as it came.
    match = re.search(r"choose from (.*)\)", _english_of(["--region", "mars"]))
    assert match is not None
    assert said[0].endswith(
        _expected(lang, "invalid_choice", value="mars", option="--region", choices=match[1])
    )


def _english_of(argv: list[str]) -> str:
    """What argparse itself would have said (a plain parser with the same option)."""
    plain = argparse.ArgumentParser(exit_on_error=False)
    plain.add_argument(
        "--region", choices=("uk", "england", "scotland", "wales", "northern-ireland", "outside-uk")
    )
    with pytest.raises(argparse.ArgumentError) as caught:
        plain.parse_args(argv)
    return str(caught.value)


def _small_parser(lang: str) -> _Parser:
    """The CLI's parser class with the argument kinds phone-check itself does not use."""
    parser = _Parser(prog="phone-check", lang=lang)
    parser.add_argument("--maybe", nargs="?")
    parser.add_argument("--some", nargs="+")
    parser.add_argument("--pair", nargs=2)
    parser.add_argument("--whole", type=int)
    parser.add_argument("--when", type=_date)
    parser.add_argument("--file", type=argparse.FileType("r"))
    parser.add_argument("--hex", type=_hex)
    one = parser.add_mutually_exclusive_group(required=True)
    one.add_argument("--left", action="store_true")
    one.add_argument("--right", action="store_true")
    return parser


def _date(text: str) -> str:
    raise ValueError(text)


_date.__name__ = "date"


def _hex(text: str) -> str:
    raise argparse.ArgumentTypeError(f"{text} does not look like hexadecimal to me")


SMALL_CASES = (
    (["--left", "--maybe", "a", "b"], "unrecognized", {"arguments": "b"}, "unrecognized"),
    ([], "one_of_required", {"arguments": "--left --right"}, "is required"),
    (["--left", "--some"], "expected_at_least_one", {"option": "--some"}, "expected at"),
    (["--left", "--pair", "a"], "expected_n", {"option": "--pair", "count": "2"}, "expected"),
    (
        ["--left", "--whole", "1.5"],
        "not_a_number",
        {"option": "--whole", "value": "1.5"},
        "invalid int",
    ),
    (
        ["--left", "--when", "May"],
        "invalid_value",
        {"option": "--when", "value": "May"},
        "invalid date",
    ),
)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("argv", "key", "facts", "english"), SMALL_CASES)
def test_other_argparse_mistakes_are_said_too(
    capsys: pytest.CaptureFixture[str],
    lang: str,
    argv: list[str],
    key: str,
    facts: dict[str, str],
    english: str,
) -> None:
    with pytest.raises(SystemExit) as stopped:
        _small_parser(lang).parse_args(argv)
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert _expected(lang, key, **facts) in err
    assert _expected(lang, "try_help", command="phone-check --help") in err
    assert english not in err


@pytest.mark.parametrize("lang", LANGS)
def test_a_file_that_cannot_be_opened_is_named_with_the_computers_reason(
    capsys: pytest.CaptureFixture[str], lang: str, tmp_path: Path
) -> None:
    missing = tmp_path / "absent.txt"
    with pytest.raises(SystemExit):
        _small_parser(lang).parse_args(["--left", "--file", str(missing)])
    err = capsys.readouterr().err
    said = [line for line in err.splitlines() if str(missing) in line]
    assert len(said) == 1
    assert "can't open" not in said[0]
    with pytest.raises(OSError) as opening:
        missing.open()
    reason = str(opening.value)  # the computer's own words, a fact
    assert said[0].endswith(
        _expected(lang, "cannot_open", path=str(missing), option="--file", reason=reason)
    )


@pytest.mark.parametrize("lang", LANGS)
def test_an_english_sentence_argparse_does_not_template_is_caught(
    capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    # A type's own English words (ArgumentTypeError): a catalogued sentence carries them.
    with pytest.raises(SystemExit):
        _small_parser(lang).parse_args(["--left", "--hex", "zz"])
    err = capsys.readouterr().err
    detail = "zz does not look like hexadecimal to me"
    assert _expected(lang, "option_problem", option="--hex", detail=detail) in err
    assert "argument --hex" not in err


def test_a_sentence_no_template_matches_is_carried_as_a_fact() -> None:
    said = understand("the frobnicator is cross with you")
    assert said.key == "usage_errors.unknown"
    assert dict(said.values) == {"detail": "the frobnicator is cross with you"}


# Templates in argparse.py that never reach error(): programming mistakes in a parser's
# definition, help texts and the error line's own frame.
NOT_MISTAKES = re.compile(
    r"conflicting|cannot merge|invalid option string|dest= is required|mutually exclusive"
    r"|is not callable|not defined|is an invalid argument|invalid conflict_resolution"
    r"|unexpected option string|cannot have multiple subparser|usage: |^options$"
    r"|positional arguments|optional arguments|show this help|subcommands|%\(prog\)s"
    r"|argument \"-\" with mode|is deprecated|^argument %\(argument_name\)s: %\(message\)s$"
)
_TEMPLATE = re.compile(r"""(?:_|ngettext)\(\s*(?P<q>['"])(?P<text>.*?)(?P=q)""", re.DOTALL)


def _running_templates() -> list[str]:
    source = Path(argparse.__file__).read_text(encoding="utf-8")
    found = {m["text"] for m in _TEMPLATE.finditer(source)}
    return sorted(t for t in found if t and not NOT_MISTAKES.search(t))


def _filled(template: str) -> str:
    text = re.sub(r"%\((\w+)\)r|%r", "'x'", template)
    text = re.sub(r"%\((\w+)\)s|%s", "x", text)
    return text.replace("expected x argument", "expected 3 argument")


def test_every_error_template_of_the_running_argparse_is_recognised() -> None:
    templates = _running_templates()
    assert "unrecognized arguments: %s" in templates  # the scan of argparse.py works
    caught_only_as_fact = ("usage_errors.unknown", "usage_errors.option_problem")
    missed = [
        template
        for template in templates
        if understand(_filled(template)).key in caught_only_as_fact
        and understand(f"argument --x: {_filled(template)}").key in caught_only_as_fact
    ]
    assert not missed, f"argparse sentences said only as a fact: {missed}"
    said = {
        understand(m).key for t in templates for m in (_filled(t), f"argument --x: {_filled(t)}")
    }
    for lang in ("en", *LANGS):
        assert {key.split(".", 1)[1] for key in said} <= set(_catalogue(lang))


PROBE = """
import json, sys
from scanner.cli.main import main
main(["--lang", "pl", "--bogus"])
sys.stdout.write(json.dumps(sorted(sys.modules)))
"""


def test_a_mistake_reads_no_catalogue_and_no_babel() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = json.loads(done.stdout)
    assert "Nie rozpoznano" in done.stderr  # it was said, in Polish
    heavy = ("scanner.i18n", "scanner.model", "babel", "rich")
    assert not [m for m in loaded if m.split(".")[0] in heavy or m.startswith(heavy)]
