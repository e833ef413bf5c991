"""What a phone remembers after the fact: ``dumpsys adb``, the daily battery records and
``dumpsys dbinfo``, each in the layout its AOSP dump code prints.

* ``dumpsys adb``: ``AdbService.dump`` / ``AdbDebuggingManager.dump``, rendered by the
  simulator's own ``adb_state`` (the running simulator adds the scanning computer the same
  way). Android 9 has no ``adb`` service.
* ``dumpsys batterystats --daily``: ``BatteryStats.dumpLocked`` with ``DUMP_DAILY_ONLY``:
  today's record, then one per earlier day (about ten), most recent first, each with its
  step durations and ``Package changes:`` (``Update <pkg> vers=<code>`` for an install or
  an update, ``Uninstall <pkg>``), dates as ``yyyy-MM-dd-HH-mm-ss`` in phone time.
* ``dumpsys dbinfo``: ``ActivityManagerService.dumpDbInfo`` and
  ``SQLiteConnectionPool.dump``, for the running processes only (a removed app has none).
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from scanner.simulator.adb_state import KeyEntry, fingerprint
from scanner.simulator.adb_state import render_dumpsys_adb as render_adb_state
from tools.fabricate.resolve import ResolvedApp
from tools.fabricate.spec import (
    PhoneSpec,
    RemovedAppSpec,
    digest,
    format_duration_ms,
    parse_time,
    stable_number,
)

ADB_SERVICE_SDK: Final = 29
"""Android 10 moved USB debugging out of the ``usb`` service into ``adb``."""
DAILY_ITEMS: Final = 10
"""``BatteryStatsImpl.MAX_DAILY_ITEMS``: the days of records a phone keeps."""
_DAY_FORMAT: Final = "%Y-%m-%d-%H-%M-%S"
_KEY_WORDS: Final = 64


# --------------------------------------------------------------------------- dumpsys adb


def host_key_line(comment: str) -> str:
    """A well-formed ``adbkey.pub`` line for a made-up computer, the same on every run.

    The struct is Android's (``android_pubkey.c``): word count, n0inv, modulus and R^2 mod
    n little-endian, exponent. The modulus is a fixed odd 2048-bit number, not a real RSA
    key: nothing ever signs with it, the phone only lists it.
    """
    stream = b"".join(digest("adb key", comment, block) for block in range(16))
    modulus = int.from_bytes(stream, "big") | (1 << 2047) | 1
    n0inv = (-pow(modulus, -1, 2**32)) % 2**32
    rr = pow(2, 2 * 2048, modulus)
    raw = (
        struct.pack("<2I", _KEY_WORDS, n0inv)
        + modulus.to_bytes(256, "little")
        + rr.to_bytes(256, "little")
        + struct.pack("<I", 65537)
    )
    return f"{base64.b64encode(raw).decode('ascii')} {comment}"


def _epoch_ms(phone: PhoneSpec, local: str) -> int:
    zone = ZoneInfo(phone.props.get("persist.sys.timezone") or "UTC")
    return int(parse_time(local).replace(tzinfo=zone).timestamp() * 1000)


def render_dumpsys_adb(phone: PhoneSpec) -> str:
    if phone.sdk < ADB_SERVICE_SDK:
        return "Can't find service: adb\n"
    entries = [
        KeyEntry(host_key_line(c.comment), _epoch_ms(phone, c.last_connection))
        for c in phone.trusted_computers
    ]
    asked = [e for e, c in zip(entries, phone.trusted_computers, strict=True) if c.asked_last]
    return render_adb_state(
        phone.sdk,
        entries,
        last_key_received=fingerprint(asked[-1].line) if asked else "",
        wifi_enabled=phone.global_settings.get("adb_wifi_enabled") == "1",
    )


# --------------------------------------------------------------------------- battery daily


def _day_start(phone: PhoneSpec, day: datetime) -> datetime:
    """When the phone closed one day's record and opened the next (between 1 and 3 am)."""
    seconds = stable_number(0, 1200, "daily", phone.serial, day.date().isoformat())
    return day.replace(hour=1, minute=0, second=0, microsecond=0) + timedelta(seconds=seconds)


def _windows(phone: PhoneSpec) -> tuple[datetime, list[tuple[datetime, datetime]]]:
    """Today's record's start, then each earlier day (start, end), most recent first."""
    now = parse_time(phone.now)
    current = _day_start(phone, now)
    if current > now:
        current = _day_start(phone, now - timedelta(days=1))
    days = []
    end = current
    for back in range(1, DAILY_ITEMS + 1):
        start = _day_start(phone, current - timedelta(days=back))
        days.append((start, end))
        end = start
    return current, days


def _changes(phone: PhoneSpec, apps: Sequence[ResolvedApp]) -> list[tuple[datetime, str]]:
    """Every install, update and removal the daily records can hold, with its time."""
    events: list[tuple[datetime, str]] = []
    for app in apps:
        line = f"Update {app.spec.package} vers={app.spec.version_code}"
        events += [(parse_time(t), line) for t in sorted({app.first_install, app.last_update})]
    for removed in phone.removed_apps:
        events.append(
            (parse_time(removed.installed), f"Update {removed.package} vers={removed.version_code}")
        )
        events.append((parse_time(removed.removed), f"Uninstall {removed.package}"))
    return sorted(events)


