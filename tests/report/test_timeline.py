"""The timeline: phone-local times put in UTC with the phone's own zone, in order, with who
installed each app in plain words, and the phone's clock against this computer's."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scanner.commands import PHONE_CLOCK
from scanner.model import (
    AppTrace,
    CommandResult,
    Package,
    RawCapture,
    ScanResult,
    TraceKind,
)
from scanner.report.installer_words import describe_installer, installer_words
from scanner.report.timeline import (
    PhoneClock,
    build_timeline,
    clock_sentence,
    phone_clock,
    to_when,
)
from scanner.report.timeline_views import timeline_section
from tests.report.sample import (
    HOSTILE_LABEL,
    SPY_PACKAGE,
    STARTED,
    build_result,
    info_finding,
    stalkerware_finding,
)

LONDON = ZoneInfo("Europe/London")


def _result(
    *packages: Package, traces: tuple[AppTrace, ...] = (), zone: str = "Europe/London"
) -> ScanResult:
    base = build_result(findings=(stalkerware_finding(), info_finding()))
    snapshot = dataclasses.replace(
        base.snapshot,
        packages=packages,
        app_traces=traces,
        device=dataclasses.replace(base.snapshot.device, timezone=zone),
    )
    return dataclasses.replace(base, snapshot=snapshot)


def test_summer_time_on_the_phone_is_an_hour_ahead_of_utc() -> None:
    when = to_when(datetime(2026, 7, 1, 14, 30), LONDON)
    assert when.utc == datetime(2026, 7, 1, 13, 30)
    assert when.note == ""
    assert "2026-07-01 14:30 phone time (2026-07-01 13:30 UTC)" in when.text()


def test_an_hour_that_happens_twice_when_the_clocks_go_back_is_said_to_be_uncertain() -> None:
    when = to_when(datetime(2026, 10, 25, 1, 30), LONDON)
    assert "an hour out" in when.note


def test_without_the_phones_zone_utc_is_said_to_be_unknown_not_guessed() -> None:
    result = _result(
        Package(SPY_PACKAGE, label=HOSTILE_LABEL, first_install=datetime(2026, 7, 1, 14, 30)),
        zone="",
    )
    timeline = build_timeline(result)
    assert timeline.events[0].when is not None
    assert timeline.events[0].when.utc is None
    assert "UTC not known" in timeline.events[0].when.text()
    assert "cannot be put in UTC" in timeline.zone_text


def test_flagged_apps_and_removed_apps_are_in_time_order_and_info_findings_are_left_out() -> None:
    spy = Package(
        SPY_PACKAGE,
        label="System Service",
        first_install=datetime(2026, 11, 24, 23, 18),
        last_update=datetime(2026, 11, 26, 8, 0),
        installer="com.google.android.packageinstaller",
        originating_installer="com.android.chrome",
    )
    removed = AppTrace(
        "com.ispyoo",
        TraceKind.REMOVED,
        "dumpsys batterystats --daily",
        earliest=datetime(2026, 11, 24, 1, 9),
        latest=datetime(2026, 11, 25, 1, 13),
    )
    ordinary = AppTrace(
        "com.example.game", TraceKind.INSTALLED_OR_UPDATED, "x", datetime(2026, 1, 1)
    )
    timeline = build_timeline(_result(spy, traces=(removed, ordinary)))

    what = [(e.package, e.what.split(" (")[0]) for e in timeline.events]
    assert what == [
        ("com.ispyoo", "Removed"),
        (SPY_PACKAGE, "First installed"),
        (SPY_PACKAGE, "Last updated"),
    ]
    assert timeline.events[0].until is not None
    assert timeline.events[1].installer == (
        "from a file downloaded in Chrome, by someone using the phone"
    )
    assert timeline.events[1].when is not None
    assert timeline.events[1].when.utc == datetime(2026, 11, 24, 23, 18)  # GMT in November


@pytest.mark.parametrize(
    ("name", "via", "words"),
    [
        ("com.android.shell", None, "from a computer over a cable (USB debugging)"),
        ("com.google.android.packageinstaller", None, "from a file, by someone using the phone"),
        (
            "com.android.packageinstaller",
            "com.google.android.apps.nbu.files",
            "from a file opened in Files by Google, by someone using the phone",
        ),
        ("com.android.vending", None, "from the Google Play Store"),
        ("com.sec.android.app.samsungapps", None, "from the Samsung Galaxy Store"),
        ("org.mozilla.firefox", None, "from a file downloaded in the Firefox browser"),
        ("com.oplus.packageinstaller", None, "from a file, by someone using the phone"),
        (
            "com.huawei.browser",
            None,
            "from a file downloaded in a web browser (com.huawei.browser)",
        ),
        ("com.example.dropper", None, "by another app on the phone (com.example.dropper)"),
        (None, None, "not recorded by the phone"),
    ],
)
def test_installers_in_plain_words(name: str | None, via: str | None, words: str) -> None:
    assert describe_installer(name, via=via) == words


def test_the_app_that_asked_for_the_install_wins_over_the_name_it_claims() -> None:
    pkg = Package(
        "com.example.spy",
        installer="com.android.vending",
        installer_package_name="com.android.vending",
        initiating_installer="com.android.shell",
    )
    words = installer_words(pkg)
    assert words.startswith("from a computer over a cable (USB debugging)")
    assert "com.android.vending, a name the installing app can choose" in words


def test_an_app_that_came_with_the_phone_says_so() -> None:
    assert installer_words(Package("com.android.settings", system=True)) == (
        "came with the phone (part of the system)"
    )


def test_the_clock_offset_is_the_phone_minus_this_computer() -> None:
    computer = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    behind = PhoneClock(computer - timedelta(minutes=7, seconds=5), computer, 0.2)
    assert "the phone was 7 minutes, 5 seconds behind this computer" in clock_sentence(
        behind, live=True
    )
    ahead = PhoneClock(computer + timedelta(days=2, hours=1), computer, 0.2)
    assert "2 days, 1 hour ahead of" in clock_sentence(ahead, live=True)
    same = PhoneClock(computer, computer, 0.2)
    assert "the two agree" in clock_sentence(same, live=True)


def test_the_clock_reading_is_set_against_the_scans_start() -> None:
    base = _result()
    reading = STARTED.replace(microsecond=0) - timedelta(hours=1)
    capture = RawCapture(
        (CommandResult(PHONE_CLOCK, b"x", duration_s=0.5), *base.capture.results),
        transport="usb",
    )
    result = dataclasses.replace(
        base,
        capture=capture,
        snapshot=dataclasses.replace(base.snapshot, phone_clock=reading),
    )
    clock = phone_clock(result)
    assert clock is not None
    assert clock.computer_utc == STARTED + timedelta(seconds=0.25)
    assert -3601 < clock.offset.total_seconds() < -3599
    assert "1 hour behind" in build_timeline(result).clock


def test_a_copy_made_earlier_has_no_clock_comparison() -> None:
    result = _result()
    offline = dataclasses.replace(
        result,
        capture=dataclasses.replace(result.capture, transport="bugreport"),
        snapshot=dataclasses.replace(result.snapshot, phone_clock=datetime(2026, 1, 1, tzinfo=UTC)),
    )
    assert phone_clock(offline) is None
    assert "could not be compared" in build_timeline(offline).clock


def test_the_html_timeline_escapes_an_app_label() -> None:
    spy = Package(SPY_PACKAGE, label=HOSTILE_LABEL, first_install=datetime(2026, 7, 1, 14, 30))
    page = timeline_section(_result(spy))
    assert "&lt;script&gt;" in page
    assert "<script>" not in page
    assert "2026-07-01 13:30" in page
