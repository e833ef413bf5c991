"""The real adb binary (a private server with its own key) against the simulated phone."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from scanner.simulator import AuthStep, SimulatedPhone

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
def adb(tmp_path: Path) -> Iterator[Callable[..., subprocess.CompletedProcess[str]]]:
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

    def run(*args: str, timeout_s: float = 30.0) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [ADB, *args], env=env, capture_output=True, text=True, timeout=timeout_s, check=False
        )

    run("start-server")
    try:
        yield run
    finally:
        run("kill-server")


def test_real_adb_connects_runs_shell_and_pulls(
    start_phone: Callable[..., SimulatedPhone],
    adb: Callable[..., subprocess.CompletedProcess[str]],
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
    adb: Callable[..., subprocess.CompletedProcess[str]],
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
