"""The report reads in two minutes: run through the real command line on the demo phone.

``phone-check --demo`` at 80 columns must fit in ``MAX_LINES``; the summary, what to do
first and the helplines sit on the first screen (``FIRST_SCREEN`` lines) and again at the
end; each removal warning is shown once; ``--details`` holds every piece of evidence.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.guidance import load_guidance

REPO = Path(__file__).resolve().parents[2]
MAX_LINES = 150
FIRST_SCREEN = 40
"""What a person sees before they scroll: a laptop terminal shows about 40 lines."""
NATION_NUMBERS = ("0808 2000 247", "0800 027 1234", "0808 80 10 800", "0808 802 1414")


def run_cli(*args: str, cwd: Path | None = None) -> str:
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, str(REPO / "scan.py"), *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr  # 1: something was found
    assert "Traceback" not in done.stdout + done.stderr
    return done.stdout


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("saved")


@pytest.fixture(scope="module")
def short(saved: Path) -> str:
    return run_cli("--demo", "--json", str(saved / "report.json"))


@pytest.fixture(scope="module")
def report(short: str, saved: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((saved / "report.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def details(saved: Path) -> str:
    # Its own JSON: each demo run has its own throwaway key, which the evidence names.
    return run_cli("--demo", "--details", "--json", str(saved / "details.json"))


def _found_line(report: dict[str, object]) -> str:
    summary = report["summary"]
    assert isinstance(summary, dict)
    lines = summary["headline"]
    assert isinstance(lines, list)
    return str(lines[-1])


def test_infected_demo_fits_in_150_lines_at_80_columns(short: str) -> None:
    lines = short.splitlines()
    assert len(lines) <= MAX_LINES, len(lines)
    assert max(len(line) for line in lines) <= 80


def test_summary_first_step_and_helplines_are_on_the_first_screen_and_at_the_end(
    short: str, report: dict[str, object]
) -> None:
    library = load_guidance()
    first_step = flat(library.ui("first_step"))
    found = _found_line(report)
    lines = short.splitlines()
    for part in (lines[:FIRST_SCREEN], lines[-FIRST_SCREEN:]):
        screen = flat("\n".join(part))
        assert found in screen
        assert first_step in screen
        assert "call 999" in screen and "press 55" in screen
        for number in NATION_NUMBERS:
            assert number in screen, number


def test_each_removal_warning_is_shown_once(short: str, details: str) -> None:
    library = load_guidance()
    warnings = {
        flat(text.removal_warning) for text in library.texts.values() if text.removal_warning
    }
    assert warnings
    for output in (short, details):
        text = flat(output)
        for warning in warnings:
            assert text.count(warning) <= 1, warning
    # The warning about removing a known spy app is there, once, in both.
    app_warning = flat(library.get("known_stalkerware").removal_warning or "")
    assert flat(short).count(app_warning) == 1
    assert flat(details).count(app_warning) == 1


def test_plain_reason_comes_before_any_evidence(short: str, details: str) -> None:
    library = load_guidance()
    reason = flat(library.get("known_stalkerware").what_it_means)
    assert "codePath=" not in short  # evidence is for --details and the HTML
    text = flat(details)
    assert text.index(reason) < text.index("codePath=")


def test_details_shows_every_piece_of_evidence(details: str, saved: Path) -> None:
    findings = json.loads((saved / "details.json").read_text(encoding="utf-8"))["findings"]
    assert isinstance(findings, list) and findings
    # Long phone text wraps mid-word at 80 columns, so compare without any white space.
    squeezed = re.sub(r"\s+", "", details)
    count = 0
    for finding in findings:
        for item in finding["evidence"]:
            excerpt = re.sub(r"\s+", "", f"{item['source']}:{item['excerpt']}")
            assert excerpt in squeezed, excerpt
            count += 1
    assert count >= len(findings)


def test_info_findings_get_one_plain_line_of_why(short: str) -> None:
    library = load_guidance()
    section = short[short.index("For your information") :]
    reason = library.get("developer_options").what_it_means.split(". ")[0]
    assert flat(reason) in flat(section)
    assert flat(library.get("developer_options").what_it_means) not in flat(section)


def test_device_admin_that_can_wipe_says_so(short: str) -> None:
    library = load_guidance()
    assert "(can wipe the phone)" in short
    assert flat(library.ui("can_wipe")) in flat(short)


def test_demo_is_marked_on_screen_and_in_the_json(short: str, report: dict[str, object]) -> None:
    rules = [line for line in short.splitlines() if "────" in line]
    assert "DEMO" in rules[0]
    assert "DEMO" in rules[-1]
    assert report["demo"] is True


def test_json_of_the_demo_keeps_the_report_contract(saved: Path, short: str) -> None:
    from tests.conftest import shared_path

    contract = shared_path("checks", "report_contract.py")
    done = subprocess.run(
        [sys.executable, str(contract), str(saved / "report.json")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout


TRANSLATED = ("pl", "ro", "ar", "ur", "bn")


@pytest.fixture(scope="module", params=TRANSLATED)
def translated(request: pytest.FixtureRequest) -> tuple[str, str]:
    return request.param, run_cli("--demo", "--lang", request.param)


def test_infected_demo_fits_in_150_lines_at_80_columns_in_every_language(
    translated: tuple[str, str],
) -> None:
    from rich.cells import cell_len

    lang, short = translated
    lines = short.splitlines()
    assert len(lines) <= MAX_LINES, (lang, len(lines))
    # Columns on screen, not characters: Bengali and Urdu marks take no column of their own.
    assert max(cell_len(line) for line in lines) <= 80, lang


def test_a_shorter_translated_demo_keeps_the_warning_and_helplines(
    translated: tuple[str, str],
) -> None:
    lang, short = translated
    library = load_guidance(lang)
    text = flat(short)
    assert flat(library.get("known_stalkerware").removal_warning or "") in text
    for part in (short.splitlines()[:FIRST_SCREEN], short.splitlines()[-FIRST_SCREEN:]):
        screen = flat("\n".join(part))
        assert "999" in screen and "55" in screen, lang
        for number in NATION_NUMBERS:
            assert number in screen, (lang, number)
