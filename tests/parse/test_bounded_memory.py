"""Every parser stays bounded in memory, with bounded warnings, on hostile output.

Each parser gets one 8 MB output mixing every shape that once hurt a parser (see
``tests/fuzz/targets.py``): blank lines (64 MB of them once took the launcher parser
39 s and 7.2 GB), one giant line, hundreds of thousands of tiny lines, and the parser's
own header or entry repeated until the output is full. Peak memory is measured with
``tracemalloc`` around the parse alone (the text is decoded before), and must stay
under ``MAX_PEAK_RATIO`` times the size of the text. No timing is asserted: speed is
``bench/``'s business and the fuzz campaign's ``--scaling`` run.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable

from scanner.parse import (
    parse_dumpsys_accessibility,
    parse_dumpsys_account,
    parse_dumpsys_appops,
    parse_dumpsys_device_policy,
    parse_dumpsys_package,
    parse_getprop,
    parse_launcher_activities,
    parse_settings_list,
    parse_which_su,
)
from scanner.parse.common import MAX_LINE_WARNINGS
from tests.fuzz.targets import hostile_mix

SIZE = 8 * 1024 * 1024

MAX_PEAK_RATIO = 1.5
"""Peak memory of one parse, as a multiple of the text's size. Measured: 0.55-0.9. A
parser that holds a list of every line needs 8 or more (blank lines) and up to 100."""

MAX_WARNINGS = MAX_LINE_WARNINGS + 8
"""Line warnings are capped per source; the rest are summaries (one per limit hit)."""


def parse_bounded(target: str, parse: Callable[[str], object]) -> object:
    """Parse the hostile mix for ``target``; assert the peak and the warning count."""
    text = hostile_mix(target, SIZE).decode("utf-8")
    tracemalloc.start()
    try:
        parsed = parse(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MAX_PEAK_RATIO * len(text), f"peak {peak / len(text):.2f} x the input"
    warnings = getattr(parsed, "warnings", ())
    assert 0 < len(warnings) <= MAX_WARNINGS or target == "dumpsys account"
    return parsed


def test_getprop_parser_stays_bounded_on_hostile_output():
    parsed = parse_bounded("getprop", parse_getprop)
    assert len(parsed.props) <= 1  # every value was left open: nothing complete to keep


def test_package_parser_stays_bounded_on_hostile_output():
    parsed = parse_bounded("dumpsys package", parse_dumpsys_package)
    assert 0 < len(parsed.records) <= 10_000
    assert any("more apps were not read" in w.message for w in parsed.warnings)


def test_launcher_parser_stays_bounded_on_hostile_output():
    parsed = parse_bounded("launcher activities", parse_launcher_activities)
    assert parsed.packages == frozenset({"com.example.a"})
    assert any("launcher activities were not read" in w.message for w in parsed.warnings)


def test_accessibility_parser_stays_bounded_on_hostile_output():
    parsed = parse_bounded("dumpsys accessibility", parse_dumpsys_accessibility)
    assert len(parsed.enabled) == 1
    assert any("user blocks were not read" in w.message for w in parsed.warnings)


def test_device_policy_parser_stays_bounded_on_hostile_output():
    parsed = parse_bounded("dumpsys device_policy", parse_dumpsys_device_policy)
    assert len(parsed.admins) <= 1000
    assert any("admins or policies were not read" in w.message for w in parsed.warnings)


def test_account_parser_stays_bounded_on_hostile_output():
    parsed = parse_bounded("dumpsys account", parse_dumpsys_account)
    assert len(parsed.accounts) == 1  # the same account, listed again and again


def test_appops_parser_stays_bounded_on_hostile_output():
    parsed = parse_bounded("dumpsys appops", parse_dumpsys_appops)
    assert len(parsed.ops) <= 5000
    assert any("app-op entries were not kept" in w.message for w in parsed.warnings)


def test_settings_parser_stays_bounded_on_hostile_output():
    parsed = parse_bounded("settings list", parse_settings_list)
    assert len(parsed.values) <= 20_000
    assert any("more settings were not read" in w.message for w in parsed.warnings)


def test_which_su_parser_stays_bounded_on_hostile_output():
    parsed = parse_bounded("which su", parse_which_su)
    assert parsed.paths == ("/system/xbin/su",)
    assert any("more paths were not read" in w.message for w in parsed.warnings)
