"""Help that fits the person (``--region``) and a screen others may see (``--discreet``)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from scanner.cli.main import REGIONS as CLI_REGIONS
from scanner.model import ScanResult
from scanner.report import html_report, terminal
from scanner.report.helpchoice import REGIONS
from scanner.report.texts import ReportTexts
from tests.report.test_terminal import scan

REPO = Path(__file__).resolve().parents[2]

ENGLAND, SCOTLAND, WALES, NI = "0808 2000 247", "0800 027 1234", "0808 80 10 800", "0808 802 1414"
US = "800-799-7233"
# Region -> numbers that must be on screen, numbers that must not.
EXPECTED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "uk": ((ENGLAND, SCOTLAND, WALES, NI, "999"), (US,)),
    "england": ((ENGLAND, "999"), (SCOTLAND, WALES, NI, US)),
    "scotland": ((SCOTLAND, "999"), (ENGLAND, WALES, NI, US)),
    "wales": ((WALES, "999"), (ENGLAND, SCOTLAND, NI, US)),
    "northern-ireland": ((NI, "999"), (ENGLAND, SCOTLAND, WALES, US)),
    "outside-uk": ((US,), (ENGLAND, SCOTLAND, WALES, NI, "press 55")),
}
SPECIALIST = ("0808 801 0327", "0800 999 5428", "0800 5999 247", "18000")


@pytest.fixture(scope="module")
def infected() -> ScanResult:
    return scan("infected")


def _screen(result: ScanResult, region: str, view: terminal.View | None = None) -> str:
    out = io.StringIO()
    texts = ReportTexts.load(region=region)
    terminal.render(result, Console(file=out, width=80, color_system=None), texts, view)
    return " ".join(out.getvalue().split())


def test_the_command_line_offers_every_region() -> None:
    assert CLI_REGIONS == REGIONS


@pytest.mark.parametrize("region", sorted(EXPECTED))
def test_region_shows_its_own_lines_and_not_the_others(infected: ScanResult, region: str) -> None:
    shown, hidden = EXPECTED[region]
    text = _screen(infected, region)
    for number in shown:
        assert number in text, number
    for number in hidden:
        assert number not in text, number


@pytest.mark.parametrize("region", ["uk", "scotland", "northern-ireland"])
def test_uk_regions_name_the_specialist_lines(infected: ScanResult, region: str) -> None:
    text = _screen(infected, region)
    for number in SPECIALIST:
        assert number in text, number
    assert "register" in text  # emergencySMS needs signing up first


def test_outside_the_uk_gets_a_pointer_first(infected: ScanResult) -> None:
    texts = ReportTexts.load(region="outside-uk")
    pointer = " ".join(texts.ui("outside_uk").split())
    text = _screen(infected, "outside-uk")
    assert pointer in text
    assert text.index(pointer) < text.index(US)


@pytest.mark.parametrize("region", sorted(EXPECTED))
def test_html_lists_the_same_region(infected: ScanResult, region: str) -> None:
    page = html_report.render(infected, region=region)
    shown, hidden = EXPECTED[region]
    for number in shown:
        assert number in page, number
    for number in hidden:
        assert number not in page, number


def test_region_through_the_command_line() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "scan.py"), "--demo", "--region", "wales"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, "COLUMNS": "80", "NO_COLOR": "1"},
        stdin=subprocess.DEVNULL,
    )
    text = " ".join(done.stdout.split())
    assert WALES in text and "07860 077333" in text
    assert ENGLAND not in text


_WORDS = re.compile(r"stalkerware|spy", re.IGNORECASE)


def test_discreet_screen_has_no_telling_words_but_saved_reports_keep_them(
    tmp_path: Path,
) -> None:
    json_path, html_path = tmp_path / "r.json", tmp_path / "r.html"
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "scan.py"),
            "--demo",
            "--discreet",
            "--json",
            str(json_path),
            "--html",
            str(html_path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, "COLUMNS": "80", "NO_COLOR": "1"},
        stdin=subprocess.DEVNULL,
    )
    screen = done.stdout + done.stderr
    assert done.returncode in (0, 1), screen
    assert "Summary" in screen and "999" in screen  # the summary and help are still there
    assert "need care first" in screen  # the count of what was found, in neutral words
    assert not _WORDS.search(screen), _WORDS.findall(screen)
    assert "stalkerware" in json_path.read_text(encoding="utf-8")
    assert "Known stalkerware" in html_path.read_text(encoding="utf-8")


def test_discreet_says_what_was_not_checked_and_never_all_clear(infected: ScanResult) -> None:
    from dataclasses import replace

    nothing = replace(infected, findings=())
    text = _screen(nothing, "uk", terminal.View(discreet=True))
    assert "That does not prove the phone is safe" in text
    assert "Not everything could be checked" not in text
    unchecked = _screen(replace(nothing, signatures=None), "uk", terminal.View(discreet=True))
    assert "Not everything could be checked" in unchecked
    for shown in (text, unchecked):
        assert not _WORDS.search(shown)
