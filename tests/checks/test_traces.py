"""ADB-001/002 and TRACE-001 on snapshots built from real-format outputs and the shipped
signature database: trusted computers told apart by key, removed stalkerware with dates."""

from __future__ import annotations

from datetime import datetime

import pytest

from scanner.checks.registry import CheckContext, run_checks
from scanner.checks.traces import traces_of_missing_apps
from scanner.commands import BATTERYSTATS_DAILY, DUMPSYS_ADB, DUMPSYS_PACKAGE
from scanner.device.keys import ephemeral_signer
from scanner.model import CommandResult, Confidence, DeviceSnapshot, Finding, RawCapture, Severity
from scanner.parse.snapshot import build_snapshot
from scanner.sigdb.commands import load_shipped_db
from scanner.sigdb.index import SignatureIndex
from scanner.sigdb.model import Kind
from scanner.simulator.adb_state import KeyEntry, render_dumpsys_adb
from tests.checks.phone import CLEAN
from tests.conftest import shared_path
from tests.parse.helpers import FIXTURES

NOW = datetime(2026, 11, 28, 10, 42, 17)
OURS = ephemeral_signer().public_key_bytes.decode()
OTHER = ephemeral_signer().public_key_bytes.decode().split(" ", 1)[0] + " mark@laptop"

DAILY = """Daily stats:
  Current start time: 2026-11-28-01-11-23
  Daily from 2026-11-24-01-09-34 to 2026-11-25-01-13-39:
    Package changes:
      Uninstall com.ispyoo
      Uninstall com.example.ordinary.gone
  Daily from 2026-11-19-01-13-02 to 2026-11-20-01-18-41:
    Package changes:
      Update com.ispyoo vers=28
      Update com.example.ordinary.gone vers=3
"""


@pytest.fixture(scope="module")
def index() -> SignatureIndex:
    return SignatureIndex.from_db(load_shipped_db())


def snapshot(**outputs: bytes) -> DeviceSnapshot:
    """A phone: the Pixel 8 fixture's app list, plus the outputs given."""
    results = {DUMPSYS_PACKAGE: (FIXTURES / "dumpsys_package" / "pixel8_a14.txt").read_bytes()}
    results.update(outputs)
    return build_snapshot(RawCapture(tuple(CommandResult(c, o) for c, o in results.items())))


def findings(snap: DeviceSnapshot, index: SignatureIndex | None, own: str | None = None):
    context = CheckContext(now=NOW, signatures=index, own_adb_key=own)
    return [f for f in run_checks(snap, context) if f.check in ("ADB-001", "ADB-002", "TRACE-001")]


def only(found: list[Finding], check: str) -> list[Finding]:
    return [f for f in found if f.check == check]


def adb_output(*lines: str, sdk: int = 30) -> bytes:
    entries = [KeyEntry(line, 1764026200000) for line in lines]
    return render_dumpsys_adb(sdk, entries).encode()


# --------------------------------------------------------------------------- removed apps


@pytest.mark.fires("TRACE-001")
def test_removed_known_stalkerware_is_reported_high_with_the_phone_dates(index):
    found = findings(snapshot(**{BATTERYSTATS_DAILY: DAILY.encode()}), index)
    (trace,) = only(found, "TRACE-001")
    assert trace.package == "com.ispyoo" and trace.family == "TheTruthSpy"
    assert trace.severity is Severity.HIGH
    assert trace.guidance == "removed_stalkerware"
    assert trace.title.endswith(
        "was removed between 2026-11-24 01:09 and 2026-11-25 01:13 (phone time)"
    )
    excerpts = [(e.source, e.excerpt) for e in trace.evidence]
    assert (
        BATTERYSTATS_DAILY,
        "Update com.ispyoo vers=28: installed or updated between 2026-11-19 01:13 and "
        "2026-11-20 01:18 (phone time)",
    ) in excerpts
    assert (DUMPSYS_PACKAGE, "com.ispyoo is not in the list of apps") in excerpts
    assert trace.capabilities  # what the family can do, from the database


def test_an_unlisted_removed_app_is_not_a_finding(index):
    found = findings(snapshot(**{BATTERYSTATS_DAILY: DAILY.encode()}), index)
    assert "com.example.ordinary.gone" not in {f.package for f in found}


def test_a_removed_dual_use_app_is_not_reported_as_stalkerware(index):
    dual = next(
        p
        for f in load_shipped_db().families
        if f.kind is Kind.DUAL_USE
        for p in f.packages
        if all(m.family.kind is Kind.DUAL_USE for m in index.by_package(p))
    )
    text = DAILY.replace("com.example.ordinary.gone", dual)
    found = findings(snapshot(**{BATTERYSTATS_DAILY: text.encode()}), index)
    assert [f.package for f in only(found, "TRACE-001")] == ["com.ispyoo"]


def test_installed_known_stalkerware_is_left_to_the_known_check(index):
    # The same records, but the app is in the list of apps: KNOWN-001's job, not this one.
    package_list = (FIXTURES / "dumpsys_package" / "pixel8_a14.txt").read_text()
    installed = package_list.replace("com.example.tracker", "com.ispyoo")
    assert installed != package_list
    snap = snapshot(**{DUMPSYS_PACKAGE: installed.encode(), BATTERYSTATS_DAILY: DAILY.encode()})
    assert only(findings(snap, index), "TRACE-001") == []


