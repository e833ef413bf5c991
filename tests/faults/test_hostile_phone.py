"""A phone that breaks the ADB protocol on purpose, scanned by the real CLI in its own process.

Each case of the hostile-phone issue, played by the simulated phone's ``hostile`` faults:
a header claiming ~4 GB (in a command's answer, in the CNXN, in a pulled file), a flood
for a stream never opened, data sent with no heed of flow control, a CNXN advertising a
``maxdata`` of 4 GB, and pulls trickled a byte at a time. Each run must end within its
time-outs, under 200 MB, with a plain message, the documented exit code and a report
that keeps everything read before the fault (judged against the profile's own bytes).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from scanner.apks import STORE_NO_HASH
from scanner.commands import DUMPSYS_ACCOUNT, DUMPSYS_ADB, PHONE_CLOCK
from scanner.simulator import Profile, SimulatedPhone, load_profile
from scanner.simulator.faults import FaultPlan, Hostile
from scanner.sources import SCAN_COMMANDS
from tests.faults.scanrun import ProcessRun, commands_before, run_scan_process

NOT_CONNECTED = 3
INCOMPLETE = 5
PEAK_LIMIT_BYTES = 200_000_000
TIMEOUT = ("--command-timeout", "1")

StartPhone = Callable[..., SimulatedPhone]

# The phone's list of trusted computers includes whichever computer scans it, so that one
# answer is not the profile's fixed text.
STATIC_COMMANDS = tuple(c for c in SCAN_COMMANDS if c not in (DUMPSYS_ADB, PHONE_CLOCK))
"""(The phone's clock is answered live, so it is not the profile's text either.)"""


@pytest.fixture(scope="module")
def infected() -> Profile:
    return load_profile("infected")


@pytest.fixture
def hostile_phone(infected: Profile) -> Iterator[StartPhone]:
    phones: list[SimulatedPhone] = []

    def start(hostile: Hostile, profile: Profile | None = None) -> SimulatedPhone:
        phone = SimulatedPhone(profile or infected, faults=FaultPlan(hostile=hostile))
        phone.start()
        phones.append(phone)
        return phone

    yield start
    for phone in phones:
        phone.stop()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def assert_ended_plainly(run: ProcessRun, code: int) -> None:
    """The documented exit code, no traceback, and memory held to the limit."""
    assert run.code == code, run.out
    assert "Traceback" not in run.out
    assert run.peak_rss_bytes < PEAK_LIMIT_BYTES


def assert_kept_before(run: ProcessRun, profile: Profile, command: str) -> None:
    """Every command before ``command`` is in the report, whole and byte for byte."""
    assert run.report is not None
    assert run.report["complete"] is False
    for earlier in commands_before(command):
        entry = run.command(earlier)
        assert entry["ok"] is True, earlier
        if earlier in STATIC_COMMANDS:
            assert entry["sha256"] == sha256(profile.commands[earlier]), earlier


def assert_rest_not_run(run: ProcessRun, after: str) -> None:
    """Past the command after ``after`` (the one a flood may land in), none ran."""
    later = SCAN_COMMANDS[SCAN_COMMANDS.index(after) + 2 :]
    assert later
    for command in later:
        assert run.command(command)["error"].startswith("not run: "), command


@pytest.mark.parametrize(
    ("hostile", "words"),
    [
        (
            Hostile(huge_header=DUMPSYS_ACCOUNT),
            "The phone announced a message of 4.3 GB, far more than the 1 MB it may send "
            "at once, so the scanner stopped reading from it.",
        ),
        (
            Hostile(flood_unknown_stream=DUMPSYS_ACCOUNT),
            "The phone sent data the scanner did not ask for, so it stopped reading from it.",
        ),
        (
            Hostile(ignore_flow_control=DUMPSYS_ACCOUNT),
            "The phone sent data the scanner did not ask for, so it stopped reading from it.",
        ),
    ],
    ids=["huge-wrte-header", "flood-unknown-stream", "ignore-flow-control"],
)
def test_a_phone_breaking_the_protocol_mid_scan_exits_5_keeping_what_was_read(
    hostile: Hostile,
    words: str,
    hostile_phone: StartPhone,
    infected: Profile,
    tmp_path: Path,
) -> None:
    phone = hostile_phone(hostile)
    run = run_scan_process(tmp_path, phone, *TIMEOUT)
    assert_ended_plainly(run, INCOMPLETE)
    assert words in run.out
    assert_kept_before(run, infected, DUMPSYS_ACCOUNT)
    assert run.command_error_message("connection") == words
    assert not run.command(DUMPSYS_ACCOUNT)["ok"]
    assert_rest_not_run(run, DUMPSYS_ACCOUNT)
    # The scan went no further than the phone let it: no file was asked for.
    assert not any(entry.command.startswith("RECV ") for entry in phone.received)


def test_a_cnxn_claiming_4_gb_exits_3_with_a_plain_message_and_no_report(
    hostile_phone: StartPhone, tmp_path: Path
) -> None:
    phone = hostile_phone(Hostile(huge_header="cnxn"))
    run = run_scan_process(tmp_path, phone, *TIMEOUT)
    assert_ended_plainly(run, NOT_CONNECTED)
    assert "does not behave like an Android phone" in run.out
    assert "announced a message of 4.3 GB" in run.out
    assert run.report is None  # nothing was read
    assert phone.received == []


def test_a_phone_advertising_maxdata_of_4_gb_is_scanned_in_full(
    hostile_phone: StartPhone, infected: Profile, tmp_path: Path
) -> None:
    phone = hostile_phone(Hostile(maxdata=0xFFFFFFFF))
    run = run_scan_process(tmp_path, phone)
    assert_ended_plainly(run, 0)
    assert run.report is not None and run.report["complete"] is True
    checked = {e["path"]: e for e in run.report["app_files_checked"]}
    how = {e["path"]: e for e in run.report["app_file_checks"]}
    hashed = 0
    for path, data in infected.files.items():
        assert how[path]["certificate"]["checked"], path
        # Off-store apps are hashed on the phone; store apps' certificates are matched.
        if how[path]["sha256"]["checked"]:
            assert checked[path]["sha256"] == sha256(data)
            hashed += 1
        else:
            assert how[path]["sha256"]["why_not"] == STORE_NO_HASH
    assert hashed >= 3  # the three apps installed from outside a store


def test_a_pulled_file_whose_sync_header_claims_4_gb_is_named_and_the_report_kept(
    hostile_phone: StartPhone, infected: Profile, tmp_path: Path
) -> None:
    # A shell without tail: the APKs are pulled whole, as on a phone that cannot read parts.
    lacking = replace(infected, missing_tools=frozenset({"tail"}))
    phone = hostile_phone(Hostile(huge_header="recv"), lacking)
    run = run_scan_process(tmp_path, phone, *TIMEOUT)
    assert_ended_plainly(run, INCOMPLETE)
    assert run.report is not None and run.report["complete"] is False
    for command in STATIC_COMMANDS:
        assert run.command(command)["sha256"] == sha256(infected.commands[command]), command
    first, *rest = [e for e in run.report["commands"] if e["command"].startswith("pull ")]
    assert "announced a piece of a file of 4.3 GB" in first["error"]
    assert rest and all(e["error"].startswith("not run: ") for e in rest)


def test_apks_trickled_a_byte_at_a_time_are_cut_and_named_and_the_scan_ends(
    infected: Profile, tmp_path: Path
) -> None:
    # Every piece arrives well within the read time-out (0.2 s < 0.5 s): only the pull
    # deadline (command_s: 3 x 0.5 s) can end each read.
    plan = FaultPlan(hostile=Hostile(trickle_pull_s=0.2))
    # A shell without tail: the APKs are pulled whole, as on a phone that cannot read parts.
    lacking = replace(infected, missing_tools=frozenset({"tail"}))
    with SimulatedPhone(lacking, faults=plan) as phone:
        run = run_scan_process(tmp_path, phone, "--command-timeout", "0.5")
    assert_ended_plainly(run, INCOMPLETE)
    assert run.report is not None and run.report["complete"] is False
    for command in STATIC_COMMANDS:
        assert run.command(command)["sha256"] == sha256(infected.commands[command]), command
    pulls = [e for e in run.report["commands"] if e["command"].startswith("pull ")]
    assert len(pulls) == len(infected.files)
    # Each read is cut by its own deadline until the time for all of them is spent; the
    # rest are not asked for (every app's file is served, so there are more than fit).
    slow = [e for e in pulls if "too slowly" in e["error"]]
    assert slow and pulls[: len(slow)] == slow
    for entry in pulls:
        assert not entry["ok"]
        assert "not read or checked" in entry["error"].lower()
    for entry in pulls[len(slow) :]:
        assert "allowed for all of them" in entry["error"]
    assert "too slowly" in run.out
    assert run.wall_s < len(infected.files) * 1.5 + 20  # each pull's deadline, plus start-up
