"""What a kind of input cannot hold is named as such, never counted as a part not read."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest
from rich.console import Console

from scanner.commands import GETPROP, LAUNCHER_ACTIVITIES, PHONE_CLOCK, WHICH_SU
from scanner.errors import InputDamaged
from scanner.model import APK_FILES, RawCapture
from scanner.offline import analyse_input, load_bugreport, load_capture, read_input, write_capture
from scanner.offline.bugreport import NOT_HELD
from scanner.offline.capture import MANIFEST, NO_APK_FILES
from scanner.report import html_report, json_report, terminal
from scanner.report.schema import validate_report
from scanner.simulator import load_profile
from scanner.sources import SOURCES, Service, SettingsTable
from tests.conftest import shared_path
from tests.offline.builders import (
    MVT_BUGREPORT,
    bugreport_text,
    bugreport_zip,
    real_androidqf_copy,
    real_bugreport_zip,
)

CREATED = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def real_report(tmp_path_factory):
    path = real_bugreport_zip(tmp_path_factory.mktemp("mvt") / "bugreport.zip")
    return analyse_input(read_input("bugreport", path), datetime.now(UTC))


def sections_missing_from(text: str) -> set[str]:
    """The scan commands whose section this bug report text lacks, read off the text."""
    missing = {
        row.command
        for row in SOURCES
        if isinstance(row.bugreport, Service)
        and f"DUMP OF SERVICE {row.bugreport.name}:\n" not in text
    }
    if "------ SYSTEM PROPERTIES" not in text:
        missing.add(GETPROP)
    if "DUMP OF SERVICE settings:\n" not in text:
        missing |= {row.command for row in SOURCES if isinstance(row.bugreport, SettingsTable)}
    return missing


def test_real_bug_report_names_what_no_bug_report_holds(real_report):
    assert {p.source for p in real_report.not_applicable} == {
        LAUNCHER_ACTIVITIES,
        WHICH_SU,
        PHONE_CLOCK,
        APK_FILES,
    }
    assert {p.reason for p in real_report.not_applicable} == set(NOT_HELD.values())


def test_real_bug_report_counts_only_the_sections_it_lacks_as_unread(real_report):
    # This bug report is a fragment (MVT's test file): the sections it lacks are unread,
    # and said so; the launcher list, `which su` and APK files are not among them.
    text = (shared_path(*MVT_BUGREPORT) / "dumpstate.txt").read_text(errors="replace")
    assert {p.source for p in real_report.problems} == sections_missing_from(text)
    assert not real_report.complete
    assert not {w.source for w in real_report.warnings} & {LAUNCHER_ACTIVITIES, WHICH_SU}


@pytest.fixture(scope="module")
def full_report(tmp_path_factory):
    """A bug report holding every section a bug report can hold (the infected profile's)."""
    folder = tmp_path_factory.mktemp("full")
    path = bugreport_zip(folder / "full.zip", bugreport_text(load_profile("infected").commands))
    return analyse_input(read_input("bugreport", path), datetime.now(UTC))


def test_bug_report_read_in_full_is_complete(full_report):
    assert full_report.problems == ()
    assert full_report.complete
    assert len(full_report.not_applicable) == 4


def test_json_report_carries_what_the_input_cannot_hold(full_report):
    report = json_report.to_dict(full_report)
    assert validate_report(report) == []
    assert report["complete"] is True
    assert report["not_applicable"] == [
        {"source": source, "reason": reason} for source, reason in NOT_HELD.items()
    ]
    assert report["app_files_checked"] == []
    # The opening says it too, before what was found.
    opening = report["summary"]["not_checked"]
    assert opening[-1].startswith("This kind of input does not hold every part of the phone")
    broken = dict(report, not_applicable=[{"source": "which su"}])
    assert any(p.startswith("not_applicable/0") for p in validate_report(broken))


def test_terminal_and_html_reports_name_it_apart_from_what_could_not_be_read(full_report):
    out = io.StringIO()
    terminal.render(full_report, Console(file=out, width=80, color_system=None))
    text = out.getvalue()
    assert "Not available in this kind of input" in text
    assert "What could not be read" not in text
    for reason in NOT_HELD.values():
        assert reason in " ".join(text.split())
    page = html_report.render(full_report)
    assert "<h2>Not available in this kind of input</h2>" in page
    assert "a bug report does not hold the list of apps with an icon" in page


def test_androidqf_cannot_hold_the_launcher_list_only(tmp_path):
    capture = read_input("androidqf", real_androidqf_copy(tmp_path / "acq")).capture
    assert [p.source for p in capture.not_applicable] == [PHONE_CLOCK, LAUNCHER_ACTIVITIES]


def test_capture_keeps_what_its_input_could_not_hold_and_never_holds_apk_files(tmp_path):
    source = load_bugreport(real_bugreport_zip(tmp_path / "br.zip"))
    loaded = load_capture(write_capture(tmp_path / "capture", source, created_at=CREATED))
    assert loaded.not_applicable == source.not_applicable

    live_like = RawCapture(results=source.results, transport="usb")
    again = load_capture(write_capture(tmp_path / "capture2", live_like, created_at=CREATED))
    assert [(p.source, p.reason) for p in again.not_applicable] == [(APK_FILES, NO_APK_FILES)]


def test_capture_cannot_call_a_command_that_gave_output_not_applicable(tmp_path):
    source = load_bugreport(real_bugreport_zip(tmp_path / "br.zip"))
    saved = write_capture(tmp_path / "capture", source, created_at=CREATED)
    manifest = json.loads((saved / MANIFEST).read_text())
    with_output = next(e["command"] for e in manifest["commands"] if e["file"] is not None)
    manifest["not_applicable"].append({"source": with_output, "reason": "hidden"})
    (saved / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(InputDamaged, match="damaged or was changed"):
        load_capture(saved)
