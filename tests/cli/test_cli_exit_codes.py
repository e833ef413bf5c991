"""The front door: each outcome gives a plain message and its documented exit code."""

from __future__ import annotations

import json
import socket

import pytest

from scanner.cli import main
from scanner.commands import (
    BATTERYSTATS_DAILY,
    DUMPSYS_ACCOUNT,
    DUMPSYS_ADB,
    DUMPSYS_APPOPS,
    DUMPSYS_DBINFO,
    DUMPSYS_DEVICE_POLICY,
    LAUNCHER_ACTIVITIES,
)
from scanner.simulator import Profile, SimulatedPhone
from tests.integration.real_captures import ai_pin_profile


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):
    # The live path keeps its ADB key in the config dir: point it at a temp folder.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("NO_COLOR", "1")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_bad_serial_is_a_usage_error(capsys):
    assert main(["--serial", "not-a-port"]) == 2
    assert "192.168.1.20:5555" in capsys.readouterr().out


def test_nothing_listening_says_so_and_exits_3(capsys):
    code = main(["--serial", f"127.0.0.1:{free_port()}"])
    assert code == 3
    assert "Could not reach the phone" in capsys.readouterr().out


def test_refused_authorisation_exits_4_with_what_to_try(capsys, tmp_path):
    with SimulatedPhone(Profile(name="no", auth="refuse")) as phone:
        code = main(["--serial", phone.serial_address, "--auth-timeout", "5"])
    out = capsys.readouterr().out
    assert code == 4
    assert "Allow" in out


def test_unanswered_authorisation_times_out_with_exit_4(capsys):
    with SimulatedPhone(Profile(name="silent", auth="never")) as phone:
        code = main(["--serial", phone.serial_address, "--auth-timeout", "1"])
    out = capsys.readouterr().out
    assert code == 4
    # While waiting, the person is told what to do on the phone, in plain words.
    assert "Unlock it" in out and "Allow USB debugging?" in out
    assert "in time" in out


def test_scan_of_real_capture_reads_it_and_names_the_parts_it_lacks(tmp_path, capsys):
    out = tmp_path / "report.json"
    with SimulatedPhone(ai_pin_profile()) as phone:
        code = main(["--serial", phone.serial_address, "--json", str(out)])
    report = json.loads(out.read_text())
    # The capture holds no launcher, device policy, account or app-ops output, so the
    # simulated phone answers those as a phone without the service does: not read.
    assert code == 5
    assert report["complete"] is False
    assert {e["source"]: e["message"] for e in report["errors"]} == {
        LAUNCHER_ACTIVITIES: "the launcher query returned nothing; which apps have icons "
        "is unknown",
        DUMPSYS_DEVICE_POLICY: "the phone has no 'device_policy' service running, so this "
        "part was not read",
        DUMPSYS_ACCOUNT: "the phone has no 'account' service running, so this part was not read",
        DUMPSYS_APPOPS: "the phone has no 'appops' service running, so this part was not read",
        **{
            command: f"the phone has no '{command.split()[1]}' service running, so this part "
            "was not read"
            for command in (DUMPSYS_ADB, BATTERYSTATS_DAILY, DUMPSYS_DBINFO)
        },
    }
    assert report["packages_scanned"] == 172
    assert report["signatures"]["families"] > 100
    out = capsys.readouterr().out
    assert "Phone check" in out
    # A live scan ends with how to switch debugging back off, safety first.
    assert "After the check" in out
    assert "Think about safety before you change any settings." in out


def test_signatures_show_names_the_database(capsys):
    assert main(["signatures", "show"]) == 0
    out = capsys.readouterr().out
    assert "Echap" in out
    assert "SHA-256" in out
