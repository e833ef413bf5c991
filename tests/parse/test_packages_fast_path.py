"""The fast paths read exactly what the line-by-line loop reads.

``_Reader.take_list``/``take_runtime`` (permission lists) and the shortcut for plain
``key=value`` lines exist for speed only: most lines of a dump are one or the other.
Every input here is parsed twice, with and without them, and the two results (records,
warnings, line numbers) must be equal.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.parse import packages
from scanner.parse.packages import PackagesParse, parse_dumpsys_package
from scanner.simulator import load_profile
from tests.conftest import shared_path
from tests.fuzz.mutate import mutations
from tests.parse.helpers import FIXTURES
from tools.fabricate import make_phone

SEED = (FIXTURES / "dumpsys_package" / "pixel8_a14.txt").read_bytes()

PERMISSION_SHAPES = [
    "      android.permission.INTERNET: granted=true",
    "      android.permission.INTERNET: granted=true, userId=10",
    "      android.permission.INTERNET: granted=maybe, userId=10",
    "      android.permission.READ_SMS",
    "      android.permission.READ_SMS: restricted=true",
    "        android.permission.CAMERA: granted=true, flags=[ USER_SET ]",
    "        not a permission line",
    "      \tandroid.permission.X: granted=true",
    "      \t",
    "        \t",
    "        \tandroid.permission.X: granted=true",
    "        ",
    "       android.permission.SEVEN: granted=true",
    "    install permissions:",
    "    requested permissions:",
    "    User 0: installed=true hidden=false",
    "      runtime permissions:",
    "  Package [com.example.a] (1a):",
    "",
]

KEY_LINE_SHAPES = [
    "    codePath=/data/app/~~x==/com.example.spy-1",
    "    codePath=null",
    "    codePath =/data/app/y",
    "    codePath=/data/app/z  \t",
    "    =orphan value",
    "    a\tb=c",
    "    installerPackageName=com.android.vending",
    "    installerPackageName=",
    "    flags=[ SYSTEM HAS_CODE ]",
    "    pkgFlags=[ UPDATED_SYSTEM_APP ]",
    "    versionCode=18093 minSdk=18 targetSdk=29",
    "    versionName=2.1 beta \t",
    "    firstInstallTime=2024-03-01 10:20:30",
    "    lastUpdateTime=2024-03-01 10:20:3x",
    "    resourcePath=/data/app/x",
    "    timeStamp=2024-03-01 10:20:30",
    "    no equals sign here",
    "    Suspend params:",
    "    User 0: installed=true hidden=false stopped=false enabled=3",
    "    User 10: installed=false enabled=0",
    "      firstInstallTime=2023-01-02 03:04:05",
    "      firstInstallTime =2023-01-02 03:04:05",
    "      installReason=0",
    "      =x",
    "      lastDisabledCaller: com.android.vending",
    "      gids=[3003]",
    "     five=spaces",
    "       seven=spaces",
    "  Package [com.example.b] (2b):",
]

USER_LEVEL_SHAPES = [
    "      firstInstallTime=2023-01-02 03:04:05",
    "      installReason=0",
    "      runtime permissions:",
    "      lastDisabledCaller: com.android.vending",
    "      disabledComponents:",
    "        com.example.spy.Hidden",
    "        android.permission.CAMERA: granted=true, flags=[ USER_SET ]",
    "        android.permission.READ_SMS: granted=false",
    "        not a permission line",
    "    Suspend params:",
    "    flags=[ SYSTEM ]",
]

# Runs of lines as they come in a dump: key lines, a user block, an install list.
DUMP_PIECES = st.one_of(
    st.lists(st.sampled_from(KEY_LINE_SHAPES + PERMISSION_SHAPES), max_size=8),
    st.lists(st.sampled_from(USER_LEVEL_SHAPES), max_size=10).map(
        lambda lines: ["    User 0: installed=true enabled=0", "      runtime permissions:", *lines]
    ),
    st.lists(st.sampled_from(PERMISSION_SHAPES), max_size=6).map(
        lambda lines: ["    install permissions:", *lines]
    ),
)


@contextmanager
def line_by_line_only() -> Iterator[None]:
    saved = packages._Reader.runs_fast
    packages._Reader.runs_fast = False
    try:
        yield
    finally:
        packages._Reader.runs_fast = saved


def both_ways(text: str) -> tuple[PackagesParse, PackagesParse]:
    fast = parse_dumpsys_package(text)
    with line_by_line_only():
        slow = parse_dumpsys_package(text)
    return fast, slow


def test_switching_the_fast_path_off_really_changes_the_route() -> None:
    # Guard against a comparison of the fast path with itself.
    calls = 0
    original = packages._Reader.take_runtime

    def counting(self, *args):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return original(self, *args)

    packages._Reader.take_runtime = counting  # type: ignore[method-assign]
    try:
        with line_by_line_only():
            parse_dumpsys_package(SEED.decode())
        assert calls == 0
        parse_dumpsys_package(SEED.decode())
        assert calls > 0
    finally:
        packages._Reader.take_runtime = original  # type: ignore[method-assign]


def real_and_built_in_dumps() -> Iterator[tuple[str, str]]:
    for path in sorted((FIXTURES / "dumpsys_package").glob("*.txt")):
        yield path.name, path.read_text(encoding="utf-8")
    for name in ("clean", "infected"):
        yield name, load_profile(name).commands["dumpsys package"].decode()
    yield "fabricated-300", dict(make_phone(300))["dumpsys package"].decode()


@pytest.mark.parametrize(("name", "text"), list(real_and_built_in_dumps()))
def test_fixture_profile_and_fabricated_dumps_read_the_same_both_ways(name: str, text: str) -> None:
    fast, slow = both_ways(text)
    assert fast.records and fast == slow


def test_real_captures_read_the_same_both_ways() -> None:
    folder = shared_path("device-outputs")
    files = [folder / "penumbraos-ai-pin-android12" / "dumpsys_package.txt"]
    files += sorted((folder / "spytrap-adb").glob("package_*.txt"))
    for path in files:
        fast, slow = both_ways(path.read_text(encoding="utf-8", errors="replace"))
        assert fast.records and fast == slow, path.name


@settings(max_examples=300, deadline=None)
@given(mutations(SEED))
def test_damaged_dumps_read_the_same_both_ways(data: bytes) -> None:
    fast, slow = both_ways(data.decode("utf-8", errors="replace"))
    assert fast == slow


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PERMISSION_SHAPES), max_size=40))
def test_any_mix_of_permission_shaped_lines_reads_the_same_both_ways(lines: list[str]) -> None:
    text = "Packages:\n  Package [com.example.spy] (9f):\n" + "\n".join(lines) + "\n"
    fast, slow = both_ways(text)
    assert fast == slow


@settings(max_examples=400, deadline=None)
@given(st.booleans(), st.lists(DUMP_PIECES, max_size=8))
def test_any_mix_of_key_user_and_permission_lines_reads_the_same_both_ways(
    in_an_app: bool, pieces: list[list[str]]
) -> None:
    # Without a leading header too: lines outside any app take the slow route.
    head = ["  Package [com.example.spy] (9f):"] if in_an_app else []
    text = "Packages:\n" + "\n".join(head + [line for piece in pieces for line in piece]) + "\n"
    fast, slow = both_ways(text)
    assert fast == slow
