"""Daily battery records: real full dumps, and the ``--daily`` layout of Android 9-16."""

from __future__ import annotations

import tracemalloc
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.commands import BATTERYSTATS_DAILY
from scanner.model import TraceKind
from scanner.parse.battery_daily import MAX_CHANGES, parse_batterystats_daily, parse_day_time
from tests.parse.helpers import real_text


def _service_block(dump: str, service: str) -> str:
    start = dump.index(f"DUMP OF SERVICE {service}:\n")
    end = dump.find("\n---------", start)
    return dump[start:end]


def test_real_full_dump_keeps_each_change_once_with_its_day():
    parsed = parse_batterystats_daily(
        real_text("mvt-artifacts", "android_data", "dumpsys_battery.txt")
    )
    assert parsed.warnings == ()
    assert parsed.days == 2  # today's record and one earlier day
    assert [(c.package, c.detail) for c in parsed.changes] == [
        ("com.facebook.services", "Update com.facebook.services vers=385230290"),
        ("com.facebook.katana", "Update com.facebook.katana vers=315814651"),
        ("com.facebook.system", "Update com.facebook.system vers=385230279"),
    ]
    day = (datetime(2022, 8, 16, 15, 56, 39), datetime(2022, 8, 17, 1, 15, 45))
    assert {(c.earliest, c.latest) for c in parsed.changes} == {day}
    assert {c.kind for c in parsed.changes} == {TraceKind.INSTALLED_OR_UPDATED}
    assert {c.source for c in parsed.changes} == {BATTERYSTATS_DAILY}


def test_real_androidqf_block_is_read_after_its_battery_history():
    dump = real_text("mvt-artifacts", "androidqf", "dumpsys.txt")
    parsed = parse_batterystats_daily(_service_block(dump, "batterystats"))
    assert [c.package for c in parsed.changes] == [
        "com.google.android.gm",
        "org.mozilla.firefox",
        "com.google.android.projection.gearhead",
    ]
    assert parsed.changes[0].earliest == datetime(2023, 7, 26, 3, 2, 2)


# BatteryStats.dumpLocked with DUMP_DAILY_ONLY (Android 9-16): a blank line before each day,
# today's changes under the current steps, "Uninstall" for a removal.
DAILY = """Daily stats:
  Current start time: 2026-11-28-01-11-23
  Next min deadline: 2026-11-29-01-00-00
  Next max deadline: 2026-11-29-03-00-00
  Current daily discharge step durations:
    #0: +1h57m4s589ms to 90 (screen-off, power-save-off, device-idle-on)
      Discharge total time: 4d 16h 3m 23s 533ms  (from 1 steps)
    Package changes:
      Update com.example.today vers=7

  Daily from 2026-11-24-01-09-34 to 2026-11-25-01-13-39:
    Discharge step durations:
      #0: +56m15s453ms to 95 (screen-off, power-save-off, device-idle-on)
        Discharge total time: 3d 5h 41m 17s 300ms  (from 1 steps)
    Package changes:
      Uninstall com.ispyoo
      Update com.systemservice vers=218

  Daily from 2026-11-19-01-13-02 to 2026-11-20-01-18-41:
    Charge step durations:
      #0: +5m45s118ms to 100 (screen-off, power-save-off, device-idle-off)
    Package changes:
      Update com.ispyoo vers=28
      Update com.ispyoo vers=28
"""


def test_daily_layout_gives_installs_removals_and_today():
    parsed = parse_batterystats_daily(DAILY)
    assert parsed.warnings == ()
    assert parsed.days == 3
    day_24 = (datetime(2026, 11, 24, 1, 9, 34), datetime(2026, 11, 25, 1, 13, 39))
    day_19 = (datetime(2026, 11, 19, 1, 13, 2), datetime(2026, 11, 20, 1, 18, 41))
    today = (datetime(2026, 11, 28, 1, 11, 23), None)
    got = [(c.package, c.kind, (c.earliest, c.latest)) for c in parsed.changes]
    assert got == [
        ("com.example.today", TraceKind.INSTALLED_OR_UPDATED, today),
        ("com.ispyoo", TraceKind.REMOVED, day_24),
        ("com.systemservice", TraceKind.INSTALLED_OR_UPDATED, day_24),
        ("com.ispyoo", TraceKind.INSTALLED_OR_UPDATED, day_19),
    ]


def test_full_dump_history_before_and_statistics_after_are_not_read():
    history = "Battery History (1% used):\n  +1s (2) 100 Update com.history.only vers=1\n\n"
    after = "\nStatistics since last charge:\n  Update com.after.only vers=2\n"
    parsed = parse_batterystats_daily(history + DAILY + after)
    packages = {c.package for c in parsed.changes}
    assert "com.history.only" not in packages and "com.after.only" not in packages
    assert "com.ispyoo" in packages


def test_a_phone_without_the_option_is_said_plainly():
    help_text = (
        "Unknown option: --daily\nBattery stats (batterystats) dump options:\n"
        "  [--checkin] [--proto] [--history] [--history-start] [--charged] [-c]\n"
    )
    parsed = parse_batterystats_daily(help_text)
    assert parsed.changes == ()
    assert [w.not_understood for w in parsed.warnings] == [False]
    assert "does not give its daily battery records" in parsed.warnings[0].message


def test_empty_and_unknown_outputs_are_warned_differently():
    assert [w.not_understood for w in parse_batterystats_daily("").warnings] == [False]
    assert [w.not_understood for w in parse_batterystats_daily("nonsense\n").warnings] == [True]


def test_unreadable_change_lines_are_warned_with_their_line():
    text = DAILY.replace("Uninstall com.ispyoo", "Uninstall com.ispyoo extra words")
    parsed = parse_batterystats_daily(text)
    bad = [n for n, line in enumerate(text.splitlines(), 1) if "extra words" in line]
    assert [w.line for w in parsed.warnings] == bad
    assert TraceKind.REMOVED not in {c.kind for c in parsed.changes}


def test_day_times_are_strict():
    assert parse_day_time("2026-11-24-01-09-34") == datetime(2026, 11, 24, 1, 9, 34)
    assert parse_day_time("2026-13-24-01-09-34") is None
    assert parse_day_time("2026-11-24 01:09:34") is None


def test_changes_are_bounded_and_memory_stays_small():
    history = "Battery History:\n" + '  +1s (2) 100 +job=u0a1:"x"\n' * 500_000
    changes = "".join(f"      Update com.app{i}.x vers={i}\n" for i in range(MAX_CHANGES + 50_000))
    text = history + DAILY + "\n  Daily from 2026-11-01-01-00-00 to 2026-11-02-01-00-00:\n"
    text += "    Package changes:\n" + changes
    tracemalloc.start()
    try:
        parsed = parse_batterystats_daily(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(text) > 15_000_000
    assert len(parsed.changes) == MAX_CHANGES
    assert any("more package changes were not kept" in w.message for w in parsed.warnings)
    assert peak < 16 * 1024 * 1024  # the kept changes, not the text


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text):
    parse_batterystats_daily(text)
    parse_batterystats_daily(DAILY.replace("Uninstall com.ispyoo", text))
