"""The HTML report is self-contained, escapes everything from the phone, and reads in order."""

from __future__ import annotations

import re
from dataclasses import replace
from types import MappingProxyType

import pytest

from scanner.guidance import GuidanceLibrary, load_guidance, load_helplines
from scanner.i18n import catalogue
from scanner.model import Severity
from scanner.report import html_report, sections
from scanner.report.headline import headline
from tests.report.sample import (
    DB_SHA256,
    HOSTILE_ATTR,
    HOSTILE_LABEL,
    build_result,
    high_finding,
    info_finding,
    review_finding,
    stalkerware_finding,
)

ALL = (info_finding(), review_finding(), high_finding(), stalkerware_finding())


@pytest.fixture(scope="module")
def library() -> GuidanceLibrary:
    return load_guidance("en")


def _render(**kwargs: object) -> str:
    return html_report.render(build_result(**kwargs))  # type: ignore[arg-type]


def test_report_has_no_script_even_with_a_hostile_label() -> None:
    page = _render(findings=ALL, label=HOSTILE_LABEL, complete=False)
    assert "<script" not in page.lower()


def test_hostile_app_label_is_shown_as_text() -> None:
    page = _render(findings=ALL, label=HOSTILE_LABEL)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "alert(1)</script>" not in page


def test_hostile_text_cannot_open_a_tag_or_attribute_anywhere() -> None:
    # The label lands in titles, evidence and the app line; the model in device details.
    page = _render(findings=ALL, label=HOSTILE_ATTR, model=HOSTILE_ATTR)
    assert "<img" not in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in page


def test_direction_override_in_a_label_is_made_visible() -> None:
    page = _render(findings=ALL, label="Notes\u202eppa.kpa")
    assert "\u202e" not in page
    assert "Notes[U+202E]ppa.kpa" in page


def test_report_loads_nothing_and_links_nowhere() -> None:
    page = _render(findings=ALL, complete=False)
    assert not re.search(r"\b(?:src|href|action|srcset|poster)\s*=", page, re.IGNORECASE)
    assert not re.search(r"url\(|@import|<link|<iframe|<object|<embed|<img", page, re.IGNORECASE)
    assert "default-src 'none'" in page  # the CSP forbids loads even if escaping failed


def test_helpline_websites_are_plain_text(library: GuidanceLibrary) -> None:
    helplines = load_helplines("uk")
    page = html_report.render(build_result(), library, helplines)
    websites = [line.website for line in helplines if line.website]
    assert websites
    for website in websites:
        assert html_report._e(website) in page
    assert "href" not in page


def test_every_helpline_is_listed(library: GuidanceLibrary) -> None:
    helplines = load_helplines("uk")
    page = html_report.render(build_result(findings=ALL), library, helplines)
    for line in helplines:
        assert html_report._e(line.name) in page
        if line.number:
            assert line.number in page


def test_title_and_calm_summary_come_first(library: GuidanceLibrary) -> None:
    page = html_report.render(build_result(findings=ALL), library)
    assert "<title>Phone check</title>" in page
    body = page[page.index("<main>") :]
    summary = html_report._e(headline(build_result(findings=ALL)).found)
    first = body.index("<h2>What to do first</h2>")
    assert body.index("<h1>Phone check</h1>") < body.index("<h2>Summary</h2>")
    assert body.index("<h2>Summary</h2>") < body.index(summary) < first


def test_findings_are_grouped_most_severe_first() -> None:
    page = _render(findings=ALL)  # given least severe first
    say = catalogue()
    headings = [sections.severity_heading(say, severity) for severity in Severity]
    order = [page.index(html_report._e(h)) for h in headings]
    assert order == sorted(order)


def test_removal_warning_comes_before_meaning_options_and_evidence(
    library: GuidanceLibrary,
) -> None:
    page = html_report.render(build_result(findings=(stalkerware_finding(),)), library)
    text = library.get("known_stalkerware")
    assert text.removal_warning is not None
    warning = page.index(html_report._e(text.removal_warning))
    assert warning < page.index(html_report._e(text.what_it_means))
    assert warning < page.index(html_report._e(text.options[0]))
    assert warning < page.index("What the scan saw")


def test_each_finding_shows_its_evidence_and_app() -> None:
    page = _render(findings=ALL, label="Spy Notes")
    assert "package com.example.spy is installed" in page
    assert "com.example.reader/.Service is enabled" in page
    assert 'App: <span class="phone" dir="auto">Spy Notes</span>' in page
    assert "read your messages" in page  # capabilities


