"""getprop: real captures (Android 11, 12, 15) and an Android 14 fixture."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.parse.getprop import device_info, parse_getprop
from tests.parse.helpers import fixture_text, real_text


def test_ai_pin_device_info_is_read():
    parsed = parse_getprop(real_text("penumbraos-ai-pin-android12", "getprop.txt"))
    info = device_info(parsed.props, "serial-1")
    assert info.manufacturer == "Humane"
    assert info.model == "Ai Pin"
    assert info.android_version == "12"
    assert info.sdk == 32
    assert info.security_patch == "2023-04-01"
    assert info.build_tags == "release-keys"
    assert info.debuggable is False
    assert info.timezone == "America/Los_Angeles"
    # The phone's own serial wins over the connection's name for it.
    assert info.serial == parsed.props["ro.serialno"] != "serial-1"
    assert parsed.warnings == ()


def test_multi_line_boot_reason_value_is_kept_whole():
    parsed = parse_getprop(real_text("penumbraos-ai-pin-android12", "getprop.txt"))
    history = parsed.props["persist.sys.boot.reason.history"]
    assert history.splitlines() == [
        "reboot,shell,1741390745",
        "reboot,shell,1741390333",
        "shutdown,battery,1741380409",
    ]


def test_android15_and_android11_captures_parse_without_warnings():
    for name, release in (
        ("xiaomi-poco-f6-android15.txt", "15"),
        ("oneplus-nord-n10-android11.txt", "11"),
    ):
        parsed = parse_getprop(real_text("getprop", name))
        assert parsed.warnings == (), name
        info = device_info(parsed.props)
        assert info.android_version == release, name
        assert info.manufacturer, name
        assert info.fingerprint, name


def test_empty_generic_manufacturer_falls_back_to_vendor_copy():
    parsed = parse_getprop(fixture_text("getprop", "pixel8_a14.txt"))
    info = device_info(parsed.props)
    assert info.manufacturer == "Google"
    assert info.model == "Pixel 8"
    assert info.sdk == 34


def test_value_left_open_before_next_property_is_reported():
    parsed = parse_getprop("[a]: [one\n[b]: [two]\n")
    assert parsed.props["b"] == "two"
    assert "a" not in parsed.props
    assert parsed.warnings[0].message == "property value never closed"


def test_value_left_open_at_end_is_reported():
    parsed = parse_getprop("[a]: [x]\n[b]: [never closed")
    assert parsed.props == {"a": "x"}
    assert "never closed" in parsed.warnings[0].message


def test_garbage_lines_are_warned_not_fatal():
    parsed = parse_getprop("[ok]: [1]\nthis is not getprop\n")
    assert parsed.props["ok"] == "1"
    assert parsed.warnings[0].line == 2


def test_sdk_that_is_not_a_number_is_none():
    assert device_info({"ro.build.version.sdk": "3²"}).sdk is None


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text):
    parsed = parse_getprop(text)
    device_info(parsed.props)


def test_without_a_serial_property_the_connection_serial_is_kept() -> None:
    assert device_info({"ro.product.model": "Pixel 7"}, "USB123").serial == "USB123"
    assert device_info({"ro.boot.serialno": "ABC"}, "USB123").serial == "ABC"
