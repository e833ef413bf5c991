"""The HTML report renders in a real browser (headless Chromium): not blank, text present.

Chromium comes from the distribution (Debian: ``apt-get install chromium``). Without it
the test is skipped on a developer machine and fails in CI, where it must be installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from scanner.report import html_report
from tests.report.png import read_png
from tests.report.sample import (
    HOSTILE_LABEL,
    build_result,
    high_finding,
    review_finding,
    stalkerware_finding,
)

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT_S = 180  # a hung browser fails the test instead of hanging the suite
# Everything that could make the browser reach out is switched off; the page itself loads
# nothing either (its CSP forbids it).
QUIET_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


@pytest.fixture(scope="module")
def chromium() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("CI must install Chromium (Debian package 'chromium') for the HTML test")
    pytest.skip("headless Chromium is not installed (Debian: apt-get install chromium)")


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    findings = (stalkerware_finding(HOSTILE_LABEL), high_finding(), review_finding())
    page = html_report.render(build_result(findings=findings, complete=False))
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


def _run(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [chromium, *QUIET_FLAGS, f"--user-data-dir={profile}", *args]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"Chromium did not finish within {TIMEOUT_S} s: {' '.join(command)}")
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def test_screenshot_of_the_report_is_not_blank(
    chromium: str, report_file: Path, tmp_path: Path
) -> None:
    png = tmp_path / "report.png"
    _run(
        chromium,
        tmp_path / "profile",
        f"--screenshot={png}",
        "--window-size=1000,1400",
        report_file.as_uri(),
    )
    image = read_png(png.read_bytes())
    assert (image.width, image.height) == (1000, 1400)
    pixels = image.pixels()
    counts: dict[bytes, int] = {}
    for pixel in pixels:
        counts[pixel] = counts.get(pixel, 0) + 1
    background = max(counts.values())
    # Text is anti-aliased and the boxes are coloured: a rendered page has many shades,
    # and a good share of pixels that are not the background.
    assert len(counts) > 100, f"only {len(counts)} distinct pixel values"
    assert background < 0.97 * len(pixels)


def test_rendered_dom_holds_the_key_text_and_no_script(
    chromium: str, report_file: Path, tmp_path: Path
) -> None:
    dom = _run(chromium, tmp_path / "profile", "--dump-dom", report_file.as_uri()).stdout
    for text in (
        "Phone check",
        "Known stalkerware",
        "Before you change anything",
        "What the scan saw",
        "Helplines",
        "What could not be read",
        "dumpsys accessibility: the phone stopped answering",
    ):
        assert text in dom, text
    # The hostile label survived as text in the live DOM, not as an element.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert "<script" not in dom.lower()
