"""dumpsys package: real Android 10-12 captures and our Android 14/15 fixtures."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.parse import packages
from scanner.parse.packages import parse_dumpsys_package, parse_permission_grant
from tests.parse.helpers import fixture_text, real_text


def test_ai_pin_dump_yields_all_172_packages_without_warnings():
    parsed = parse_dumpsys_package(real_text("penumbraos-ai-pin-android12", "dumpsys_package.txt"))
    assert len(parsed.records) == 172
    assert len({r.package for r in parsed.records}) == 172
    assert parsed.hidden_system == ()
    assert parsed.warnings == ()


def test_ai_pin_package_names_match_the_package_list_capture():
    parsed = parse_dumpsys_package(real_text("penumbraos-ai-pin-android12", "dumpsys_package.txt"))
    listed = {
        line.removeprefix("package:").strip()
        for line in real_text("penumbraos-ai-pin-android12", "pm_list_packages_e.txt").splitlines()
        if line.startswith("package:")
    }
    parsed_names = {r.package for r in parsed.records}
    # The list was taken after an onboarding-bypass app was sideloaded; the dump before.
    assert listed - parsed_names == {"im.agg.aipinonboardingbypass"}
    assert len(listed & parsed_names) == 170


def test_ai_pin_records_checked_by_hand():
    parsed = parse_dumpsys_package(real_text("penumbraos-ai-pin-android12", "dumpsys_package.txt"))
    by_name = {r.package: r for r in parsed.records}
    qcolor = by_name["com.qualcomm.qti.qcolor"]
    assert qcolor.code_path == "/system_ext/app/QColor"
    assert qcolor.app_id == 10107
    assert qcolor.version_code == 32 and qcolor.min_sdk == 32 and qcolor.target_sdk == 32
    assert qcolor.version_name == "12"
    assert qcolor.system and not qcolor.updated_system
    assert qcolor.installer is None  # system image: no installer recorded
    assert qcolor.first_install == datetime(2008, 12, 31, 16, 0, 0)
    assert [p.name for p in qcolor.install_permissions] == [
        "android.permission.CONTROL_DISPLAY_COLOR_TRANSFORMS"
    ]
    assert qcolor.user(0) is not None and qcolor.user(0).enabled_state == 0

    settings_service = by_name["humane.settings.service"]
    assert settings_service.code_path == "/system/priv-app/humane_settingsservice"
    assert settings_service.app_id == 1000
    overlay = by_name["com.android.internal.display.cutout.emulation.corner"]
    assert "HAS_CODE" not in overlay.flags
    assert overlay.code_path == "/product/overlay/DisplayCutoutEmulationCorner"


def test_ai_pin_runtime_permissions_are_read_per_user():
    parsed = parse_dumpsys_package(real_text("penumbraos-ai-pin-android12", "dumpsys_package.txt"))
    with_runtime = [r for r in parsed.records if r.user(0) and r.user(0).runtime_permissions]
    assert len(with_runtime) == 46  # "runtime permissions:" blocks in the dump
    assert all(p.runtime for r in with_runtime for p in r.user(0).runtime_permissions)


def test_android11_sideloaded_app_has_installer_times_and_permissions():
    parsed = parse_dumpsys_package(real_text("spytrap-adb", "package_gpstest.txt"))
    (record,) = parsed.records
    assert record.package == "com.android.gpstest.osmdroid"
    assert record.installer == "com.android.packageinstaller"
    assert record.app_id == 10153
    assert record.version_code == 18093 and record.target_sdk == 29
    assert record.first_install == datetime(2021, 11, 7, 23, 55, 9)
    assert "android.permission.WRITE_EXTERNAL_STORAGE" in record.requested_permissions
    user0 = record.user(0)
    assert user0 is not None
    granted = {p.name for p in user0.runtime_permissions if p.granted}
    assert granted == {
        "android.permission.ACCESS_FINE_LOCATION",
        "android.permission.ACCESS_COARSE_LOCATION",
    }
    fine = next(p for p in user0.runtime_permissions if p.name.endswith("FINE_LOCATION"))
    assert fine.flags == ("USER_SET", "USER_SENSITIVE_WHEN_GRANTED", "USER_SENSITIVE_WHEN_DENIED")
    assert parsed.warnings == ()


def test_every_spytrap_single_package_dump_parses_cleanly():
    for name in ("contacts", "fdroid", "gpstest", "jitsi"):
        parsed = parse_dumpsys_package(real_text("spytrap-adb", f"package_{name}.txt"))
        assert len(parsed.records) == 1, name
        assert parsed.records[0].code_path, name
        assert parsed.warnings == (), name


def test_android14_app_id_installer_and_per_user_first_install_are_read():
    parsed = parse_dumpsys_package(fixture_text("dumpsys_package", "pixel8_a14.txt"))
    tracker = next(r for r in parsed.records if r.package == "com.example.tracker")
    assert tracker.app_id == 10231
    assert tracker.installer == "com.google.android.packageinstaller"
    assert tracker.originating_installer == "com.android.chrome"
    assert tracker.first_install is None  # Android 14 prints it per user
    assert tracker.user(0).first_install == datetime(2024, 3, 2, 21, 14, 9)
    assert tracker.requested_permissions[2] == "android.permission.ACCESS_BACKGROUND_LOCATION"
    granted = {p.name for p in tracker.user(0).runtime_permissions if p.granted}
    assert "android.permission.READ_SMS" in granted
    assert "android.permission.POST_NOTIFICATIONS" not in granted
    assert parsed.warnings == ()


def test_android14_installer_null_is_none_and_disabled_user_state_is_kept():
    parsed = parse_dumpsys_package(fixture_text("dumpsys_package", "pixel8_a14.txt"))
    spooler = next(r for r in parsed.records if r.package == "com.android.printspooler")
    assert spooler.installer is None
    assert spooler.user(0).enabled_state == 3
    assert not spooler.user(0).enabled


def test_updated_system_app_keeps_live_copy_and_lists_factory_copy():
    parsed = parse_dumpsys_package(fixture_text("dumpsys_package", "pixel8_a14.txt"))
    live = [r for r in parsed.records if r.package == "com.android.chrome"]
    assert len(live) == 1
    assert live[0].code_path.startswith("/data/app/")
    assert live[0].updated_system
    (factory,) = parsed.hidden_system
    assert factory.package == "com.android.chrome"
    assert factory.code_path == "/product/app/Chrome"


def test_android14_suspend_params_do_not_hide_runtime_permissions():
    parsed = parse_dumpsys_package(fixture_text("dumpsys_package", "pixel8_a14.txt"))
    bank = next(r for r in parsed.records if r.package == "com.example.bankapp")
    assert bank.user(0).suspended is True
    assert [p.name for p in bank.user(0).runtime_permissions] == ["android.permission.CAMERA"]


def test_secondary_user_state_and_install_grants_are_separate():
    parsed = parse_dumpsys_package(fixture_text("dumpsys_package", "pixel8_a14.txt"))
    game = next(r for r in parsed.records if r.package == "com.example.game")
    assert game.user(0).installed is False
    assert game.user(10).installed is True
    vibrate = [p for p in game.install_permissions if p.name == "android.permission.VIBRATE"]
    assert len(vibrate) == 1 and vibrate[0].granted  # the userId=10 copy is not user 0's


def test_android15_fixture_initiating_installer_and_disabled_state():
    parsed = parse_dumpsys_package(fixture_text("dumpsys_package", "pixel9_a15.txt"))
    spy = next(r for r in parsed.records if r.package == "com.example.spyagent")
    assert spy.installer == "com.android.shell"  # installerPackageName=null, initiating set
    assert spy.install_permissions[0].flags == ()
    youtube = next(r for r in parsed.records if r.package == "com.google.android.youtube")
    assert youtube.user(0).enabled_state == 2
    assert [h.code_path for h in parsed.hidden_system] == ["/product/app/YouTube"]
    assert parsed.warnings == ()


def test_permission_grant_line_variants():
    grant = parse_permission_grant("a.B: granted=true, flags=[ X|Y ], userId=10", runtime=False)
    assert grant is not None and grant.granted and grant.flags == ("X", "Y")
    assert parse_permission_grant("a.B: granted=maybe", runtime=True) is None
    assert parse_permission_grant("no colon here", runtime=True) is None


def test_unknown_lines_inside_a_package_become_bounded_warnings():
    body = "Packages:\n  Package [a.b] (1):\n    codePath=/data/app/a\n" + "".join(
        f"    ??? strange line {i}\n" for i in range(100)
    )
    parsed = parse_dumpsys_package(body)
    assert parsed.records[0].code_path == "/data/app/a"
    assert len(parsed.warnings) == 21
    assert parsed.warnings[-1].message == "80 more lines not understood"


def test_output_without_packages_section_is_a_warning():
    parsed = parse_dumpsys_package("Can't find service: package\n")
    assert parsed.records == ()
    assert "Packages:" in parsed.warnings[0].message


def test_truncated_dump_keeps_packages_read_so_far():
    text = fixture_text("dumpsys_package", "pixel8_a14.txt")
    cut = text[: text.index("  Package [com.example.game]") + 60]
    parsed = parse_dumpsys_package(cut)
    assert [r.package for r in parsed.records][:3] == [
        "com.example.tracker",
        "com.android.chrome",
        "com.example.bankapp",
    ]
    assert parsed.ends_open  # the last record may be missing its later lines


def test_a_dump_whose_packages_section_ends_is_not_open():
    parsed = parse_dumpsys_package(fixture_text("dumpsys_package", "pixel8_a14.txt"))
    assert parsed.records and not parsed.ends_open


def test_app_with_an_unreadable_first_line_is_left_out_not_merged_into_the_one_before():
    text = fixture_text("dumpsys_package", "pixel8_a14.txt")
    whole = {r.package: r for r in parse_dumpsys_package(text).records}
    spoiled = text.replace(
        "  Package [com.example.bankapp] (61d0a5c):",
        "  Package [com.example.bankapp] (61d0a5c):\ufffd",
    )
    parsed = parse_dumpsys_package(spoiled)
    records = {r.package: r for r in parsed.records}
    assert "com.example.bankapp" not in records
    # The app printed before it keeps only its own lines.
    assert records["com.android.chrome"] == whole["com.android.chrome"]
    assert records["com.example.game"] == whole["com.example.game"]
    line, summary = parsed.warnings
    assert line.message == "an app's first line was not understood; app left out"
    assert "com.example.bankapp" in line.excerpt
    assert summary.message == "1 app(s) were left out because their first line was not understood"


def test_warning_line_numbers_point_at_the_line_in_every_section():
    text = fixture_text("dumpsys_package", "pixel8_a14.txt")
    assert "\nHidden system packages:\n" in text
    # One odd line in the live section and one in the hidden section, far below it.
    text = text.replace("    appId=10244\n", "    appId=10244\n    odd line one\n", 1)
    hidden = text.index("\nHidden system packages:\n")
    at = text.index("\n    ", hidden + 30) + 1
    text = text[:at] + "    odd line two\n" + text[at:]
    parsed = parse_dumpsys_package(text)
    lines = text.split("\n")
    found = {w.excerpt: w.line for w in parsed.warnings}
    assert set(found) == {"odd line one", "odd line two"}
    for excerpt, number in found.items():
        assert number is not None and lines[number - 1].strip() == excerpt


def test_non_utf8_bytes_decoded_with_replacement_do_not_break_parsing():
    raw = fixture_text("dumpsys_package", "pixel8_a14.txt").encode() + b"\n\xff\xfe\x00garbage\n"
    parsed = parse_dumpsys_package(raw.decode("utf-8", errors="replace"))
    assert len(parsed.records) == 5


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text):
    parse_dumpsys_package(text)
    parse_dumpsys_package("Packages:\n  Package [x] (1):\n" + text)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Packages:",
                "  Package [a] (1):",
                "    User 0: installed=true enabled=9",
                "      runtime permissions:",
                "        p: granted=true",
                "    install permissions:",
                "      q: granted=false, flags=[",
                "    versionCode=x minSdk=",
                "Hidden system packages:",
                "    Suspend params:",
                "    requested permissions:",
                "      r",
                "",
            ]
        ),
        max_size=40,
    )
)
def test_shuffled_real_line_shapes_never_raise(lines):
    parse_dumpsys_package("\n".join(lines))


def test_android14_install_source_fields_are_read_as_printed():
    parsed = parse_dumpsys_package(
        fixture_text("dumpsys_package", "pixel8_a14_installer_claims.txt")
    )
    assert parsed.warnings == ()
    apps = {r.package: r for r in parsed.records}
    fake = apps["com.example.fakeplay"]  # ``adb install -i com.android.vending``
    assert fake.installer_package_name == "com.android.vending"
    assert fake.initiating_installer == "com.android.shell"
    assert fake.originating_installer is None
    assert fake.package_source == 0
    download = apps["com.example.download"]
    assert download.originating_installer == "com.android.chrome"
    assert download.package_source == 4
    via = apps["com.example.viadropper"]
    assert via.installer_attribution_tag == "sync"
    assert via.initiating_installer == "com.example.dropper"
    assert via.package_source == 1
    restore = apps["com.google.android.apps.restore"]
    assert restore.installer is None and restore.installer_package_name is None
    assert restore.installer_attribution_tag is None


def test_samsung_android10_capture_reads_as_complete_with_nothing_not_understood():
    parsed = parse_dumpsys_package(
        real_text("mvt-artifacts", "android_data", "dumpsys_packages.txt")
    )
    assert [r.package for r in parsed.records] == [
        "com.samsung.android.provider.filterprovider",
        "com.sec.android.app.DataCreate",
    ]
    assert not parsed.ends_open
    assert parsed.warnings == ()
    grants = parsed.records[1].users[0].runtime_permissions
    assert len(grants) == 13 and not any(g.granted for g in grants)


def test_real_captures_have_no_section_this_parser_does_not_know():
    for parts in (
        ("penumbraos-ai-pin-android12", "dumpsys_package.txt"),
        ("spytrap-adb", "package_contacts.txt"),
        ("spytrap-adb", "package_fdroid.txt"),
    ):
        parsed = parse_dumpsys_package(real_text(*parts))
        assert parsed.records and parsed.warnings == (), parts


KNOWN_HEADERS = [
    *sorted(packages.SECTION_HEADERS - {"Packages:", "Hidden system packages:"}),
    "Preferred Activities User 0:",
    "Persistent Preferred Activities User 10:",
    "App linkages for user 0:",
    "Unable to find package: com.example.gone",
    "--------- 0.412s was the duration of dumpsys package, ending at: 2022-03-29 23:14:27",
]

_ONE_APP = "Packages:\n  Package [com.example.a] (1a):\n    codePath=/data/app/a\n"


@pytest.mark.parametrize("header", KNOWN_HEADERS)
def test_every_section_aosp_prints_around_the_packages_is_accepted(header):
    # Before and after the packages, each with an indented line and its trailing blank.
    text = f"{header}\n  some content: 1\n\n{_ONE_APP}\n{header}\n    more content\n"
    parsed = parse_dumpsys_package(text)
    assert [r.package for r in parsed.records] == ["com.example.a"]
    assert parsed.records[0].code_path == "/data/app/a"  # the app was not cut by it
    assert parsed.warnings == ()


@pytest.mark.parametrize("header", sorted(packages.FREE_TEXT_SECTIONS))
def test_message_sections_may_print_lines_at_column_zero(header):
    text = f"{_ONE_APP}\n{header}\nRead completed successfully: 1 packages\n6/16/70 8:29 PM: x\n"
    parsed = parse_dumpsys_package(text)
    assert parsed.records and parsed.warnings == ()


def test_a_section_nobody_documented_is_not_understood_and_skipped():
    text = f"Vendor Secret Table:\n  Package [com.example.hidden] (2b):\n{_ONE_APP}"
    parsed = parse_dumpsys_package(text)
    assert [r.package for r in parsed.records] == ["com.example.a"]
    (warning,) = parsed.warnings
    assert warning.message == "a part of the package dump this scanner does not know was skipped"
    assert warning.excerpt == "Vendor Secret Table:"
    assert warning.line == 1 and warning.not_understood


def test_an_unknown_line_at_column_zero_inside_the_packages_does_not_end_them():
    text = _ONE_APP + "Vendor note\n  Package [com.example.b] (3c):\n    codePath=/data/app/b\n"
    parsed = parse_dumpsys_package(text)
    assert [r.package for r in parsed.records] == ["com.example.a", "com.example.b"]
    (warning,) = parsed.warnings
    assert warning.excerpt == "Vendor note" and warning.line == 4
