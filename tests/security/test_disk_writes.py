"""Nothing is written to disk unless the user asks (``--save``, ``--json``, ``--html``...).

The one file a live scan must keep is the ADB key (and its public half) in the config
folder, so the phone can remember "Always allow from this computer". The demo writes
nothing at all.
"""

from __future__ import annotations

import stat
import tempfile
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.simulator import SimulatedPhone, load_profile


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """cwd, HOME, XDG folders and the temp folder all inside one empty directory."""
    root = tmp_path / "sandbox"
    for name in ("cwd", "home", "config", "data", "cache", "state", "tmp"):
        (root / name).mkdir(parents=True)
    monkeypatch.chdir(root / "cwd")
    monkeypatch.setenv("HOME", str(root / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(root / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(root / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(root / "state"))
    monkeypatch.setenv("TMPDIR", str(root / "tmp"))
    monkeypatch.setattr(tempfile, "tempdir", str(root / "tmp"))
    return root


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if not p.is_dir()}


def test_a_live_scan_writes_only_the_adb_key(
    sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with SimulatedPhone(load_profile("infected")) as phone:
        code = main(["--serial", phone.serial_address])
    capsys.readouterr()
    assert code == 0
    assert files_under(sandbox) == {
        "config/phone-check/adbkey",
        "config/phone-check/adbkey.pub",
    }


def test_the_adb_private_key_is_readable_by_its_owner_only(
    sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with SimulatedPhone(load_profile("clean")) as phone:
        assert main(["--serial", phone.serial_address]) == 0
    capsys.readouterr()
    key = sandbox / "config" / "phone-check" / "adbkey"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) & 0o077 == 0


def test_the_demo_writes_nothing(sandbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--demo"]) == 0
    capsys.readouterr()
    assert files_under(sandbox) == set()


def test_only_the_asked_for_report_is_written(
    sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--demo", "--json", "report.json", "--html", "report.html"]) == 0
    capsys.readouterr()
    assert files_under(sandbox) == {"cwd/report.json", "cwd/report.html"}
