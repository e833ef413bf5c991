"""dumpsys appops: Android 14 fixture (named modes) and Android 9 (numeric modes)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.model import AppOp
from scanner.parse.appops import MAX_ENTRIES, parse_dumpsys_appops, parse_op_line, uid_from_text
from tests.parse.helpers import fixture_text


def test_android14_special_accesses_are_kept_and_history_is_skipped():
    parsed = parse_dumpsys_appops(fixture_text("appops", "pixel8_a14.txt"))
    tracker = {(o.op, o.mode) for o in parsed.ops if o.package == "com.example.tracker"}
    assert ("SYSTEM_ALERT_WINDOW", "allow") in tracker
    assert ("GET_USAGE_STATS", "allow") in tracker
    assert ("ACCESS_RESTRICTED_SETTINGS", "allow") in tracker
    assert ("COARSE_LOCATION", "allow") not in tracker  # ordinary op, default mode
    assert all(o.uid == 10231 for o in parsed.ops if o.package == "com.example.tracker")
    assert parsed.warnings == ()


def test_uid_wide_mode_applies_to_the_uid_packages():
    parsed = parse_dumpsys_appops(fixture_text("appops", "pixel8_a14.txt"))
    assert AppOp("com.example.bankapp", "SYSTEM_ALERT_WINDOW", "ignore", 10244) in parsed.ops


def test_android9_numeric_modes_are_named():
    parsed = parse_dumpsys_appops(fixture_text("appops", "a9_numeric_modes.txt"))
    assert AppOp("com.example.oldspy", "SYSTEM_ALERT_WINDOW", "allow", 10088) in parsed.ops
    assert AppOp("com.example.oldspy", "RUN_IN_BACKGROUND", "ignore", 10088) in parsed.ops


def test_op_line_shapes():
    assert parse_op_line("FINE_LOCATION (allow / switch COARSE_LOCATION=allow): ") == (
        "FINE_LOCATION",
        "allow",
    )
    assert parse_op_line("WAKE_LOCK: mode=0; time=+1m ago") == ("WAKE_LOCK", "allow")
    assert parse_op_line("null=[") is None


def test_uid_text_forms():
    assert uid_from_text("u0a103") == 10103
    assert uid_from_text("1000") == 1000
    assert uid_from_text("u10a5") == 1010005
    assert uid_from_text("u0i3") == 99003
    assert uid_from_text("nonsense") is None


def test_entry_count_is_bounded_with_a_warning():
    body = "".join(
        f"  Uid u0a{i}:\n    Package p{i}:\n      SYSTEM_ALERT_WINDOW (allow):\n"
        for i in range(MAX_ENTRIES + 10)
    )
    parsed = parse_dumpsys_appops(body)
    assert len(parsed.ops) == MAX_ENTRIES
    assert any("10 more app-op entries" in w.message for w in parsed.warnings)


def test_unreadable_op_line_is_warned():
    parsed = parse_dumpsys_appops("  Uid 1000:\n    Package a:\n      what is this\n")
    assert parsed.warnings[0].line == 3


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text):
    parse_dumpsys_appops(text)
    parse_dumpsys_appops("  Uid u0a1:\n    Package a:\n" + text)
