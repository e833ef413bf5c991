"""dumpsys accessibility: Android 9-12 real captures, Android 14 and vendor fixtures."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.parse.accessibility import braced_components, parse_dumpsys_accessibility
from tests.parse.helpers import fixture_text, real_text


def test_android11_capture_with_nothing_enabled():
    parsed = parse_dumpsys_accessibility(real_text("spytrap-adb", "accessibility_plain.txt"))
    assert parsed.enabled == ()
    assert parsed.current_user == 0
    assert parsed.warnings == ()


def test_android9_one_line_user_state_capture():
    parsed = parse_dumpsys_accessibility(real_text("spytrap-adb", "accessibility_plain2.txt"))
    assert parsed.enabled == ()
    assert parsed.warnings == ()


def test_android14_enabled_services_line_is_parsed():
    parsed = parse_dumpsys_accessibility(fixture_text("accessibility", "pixel8_a14.txt"))
    (service,) = parsed.enabled
    assert (
        service.component == "com.example.tracker/com.example.tracker.svc.SyncAccessibilityService"
    )
    assert service.package == "com.example.tracker"
    assert service.bound is True  # one bound service for one enabled
    assert parsed.warnings == ()


def test_vendor_installed_list_and_two_enabled_services():
    parsed = parse_dumpsys_accessibility(
        fixture_text("accessibility", "galaxy_a13_installed_list.txt")
    )
    assert [s.package for s in parsed.enabled] == [
        "com.samsung.accessibility",
        "com.example.parentalwatch",
    ]
    assert all(s.bound for s in parsed.enabled)  # bound list continues on a second line
    assert len(parsed.installed) == 4
    assert parsed.warnings == ()


def test_crashed_service_is_not_bound_and_others_are():
    text = (
        "User state[\n     attributes:{id=0}\n"
        "     Bound services:{Service[label=A]}\n"
        "     Enabled services:{{a.b/.A}, {c.d/c.d.C}}\n"
        "     Crashed services:{{c.d/.C}}]\n"
    )
    a, c = parse_dumpsys_accessibility(text).enabled
    assert a.bound is True
    assert c.bound is False


def test_braced_components_skips_non_components():
    assert braced_components("{{a/.B}, {null}, {c/d.E}}") == ["a/.B", "c/d.E"]


def test_unrecognised_output_is_a_warning():
    parsed = parse_dumpsys_accessibility("Can't find service: accessibility\n")
    assert parsed.enabled == ()
    assert parsed.warnings


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text):
    parse_dumpsys_accessibility(text)
    parse_dumpsys_accessibility("User state[\n" + text)
