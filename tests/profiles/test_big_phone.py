"""``make_phone`` builds big, deterministic phones for benchmarks."""

from __future__ import annotations

import re

from scanner.commands import DUMPSYS_PACKAGE, GETPROP, LAUNCHER_ACTIVITIES, PHONE_CLOCK
from scanner.sources import SCAN_COMMANDS
from tools.fabricate import make_phone

_PACKAGE_HEADER = re.compile(rb"^  Package \[([^\]]+)\] \(", re.M)


def _installed(outputs: dict[str, bytes] | object) -> list[bytes]:
    assert isinstance(outputs, dict)
    dump: bytes = outputs[DUMPSYS_PACKAGE]
    section = dump.split(b"\nPackages:\n", 1)[1].split(b"\n\n", 1)[0]
    return _PACKAGE_HEADER.findall(b"\n" + section)


def test_500_app_phone_has_a_multi_megabyte_package_dump() -> None:
    outputs = dict(make_phone(500, seed=7))
    assert set(outputs) == set(SCAN_COMMANDS) - {PHONE_CLOCK}  # the clock is answered live
    assert len(outputs[DUMPSYS_PACKAGE]) > 2_000_000
    installed = _installed(outputs)
    assert len(installed) == 500
    assert len(set(installed)) == 500


def test_big_phone_prints_a_block_for_each_user() -> None:
    dump = make_phone(120, seed=1)[DUMPSYS_PACKAGE]
    assert dump.count(b"\n    User 0: ceDataInode=") == dump.count(b"\n    User 10: ceDataInode=")


def test_same_seed_gives_the_same_bytes_and_another_seed_does_not() -> None:
    first = make_phone(150, seed=3)
    assert make_phone(150, seed=3) == first
    assert make_phone(150, seed=4)[DUMPSYS_PACKAGE] != first[DUMPSYS_PACKAGE]


def test_small_phone_keeps_the_requested_count_and_its_launcher_apps_exist() -> None:
    outputs = dict(make_phone(25, seed=0))
    installed = {name.decode() for name in _installed(outputs)}
    assert len(installed) == 25
    for line in outputs[LAUNCHER_ACTIVITIES].decode().splitlines():
        assert line.split("/")[0] in installed
    assert b"[ro.build.version.sdk]: [34]" in outputs[GETPROP]
