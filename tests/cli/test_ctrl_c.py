"""Ctrl-C during the reading keeps what was read: the reports asked for are written,
marked incomplete, and the exit code is 130. Run as a person runs it, in its own process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from scanner.commands import DUMPSYS_APPOPS
from scanner.simulator import SimulatedPhone, load_profile
from scanner.simulator.faults import FaultPlan
from scanner.sources import SCAN_COMMANDS

REPO = Path(__file__).resolve().parents[2]


def test_ctrl_c_while_the_phone_is_read_writes_the_reports_marked_incomplete(
    tmp_path: Path,
) -> None:
    # The phone answers nothing to app-ops and never closes: the scan waits there.
    with SimulatedPhone(
        load_profile("infected"), faults=FaultPlan(hang={DUMPSYS_APPOPS: 0})
    ) as phone:
        env = {
            **os.environ,
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "XDG_DATA_HOME": str(tmp_path / "data"),
            "NO_COLOR": "1",
        }
        scan = subprocess.Popen(
            [
                sys.executable,
                str(REPO / "scan.py"),
                "--serial",
                phone.serial_address,
                "--json",
                "r.json",
                "--html",
                "r.html",
            ],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 60
        while not any(r.command == DUMPSYS_APPOPS for r in phone.received):
            assert time.monotonic() < deadline, "the scan never reached app-ops"
            assert scan.poll() is None, scan.communicate()[0]
            time.sleep(0.05)
        time.sleep(0.3)  # it is now waiting for the answer that never comes
        scan.send_signal(signal.SIGINT)
        out, _ = scan.communicate(timeout=60)

    assert scan.returncode == 130, out
    assert "Traceback" not in out
    assert "Stopped. What was read before Ctrl-C is in the report above" in out
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["complete"] is False
    before = SCAN_COMMANDS[: SCAN_COMMANDS.index(DUMPSYS_APPOPS)]
    read = {c["command"]: c for c in report["commands"]}
    assert all(read[c]["ok"] for c in before)
    assert not read[DUMPSYS_APPOPS]["ok"]
    assert any("Ctrl-C" in e["message"] for e in report["errors"])
    # Everything read before the stop was checked: both planted apps are found.
    found = {f["package"] for f in report["findings"] if f["severity"] == "stalkerware"}
    assert found == {"com.mobiletrackerfree.www", "com.systemservice"}
    assert (tmp_path / "r.html").is_file()
