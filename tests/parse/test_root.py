"""Root indicators from which su, packages and properties."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.parse.getprop import parse_getprop
from scanner.parse.root import parse_which_su, root_indicators
from tests.parse.helpers import real_text


def test_su_path_is_read():
    assert parse_which_su("/system/xbin/su\n").paths == ("/system/xbin/su",)


def test_nothing_printed_means_no_su():
    parsed = parse_which_su("")
    assert parsed.paths == () and parsed.warnings == ()


def test_not_found_text_means_no_su_without_warning():
    parsed = parse_which_su("which: su: not found\n")
    assert parsed.paths == () and parsed.warnings == ()


def test_unexpected_text_is_warned():
    assert parse_which_su("permission denied?\n").warnings


def test_magisk_test_keys_and_ro_secure_off_are_root_signs():
    root = root_indicators(
        (),
        ["com.topjohnwu.magisk", "com.example.app"],
        {"ro.build.tags": "dev-keys,test-keys", "ro.debuggable": "1", "ro.secure": "0"},
    )
    assert root.root_packages == ("com.topjohnwu.magisk",)
    assert root.test_keys and root.debuggable_build and root.ro_secure_off
    assert root.rooted


def test_ai_pin_release_build_is_not_rooted():
    props = parse_getprop(real_text("penumbraos-ai-pin-android12", "getprop.txt")).props
    root = root_indicators((), [], props)
    assert not root.rooted
    assert not root.test_keys


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text):
    parse_which_su(text)
