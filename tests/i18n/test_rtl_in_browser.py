"""The infected demo's HTML report in Arabic, as headless Chromium lays it out: right to
left, package ids still left to right, and no broken or visible direction characters.

Arabic's own files are used once they are installed; until then, the pseudo-language
(every English word reversed and wrapped) under the code ``ar`` with direction ``rtl``
stands in, which proves the same layout. The screenshot is read with the small PNG
reader of ``tests/report``. Without Chromium the test skips on a developer machine and
fails in CI.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from scanner.i18n import available_languages
from scanner.report import html_report
from scanner.report.texts import ReportTexts
from tests.i18n import pseudo
from tests.i18n.test_no_english_left import scan
from tests.report.png import read_png
from tests.report.test_html_in_browser import QUIET_FLAGS, TIMEOUT_S, chromium  # noqa: F401

WIDTH, HEIGHT = 1000, 1400
TOP_BAND = 200  # the heading is the first ink on the page, well within this
DIRECTION_CHARS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def infected_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The report in Arabic (or the right-to-left pseudo-language) and, to compare, in a
    left-to-right pseudo-language."""
    folder = tmp_path_factory.mktemp("rtl")
    result = scan("infected")
    pages = {}
    if "ar" in available_languages():
        arabic = ReportTexts.load("ar", "uk")
    else:
        arabic = ReportTexts.load("ar", "uk", base_dir=pseudo.build(folder / "ar", "ar", "rtl"))
    ltr = ReportTexts.load("eo", "uk", base_dir=pseudo.build(folder / "eo", "eo", "ltr"))
    for name, texts in (("rtl", arabic), ("ltr", ltr)):
        path = folder / f"{name}.html"
        path.write_text(html_report.render(result, texts=texts, demo=False), encoding="utf-8")
        pages[name] = path
    return pages


def _chromium(browser: str, folder: Path, *args: str) -> str:
    command = [browser, *QUIET_FLAGS, f"--user-data-dir={folder / 'profile'}", *args]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"Chromium did not finish within {TIMEOUT_S} s")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _heading_ink(browser: str, page: Path, folder: Path) -> list[int]:
    """The x of every dark pixel of the first line of ink on a screenshot of ``page``
    (the report's heading: the first rows with ink, down to the first blank row)."""
    png = folder / f"{page.stem}.png"
    size = f"--window-size={WIDTH},{HEIGHT}"
    _chromium(browser, folder, f"--screenshot={png}", size, page.as_uri())
    image = read_png(png.read_bytes())
    assert (image.width, image.height) == (WIDTH, HEIGHT)
    step, colours = image.channels, min(image.channels, 3)
    xs: list[int] = []
    for row in image.rows[:TOP_BAND]:
        dark = [
            x for x in range(image.width) if sum(row[x * step : x * step + colours]) < colours * 110
        ]
        if not dark and xs:
            break  # the heading's line has ended
        xs.extend(dark)
    assert len(xs) > 50, "no heading was drawn at the top of the page"
    return xs


def test_the_heading_sits_at_the_right_edge(
    chromium: str,  # noqa: F811
    infected_pages: dict[str, Path],
    tmp_path: Path,
) -> None:
    rtl = _heading_ink(chromium, infected_pages["rtl"], tmp_path)
    ltr = _heading_ink(chromium, infected_pages["ltr"], tmp_path)
    middle = WIDTH // 2
    assert min(rtl) > middle, "right-to-left heading ink should all be in the right half"
    assert max(ltr) < middle, "the same heading left to right sits in the left half"


def test_the_dom_is_right_to_left_with_package_ids_isolated(
    chromium: str,  # noqa: F811
    infected_pages: dict[str, Path],
    tmp_path: Path,
) -> None:
    source = infected_pages["rtl"].read_text(encoding="utf-8")
    dom = _chromium(chromium, tmp_path, "--dump-dom", infected_pages["rtl"].as_uri())
    assert re.search(r'<html lang="ar" dir="rtl"', dom)
    assert '<meta charset="utf-8">' in source
    # The infected demo's stalkerware keeps its package id in its own order.
    assert '<bdi dir="ltr">com.systemservice</bdi>' in dom
    assert "\ufffd" not in dom and "[U+" not in dom
    assert not DIRECTION_CHARS.search(source)