def _total(ms: int) -> str:
    """``BatteryStats.formatTimeMs`` style: ``9d 16h 11m 19s 400ms`` (leading zeros left out)."""
    days, rest = divmod(ms, 86_400_000)
    hours, rest = divmod(rest, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    parts = []
    for value, unit in ((days, "d"), (hours, "h"), (minutes, "m")):
        if value or parts:
            parts.append(f"{value}{unit}")
    return " ".join([*parts, f"{seconds}s", f"{millis}ms"])


def _steps(phone: PhoneSpec, key: str, heading: str, indent: str) -> list[str]:
    """A few discharge steps and their summary line, stable per phone and day."""
    lines = [heading]
    durations = []
    level = stable_number(60, 95, "level", phone.serial, key)
    for index in range(3):
        ms = stable_number(900_000, 9_000_000, "step", phone.serial, key, index)
        durations.append(ms)
        lines.append(
            f"{indent}#{index}: {format_duration_ms(ms)} to {level + index} "
            "(screen-off, power-save-off, device-idle-on)"
        )
    total = sum(durations) * 100 // len(durations)
    lines.append(f"{indent}  Discharge total time: {_total(total)}  (from 3 steps)")
    return lines


def render_batterystats_daily(phone: PhoneSpec, apps: Sequence[ResolvedApp]) -> str:
    current_start, days = _windows(phone)
    events = _changes(phone, apps)
    now = parse_time(phone.now)
    out = ["Daily stats:", f"  Current start time: {current_start.strftime(_DAY_FORMAT)}"]
    deadline = (current_start + timedelta(days=1)).replace(hour=1, minute=0, second=0)
    out.append(f"  Next min deadline: {deadline.strftime(_DAY_FORMAT)}")
    out.append(f"  Next max deadline: {deadline.replace(hour=3).strftime(_DAY_FORMAT)}")
    out += _steps(phone, "current", "  Current daily discharge step durations:", "    ")
    out += _package_changes([line for when, line in events if current_start <= when <= now])
    for start, end in days:
        out.append("")
        out.append(f"  Daily from {start.strftime(_DAY_FORMAT)} to {end.strftime(_DAY_FORMAT)}:")
        out += _steps(phone, start.isoformat(), "    Discharge step durations:", "      ")
        out += _package_changes([line for when, line in events if start <= when < end])
    out.append("")
    return "\n".join(out) + "\n"


def _package_changes(lines: list[str]) -> list[str]:
    if not lines:
        return []
    return ["    Package changes:", *(f"      {line}" for line in lines)]


# --------------------------------------------------------------------------- dbinfo


def _db_path(package: str) -> str:
    name = package.rsplit(".", 1)[-1].lower()
    return f"/data/user/0/{package}/databases/{name}.db"


def render_dumpsys_dbinfo(phone: PhoneSpec, apps: Sequence[ResolvedApp]) -> str:
    installed = {app.spec.package for app in apps}
    now = parse_time(phone.now)
    out = ["Applications Database Info:"]
    for package in phone.running:
        if package not in installed:
            continue  # only an installed app can run (a phone made from another drops some)
        pid = stable_number(2000, 30000, "pid", phone.serial, package)
        path = _db_path(package)
        out += [
            "",
            f"** Database info for pid {pid} [{package}] **",
            "",
            f"Connection pool for {path}:",
            "  Open: true",
            "  Max connections: 1",
            f"  Total execution time: {stable_number(20, 4000, 'exec', package)}",
            "  Configuration: openFlags=805306368, isLegacyCompatibilityWalEnabled=false, "
            "journalMode=WAL, syncMode=NORMAL",
            "  Available primary connection:",
            "    Connection #0:",
            "      isPrimaryConnection: true",
            "      onlyAllowReadOnlyOperations: false",
            "      Most recently executed operations:",
        ]
        last = now - timedelta(milliseconds=stable_number(5_000, 3_600_000, "db", package))
        for index, sql in enumerate(("PRAGMA database_list;", "PRAGMA page_size;")):
            when = last - timedelta(milliseconds=index * 3)
            stamp = when.strftime("%Y-%m-%d %H:%M:%S") + f".{when.microsecond // 1000:03d}"
            op = "executeForCursorWindow" if index == 0 else "executeForLong"
            out.append(
                f"        {index}: [{stamp}] [Pid:({pid})]{op} took {index}ms - succeeded, "
                f'sql="{sql}", path={path}'
            )
    out.append("")
    return "\n".join(out) + "\n"


def removed_uid_conflicts(phone: PhoneSpec, apps: Sequence[ResolvedApp]) -> list[RemovedAppSpec]:
    """Removed apps whose uid an installed app has (the description would be wrong)."""
    used = {app.uid for app in apps}
    return [removed for removed in phone.removed_apps if removed.uid in used]
