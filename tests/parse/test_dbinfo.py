"""dumpsys dbinfo: real captures (Samsung, with ``[Pid:(n)]``) and the AOSP layouts."""

from __future__ import annotations

import tracemalloc
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.model import TraceKind
from scanner.parse.dbinfo import MAX_PACKAGES, parse_dumpsys_dbinfo
from tests.parse.helpers import real_text


def test_real_capture_names_the_app_and_its_last_database_use():
    parsed = parse_dumpsys_dbinfo(real_text("mvt-artifacts", "android_data", "dumpsys_dbinfo.txt"))
    assert parsed.warnings == ()
    (use,) = parsed.uses
    assert use.package == "com.wssyncmldm"
    assert use.kind is TraceKind.USED_DATABASE
    # The newest of the operations listed (12:21:44 beats 19:27:41 of the day before).
    assert use.latest == datetime(2023, 7, 27, 12, 21, 44)
    assert "sql" not in use.detail and "SELECT" not in use.detail  # queries are never kept


def test_real_androidqf_block():
    dump = real_text("mvt-artifacts", "androidqf", "dumpsys.txt")
    start = dump.index("DUMP OF SERVICE dbinfo:")
    parsed = parse_dumpsys_dbinfo(dump[start : dump.index("DUMP OF SERVICE batterystats")])
    assert [u.package for u in parsed.uses] == ["com.sec.android.inputmethod"]


# Android 9/10 (no Pid marker), a process name with ":", a shared process whose database
# belongs to another package, and a process with no database open.
AOSP = """Applications Database Info:

** Database info for pid 2211 [com.example.spy:remote] **

Connection pool for /data/user/0/com.example.spy/databases/log.db:
  Open: true
  Max connections: 1
  Available primary connection:
    Connection #0:
      isPrimaryConnection: true
      onlyAllowReadOnlyOperations: false
      Most recently executed operations:
        0: [2019-03-02 10:01:02.003] executeForLong took 0ms - succeeded, sql="PRAGMA user_version;"
        1: [2019-03-02 09:58:40.517] execute took 1ms - succeeded, sql="INSERT INTO t VALUES(?)"

** Database info for pid 1902 [android.process.acore] **

Connection pool for /data/user_de/0/com.android.providers.contacts/databases/profile.db:
  Open: true
  Available primary connection:
    Connection #0:
      Most recently executed operations:
        0: [2019-03-02 08:00:00.000] executeForCursorWindow took 2ms - succeeded, sql="SELECT 1"

** Database info for pid 3001 [com.example.idle] **

"""


def test_aosp_layouts_give_each_package_its_latest_use():
    parsed = parse_dumpsys_dbinfo(AOSP)
    uses = {u.package: u for u in parsed.uses}
    assert set(uses) == {
        "com.example.spy",
        "android.process.acore",
        "com.android.providers.contacts",
        "com.example.idle",
    }
    assert uses["com.example.spy"].latest == datetime(2019, 3, 2, 10, 1, 2)
    assert "running" in uses["com.example.spy"].detail
    assert uses["com.android.providers.contacts"].latest == datetime(2019, 3, 2, 8, 0, 0)
    assert uses["com.example.idle"].latest is None
    assert parsed.warnings == ()


def test_unknown_and_empty_outputs_are_warned_differently():
    assert [w.not_understood for w in parse_dumpsys_dbinfo("what is this").warnings] == [True]
    assert [w.not_understood for w in parse_dumpsys_dbinfo("").warnings] == [False]


def test_packages_are_bounded_and_memory_stays_small():
    block = (
        "\n** Database info for pid 1 [com.app{i}.x] **\n\n"
        "Connection pool for /data/user/0/com.app{i}.x/databases/a.db:\n"
        '        0: [2024-01-01 10:00:00.000] executeForLong took 0ms - succeeded, sql="{sql}"\n'
    )
    sql = "SELECT " + "x" * 200
    text = "Applications Database Info:\n" + "".join(
        block.format(i=i, sql=sql) for i in range(MAX_PACKAGES + 40_000)
    )
    tracemalloc.start()
    try:
        parsed = parse_dumpsys_dbinfo(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(text) > 15_000_000
    assert len(parsed.uses) == MAX_PACKAGES
    assert any("more packages were not kept" in w.message for w in parsed.warnings)
    assert peak < 16 * 1024 * 1024


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text):
    parse_dumpsys_dbinfo(text)
    parse_dumpsys_dbinfo(AOSP + text)
