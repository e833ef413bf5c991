"""The simulated shell answers the APK read commands as mksh and toybox do.

Expected bytes are computed here from the file (slices, hashlib), not by the simulator's
code; the real adb client runs the same commands against the simulated phone.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from scanner.apk_remote.framing import NOT_RUN, TOOL_MISSING, FramedOutput
from scanner.device.apk_commands import Blocks, Hashes, Size, Tail, build_commands
from scanner.simulator import Profile, SimulatedPhone
from scanner.simulator.shell import shell_output

from .conftest import small_profile

APK = "/data/app/~~Xq==/com.example-1Q==/base.apk"
OTHER = "/data/app/com.example.other-1/base.apk"
ABSENT = "/data/app/com.example.absent-1/base.apk"
DATA = bytes((i * 31 + 7) % 256 for i in range(70_001))
SMALL = b"PK\x05\x06" + bytes(18) + b"=0\n@"  # bytes that look like framing


def _profile(missing: frozenset[str] = frozenset()) -> Profile:
    return Profile(name="toybox", files={APK: DATA, OTHER: SMALL}, missing_tools=missing)


def test_stat_tail_dd_and_sha256sum_print_the_files_bytes() -> None:
    profile = _profile()
    assert shell_output(profile, f"stat -c %s {APK}") == b"70001\n"
    assert shell_output(profile, f"tail -c 100 {APK}") == DATA[-100:]
    assert shell_output(profile, f"tail -c 100000 {OTHER}") == SMALL
    out = shell_output(profile, f"dd if={APK} bs=512 skip=3 count=2 2>/dev/null")
    assert out == DATA[1536:2560]
    # dd's summary goes to stderr, which the legacy shell merges when not redirected.
    out = shell_output(profile, f"dd if={APK} bs=512 skip=136 count=9")
    assert out == DATA[136 * 512 :] + b"0+1 records in\n0+1 records out\n369 bytes copied\n"
    digest = hashlib.sha256(DATA).hexdigest()
    assert shell_output(profile, f"sha256sum {APK}") == f"{digest}  {APK}\n".encode()


def test_errors_and_exit_status_are_the_shells() -> None:
    profile = _profile()
    assert shell_output(profile, f"stat -c %s {ABSENT}; echo $?") == (
        f"stat: '{ABSENT}': No such file or directory\n1\n".encode()
    )
    assert shell_output(profile, f"sha256sum {ABSENT} 2>/dev/null; echo =$?") == b"=1\n"
    missing = _profile(frozenset({"sha256sum"}))
    assert shell_output(missing, f"sha256sum {APK}; echo $?") == (
        b"/system/bin/sh: sha256sum: inaccessible or not found\n127\n"
    )


def test_framed_steps_come_back_in_order_whatever_the_bytes() -> None:
    steps = [Size(APK), Tail(APK, 8192), Blocks(OTHER, 0, 4), Size(ABSENT), Hashes((APK, OTHER))]
    [(command, nonce, _)] = build_commands(steps)
    framed = FramedOutput(shell_output(_profile(frozenset({"sha256sum"})), command), nonce)
    assert framed.next_step().data == b"70001\n"
    assert framed.next_step(8192).data == DATA[-8192:]
    other = framed.next_step(len(SMALL))
    assert (other.data, other.ok) == (SMALL, True)
    assert framed.next_step().status == 1
    assert framed.next_step().status == TOOL_MISSING
    assert framed.next_step().status == NOT_RUN  # no sixth step was asked


def test_a_cut_answer_loses_only_the_steps_after_the_cut() -> None:
    [(command, nonce, _)] = build_commands([Tail(APK, 8192), Tail(OTHER, 100)])
    output = shell_output(_profile(), command)
    framed = FramedOutput(output[:5000], nonce)
    assert framed.next_step(8192).status == NOT_RUN
    assert framed.next_step(len(SMALL)).status == NOT_RUN


ADB = shutil.which("adb")


@pytest.fixture
def adb_bytes(tmp_path: Path) -> Iterator[Callable[..., subprocess.CompletedProcess[bytes]]]:
    """Run adb (binary output) against a private server on a free port, with its own key."""
    if ADB is None:
        if os.environ.get("CI"):
            pytest.fail("the adb binary is missing on CI")
        pytest.skip("the adb binary is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANDROID_")}
    env.update(HOME=str(home), ANDROID_ADB_SERVER_PORT=str(port))

    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([ADB, *args], env=env, capture_output=True, timeout=30, check=False)

    run("start-server")
    try:
        yield run
    finally:
        run("kill-server")


def test_the_real_adb_client_gets_the_same_bytes(
    start_phone: Callable[..., SimulatedPhone],
    adb_bytes: Callable[..., subprocess.CompletedProcess[bytes]],
) -> None:
    phone = start_phone(small_profile(files={APK: DATA, OTHER: SMALL}))
    serial = phone.serial_address
    adb_bytes("connect", serial)
    assert adb_bytes("-s", serial, "wait-for-device").returncode == 0
    steps = [Size(APK), Tail(APK, 8192), Blocks(APK, 7, 3), Hashes((APK, OTHER))]
    [(command, nonce, _)] = build_commands(steps)
    answer = adb_bytes("-s", serial, "shell", command)
    assert answer.returncode == 0, answer.stderr
    framed = FramedOutput(answer.stdout, nonce)
    assert framed.next_step().data == b"70001\n"
    assert framed.next_step(8192).data == DATA[-8192:]
    assert framed.next_step(1536).data == DATA[7 * 512 : 10 * 512]
    hashes = framed.next_step().data.decode()
    assert hashes == (
        f"{hashlib.sha256(DATA).hexdigest()}  {APK}\n{hashlib.sha256(SMALL).hexdigest()}  {OTHER}\n"
    )
