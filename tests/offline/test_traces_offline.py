"""Bug reports and androidqf folders carry the trace services: found there and read alike."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scanner.commands import BATTERYSTATS_DAILY, DUMPSYS_ADB, DUMPSYS_DBINFO
from scanner.model import Confidence, Severity
from scanner.offline import load_androidqf, load_bugreport
from scanner.offline.bugreport import NOT_PRESENT
from scanner.pipeline import analyse
from scanner.sigdb.model import SignatureDB
from scanner.simulator import load_profile
from scanner.simulator.profile import BUILTIN_PROFILES_DIR
from tests.conftest import shared_path
from tests.offline.builders import bugreport_text, bugreport_zip
from tests.offline.conftest import live_scan

TRACE_SERVICES = {DUMPSYS_ADB: "adb", DUMPSYS_DBINFO: "dbinfo", BATTERYSTATS_DAILY: "batterystats"}


def _block(dump: bytes, service: str) -> bytes:
    """A service's output in a whole ``dumpsys``, cut by hand: from its header line to its
    trailer, or to the next block's line of dashes when it has none."""
    head = f"DUMP OF SERVICE {service}:\n".encode()
    start = dump.index(head) + len(head)
    ends = [dump.find(mark, start) for mark in (b"--------- ", b"-" * 79 + b"\n")]
    return dump[start : min(end for end in ends if end != -1)]


def test_real_androidqf_dumpsys_gives_each_trace_service_byte_for_byte():
    folder = shared_path("device-outputs", "mvt-artifacts", "androidqf")
    dump = (folder / "dumpsys.txt").read_bytes()
    capture = load_androidqf(folder)
    for command, service in TRACE_SERVICES.items():
        assert capture.get(command).output == _block(dump, service), command


def test_real_androidqf_folder_names_its_trusted_computer_and_its_traces(signatures):
    folder = shared_path("device-outputs", "mvt-artifacts", "androidqf")
    result = analyse(load_androidqf(folder), datetime.now(UTC), signatures=signatures)
    assert [c.comment for c in result.snapshot.trusted_computers] == ["user@linux"]
    (computer,) = [f for f in result.findings if f.check == "ADB-001"]
    # An offline copy does not say which computer made it.
    assert computer.confidence is Confidence.LOW
    traces = {(t.source, t.package) for t in result.snapshot.app_traces}
    assert (BATTERYSTATS_DAILY, "org.mozilla.firefox") in traces
    assert (DUMPSYS_DBINFO, "com.sec.android.inputmethod") in traces
    assert not {p.source for p in result.problems} & set(TRACE_SERVICES)


def test_a_bug_report_without_the_services_says_they_are_not_in_it():
    report = shared_path("device-outputs", "mvt-artifacts", "android_data", "bugreport")
    capture = load_bugreport(report / "dumpstate.txt")
    for command in TRACE_SERVICES:
        assert capture.get(command).output is None
        assert capture.get(command).error == NOT_PRESENT


@pytest.mark.skipif(
    not (BUILTIN_PROFILES_DIR / "infected" / "profile.yaml").is_file(),
    reason="the built-in 'infected' simulator profile is not in this tree",
)
def test_bug_report_of_the_infected_phone_shows_the_removed_app_and_the_other_computer(
    tmp_path, signatures: SignatureDB
):
    phone = load_profile("infected")
    report = bugreport_zip(tmp_path / "infected.zip", bugreport_text(phone.commands))
    offline = analyse(load_bugreport(report), datetime.now(UTC), signatures=signatures)
    live = live_scan(phone, signatures)
    (trace,) = [f for f in offline.findings if f.check == "TRACE-001"]
    assert trace.package == "com.ispyoo" and trace.severity is Severity.HIGH
    assert [f.title for f in live.findings if f.check == "TRACE-001"] == [trace.title]
    (computer,) = [f for f in offline.findings if f.check == "ADB-001"]
    assert computer.title.endswith("mark@laptop")
