"""The fault matrix for the link: each fault through the real CLI against a simulated phone.

Each test checks the three things a user relies on: a plain message, the documented exit
code (``scanner/cli.py``), and a JSON report that keeps what was read and names what was
lost. A phone that never got past connecting writes no report at all.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import pytest

from scanner.cli.obstacle_text import obstacle_text
from scanner.commands import (
    DUMPSYS_ACCESSIBILITY,
    DUMPSYS_APPOPS,
    DUMPSYS_PACKAGE,
    GETPROP,
    LAUNCHER_ACTIVITIES,
)
from scanner.simulator import AuthStep, Profile, SimulatedPhone
from scanner.simulator.faults import Drop, FaultPlan, Garble, Reboot
from scanner.sources import SCAN_COMMANDS
from tests.faults.scanrun import commands_before, read_only_violations, run_scan
from tests.simulator.rawhost import RawHost

PhoneFactory = Callable[..., SimulatedPhone]

# Exit codes, as documented at the top of scanner/cli.py.
NOT_CONNECTED = 3
NOT_ALLOWED = 4
INCOMPLETE = 5
NOT_UNDERSTOOD = 6


def test_cable_pulled_at_cnxn_says_phone_closed_the_connection_and_exits_3(
    phone_with: PhoneFactory, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    phone = phone_with(FaultPlan(drop=Drop("cnxn")))
    run = run_scan(capsys, tmp_path, phone)
    assert run.code == NOT_CONNECTED
    assert "closed the connection before the scan could start" in run.out
    assert run.report is None  # nothing was read, so there is nothing to report
    assert phone.received == []


def test_cable_pulled_during_auth_exits_3_and_sends_no_command(
    phone_with: PhoneFactory, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    phone = phone_with(FaultPlan(drop=Drop("auth")))
    run = run_scan(capsys, tmp_path, phone)
    assert run.code == NOT_CONNECTED
    assert "closed the connection" in run.out
    assert run.report is None
    assert phone.received == []
    assert phone.auth_events[0].step is AuthStep.CHALLENGE_SENT


@pytest.mark.parametrize(
    ("drop", "lost"),
    [
        (Drop("open", index=4), LAUNCHER_ACTIVITIES),  # the clock, getprop, package first
        (Drop("open", command=DUMPSYS_APPOPS), DUMPSYS_APPOPS),
    ],
    ids=["third-open", "open-of-dumpsys-appops"],
)
def test_cable_pulled_at_open_keeps_every_earlier_output(
    drop: Drop,
    lost: str,
    phone_with: PhoneFactory,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    phone = phone_with(FaultPlan(drop=drop))
    run = run_scan(capsys, tmp_path, phone)
    assert run.code == INCOMPLETE
    assert "The connection to the phone was lost." in run.out
    assert run.report is not None
    assert run.report["complete"] is False
    for command in commands_before(lost):
        entry = run.command(command)
        assert entry["ok"] and entry["bytes"] > 0 and entry["sha256"]
    assert run.report["packages_scanned"] > 100  # dumpsys package was read in full
    assert not run.command(lost)["ok"]
    after = SCAN_COMMANDS[SCAN_COMMANDS.index(lost) + 1 :]
    assert all(run.command(c)["error"].startswith("not run") for c in after)
    assert {"connection", lost, *after} <= set(run.error_sources())


def test_cable_pulled_in_the_middle_of_an_answer_keeps_what_came_before(
    phone_with: PhoneFactory, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    phone = phone_with(FaultPlan(drop=Drop("wrte", command=DUMPSYS_PACKAGE, after_bytes=5000)))
    run = run_scan(capsys, tmp_path, phone)
    assert run.code == INCOMPLETE
    assert "The connection to the phone was lost." in run.out
    assert run.report is not None
    assert run.report["complete"] is False
    assert run.command(GETPROP)["ok"]
    assert run.report["device"]["model"] == "SM-A525F"  # getprop survived the cut
    cut = run.command(DUMPSYS_PACKAGE)
    assert cut["error"] == "The connection to the phone was lost."
    # The 5000 bytes that arrived are kept and marked as cut short, not thrown away.
    assert cut["ok"] and cut["truncated"] and cut["bytes"] == 5000
    assert DUMPSYS_PACKAGE in run.error_sources()


def test_cable_pulled_during_an_apk_pull_keeps_every_shell_output_and_the_findings(
    phone_with: PhoneFactory,
    infected: Profile,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    from dataclasses import replace

    # A shell without tail: the APKs are pulled whole, as on a phone that cannot read parts.
    lacking = replace(infected, missing_tools=frozenset({"tail"}))
    phone = phone_with(FaultPlan(drop=Drop("recv", after_bytes=3000)), lacking)
    run = run_scan(capsys, tmp_path, phone)
    assert run.code == INCOMPLETE
    assert run.report is not None
    assert run.report["complete"] is False
    assert all(run.command(c)["ok"] for c in SCAN_COMMANDS)
    pulls = [c for c in run.report["commands"] if c["command"].startswith("pull ")]
    assert pulls and not any(p["ok"] for p in pulls)
    assert pulls[0]["error"] == "The connection to the phone was lost."
    assert all(p["error"].startswith("not run") for p in pulls[1:])
    # Known stalkerware is still named: package names need no APK.
    assert any(f["package"] == "com.systemservice" for f in run.report["findings"])
    assert any(s.startswith("pull ") for s in run.error_sources())


def test_auth_refused_exits_4_and_nothing_is_sent(
    phone_with: PhoneFactory,
    infected: Profile,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    from dataclasses import replace

    phone = phone_with(FaultPlan(), replace(infected, auth="refuse"))
    run = run_scan(capsys, tmp_path, phone, "--auth-timeout", "5")
    assert run.code == NOT_ALLOWED
    assert "did not allow this computer" in run.out
    assert run.report is None
    assert phone.received == []


def test_locked_phone_never_answering_the_prompt_exits_4_and_says_unlock(
    phone_with: PhoneFactory,
    infected: Profile,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    from dataclasses import replace

    # A locked phone cannot show "Allow USB debugging?": to the scanner, it never answers.
    phone = phone_with(FaultPlan(), replace(infected, auth="never"))
    run = run_scan(capsys, tmp_path, phone, "--auth-timeout", "1")
    assert run.code == NOT_ALLOWED
    assert "did not answer" in run.out and "in time" in run.out
    assert "Unlock the phone" in run.out
    assert run.report is None
    assert phone.received == []


def test_garbled_outputs_are_named_and_what_was_understood_is_checked(
    phone_with: PhoneFactory, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    plan = FaultPlan(
        garble={
            DUMPSYS_PACKAGE: "non-utf8",
            DUMPSYS_ACCESSIBILITY: "truncate",
            DUMPSYS_APPOPS: "unknown-format",
        }
    )
    phone = phone_with(plan)
    run = run_scan(capsys, tmp_path, phone)
    assert "not understood" in run.out
    assert run.report is not None
    assert run.report["complete"] is False
    assert all(run.command(c)["ok"] for c in SCAN_COMMANDS)
    errors = {e["source"]: e["message"] for e in run.report["errors"]}
    assert errors[DUMPSYS_PACKAGE].startswith("not understood: ")
    assert errors[DUMPSYS_APPOPS].startswith("not understood: ")
    # A garbled installer line makes a store app look sideloaded, so its APK is asked
    # for (and is not there): a part not read, so 5 rather than 6.
    pulls_failed = any(source.startswith("pull ") for source in errors)
    assert run.code == (INCOMPLETE if pulls_failed else NOT_UNDERSTOOD)
    warned = {(w["source"], w["message"]) for w in run.report["warnings"]}
    assert (DUMPSYS_PACKAGE, "the output contained bytes that are not text") in warned
    assert any(source == DUMPSYS_APPOPS for source, _ in warned)
    assert run.report["packages_scanned"] > 50  # the lines that survived were still read
    assert any(f["package"] == "com.systemservice" for f in run.report["findings"])


@pytest.mark.parametrize(
    ("garble", "code", "message"),
    [
        ("non-utf8", None, "app(s) were left out because their first line was not understood"),
        ("truncate", INCOMPLETE, "the phone's list of apps looks cut short"),
        ("unknown-format", NOT_UNDERSTOOD, "the package list could not be read"),
    ],
)
def test_a_garbled_package_list_never_reads_as_a_complete_scan(
    garble: Garble,
    code: int | None,
    message: str,
    phone_with: PhoneFactory,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    run = run_scan(capsys, tmp_path, phone_with(FaultPlan(garble={DUMPSYS_PACKAGE: garble})))
    assert run.report is not None
    assert run.report["complete"] is False
    assert run.code != 0 and (code is None or run.code == code)
    assert message in run.command_error_message(DUMPSYS_PACKAGE)
    assert "Some parts of the phone were not read" in run.out
    assert run.report["packages_scanned"] < 109  # the infected phone has 109 apps
    assert run.command(GETPROP)["ok"] and run.report["device"]["model"] == "SM-A525F"
    # Whatever was read, no all-clear is given for a list of apps not read whole.
    assert "No known stalkerware" not in run.out
    assert run.report["summary"]["known_stalkerware_ruled_out"] is False
    if run.report["packages_scanned"] == 0:
        assert "The list of apps on the phone could not be read, so no app was checked." in run.out


def test_hung_command_is_given_up_after_the_command_timeout_flag(
    phone_with: PhoneFactory, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    phone = phone_with(FaultPlan(hang={DUMPSYS_ACCESSIBILITY: 0}))
    try:
        run = run_scan(capsys, tmp_path, phone, "--command-timeout", "1")
    except SystemExit as exc:  # argparse refuses an unknown option with exit 2
        raise AssertionError(f"--command-timeout is not an option (exit {exc.code})") from exc
    assert run.code == INCOMPLETE
    assert run.report is not None
    assert run.command(DUMPSYS_ACCESSIBILITY)["error"]
    assert run.command(SCAN_COMMANDS[-1])["ok"]


def test_reboot_mid_scan_keeps_what_was_read_and_the_phone_comes_back(
    phone_with: PhoneFactory, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    phone = phone_with(FaultPlan(reboot=Reboot(at_command=DUMPSYS_APPOPS, down_s=0.2)))
    run = run_scan(capsys, tmp_path, phone)
    assert run.code == INCOMPLETE
    assert "The connection to the phone was lost." in run.out
    assert run.report is not None
    assert run.report["complete"] is False
    assert all(run.command(c)["ok"] for c in commands_before(DUMPSYS_APPOPS))
    assert DUMPSYS_APPOPS in run.error_sources()
    # After booting, the phone listens again, remembers this computer, and scans in full.
    assert phone.wait_for_boot(2)
    again = run_scan(capsys, tmp_path, phone)
    assert again.code == 0
    assert again.report is not None and again.report["complete"] is True


def test_port_refuses_connections_while_the_phone_reboots(
    phone_with: PhoneFactory, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A long boot: the phone is stopped (at the end of the test) before it comes back.
    phone = phone_with(FaultPlan(reboot=Reboot(at_command=GETPROP, down_s=60)))
    run = run_scan(capsys, tmp_path, phone)
    assert run.code == INCOMPLETE
    second = run_scan(capsys, tmp_path, phone)
    assert second.code == NOT_CONNECTED
    assert "Could not reach the phone" in second.out
    assert phone.boot_count == 1


def test_phone_held_by_another_adb_host_names_that_cause_and_exits_3(
    phone_with: PhoneFactory, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    phone = phone_with(FaultPlan(one_host="close"))
    other = RawHost(phone.port)
    try:
        assert other.connect().command == "AUTH"  # the other computer holds the phone
        run = run_scan(capsys, tmp_path, phone)
    finally:
        other.close()
    assert run.code == NOT_CONNECTED
    assert "another computer or program" in run.out
    assert run.report is None
    assert phone.received == []


def test_two_phones_on_usb_are_named_and_the_person_is_asked_to_pick_one() -> None:
    # Two phones at once is a USB-only situation (a TCP serial names one phone), so it
    # is met before connecting, by the obstacles of helper J1's discovery code.
    obstacles = pytest.importorskip(
        "scanner.device.obstacles", reason="scanner/device/obstacles.py is not in this tree"
    )
    discovery = pytest.importorskip(
        "scanner.device.discovery", reason="scanner/device/discovery.py is not in this tree"
    )

    def phone(serial: str, model: str, devnum: int) -> object:
        return discovery.DetectedPhone(
            serial=serial,
            vendor="Samsung",
            model=model,
            adb_enabled=True,
            busnum=1,
            devnum=devnum,
            devpath=f"usb:1-{devnum}",
        )

    phones = (phone("R58M1", "SM-A525F", 4), phone("33011JEHN", "Pixel 7", 5))
    found = obstacles.diagnose(obstacles.UsbFacts(phones=phones))
    several = [o for o in found if o.id == "several_phones"]
    assert len(several) == 1
    assert several[0].choices == ("R58M1", "33011JEHN")
    shown = obstacle_text(several[0])
    assert "SM-A525F" in shown
    assert "Pixel 7" in shown


def test_every_fault_run_above_sent_only_read_only_requests(
    phone_with: PhoneFactory, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A compact repeat of the matrix for the read-only proof (tests/security has the
    # full one); kept here so a fault-path change that sends more is caught next to it.
    phone = phone_with(FaultPlan(drop=Drop("open", index=5)))
    with contextlib.suppress(AssertionError):
        run_scan(capsys, tmp_path, phone)
    assert phone.received
    assert read_only_violations(phone.received) == []
