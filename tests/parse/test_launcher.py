"""Launcher activity query: components, none, and an old phone's error text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.parse.launcher import parse_launcher_activities
from tests.parse.helpers import fixture_text


def test_components_give_the_set_of_packages_with_icons():
    parsed = parse_launcher_activities(fixture_text("launcher", "pixel8_a14.txt"))
    assert parsed.packages == {
        "com.example.tracker",
        "com.android.chrome",
        "com.google.android.youtube",
        "com.android.settings",
    }
    assert parsed.warnings == ()


def test_no_activities_found_means_empty_set_not_unknown():
    parsed = parse_launcher_activities(fixture_text("launcher", "no_activities.txt"))
    assert parsed.packages == frozenset()
    assert parsed.warnings == ()


def test_old_phone_error_means_unknown_with_one_warning():
    parsed = parse_launcher_activities(fixture_text("launcher", "old_phone_unknown_command.txt"))
    assert parsed.packages is None
    assert len(parsed.warnings) == 1
    assert "unknown" in parsed.warnings[0].message


def test_empty_output_is_unknown():
    assert parse_launcher_activities("").packages is None


def test_stray_line_among_components_is_warned():
    parsed = parse_launcher_activities("a.b/.C\nWARNING: linker oddity\n")
    assert parsed.packages == {"a.b"}
    assert parsed.warnings[0].line == 2


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text):
    parse_launcher_activities(text)
