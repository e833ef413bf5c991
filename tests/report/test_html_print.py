"""The printed HTML report of the infected demo: at most 10 pages, each numbered and marked
DEMO, the first holding the summary an advocate or officer needs.

Printed by headless Chromium (``--print-to-pdf``), read back with pypdf. Without Chromium
the test skips on a developer machine and fails in CI, where it must be installed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scanner import __version__
from tests.report.test_html_in_browser import QUIET_FLAGS, TIMEOUT_S

pypdf = pytest.importorskip("pypdf")

REPO = Path(__file__).resolve().parents[2]
MAX_PAGES = 10


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("CI must install Chromium (Debian package 'chromium') for the print test")
    pytest.skip("headless Chromium is not installed (Debian: apt-get install chromium)")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], dict[str, object]]:
    chromium = _chromium()
    folder = tmp_path_factory.mktemp("print")
    html, report, pdf = folder / "r.html", folder / "r.json", folder / "r.pdf"
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "scan.py"),
            "--demo",
            "--html",
            str(html),
            "--json",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, "COLUMNS": "80", "NO_COLOR": "1"},
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr
    command = [
        chromium,
        *QUIET_FLAGS,
        f"--user-data-dir={folder / 'profile'}",
        "--no-pdf-header-footer",  # page numbers and DEMO must come from the report itself
        f"--print-to-pdf={pdf}",
        html.as_uri(),
    ]
    try:
        subprocess.run(command, capture_output=True, timeout=TIMEOUT_S, check=True)
    except subprocess.TimeoutExpired:
        pytest.fail(f"Chromium did not finish within {TIMEOUT_S} s")
    pages = [page.extract_text() for page in pypdf.PdfReader(str(pdf)).pages]
    return pages, json.loads(report.read_text(encoding="utf-8"))


def test_infected_demo_prints_in_at_most_ten_pages(
    printed: tuple[list[str], dict[str, object]],
) -> None:
    pages, _ = printed
    assert 1 <= len(pages) <= MAX_PAGES, len(pages)


def test_every_page_is_numbered_and_says_demo(
    printed: tuple[list[str], dict[str, object]],
) -> None:
    pages, _ = printed
    for number, text in enumerate(pages, start=1):
        assert re.search(rf"Page {number} of {len(pages)}\b", text), number
        assert "DEMO" in text, number


def test_first_page_is_the_summary(printed: tuple[list[str], dict[str, object]]) -> None:
    pages, report = printed
    first = " ".join(pages[0].split())
    summary = report["summary"]
    device = report["device"]
    signatures = report["signatures"]
    assert isinstance(summary, dict) and isinstance(device, dict) and isinstance(signatures, dict)
    assert " ".join(str(summary["headline"][-1]).split()) in first
    assert str(device["model"]) in first
    assert str(report["started_at"])[:10] in first  # the date of the scan
    assert f"phone-check {__version__}" in first
    assert str(signatures["date"]) in first
    assert "Known stalkerware" in first
