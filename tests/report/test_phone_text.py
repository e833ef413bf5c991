"""Phone text cannot forge a report line or hide in one.

A simulated phone whose app label and ``ro.product.model`` carry a line break followed by
a line the scanner might print ("Checked: genuine system app", "phone is clean"), plus a
right-to-left mark, a Unicode line separator and a zero-width space. The label reaches
the scan from the app's APK (pulled and read as a real scan does), the model from
``getprop``. Neither report may show a row starting with the forged text, and the HTML
may hold no raw format or separator character.
"""

from __future__ import annotations

import importlib.util
import json
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.commands import GETPROP
from scanner.simulator import SimulatedPhone, load_profile
from scanner.simulator.apk_builder import build_apk

FORGED = "Checked: genuine system app"
HIDDEN = "\u200f\u2028\u200b"  # RLM, line separator, zero-width space
LABEL = f"System Service\n{FORGED}{HIDDEN}\nNo known stalkerware: phone is clean"
MODEL = f"SM-A525F\n{FORGED}{HIDDEN}"
SPY_APK = "/data/app/~~uI_mz2mXgKyZcqrUE_4mEQ==/com.systemservice-ZdW9JCv3Pj9ye3SApBnAhA==/base.apk"


@pytest.fixture
def forging_phone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SimulatedPhone]:
    if importlib.util.find_spec("scanner.apk.manifest") is None:
        pytest.skip("labels are read from APKs by scanner/apk/manifest.py, not in this tree")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "1000")
    profile = load_profile("infected")
    getprop = profile.commands[GETPROP].decode()
    assert "[ro.product.model]: [SM-A525F]" in getprop
    getprop = getprop.replace("[ro.product.model]: [SM-A525F]", f"[ro.product.model]: [{MODEL}]")
    assert SPY_APK in profile.files
    files = {**profile.files, SPY_APK: build_apk("com.systemservice", label=LABEL)}
    commands = {**profile.commands, GETPROP: getprop.encode()}
    with SimulatedPhone(replace(profile, commands=commands, files=files)) as phone:
        yield phone


def scan(phone: SimulatedPhone, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    html_path, json_path = tmp_path / "report.html", tmp_path / "report.json"
    code = main(
        ["--serial", phone.serial_address, "--html", str(html_path), "--json", str(json_path)]
    )
    terminal = capsys.readouterr().out
    return code, terminal, html_path.read_text(encoding="utf-8"), json.loads(json_path.read_text())


def test_forged_lines_never_start_a_row_and_nothing_hides(forging_phone, tmp_path, capsys):
    code, terminal, html, report = scan(forging_phone, tmp_path, capsys)
    assert code == 0
    # The forged text did reach the reports (so the test can fail)...
    assert f"SM-A525F⏎{FORGED}<U+200F>⏎<U+200B>" in terminal
    assert f"System Service⏎{FORGED}<U+200F>⏎<U+200B>⏎No known stalkerware" in terminal
    # ...but only inside the row it belongs to.
    for line in terminal.splitlines():
        row = line.lstrip(" -•│|0123456789.")
        assert not row.startswith((FORGED, "No known stalkerware: phone is clean")), line
    assert not any(unicodedata.category(c) in ("Cf", "Zl", "Zp") for c in terminal)
    # The HTML: shown, escaped, and without one raw format or separator character.
    assert f"SM-A525F⏎{FORGED}" in html
    assert not any(unicodedata.category(c) in ("Cf", "Zl", "Zp") for c in html)
    assert "&lt;U+200F&gt;" in html
    # The JSON record carries the same folded text.
    assert report["device"]["model"] == f"SM-A525F⏎{FORGED}<U+200F>⏎<U+200B>"
