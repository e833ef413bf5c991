"""The computer side, as a person runs the scanner: private files whatever the umask, and
case-file saves that run at the same time all land."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from scanner.casefile import load_case
from scanner.simulator import SimulatedPhone, load_profile

REPO = Path(__file__).resolve().parents[2]
PASSPHRASE = "plum lantern under seventy kites"


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config"),
        "XDG_DATA_HOME": str(tmp_path / "home" / ".local" / "share"),
        "NO_COLOR": "1",
        "PHONE_CHECK_PASSPHRASE": PASSPHRASE,
    }


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_live_scan_under_umask_000_keeps_its_key_and_folders_private(tmp_path: Path) -> None:
    (tmp_path / "home").mkdir()
    launcher = (
        "import os, sys, runpy; os.umask(0); sys.argv = sys.argv[1:]; "
        "runpy.run_path(sys.argv[0], run_name='__main__')"
    )
    with SimulatedPhone(load_profile("clean")) as phone:
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                launcher,
                str(REPO / "scan.py"),
                "--serial",
                phone.serial_address,
                "--save",
                "case.phc",
            ],
            cwd=tmp_path,
            env=_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    assert done.returncode == 0, done.stdout + done.stderr
    own = tmp_path / "home" / ".config" / "phone-check"
    assert _mode(own) == 0o700
    assert _mode(own / "adbkey") == 0o600
    assert _mode(own / "adbkey.pub") & 0o077 == 0  # never readable by others
    assert _mode(tmp_path / "home" / ".config") & 0o022 == 0  # not made world-writable
    assert _mode(tmp_path / "case.phc") == 0o600


def test_four_saves_to_one_case_file_at_once_all_land(tmp_path: Path) -> None:
    scans = [
        subprocess.Popen(
            [sys.executable, str(REPO / "scan.py"), "--demo", "--save", "case.phc"],
            cwd=tmp_path,
            env=_env(tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [scan.communicate(timeout=300)[0] for scan in scans]

    assert [scan.returncode for scan in scans] == [0, 0, 0, 0], outputs
    assert all("Scan saved to the encrypted case file" in out for out in outputs)
    assert len(load_case(tmp_path / "case.phc", PASSPHRASE).scans) == 4
