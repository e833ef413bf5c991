"""``--help`` speaks the chosen language (``--lang`` before or after it, else the locale),
from help.yaml alone; option names, metavars and command lines stay as they are."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.cli.help_words import asked_language, help_words
from scanner.cli.main import build_parser, main
from tests.i18n import pseudo
from tests.i18n.test_no_english_left import CODE, english_words

SUBCOMMANDS = ("setup", "signatures", "evidence", "capture-to-profile", "forget")


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """The parser and every subcommand's parser under it."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                yield from _parsers(child)


def _all_help(parser: argparse.ArgumentParser) -> Iterator[str]:
    return (each.format_help() for each in _parsers(parser))


def _literal_names(parser: argparse.ArgumentParser) -> set[str]:
    """Names argparse prints as they are: subcommands and named arguments (``directory``)."""
    names: set[str] = set()
    for each in _parsers(parser):
        for action in each._actions:
            if isinstance(action, argparse._SubParsersAction):
                names.update(action.choices)
            elif not action.option_strings:
                names.add(action.dest)
    return names


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pseudo.build(tmp_path_factory.mktemp("pseudo"), CODE)


def test_every_help_text_is_in_the_pseudo_language(root: Path) -> None:
    parser = build_parser(h=help_words(["--lang", CODE], base_dir=root))
    pages = list(_all_help(parser))
    assert len(pages) == 15  # the parser, 5 subcommands and 9 actions under them
    text = pseudo.WRAPPED.sub(" ", "\n".join(pages))
    # What stays literal: option names, metavars, choices, the program and subcommands.
    text = re.sub(r"-{1,2}[a-z][\w-]*|\{[^}]*\}|\b[A-Z][A-Z_:]+\b|phone-check", " ", text)
    literal = _literal_names(parser)
    assert {"setup", "handover", "directory"} <= literal
    english = english_words(root)
    assert pseudo.OPEN in "\n".join(pages)
    left = {w for w in re.findall(r"[\w-]+", text) if w not in literal}
    assert sorted(w for w in left if w.lower() in english) == []


def test_a_string_left_english_would_be_caught(root: Path) -> None:
    # The same check on the English help finds its words: the test above can fail.
    pages = "\n".join(_all_help(build_parser(h=help_words(["--lang", "en"], base_dir=root))))
    assert "scan" in re.findall(r"[a-z]+", pages) and "scan" in english_words(root)


@pytest.mark.parametrize(
    "argv",
    [["--help", "--lang", "pl"], ["--lang", "pl", "--help"], ["--lang=pl", "setup", "--help"]],
)
def test_lang_before_or_after_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "pokaż tę pomoc i zakończ" in out
    assert "show this help" not in out
    assert "--help" in out  # option names stay literal


def test_the_locale_chooses_when_no_lang_is_given(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LC_ALL", "ro_RO.UTF-8")
    assert main(["--help"]) == 0
    assert "arată acest ajutor și ieși" in capsys.readouterr().out


def test_an_unknown_language_or_a_path_gives_english(capsys: pytest.CaptureFixture[str]) -> None:
    for asked in ("xx", "../en"):
        assert main(["--help", "--lang", asked]) == 0
        assert "show this help and exit" in capsys.readouterr().out


def test_only_the_lang_option_is_read_from_the_arguments() -> None:
    assert asked_language(["--demo", "--lang", "ar"]) == "ar"
    assert asked_language(["--lang=bn"]) == "bn"
    assert asked_language(["--", "--lang", "pl"]) is None
    assert asked_language(["--json", "--lang"]) is None
