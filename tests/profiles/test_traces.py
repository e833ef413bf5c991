"""What the built-in phones remember, read from the committed text with our own regexes:
the removed app's traces agree across every output that would show them, and the
trusted computers are well-formed keys."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime

import pytest

from scanner.commands import (
    BATTERYSTATS_DAILY,
    DUMPSYS_ADB,
    DUMPSYS_APPOPS,
    DUMPSYS_DBINFO,
    DUMPSYS_PACKAGE,
)
from scanner.simulator.android_key import decode_android_public_key
from tests.profiles.helpers import BUILTIN, ProfileText
from tools.fabricate import (
    KNOWN_STALKERWARE,
    OTHER_COMPUTER,
    REMOVED_INSTALLED,
    REMOVED_REMOVED,
    REMOVED_STALKERWARE,
)

_DAY = re.compile(r"^  (?:Daily from (\S+) to (\S+):|Current start time: (\S+))$", re.M)
_CHANGE = re.compile(r"^      (Update (\S+) vers=(\d+)|Uninstall (\S+))$", re.M)
_STAMP = "%Y-%m-%d-%H-%M-%S"
_TIME = "%Y-%m-%d %H:%M:%S"


@pytest.fixture(params=BUILTIN)
def profile(request: pytest.FixtureRequest) -> ProfileText:
    return ProfileText(str(request.param))


@pytest.fixture(scope="module")
def infected() -> ProfileText:
    return ProfileText("infected")


def _changes(profile: ProfileText) -> list[tuple[str, str, int | None, datetime, datetime]]:
    """(kind, package, version, day start, day end) for every package change line."""
    text = profile.output(BATTERYSTATS_DAILY)
    days = list(_DAY.finditer(text))
    now = datetime.strptime("2026-11-28 10:42:17", _TIME)
    out = []
    for index, day in enumerate(days):
        start = datetime.strptime(day[1] or day[3], _STAMP)
        end = datetime.strptime(day[2], _STAMP) if day[2] else now
        stop = days[index + 1].start() if index + 1 < len(days) else len(text)
        for change in _CHANGE.finditer(text, day.end(), stop):
            if change[2]:
                out.append(("update", change[2], int(change[3]), start, end))
            else:
                out.append(("uninstall", change[4], None, start, end))
    return out


def _field(block: str, name: str) -> str:
    match = re.search(rf"^\s+{name}=(.*)$", block, re.M)
    assert match is not None, name
    return match.group(1)


def test_removed_app_was_installed_then_uninstalled_on_the_days_the_phone_records(
    infected: ProfileText,
) -> None:
    assert REMOVED_STALKERWARE not in infected.installed_packages()
    mine = [c for c in _changes(infected) if c[1] == REMOVED_STALKERWARE]
    installed = datetime.strptime(REMOVED_INSTALLED, _TIME)
    removed = datetime.strptime(REMOVED_REMOVED, _TIME)
    kinds = {kind: (start, end) for kind, _, _, start, end in mine}
    assert set(kinds) == {"update", "uninstall"}
    assert kinds["update"][0] <= installed < kinds["update"][1]
    assert kinds["uninstall"][0] <= removed < kinds["uninstall"][1]


def test_every_recorded_update_matches_the_installed_app(profile: ProfileText) -> None:
    changes = [c for c in _changes(profile) if c[0] == "update" and c[1] != REMOVED_STALKERWARE]
    assert changes, "a real phone updates some app every few days"
    for _, package, version, start, end in changes:
        block = profile.package_block(package)
        assert int(_field(block, "versionCode").split()[0]) == version
        times = {
            datetime.strptime(_field(block, name), _TIME)
            for name in ("firstInstallTime", "lastUpdateTime")
        }
        assert any(start <= when <= end for when in times), package


def test_every_install_or_update_in_the_recorded_days_is_there(profile: ProfileText) -> None:
    changes = _changes(profile)
    oldest = min(start for *_, start, _ in changes)
    recorded = {package for _, package, *_ in changes}
    for package in profile.installed_packages():
        block = profile.package_block(package)
        last = datetime.strptime(_field(block, "lastUpdateTime"), _TIME)
        if last >= oldest:
            assert package in recorded, package


def test_app_ops_of_the_removed_app_sit_on_a_uid_no_installed_app_has(
    infected: ProfileText,
) -> None:
    text = infected.output(DUMPSYS_APPOPS)
    block = re.search(
        rf"^  Uid u0a(\d+):\n(?:    .*\n)*?    Package {re.escape(REMOVED_STALKERWARE)}:\n"
        r"((?:      .*\n|        .*\n)*)",
        text,
        re.M,
    )
    assert block is not None
    uid = 10000 + int(block[1])
    app_ids = {
        int(_field(infected.package_block(p), "appId")) for p in infected.installed_packages()
    }
    assert uid not in app_ids
    stamps = re.findall(r"Access: \[[^\]]+\] (\S+ \S+)\.\d{3}", block[2])
    assert stamps
    for stamp in stamps:
        when = datetime.strptime(stamp, _TIME)
        assert (
            datetime.strptime(REMOVED_INSTALLED, _TIME)
            < when
            < datetime.strptime(REMOVED_REMOVED, _TIME)
        )


def test_only_installed_apps_run_and_use_databases(profile: ProfileText) -> None:
    running = re.findall(r"^\*\* Database info for pid \d+ \[([\w.]+)\] \*\*$",
                         profile.output(DUMPSYS_DBINFO), re.M)  # fmt: skip
    assert running
    assert set(running) <= set(profile.installed_packages())
    assert REMOVED_STALKERWARE not in running


def test_the_installed_spyware_is_running(infected: ProfileText) -> None:
    assert f"[{KNOWN_STALKERWARE}]" in infected.output(DUMPSYS_DBINFO)


def _user_keys(text: str) -> list[str]:
    match = re.search(r"^    user_keys=(.*\n(?:    \S.*\n)*)", text, re.M)
    return [line.strip() for line in match[1].splitlines()] if match else []


def test_infected_phone_trusts_one_other_computer_with_a_well_formed_key(
    infected: ProfileText,
) -> None:
    text = infected.output(DUMPSYS_ADB)
    (line,) = _user_keys(text)
    decoded = decode_android_public_key(line.encode())  # checks n0inv and rr, as adbd would
    assert decoded.comment == OTHER_COMPUTER
    raw = base64.b64decode(line.split(" ", 1)[0])
    md5 = ":".join(f"{b:02X}" for b in hashlib.md5(raw).digest())  # noqa: S324
    assert f"    last_key_received={md5}\n" in text
    # Android 13 keeps the keystore in binary XML; the key is in it as a plain string.
    keystore = text.split("    keystore=", 1)[1]
    assert keystore.startswith("ABX") and line in keystore


def test_clean_phone_trusts_no_computer_before_the_scan() -> None:
    text = ProfileText("clean").output(DUMPSYS_ADB)
    assert "debugging_manager={" in text
    assert _user_keys(text) == [] and "keystore=" not in text


def test_trace_outputs_stay_small(profile: ProfileText) -> None:
    # Measured: 0.2-1.9 KB (adb), 4.8 KB (daily battery), 1.7-5.1 KB (dbinfo).
    for command in (DUMPSYS_ADB, BATTERYSTATS_DAILY, DUMPSYS_DBINFO):
        assert len(profile.output(command).encode()) < 64 * 1024
    assert len(profile.output(DUMPSYS_PACKAGE).encode()) > 64 * 1024  # for scale
