"""dumpsys appops read for the apps it names: real captures and Android 9-16 layouts."""

from __future__ import annotations

import tracemalloc
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.model import AppOp
from scanner.parse.appops_traces import (
    MAX_PACKAGES,
    parse_appops_and_traces,
    parse_appops_traces,
)
from tests.parse.helpers import fixture_text, real_text


def test_real_capture_names_every_package_with_uid_and_last_access():
    parsed = parse_appops_traces(real_text("mvt-artifacts", "android_data", "dumpsys_appops.txt"))
    assert parsed.warnings == ()
    named = {t.package: t for t in parsed.named}
    assert len(named) == 13
    assert named["com.facebook.katana"].latest == datetime(2022, 3, 29, 23, 3, 3)
    assert "uid 10103" in named["com.facebook.katana"].detail
    assert named["org.mozilla.firefox"].latest is None  # no access recorded
    assert "uid 1000" in named["com.sec.factory.camera"].detail


def test_android14_fixture_names_its_packages():
    parsed = parse_appops_traces(fixture_text("appops", "pixel8_a14.txt"))
    assert "com.example.tracker" in {t.package for t in parsed.named}


def test_android9_relative_times_are_left_out():
    parsed = parse_appops_traces(fixture_text("appops", "a9_numeric_modes.txt"))
    oldspy = [t for t in parsed.named if t.package == "com.example.oldspy"]
    assert oldspy and oldspy[0].latest is None


def test_both_readings_come_from_one_output_with_every_warning():
    text = "  Uid u0a88:\n    Package com.example.oldspy:\n      SYSTEM_ALERT_WINDOW (allow):\n"
    both = parse_appops_and_traces(text + "      ??? what\n")
    assert AppOp("com.example.oldspy", "SYSTEM_ALERT_WINDOW", "allow", 10088) in both.ops.ops
    assert [t.package for t in both.traces.named] == ["com.example.oldspy"]
    assert both.warnings == both.ops.warnings + both.traces.warnings
    assert both.warnings  # the unreadable op line


def test_packages_are_bounded_and_memory_stays_small():
    block = (
        "  Uid u0a{i}:\n    Package com.app{i}.x:\n      FINE_LOCATION (allow):\n"
        "          Access: [top-s] 2024-01-01 10:00:{s:02d}.000 (-1d) duration=+1s\n"
    )
    text = "".join(block.format(i=i, s=i % 60) for i in range(MAX_PACKAGES + 60_000))
    tracemalloc.start()
    try:
        parsed = parse_appops_traces(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(text) > 8_000_000
    assert len(parsed.named) == MAX_PACKAGES
    assert any("more packages were not kept" in w.message for w in parsed.warnings)
    assert peak < 16 * 1024 * 1024


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text):
    parse_appops_traces(text)
    parse_appops_traces("  Uid u0a1:\n    Package a.b:\n" + text)
