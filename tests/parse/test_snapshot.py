"""build_snapshot: real Ai Pin captures, an Android 14 fixture phone, and garbage."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.commands import (
    BATTERYSTATS_DAILY,
    DUMPSYS_ACCESSIBILITY,
    DUMPSYS_ACCOUNT,
    DUMPSYS_ADB,
    DUMPSYS_APPOPS,
    DUMPSYS_DBINFO,
    DUMPSYS_DEVICE_POLICY,
    DUMPSYS_PACKAGE,
    GETPROP,
    LAUNCHER_ACTIVITIES,
    SETTINGS_GLOBAL,
    SETTINGS_SECURE,
    WHICH_SU,
)
from scanner.model import CommandResult, RawCapture
from scanner.parse.snapshot import NOT_TEXT, build_snapshot
from scanner.sources import SCAN_COMMANDS
from tests.conftest import shared_path
from tests.parse.helpers import FIXTURES

AI_PIN_FILES = {
    GETPROP: "getprop.txt",
    DUMPSYS_PACKAGE: "dumpsys_package.txt",
    SETTINGS_GLOBAL: "settings_list_global.txt",
    SETTINGS_SECURE: "settings_list_secure.txt",
}


def ai_pin_capture() -> RawCapture:
    folder = shared_path("device-outputs", "penumbraos-ai-pin-android12")
    results = []
    for command in SCAN_COMMANDS:
        if command in AI_PIN_FILES:
            results.append(CommandResult(command, (folder / AI_PIN_FILES[command]).read_bytes()))
        else:
            results.append(CommandResult(command, None, error="not captured on this phone"))
    return RawCapture(tuple(results), serial="AIPIN", transport="capture")


def fixture_capture() -> RawCapture:
    files = {
        GETPROP: "getprop/pixel8_a14.txt",
        DUMPSYS_PACKAGE: "dumpsys_package/pixel8_a14.txt",
        LAUNCHER_ACTIVITIES: "launcher/pixel8_a14.txt",
        DUMPSYS_ACCESSIBILITY: "accessibility/pixel8_a14.txt",
        DUMPSYS_DEVICE_POLICY: "device_policy/pixel8_a14_device_owner.txt",
        DUMPSYS_ACCOUNT: "account/pixel8_a14.txt",
        DUMPSYS_APPOPS: "appops/pixel8_a14.txt",
        SETTINGS_GLOBAL: "settings/pixel8_a14_global.txt",
        SETTINGS_SECURE: "settings/pixel8_a14_secure.txt",
    }
    results = [
        CommandResult(c, (FIXTURES / files[c]).read_bytes() if c in files else b"")
        for c in SCAN_COMMANDS
    ]
    return RawCapture(tuple(results), serial="PIXEL8")


def test_ai_pin_capture_gives_every_package_and_names_missing_commands():
    snap = build_snapshot(ai_pin_capture())
    assert len(snap.packages) == 172
    assert snap.device.model == "Ai Pin"
    # The phone's own serial (ro.serialno) names it, not the name given to the capture.
    assert snap.device.serial not in ("", "AIPIN")
    assert snap.settings.adb_enabled is True
    missing = {w.source for w in snap.warnings if "not captured on this phone" in w.message}
    assert missing == set(SCAN_COMMANDS) - set(AI_PIN_FILES)
    assert set(snap.sources_read) == set(AI_PIN_FILES)


def test_ai_pin_packages_have_unknown_launcher_state_and_system_flags():
    snap = build_snapshot(ai_pin_capture())
    qcolor = snap.package("com.qualcomm.qti.qcolor")
    assert qcolor is not None
    assert qcolor.has_launcher is None  # the launcher query did not run
    assert qcolor.system and qcolor.enabled and qcolor.installed
    assert qcolor.apk_path == "/system_ext/app/QColor"
    assert "android.permission.CONTROL_DISPLAY_COLOR_TRANSFORMS" in qcolor.granted()


def test_android14_phone_merges_every_source_into_packages():
    snap = build_snapshot(fixture_capture())
    tracker = snap.package("com.example.tracker")
    assert tracker is not None
    assert tracker.has_launcher is True
    assert tracker.installer == "com.google.android.packageinstaller"
    assert tracker.first_install is not None and tracker.first_install.year == 2024
    assert {"android.permission.READ_SMS", "android.permission.INTERNET"} <= tracker.granted()
    assert any(p.runtime for p in tracker.permissions)
    chrome = snap.package("com.android.chrome")
    assert chrome.updated_system and chrome.apk_path.startswith("/data/app/")
    assert snap.package("com.android.printspooler").enabled is False
    assert snap.package("com.android.printspooler").has_launcher is False
    assert snap.package("com.example.game").installed is False
    assert len(snap.packages) == 5


def test_android14_phone_other_sections_are_filled():
    snap = build_snapshot(fixture_capture())
    assert [a.package for a in snap.accessibility] == ["com.example.tracker"]
    assert snap.device_admins[0].role == "device_owner"
    assert len(snap.accounts) == 4
    assert any(o.op == "SYSTEM_ALERT_WINDOW" for o in snap.appops)
    assert [n.package for n in snap.notification_listeners][-1] == "com.example.tracker"
    assert snap.device.manufacturer == "Google"
    assert snap.root.su_paths == () and not snap.root.rooted
    assert set(snap.sources_read) == set(SCAN_COMMANDS)


def test_accessibility_from_settings_when_dumpsys_failed():
    capture = fixture_capture()
    results = tuple(
        CommandResult(r.command, None, error="timed out")
        if r.command == DUMPSYS_ACCESSIBILITY
        else r
        for r in capture.results
    )
    snap = build_snapshot(RawCapture(results))
    (service,) = snap.accessibility
    assert service.package == "com.example.tracker" and service.bound is None
    assert any(
        w.source == DUMPSYS_ACCESSIBILITY and "timed out" in w.message for w in snap.warnings
    )


def test_truncated_output_and_unknown_command_are_warned():
    results = (
        CommandResult(WHICH_SU, b"/sbin/su\n", truncated=True),
        CommandResult("ls /", b"x"),
    )
    snap = build_snapshot(RawCapture(results))
    assert snap.root.su_paths == ("/sbin/su",)
    messages = {(w.source, w.message) for w in snap.warnings}
    assert (WHICH_SU, f"the output of '{WHICH_SU}' was cut at the size limit") in messages
    assert ("ls /", "output of a command not in the scan batch") in messages
    not_run = {w.source for w in snap.warnings if "was not run" in w.message}
    assert not_run == set(SCAN_COMMANDS) - {WHICH_SU}


def _with_package_dump(capture: RawCapture, result: CommandResult) -> RawCapture:
    return RawCapture(tuple(result if r.command == DUMPSYS_PACKAGE else r for r in capture.results))


def test_app_the_cut_ran_through_is_kept_by_id_only_with_a_warning():
    full = next(r for r in fixture_capture().results if r.command == DUMPSYS_PACKAGE)
    assert full.output is not None
    # Cut inside com.example.game: its installer and permission lines never arrived.
    end = full.output.index(b"  Package [com.example.game]") + 60
    cut = CommandResult(
        DUMPSYS_PACKAGE,
        full.output[:end],
        error="The connection to the phone was lost.",
        truncated=True,
    )
    snap = build_snapshot(_with_package_dump(fixture_capture(), cut))
    names = {p.package for p in snap.packages}
    assert {"com.example.tracker", "com.android.chrome", "com.example.bankapp"} <= names
    game = snap.package("com.example.game")
    # Only its id is kept: what was read of it may be cut mid-line, so nothing else is.
    assert game is not None and game.partial
    assert game.apk_path is None and game.installer is None and game.permissions == ()
    assert not any(p.partial for p in snap.packages if p is not game)
    messages = [w.message for w in snap.warnings if w.source == DUMPSYS_PACKAGE]
    assert any(
        "'com.example.game', so only its name was read (details cut short)" in m for m in messages
    )
    assert any(
        m.startswith(f"only part of the output of '{DUMPSYS_PACKAGE}' arrived: The connection")
        for m in messages
    )


def test_a_complete_package_dump_keeps_its_last_app():
    snap = build_snapshot(fixture_capture())
    assert "com.android.printspooler" in {p.package for p in snap.packages}
    assert not any(p.partial for p in snap.packages)
    assert not any("cut short" in w.message for w in snap.warnings)


def test_non_utf8_output_is_decoded_and_flagged():
    capture = RawCapture((CommandResult(GETPROP, b"[ro.product.model]: [Pix\xffel]\n"),))
    snap = build_snapshot(capture)
    assert snap.device.model == "Pix\ufffdel"
    assert any("not text" in w.message for w in snap.warnings)


def test_empty_capture_gives_empty_snapshot_with_a_warning_per_command():
    snap = build_snapshot(RawCapture(()))
    assert snap.packages == ()
    assert len(snap.warnings) == len(SCAN_COMMANDS)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=300), min_size=len(SCAN_COMMANDS), max_size=len(SCAN_COMMANDS)))
def test_arbitrary_bytes_for_every_command_never_raise(outputs):
    capture = RawCapture(
        tuple(CommandResult(c, o) for c, o in zip(SCAN_COMMANDS, outputs, strict=True))
    )
    snap = build_snapshot(capture)
    assert snap.device is not None


def test_samsung_package_dump_reads_as_complete_in_the_snapshot():
    dump = shared_path("device-outputs", "mvt-artifacts", "android_data", "dumpsys_packages.txt")
    snap = build_snapshot(RawCapture((CommandResult(DUMPSYS_PACKAGE, dump.read_bytes()),)))
    assert {p.package for p in snap.packages} == {
        "com.samsung.android.provider.filterprovider",
        "com.sec.android.app.DataCreate",
    }
    assert not any(p.partial for p in snap.packages)
    assert [w for w in snap.warnings if w.source == DUMPSYS_PACKAGE] == []
    assert DUMPSYS_PACKAGE in snap.sources_read


def _mvt(name: str) -> bytes:
    return shared_path("device-outputs", "mvt-artifacts", "android_data", name).read_bytes()


def trace_capture() -> RawCapture:
    """The real MVT captures for the trace commands."""
    real = {
        DUMPSYS_ADB: _mvt("dumpsys_adb.txt"),
        BATTERYSTATS_DAILY: _mvt("dumpsys_battery.txt"),
        DUMPSYS_DBINFO: _mvt("dumpsys_dbinfo.txt"),
        DUMPSYS_APPOPS: _mvt("dumpsys_appops.txt"),
    }
    return RawCapture(tuple(CommandResult(c, o) for c, o in real.items()))


def test_real_trace_outputs_fill_the_snapshot_and_the_binary_keystore_is_no_problem():
    snap = build_snapshot(trace_capture())
    assert [c.comment for c in snap.trusted_computers] == ["user@linux"]
    sources = {t.source for t in snap.app_traces}
    assert sources == {BATTERYSTATS_DAILY, DUMPSYS_DBINFO, DUMPSYS_APPOPS}
    assert {DUMPSYS_ADB, BATTERYSTATS_DAILY, DUMPSYS_DBINFO} <= set(snap.sources_read)
    # The keystore is binary by design: no "bytes that are not text" for it...
    assert not [w for w in snap.warnings if w.source == DUMPSYS_ADB]


def test_bytes_that_are_not_text_elsewhere_are_still_reported():
    garbled = _mvt("dumpsys_dbinfo.txt").replace(b"com.wssyncmldm]", b"com.wss\xff]")
    snap = build_snapshot(RawCapture((CommandResult(DUMPSYS_DBINFO, garbled),)))
    assert NOT_TEXT in [w.message for w in snap.warnings if w.source == DUMPSYS_DBINFO]


def test_a_phone_without_the_adb_service_is_recorded_plainly():
    capture = RawCapture((CommandResult(DUMPSYS_ADB, b"Can't find service: adb\n"),))
    snap = build_snapshot(capture)
    (warning,) = [w for w in snap.warnings if w.source == DUMPSYS_ADB]
    assert warning.not_understood is False
    assert "no 'adb' service" in warning.message
    assert DUMPSYS_ADB not in snap.sources_read
    assert snap.trusted_computers == ()
