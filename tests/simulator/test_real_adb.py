"""The real adb binary (a private server with its own key) against the simulated phone."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from scanner.simulator import AuthStep, SimulatedPhone, load_profile

from .conftest import small_profile

ADB = shutil.which("adb")
if ADB is None and not os.environ.get("CI"):
    pytest.skip(
        "the adb binary is not installed (install android-sdk-platform-tools-common / adb);"
        " on CI (CI set) this is a failure instead",
        allow_module_level=True,
    )

APK_PATH = "/data/app/~~Xq==/com.example-1Q==/base.apk"
APK_BYTES = bytes((i * 17 + 3) % 256 for i in range(300_000))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def adb(tmp_path: Path) -> Iterator[Callable[..., subprocess.CompletedProcess[Any]]]:
    """Run adb against a private server on a free port, with a fresh HOME (own key)."""
    assert ADB is not None, "adb binary missing on CI: install it (the CI variable is set)"
    home = tmp_path / "home"
    home.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ANDROID_") and key not in ("ADB_VENDOR_KEYS", "ADB_SERVER_SOCKET")
    }
    env.update(HOME=str(home), ANDROID_ADB_SERVER_PORT=str(_free_port()))

    def run(
        *args: str, timeout_s: float = 30.0, binary: bool = False
    ) -> subprocess.CompletedProcess[Any]:
        # binary: bytes as adb wrote them (text mode would turn \r\n into \n).
        return subprocess.run(
            [ADB, *args],
            env=env,
            capture_output=True,
            text=not binary,
            timeout=timeout_s,
            check=False,
            stdin=subprocess.DEVNULL,  # adb shell forwards its stdin; give it none
        )

    run("start-server")
    try:
        yield run
    finally:
        run("kill-server")


def test_real_adb_connects_runs_shell_and_pulls(
    start_phone: Callable[..., SimulatedPhone],
    adb: Callable[..., subprocess.CompletedProcess[Any]],
    tmp_path: Path,
) -> None:
    phone = start_phone(small_profile(files={APK_PATH: APK_BYTES}))
    serial = phone.serial_address
    adb("connect", serial)
    waited = adb("-s", serial, "wait-for-device", timeout_s=20.0)
    assert waited.returncode == 0, waited.stderr

    version = adb("-s", serial, "shell", "getprop", "ro.build.version.release")
    assert (version.returncode, version.stdout) == (0, "14\n")

    destination = tmp_path / "base.apk"
    pulled = adb("-s", serial, "pull", APK_PATH, str(destination))
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    assert destination.read_bytes() == APK_BYTES

    assert (tmp_path / "home" / ".android" / "adbkey").is_file()  # adb made its own key
    steps = [event.step for event in phone.auth_events]
    assert AuthStep.KEY_ACCEPTED in steps
    commands = [(r.service, r.command) for r in phone.received]
    assert ("shell", "getprop ro.build.version.release") in commands
    assert ("sync", f"RECV {APK_PATH}") in commands


def test_real_adb_push_is_refused(
    start_phone: Callable[..., SimulatedPhone],
    adb: Callable[..., subprocess.CompletedProcess[Any]],
    tmp_path: Path,
) -> None:
    phone = start_phone()
    serial = phone.serial_address
    adb("connect", serial)
    assert adb("-s", serial, "wait-for-device", timeout_s=20.0).returncode == 0
    source = tmp_path / "payload.bin"
    source.write_bytes(b"x" * 10_000)
    pushed = adb("-s", serial, "push", str(source), "/sdcard/payload.bin")
    assert pushed.returncode != 0
    assert "read-only simulated phone" in pushed.stdout + pushed.stderr
    assert any(
        r.command.startswith("SEND /sdcard/payload.bin") and r.refused for r in phone.received
    )


Adb = Callable[..., subprocess.CompletedProcess[Any]]


def _online(start_phone: Callable[..., SimulatedPhone], adb: Adb, **kwargs: object) -> str:
    phone = start_phone(**kwargs)
    serial = phone.serial_address
    adb("connect", serial)
    waited = adb("-s", serial, "wait-for-device", timeout_s=20.0)
    assert waited.returncode == 0, waited.stderr
    return serial


def test_real_adb_uses_the_shell_protocol_and_returns_the_exit_status(
    start_phone: Callable[..., SimulatedPhone], adb: Adb
) -> None:
    serial = _online(start_phone, adb)
    assert adb("-s", serial, "features").stdout.split() == ["shell_v2", "cmd"]
    for command, status in ((["true"], 0), (["false"], 1), (["exit", "3"], 3), (["exit", "0"], 0)):
        ran = adb("-s", serial, "shell", *command)
        assert (ran.returncode, ran.stdout, ran.stderr) == (status, "", ""), command
    # adb joins its arguments with spaces and the phone's sh runs the line.
    listed = adb("-s", serial, "shell", "false;", "echo", "$?")
    assert (listed.returncode, listed.stdout) == (0, "1\n")


def test_real_adb_keeps_stderr_apart_from_stdout(
    start_phone: Callable[..., SimulatedPhone], adb: Adb
) -> None:
    serial = _online(start_phone, adb)
    missing = adb("-s", serial, "shell", "frobnicate", "--all")
    assert missing.returncode == 127
    assert (missing.stdout, missing.stderr) == (
        "",
        "/system/bin/sh: frobnicate: inaccessible or not found\n",
    )
    service = adb("-s", serial, "shell", "cmd", "nosuch")
    assert (service.returncode, service.stdout, service.stderr) == (
        20,
        "",
        "cmd: Can't find service: nosuch\n",
    )
    which = adb("-s", serial, "shell", "which", "su")
    assert (which.returncode, which.stdout, which.stderr) == (1, "", "")


def test_real_adb_with_a_terminal_gets_crlf_and_one_stream(
    start_phone: Callable[..., SimulatedPhone], adb: Adb
) -> None:
    serial = _online(start_phone, adb)
    # -tt forces a PTY even though adb's own stdin is not a terminal.
    ran = adb("-s", serial, "shell", "-tt", "getprop", "ro.product.model", binary=True)
    assert (ran.returncode, ran.stdout) == (0, b"Pixel 7\r\n")


def test_real_adb_pm_path_and_ls_answer_as_a_phone(
    start_phone: Callable[..., SimulatedPhone], adb: Adb
) -> None:
    profile = load_profile("infected")
    serial = _online(start_phone, adb, profile=profile)
    path = next(p for p in profile.files if "/com.systemservice-" in p)
    found = adb("-s", serial, "shell", "pm", "path", "com.systemservice")
    assert (found.returncode, found.stdout, found.stderr) == (0, f"package:{path}\n", "")
    missing = adb("-s", serial, "shell", "pm", "path", "com.not.installed")
    assert (missing.returncode, missing.stdout, missing.stderr) == (1, "", "")

    listed = adb("-s", serial, "shell", "ls", path.rsplit("/", 1)[0])
    assert (listed.returncode, listed.stdout) == (0, "base.apk\n")
    denied = adb("-s", serial, "shell", "ls", "/data")
    assert (denied.returncode, denied.stdout, denied.stderr) == (
        1,
        "",
        "ls: /data: Permission denied\n",
    )
    nothing = adb("-s", serial, "shell", "ls", "/no/such")
    assert (nothing.returncode, nothing.stderr) == (1, "ls: /no/such: No such file or directory\n")
    # What pm path names can be pulled, as on a phone.
    assert adb("-s", serial, "shell", "ls", path).stdout == f"{path}\n"
