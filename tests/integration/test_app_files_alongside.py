"""The apps' file checks start from the package list, beside the rest of the batch.

They are planned from ``getprop`` and ``dumpsys package`` alone while the batch goes on,
and their commands are sent after it. That is sound only if those two outputs decide
every app they check: held here on the demo phones, a generated one, phones with hostile
paths, and the real captures in ``../shared``. A scan that stops during the batch is as
one that never began them (the scan done in turn sends none either): compared here, over
the real ADB wire protocol, with a cable pulled after the package list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from scanner.apks import check_targets
from scanner.apks_alongside import package_snapshot
from scanner.commands import DUMPSYS_APPOPS
from scanner.device.keys import ephemeral_signer
from scanner.model import CommandResult, RawCapture
from scanner.offline.bugreport import load_bugreport
from scanner.parse.snapshot import build_snapshot
from scanner.sigdb.commands import load_shipped_db
from scanner.simulator import Profile, SimulatedPhone, load_profile
from scanner.simulator.faults import Drop, FaultPlan
from scanner.sources import SCAN_COMMANDS
from tests.conftest import shared_path
from tests.faults.test_hostile_apk_paths import hostile_profile
from tests.integration.real_captures import ai_pin_profile
from tests.integration.test_overlap_same_result import many_apps, profile_named, scan, without_clock


def _capture(profile: Profile) -> RawCapture:
    commands = profile.commands
    return RawCapture(tuple(CommandResult(c, commands[c]) for c in SCAN_COMMANDS if c in commands))


def _mvt_bug_report() -> RawCapture:
    """MVT's real Samsung bug report, read as the offline scan reads it."""
    path = shared_path("device-outputs", "mvt-artifacts", "android_data", "bugreport")
    return load_bugreport(Path(path, "dumpstate.txt"))


PHONES: dict[str, Callable[[], RawCapture]] = {
    "clean": lambda: _capture(load_profile("clean")),
    "infected": lambda: _capture(load_profile("infected")),
    "hostile-paths": lambda: _capture(hostile_profile(load_profile("infected"))),
    "many-apps": lambda: _capture(many_apps()),
    "ai-pin-real": lambda: _capture(ai_pin_profile()),
    "mvt-bug-report-real": _mvt_bug_report,
}


@pytest.mark.parametrize("name", sorted(PHONES))
def test_the_package_list_alone_decides_every_app_the_file_checks_read(name: str) -> None:
    capture = PHONES[name]()
    finished = build_snapshot(capture)
    early = package_snapshot(capture)
    assert early.packages, "the phone has apps"
    targets, not_checked = check_targets(early)
    assert targets, "some app is read"
    assert (targets, not_checked) == check_targets(finished)
    assert early.device.sdk == finished.device.sdk


def test_a_scan_cut_after_the_package_list_is_the_scan_done_in_turn() -> None:
    signer = ephemeral_signer()
    signatures = load_shipped_db()
    # The cable is pulled when the batch reaches app-ops: the file checks have begun.
    cut = FaultPlan(drop=Drop("open", command=DUMPSYS_APPOPS))
    results = []
    for threaded in (True, False):
        with SimulatedPhone(profile_named("infected"), faults=cut) as phone:
            results.append(scan(phone, signer, signatures, threaded=threaded))
            sent = [r.command for r in phone.received if r.service == "shell"]
        # Nothing after the batch reached the phone: it stopped at app-ops.
        assert sent == list(SCAN_COMMANDS[: SCAN_COMMANDS.index(DUMPSYS_APPOPS) + 1])
    # Two phones, two ports: the serial names the port, the rest must be the same.
    alongside, in_turn = (replace(r, capture=replace(r.capture, serial="")) for r in results)
    assert alongside.capture.interrupted
    assert alongside.app_checks == ()
    assert without_clock(alongside) == without_clock(in_turn)
