"""The report's language: --lang first, then the computer's setting, English otherwise;
every report names its language, and a translation not yet signed off says so."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from scanner.report import html_report, json_report, terminal
from scanner.report.language import choose
from scanner.report.texts import ReportTexts
from tests.conftest import shared_path
from tests.i18n import pseudo
from tests.report.sample import build_result, stalkerware_finding

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pseudo.build(tmp_path_factory.mktemp("pseudo"), "eo")


def test_lang_option_beats_the_system_setting(root: Path) -> None:
    chosen = choose("eo", {"LANG": "de_DE.UTF-8"}, root)
    assert chosen.code == "eo" and chosen.note is None


def test_system_setting_is_used_without_the_option(root: Path) -> None:
    assert choose(None, {"LC_ALL": "eo_XX.UTF-8"}, root).code == "eo"
    assert choose(None, {"LANG": "C"}, root).code == "en"


def test_a_language_with_no_translation_gives_english_and_a_plain_note(root: Path) -> None:
    chosen = choose("xx", {}, root)
    assert chosen.code == "en"
    assert chosen.note is not None and "xx" in chosen.note and "English" in chosen.note
    # From the computer's setting, no note: nobody asked for it on purpose.
    assert choose(None, {"LANG": "de_DE.UTF-8"}, root).note is None


def test_every_report_names_an_unreviewed_translation(root: Path) -> None:
    texts = ReportTexts.load("eo", "uk", base_dir=root)
    not_checked = texts.say.text("report.not_reviewed")
    out = io.StringIO()
    result = build_result(findings=(stalkerware_finding(),))
    terminal.render(result, Console(file=out, width=200, color_system=None), texts)
    lines = out.getvalue().splitlines()
    # On screen it comes before the summary: a reader should know before reading on.
    assert any(not_checked in line for line in lines[:4])
    page = html_report.render(result, texts=texts)
    assert '<html lang="eo" dir="ltr">' in page
    assert not_checked in page
    report = json_report.to_dict(result, say=texts.say)
    assert (report["language"], report["language_reviewed"]) == ("eo", False)


def test_english_names_itself_and_is_reviewed() -> None:
    result = build_result(findings=(stalkerware_finding(),))
    page = html_report.render(result)
    assert '<html lang="en" dir="ltr">' in page and "This report is in English." in page
    assert "not yet been checked" not in page
    report = json_report.to_dict(result)
    assert (report["language"], report["language_reviewed"]) == ("en", True)


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    report = tmp_path_factory.mktemp("cli") / "r.json"
    done = subprocess.run(
        [sys.executable, str(REPO / "scan.py"), "--demo", "--lang", "xx", "--json", str(report)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "COLUMNS": "80", "NO_COLOR": "1"},
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return done.stdout, report


def test_cli_lang_with_no_translation_says_so_and_writes_english(
    cli_run: tuple[str, Path],
) -> None:
    out, report = cli_run
    assert "There is no translation for the language code xx" in out
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["language"] == "en" and data["language_reviewed"] is True


def test_the_json_with_language_keeps_the_shared_contract(cli_run: tuple[str, Path]) -> None:
    contract = shared_path("checks", "report_contract.py")
    checked = subprocess.run(
        [sys.executable, str(contract), str(cli_run[1])],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_code_s_last_resort_words_match_the_english_catalogue() -> None:
    from scanner.i18n import read_messages
    from scanner.report.fallback import MESSAGES

    english = read_messages("en")
    for key, text in MESSAGES.items():
        message = english[key]
        want = message if isinstance(message, str) else message["other"]
        assert " ".join(text.split()) == " ".join(want.split()), key
