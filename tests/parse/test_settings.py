"""settings list global/secure: real Ai Pin captures and an Android 14 fixture."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.parse.settings import (
    colon_list,
    notification_listeners,
    parse_settings_list,
    safety_settings,
)
from tests.parse.helpers import fixture_text, real_text


def test_ai_pin_settings_map_to_safety_settings():
    glob = parse_settings_list(real_text("penumbraos-ai-pin-android12", "settings_list_global.txt"))
    sec = parse_settings_list(
        real_text("penumbraos-ai-pin-android12", "settings_list_secure.txt"), "secure"
    )
    assert glob.warnings == () and sec.warnings == ()
    result = safety_settings(glob.values, sec.values)
    assert result.adb_enabled is True
    assert result.adb_wifi_enabled is False
    assert result.unknown_sources is True  # install_non_market_apps=1 in secure
    assert result.package_verifier is True  # absent: Android's default
    assert result.location_mode == 3
    assert result.http_proxy == ""
    assert result.enabled_accessibility_services == ()
    assert dict(result.raw_global)["device_name"] == "Ai Pin"


def test_android14_proxy_dns_verifier_and_listeners():
    glob = parse_settings_list(fixture_text("settings", "pixel8_a14_global.txt"))
    sec = parse_settings_list(fixture_text("settings", "pixel8_a14_secure.txt"), "secure")
    result = safety_settings(glob.values, sec.values)
    assert result.package_verifier is False
    assert result.verify_adb_installs is False
    assert result.development_settings is True
    assert result.http_proxy == "10.0.0.5:8080"
    assert result.private_dns_mode == "hostname"
    assert result.private_dns_host == "dns.example.net"
    listeners = notification_listeners(result)
    assert [n.package for n in listeners] == [
        "com.google.android.projection.gearhead",
        "com.example.tracker",
    ]
    assert result.enabled_accessibility_services[0].startswith("com.example.tracker/")


def test_proxy_from_host_and_port_when_http_proxy_is_cleared():
    glob = (
        ("http_proxy", ":0"),
        ("global_http_proxy_host", "h"),
        ("global_http_proxy_port", "3128"),
    )
    assert safety_settings(glob, ()).http_proxy == "h:3128"


def test_namespace_not_read_leaves_values_unknown():
    result = safety_settings(None, None)
    assert result.package_verifier is None
    assert result.adb_enabled is None


def test_values_containing_equals_and_null_are_handled():
    parsed = parse_settings_list("a=b=c\nnull_value=null\n")
    assert parsed.values == (("a", "b=c"), ("null_value", "null"))
    assert safety_settings((("adb_enabled", "null"),), ()).adb_enabled is None


def test_value_with_newline_continues_previous_entry():
    parsed = parse_settings_list("k=first\nsecond line\nz=1\n")
    assert parsed.values == (("k", "first\nsecond line"), ("z", "1"))


def test_garbage_first_line_is_a_warning():
    parsed = parse_settings_list("no equals sign here\n")
    assert parsed.values == ()
    assert parsed.warnings


def test_colon_list_drops_empty_entries():
    assert colon_list("a/.B::c/d.E:") == ("a/.B", "c/d.E")


@settings(max_examples=200, deadline=None)
@given(st.text(), st.text())
def test_arbitrary_text_never_raises(global_text, secure_text):
    g = parse_settings_list(global_text)
    s = parse_settings_list(secure_text, "secure")
    notification_listeners(safety_settings(g.values, s.values))
