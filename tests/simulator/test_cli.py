"""``python -m scanner.simulator``: serves a profile folder and prints what it receives."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from adb_shell.adb_device import AdbDeviceTcp

from scanner.simulator.__main__ import main

REPO = Path(__file__).resolve().parents[2]


def test_missing_profile_exits_with_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--profile", "no-such-phone", "--port", "0"]) != 0
    assert "no simulator profile called 'no-such-phone'" in capsys.readouterr().err


def test_module_serves_a_profile_and_prints_each_command(tmp_path: Path) -> None:
    (tmp_path / "profile.yaml").write_text("auth: none\ncommands: {id: id.txt}\n")
    (tmp_path / "id.txt").write_bytes(b"uid=2000(shell)\n")
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "scanner.simulator", "--profile", str(tmp_path), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        address = first.rsplit(" on ", 1)[1].strip()
        host, port = address.rsplit(":", 1)
        assert host == "127.0.0.1"
        process.stdout.readline()  # the "Try: adb connect" hint
        device = AdbDeviceTcp(host, int(port), default_transport_timeout_s=10.0)
        device.connect()
        assert device.shell("id") == "uid=2000(shell)\n"
        device.close()
        assert process.stdout.readline().strip() == "[1] shell: id"
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr
