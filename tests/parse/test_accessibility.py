"""dumpsys accessibility: real captures (Android 9-12, Samsung Android 10, Android 14) and
our fixtures of each layout (AOSP one-line lists, Samsung lower-case multi-line lists)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.parse.accessibility import (
    braced_components,
    entry_component,
    parse_dumpsys_accessibility,
)
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


def test_samsung_android10_capture_lower_case_lists_are_read_as_nothing_enabled():
    parsed = parse_dumpsys_accessibility(
        real_text("mvt-artifacts", "android_data", "dumpsys_accessibility.txt")
    )
    # ``enabled services: {`` with its (empty) list on the lines below: read, and known
    # to be empty, not "enabled services are unknown".
    assert parsed.enabled == ()
    assert parsed.warnings == ()
    assert parsed.installed == (
        "com.android.settings/com.samsung.android.settings.development.gpuwatch.GPUWatchInterceptor",
        "com.samsung.accessibility/.universalswitch.UniversalSwitchService",
        "com.samsung.accessibility/com.samsung.android.app.talkback.TalkBackService",
        "com.sec.android.app.camera/com.samsung.android.glview.AccessibilityGestureHandler",
    )


def test_samsung_multi_line_enabled_list_names_the_enabled_service():
    parsed = parse_dumpsys_accessibility(
        fixture_text("accessibility", "galaxy_s10_a10_enabled_list.txt")
    )
    (service,) = parsed.enabled
    assert service.component == "com.example.childwatch/com.example.childwatch.sync.KeyService"
    assert service.package == "com.example.childwatch"
    assert service.bound is True  # one bound service line for one enabled service
    assert len(parsed.installed) == 3
    assert parsed.warnings == ()


def test_android14_capture_one_line_enabled_list_is_read():
    parsed = parse_dumpsys_accessibility(
        real_text("mvt-artifacts", "android_data", "dumpsys_accessibility_v14_or_later.txt")
    )
    (service,) = parsed.enabled
    assert service.component == "com.malware.accessibility/com.malware.service.malwareservice"
    assert service.bound is True
    assert parsed.current_user == 0
    assert parsed.warnings == ()


def test_android14_capture_with_a_vendor_installed_list_and_nothing_bound():
    parsed = parse_dumpsys_accessibility(
        real_text("mvt-artifacts", "android_data", "dumpsys_accessibility_enabled.txt")
    )
    (service,) = parsed.enabled
    assert service.component == "com.samsung.accessibility/.universalswitch.UniversalSwitchService"
    assert service.bound is False  # ``Bound services:{}``
    assert len(parsed.installed) == 5
    assert parsed.warnings == ()


def test_entries_of_a_multi_line_list_in_every_form():
    assert entry_component("0 : a.b/.C  (A11yTool)") == "a.b/.C"
    assert entry_component("{a.b/a.b.C},") == "a.b/a.b.C"
    assert entry_component("a.b/.C") == "a.b/.C"
    assert entry_component("mIsBixbyRunning = false") is None


def test_unclosed_lower_case_list_ends_at_the_next_list():
    text = (
        "User state[attributes:{id=0, currentUser=true\n"
        "  enabled services: {\n"
        "    0 : a.b/.Spy\n"
        "  binding services: {\n"
        "    c.d/.Other\n"
        "  }\n"
    )
    parsed = parse_dumpsys_accessibility(text)
    assert [s.component for s in parsed.enabled] == ["a.b/.Spy"]
    assert parsed.warnings == ()


def test_line_in_a_lower_case_list_that_is_no_service_is_a_warning():
    text = "User state[\n  enabled services: {\n    what is this\n  }\n"
    parsed = parse_dumpsys_accessibility(text)
    assert parsed.enabled == ()
    (warning,) = parsed.warnings
    assert warning.message == "enabled service line not understood"
    assert warning.line == 3


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
