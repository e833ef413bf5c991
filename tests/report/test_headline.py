"""Every report opens with what was not checked, and says "no known stalkerware" only when
every app was read and compared with a database: terminal, HTML and JSON alike."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest
from rich.console import Console

from scanner.model import ScanProblem, ScanResult, Severity
from scanner.report import html_report, json_report, terminal
from scanner.report.headline import headline
from tests.report.sample import build_result, stalkerware_finding

ALL_CLEAR = "No known stalkerware"


def _terminal(result: ScanResult) -> str:
    out = io.StringIO()
    terminal.render(result, Console(file=out, width=80, no_color=True, legacy_windows=False))
    return " ".join(out.getvalue().split())


def _renders(result: ScanResult) -> dict[str, str]:
    return {
        "terminal": _terminal(result),
        "html": html_report.render(result),
        "json": json_report.render(result),
    }


def _clean() -> ScanResult:
    """Every app read, a database used, nothing found."""
    return build_result()


def _list_cut(result: ScanResult) -> ScanResult:
    problem = ScanProblem("the phone stopped answering", "dumpsys package")
    return replace(result, problems=(*result.problems, problem))


def _list_misread(result: ScanResult) -> ScanResult:
    problem = ScanProblem(
        "not understood: a package header", "dumpsys package", not_understood=True
    )
    return replace(result, problems=(*result.problems, problem))


def _no_database(result: ScanResult) -> ScanResult:
    return replace(result, signatures=None)


def _no_apps(result: ScanResult) -> ScanResult:
    return replace(result, snapshot=replace(result.snapshot, packages=()))


def _list_never_read(result: ScanResult) -> ScanResult:
    return replace(result, snapshot=replace(result.snapshot, sources_read=("getprop",)))


def test_a_whole_read_with_a_database_may_say_no_known_stalkerware() -> None:
    result = _clean()
    opening = headline(result)

    assert opening.not_checked == ()
    assert opening.known_ruled_out
    assert opening.found == "No known stalkerware and nothing unusual was found."
    for name, text in _renders(result).items():
        assert ALL_CLEAR in text, name
    summary = json.loads(json_report.render(result))["summary"]
    assert summary["known_stalkerware_ruled_out"] is True
    assert summary["not_checked"] == []


@pytest.mark.parametrize(
    ("spoil", "words"),
    [
        (_list_cut, "could only be read in part (3 apps read)"),
        (_list_misread, "could only be read in part (3 apps read)"),
        (_list_never_read, "could only be read in part (3 apps read)"),
        (_no_database, "The check for known stalkerware did not run"),
        (_no_apps, "The list of apps on the phone could not be read"),
    ],
    ids=["list-cut", "list-not-understood", "list-never-read", "no-database", "no-apps"],
)
@pytest.mark.parametrize("found", [False, True], ids=["nothing-found", "review-found"])
def test_what_was_not_checked_comes_first_and_no_all_clear_is_given(
    spoil: object, words: str, found: bool
) -> None:
    base = _clean()
    if found:
        base = replace(base, findings=(replace(stalkerware_finding(), severity=Severity.REVIEW),))
    result = spoil(base)  # type: ignore[operator]
    opening = headline(result)

    assert not opening.known_ruled_out
    assert any(words in line for line in opening.not_checked)
    assert ALL_CLEAR not in opening.found
    for name, text in _renders(result).items():
        assert ALL_CLEAR not in text, name
        first_gap = text.index(" ".join(opening.not_checked[0].split()))
        assert first_gap < text.index(opening.found), name
    summary = json.loads(json_report.render(result))["summary"]
    assert summary["known_stalkerware_ruled_out"] is False
    assert summary["headline"][0] == opening.not_checked[0]


def test_stalkerware_found_in_a_partial_read_is_said_after_what_was_not_read() -> None:
    result = _list_cut(replace(_clean(), findings=(stalkerware_finding(),)))
    opening = headline(result)

    assert opening.found.startswith("The scan found 1 known stalkerware app")
    assert opening.lines[0].startswith("The list of apps could only be read in part")
    text = _terminal(result)
    assert text.index("could only be read in part") < text.index("The scan found 1 known")


def test_counts_are_by_severity() -> None:
    findings = (stalkerware_finding(), replace(stalkerware_finding(), severity=Severity.REVIEW))
    opening = headline(replace(_clean(), findings=findings))

    assert opening.counts == {"stalkerware": 1, "high": 0, "review": 1, "info": 0}
    assert opening.found == (
        "The scan found 1 known stalkerware app. It also found 1 more thing to look at."
    )