def test_clean_result_says_what_the_scan_cannot_see(library: GuidanceLibrary) -> None:
    page = html_report.render(build_result(), library)
    assert html_report._e(library.ui("clean_result")) in page
    for item in library.ui_list("clean_result_cannot_see_list"):
        assert html_report._e(item) in page


def test_result_with_findings_says_what_it_cannot_see_without_saying_nothing_was_found(
    library: GuidanceLibrary,
) -> None:
    page = html_report.render(build_result(findings=ALL), library)
    assert html_report._e(library.ui("clean_result")) not in page
    assert html_report._e(library.ui("found_result_cannot_see")) in page
    for item in library.ui_list("clean_result_cannot_see_list"):
        assert html_report._e(item) in page


def test_unread_app_list_is_said_first_so_no_finding_reads_as_all_clear(
    library: GuidanceLibrary,
) -> None:
    cut = build_result(complete=False)
    unread = replace(cut, snapshot=replace(cut.snapshot, packages=()))
    (note,) = (html_report._e(line) for line in headline(unread).not_checked)
    page = html_report.render(unread, library)
    assert note in page
    assert page.index(note) < page.index(html_report._e(library.ui("scan_incomplete")))
    assert note not in html_report.render(cut, library)
    # With no finding at all, it still comes before the (qualified) summary.
    empty = replace(unread, findings=())
    page = html_report.render(empty, library)
    assert f'<p class="summary incomplete">{note}</p>' in page
    assert page.index(note) < page.index("Nothing unusual was found in what the scan could read.")
    assert "No known stalkerware" not in page
    assert html_report._e(library.ui("clean_result")) not in page
    assert html_report._e(library.ui("found_result_cannot_see")) in page


def test_next_steps_follow_the_findings(library: GuidanceLibrary) -> None:
    page = html_report.render(build_result(findings=ALL), library)
    after = page.index(html_report._e(library.ui("after_scan")))
    assert page.index("What the scan saw") < after < page.index("<h2>Helplines (")


def test_incomplete_scan_is_flagged_at_the_top_and_lists_what_was_not_read(
    library: GuidanceLibrary,
) -> None:
    page = html_report.render(build_result(complete=False), library)
    note = page.index(html_report._e(library.ui("scan_incomplete")))
    assert page.index("<h2>Summary</h2>") < note < page.index("<h2>What to do first</h2>")
    assert "dumpsys accessibility: the phone stopped answering" in page
    assert "connection: the phone was unplugged" in page


def test_complete_scan_has_no_incomplete_notice(library: GuidanceLibrary) -> None:
    page = html_report.render(build_result(), library)
    assert html_report._e(library.ui("scan_incomplete")) not in page
    assert "Parts that could not be read" not in page


def test_device_signature_database_and_times_are_shown() -> None:
    page = _render()
    for text in (
        "Pixel 8",
        "2024-04-05",
        "192.168.1.20:5555",
        DB_SHA256,
        "187",
        "Echap stalkerware-indicators",
        "2024-04-20",
        "This list cannot name every spying app.",
        "2024-05-01 10:02:03 UTC",
        "2024-05-01 10:03:45 UTC",
    ):
        assert html_report._e(text) in page, text


def test_missing_signature_database_is_said_plainly() -> None:
    page = _render(signatures=False)
    assert "No signature database was used" in page


def test_not_understood_lines_are_listed() -> None:
    page = _render()
    assert "dumpsys package line 12: a line was not understood" in page


def test_findings_still_shown_when_guidance_has_no_text_for_them() -> None:
    empty = GuidanceLibrary(
        lang="en",
        texts=MappingProxyType({}),
        ui_texts=MappingProxyType({}),
        ui_lists=MappingProxyType({}),
    )
    page = html_report.render(build_result(findings=ALL), empty)
    assert "package com.example.spy is installed" in page
    assert "advice key: known_stalkerware" in page
    assert "<h1>Phone check</h1>" in page


def test_default_texts_are_the_english_guidance(library: GuidanceLibrary) -> None:
    page = _render(findings=ALL)
    assert html_report._e(library.get("accessibility_service").what_it_means) in page
    assert html_report._e(load_helplines("uk").name) in page