def test_without_a_full_app_list_the_app_may_still_be_there(index):
    capture = RawCapture((CommandResult(BATTERYSTATS_DAILY, DAILY.encode()),))
    found = findings(build_snapshot(capture), index)
    (trace,) = only(found, "TRACE-001")
    assert trace.title.endswith("so it may still be there")
    assert DUMPSYS_PACKAGE not in {e.source for e in trace.evidence}


def test_no_database_means_no_trace_finding():
    assert findings(snapshot(**{BATTERYSTATS_DAILY: DAILY.encode()}), None) == []


def test_app_op_records_alone_are_enough(index):
    appops = b"  Uid u0a181:\n    Package com.ispyoo:\n      READ_SMS (allow):\n"
    (trace,) = only(findings(snapshot(**{"dumpsys appops": appops}), index), "TRACE-001")
    assert trace.title.endswith("and is no longer installed")
    assert trace.evidence[0].excerpt == "app-op records for uid 10181"


# --------------------------------------------------------------------------- trusted computers


@pytest.mark.fires("ADB-001", "ADB-002")
def test_this_computer_is_named_and_only_the_other_one_is_flagged(index):
    found = findings(snapshot(**{DUMPSYS_ADB: adb_output(OURS, OTHER)}), index, own=OURS)
    (other,) = only(found, "ADB-001")
    assert other.title == "The phone trusts another computer for USB debugging: mark@laptop"
    assert other.severity is Severity.REVIEW and other.confidence is Confidence.HIGH
    assert other.guidance == "trusted_computer" and other.package is None
    assert "last connected 2025-11-24 23:16 UTC" in other.evidence[1].excerpt
    (ours,) = only(found, "ADB-002")
    assert ours.severity is Severity.INFO
    assert ours.guidance == "usb_debugging" and ours.package is None
    assert "this computer" in ours.title


def test_the_same_name_on_another_key_is_another_computer(index):
    impostor = OTHER.split(" ", 1)[0] + " " + OURS.split(" ", 1)[1]
    found = findings(snapshot(**{DUMPSYS_ADB: adb_output(impostor)}), index, own=OURS)
    assert [f.check for f in found] == ["ADB-001"]


def test_without_our_key_every_computer_is_named_with_low_confidence(index):
    found = findings(snapshot(**{DUMPSYS_ADB: adb_output(OURS, OTHER)}), index)
    assert [f.check for f in found] == ["ADB-001", "ADB-001"]
    assert {f.confidence for f in found} == {Confidence.LOW}
    assert all("cannot tell whether" in f.evidence[-1].excerpt for f in found)


def test_real_binary_keystore_says_the_time_cannot_be_read(index):
    real = shared_path("device-outputs", "mvt-artifacts", "android_data", "dumpsys_adb.txt")
    (found,) = findings(snapshot(**{DUMPSYS_ADB: real.read_bytes()}), index, own=OURS)
    assert found.title.endswith("user@linux")
    assert "binary file that this check cannot read" in found.evidence[1].excerpt
    assert "the last computer to ask" in found.evidence[2].excerpt
    for evidence in found.evidence:
        assert "\ufffd" not in evidence.excerpt and "ABX" not in evidence.excerpt


def test_a_phone_without_the_adb_service_gives_no_trusted_computer_finding(index):
    snap = snapshot(**{DUMPSYS_ADB: b"Can't find service: adb\n"})
    assert findings(snap, index, own=OURS) == []


def test_a_hostile_computer_name_reaches_the_report_as_plain_text(index):
    hostile = OTHER.split(" ", 1)[0] + " mark\x1b[31m@\u202elaptop"
    (found,) = findings(snapshot(**{DUMPSYS_ADB: adb_output(hostile)}), index, own=OURS)
    for text in (found.title, *(e.excerpt for e in found.evidence)):
        assert text.isprintable()
    assert found.title.endswith("mark[31m@laptop")


# --------------------------------------------------------------------------- the clean phone


@pytest.mark.silent("TRACE-001")
def test_an_ordinary_removed_app_in_the_clean_phones_records_is_not_a_finding(index):
    changes = "    Package changes:\n"
    daily = CLEAN.outputs[BATTERYSTATS_DAILY]
    assert changes in daily
    removed = changes + "      Uninstall com.example.ordinary.gone\n"
    phone = CLEAN.replaced(BATTERYSTATS_DAILY, daily.replace(changes, removed, 1)).snapshot()
    assert list(traces_of_missing_apps(phone)) == ["com.example.ordinary.gone"]
    context = CheckContext(now=NOW, signatures=index)
    assert [f for f in run_checks(phone, context) if f.check == "TRACE-001"] == []


@pytest.mark.silent("ADB-001")
def test_a_phone_that_trusts_only_this_computer_names_no_other(index):
    found = findings(snapshot(**{DUMPSYS_ADB: adb_output(OURS)}), index, own=OURS)
    assert only(found, "ADB-001") == []
    assert len(only(found, "ADB-002")) == 1


@pytest.mark.silent("ADB-002")
def test_a_phone_that_does_not_trust_this_computer_does_not_say_it_does(index):
    found = findings(snapshot(**{DUMPSYS_ADB: adb_output(OTHER)}), index, own=OURS)
    assert only(found, "ADB-002") == []
    assert len(only(found, "ADB-001")) == 1
