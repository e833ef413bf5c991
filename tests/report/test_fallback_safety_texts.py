"""No missing or broken guidance file can take the removal warning or the emergency
numbers out of a report: the code carries its own copy."""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console

from scanner.report import fallback, terminal
from scanner.report.texts import ReportTexts
from tests.report.sample import build_result, stalkerware_finding


def _render(texts: ReportTexts) -> str:
    out = io.StringIO()
    result = build_result(findings=(stalkerware_finding(),))
    terminal.render(result, Console(file=out, width=80, no_color=True), texts)
    # Panels draw borders around wrapped lines; read the words only.
    return " ".join(re.sub("[│╭╮╰╯─]", " ", out.getvalue()).split())


def test_without_guidance_files_the_report_still_warns_and_gives_the_numbers(
    tmp_path: Path,
) -> None:
    texts = ReportTexts.load(base_dir=tmp_path / "nothing-here")

    assert texts.library is None
    assert len(texts.problems) == 2  # the advice texts and the helplines, both named
    page = _render(texts)
    assert " ".join(fallback.REMOVAL_WARNING.split()) in page
    for number in ("999", "press 55", "0808 2000 247", "0808 802 0300"):
        assert number in page


def test_with_guidance_files_the_reviewed_words_are_used() -> None:
    texts = ReportTexts.load()

    assert texts.library is not None and texts.problems == ()
    warning = texts.library.get("known_stalkerware").removal_warning
    assert warning is not None
    page = _render(texts)
    assert " ".join(warning.split()) in page
    assert " ".join(fallback.REMOVAL_WARNING.split()) not in page


def test_the_fallback_numbers_match_the_helpline_file() -> None:
    from scanner.guidance import helpline_regions, load_helplines

    shipped = {
        line.id: line.number for region in helpline_regions() for line in load_helplines(region)
    }
    for line in fallback.UK_EMERGENCY:
        assert shipped[line.id] == line.number
