"""Text from the phone can neither script the HTML report nor style or steer the terminal.

An app's label is chosen by whoever wrote the app, so it is attacker controlled. Here it
reaches the reports the way it does in a real scan: read from the APK pulled off the
phone (``scanner/apk/manifest.py``), and, for the terminal, also built by hand with markup,
an escape sequence and a bidi override.
"""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console

from scanner.report import terminal
from scanner.simulator import SimulatedPhone, load_profile
from scanner.simulator.apk_builder import build_apk
from tests.faults.scanrun import run_scan
from tests.report.sample import build_result, stalkerware_finding

SCRIPT = "<script>alert(1)</script>"
MARKUP = "[bold red]Totally Safe[/bold red]"
ESCAPE = "\x1b[31m\x1b]0;owned\x07"
HOSTILE = f"{SCRIPT}{MARKUP}{ESCAPE}\u202eevil"
SPY_APK = "/data/app/~~uI_mz2mXgKyZcqrUE_4mEQ==/com.systemservice-ZdW9JCv3Pj9ye3SApBnAhA==/base.apk"


@pytest.fixture
def hostile_phone() -> SimulatedPhone:
    if importlib.util.find_spec("scanner.apk.manifest") is None:
        pytest.skip("labels are read from APKs by scanner/apk/manifest.py, not in this tree")
    profile = load_profile("infected")
    files = dict(profile.files)
    assert SPY_APK in files
    files[SPY_APK] = build_apk("com.systemservice", label=HOSTILE)
    with SimulatedPhone(replace(profile, files=files)) as phone:
        yield phone  # type: ignore[misc]


def test_label_from_a_pulled_apk_is_escaped_in_every_report(
    hostile_phone: SimulatedPhone, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    html_path = tmp_path / "report.html"
    run = run_scan(capsys, tmp_path, hostile_phone, "--html", str(html_path))
    assert run.code == 0
    assert run.report is not None
    # The label really did travel from the APK into the findings...
    titles = " ".join(f["title"] for f in run.report["findings"])
    assert SCRIPT in titles and "<U+001B>[31m<U+001B>]0;owned<U+0007>" in titles  # cleaned
    # ...and the HTML shows it as text, never as markup.
    html = html_path.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()
    assert "\x1b" not in html and "\u202e" not in html
    # The terminal shows the markup literally and no escape byte from the phone.
    assert "[bold red]Totally Safe[/bold red]" in run.out
    assert "\x1b" not in run.out and "\u202e" not in run.out


def render_to_text(result: object) -> str:
    buffer = StringIO()
    console = Console(file=buffer, width=80, color_system=None)
    terminal.render(result, console)  # type: ignore[arg-type]
    return buffer.getvalue()


def test_terminal_report_prints_phone_markup_literally_and_strips_escapes() -> None:
    finding = stalkerware_finding(label=HOSTILE)
    finding = replace(
        finding, evidence=(*finding.evidence, replace(finding.evidence[0], excerpt=HOSTILE))
    )
    result = build_result(findings=(finding,), label=HOSTILE, model=f"Pixel {MARKUP}{ESCAPE}")
    text = render_to_text(result)
    assert MARKUP in text.replace("\n", "")  # markup shown as typed, not applied
    assert SCRIPT in text.replace("\n", "")
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text


def test_json_report_shows_the_phone_text_with_hidden_characters_made_visible(
    hostile_phone: SimulatedPhone, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Phone text is folded and its hidden characters shown where it enters the scan, so
    # every report (JSON too) gets the same safe text; the raw bytes stay in the capture.
    run = run_scan(capsys, tmp_path, hostile_phone)
    assert run.report is not None
    shown = f"{SCRIPT}{MARKUP}<U+001B>[31m<U+001B>]0;owned<U+0007><U+202E>evil"
    assert any(shown in finding["title"] for finding in run.report["findings"])
