"""The settings provider's dump turned back into `settings list` text."""

from __future__ import annotations

from scanner.offline.settings_dump import settings_list_from_dump

DUMP = b"""CONFIG SETTINGS (user 0)
_id:1 name:core_experiments/flag pkg:com.google.android.gms value:true

GLOBAL SETTINGS (user 0)
_id:12 name:adb_enabled pkg:android value:1 default:1 defaultSystemSet:true tag:null
_id:40 name:package_verifier_enable value:0
_id:41 name:zen_duration pkg:android value:{null}
_id:42 name:http_proxy pkg:com.example.vpn value:10.0.0.1:8080 tag:proxy
_id:43 name:multi pkg:android value:first line
second line default:x defaultSystemSet:false
_id:44 name:device_name pkg:android value:Sam's phone isValuePreservedInRestore:true
_id:45 name:wifi_on pkg:android value:1 notPreservedInRestore
_id:46 name:restored pkg:android value:1
    History (2):
      time:05-01 09:00:00.000 mode:update oldValue:0 newValue:1 package:android
garbage row without fields

Historical operations
05-01 09:00:00.000 update adb_enabled

SECURE SETTINGS (user 0)
_id:3 name:enabled_accessibility_services pkg:com.android.settings value:com.x/.Spy
SECURE SETTINGS (user 10)
_id:3 name:enabled_accessibility_services pkg:com.android.settings value:other/.Work
"""


def test_global_rows_become_sorted_name_value_lines():
    converted = settings_list_from_dump(DUMP, "global")
    assert converted is not None
    assert converted.output == (
        b"adb_enabled=1\n"
        b"device_name=Sam's phone\n"
        b"http_proxy=10.0.0.1:8080\n"
        b"multi=first line\nsecond line\n"
        b"package_verifier_enable=0\n"
        b"restored=1\n"
        b"wifi_on=1\n"
        b"zen_duration=null\n"
    )
    assert converted.rows == 8


def test_history_of_a_row_is_not_part_of_its_value():
    converted = settings_list_from_dump(DUMP, "global")
    assert converted is not None
    assert b"History" not in converted.output
    assert b"restored=1\n" in converted.output


def test_row_that_cannot_be_read_is_counted_not_guessed():
    # "garbage row without fields" follows a History block, so it is skipped with it;
    # a row that starts like a row but has no value is counted.
    broken = b"GLOBAL SETTINGS (user 0)\n_id:1 name:x pkg:android\n_id:2 name:y value:2\n"
    converted = settings_list_from_dump(broken, "global")
    assert converted is not None
    assert converted.output == b"y=2\n"
    assert converted.unreadable_rows == 1


def test_each_user_is_read_separately():
    main = settings_list_from_dump(DUMP, "secure", user=0)
    work = settings_list_from_dump(DUMP, "secure", user=10)
    assert main is not None and work is not None
    assert main.output == b"enabled_accessibility_services=com.x/.Spy\n"
    assert work.output == b"enabled_accessibility_services=other/.Work\n"


def test_absent_namespace_is_none_and_empty_one_is_empty():
    assert settings_list_from_dump(DUMP, "system") is None
    empty = settings_list_from_dump(b"SYSTEM SETTINGS (user 0)\n\n", "system")
    assert empty is not None
    assert empty.output == b""


def test_bytes_that_are_not_utf8_survive_unchanged():
    dump = b"GLOBAL SETTINGS (user 0)\n_id:1 name:device_name value:caf\xe9\n"
    converted = settings_list_from_dump(dump, "global")
    assert converted is not None
    assert converted.output == b"device_name=caf\xe9\n"
