"""A scan that parses and reads APKs on a worker while the link is busy gives exactly the
result of the same scan done in turn in one thread (``scan_phone(threaded=False)``).

Both run over the real ADB wire protocol against the simulated phone, APK checks on:
the infected and clean demo phones, and one whose package list carries hostile APK paths
(shell syntax, ``..``, NUL) beside real APKs; and a generated phone of 300 apps with a 4 KiB
``maxdata`` (Android 6), whose first round of APK reads takes many commands, so apps are
planned and read on the worker while later commands are on the link. The phone is sent
the same commands in the same order either way. Only what differs from run to run by
nature is set aside: the clock (start, end, each command's duration).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from scanner.commands import DUMPSYS_ADB as ADB_KEYS
from scanner.commands import PHONE_CLOCK as CLOCK
from scanner.device.connection import PhoneConnection
from scanner.device.keys import AdbSigner, ephemeral_signer
from scanner.model import ScanResult
from scanner.pipeline import scan_phone
from scanner.sigdb.commands import load_shipped_db
from scanner.sigdb.model import SignatureDB
from scanner.simulator import Profile, SimulatedPhone, load_profile
from scanner.simulator.apk_builder import build_apk
from scanner.simulator.faults import FaultPlan, Hostile
from scanner.sources import SCAN_COMMANDS
from tests.faults.test_hostile_apk_paths import hostile_profile
from tools.fabricate import big_phone, make_phone
from tools.fabricate.resolve import resolve_apps

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
MARK = re.compile(r"@[0-9a-f]{16}")


@pytest.fixture(scope="module")
def signatures() -> SignatureDB:
    return load_shipped_db()


def without_clock(result: ScanResult) -> ScanResult:
    """The result with the clock's marks set aside: start, end, each command's duration,
    and the time the phone wrote into its key list for this connection (``dumpsys adb``,
    whose length, and so the bytes received, can change with it); and the count of names
    read early, which only a threaded scan does."""
    results = tuple(
        replace(r, duration_s=0.0, output=b"" if r.command == ADB_KEYS else r.output)
        for r in result.capture.results
    )
    return replace(
        result,
        started_at=EPOCH,
        finished_at=EPOCH,
        capture=replace(result.capture, results=results),
        pulls=tuple(replace(p, duration_s=0.0) for p in result.pulls),
        # How the work was split: the labels read while the link was busy.
        link={**result.link, "bytes_received": 0, "apk_labels_read_early": 0},
    )


def scan(
    phone: SimulatedPhone, signer: AdbSigner, signatures: SignatureDB, threaded: bool
) -> ScanResult:
    connection = PhoneConnection.connect_tcp("127.0.0.1", phone.port, signer)
    try:
        return scan_phone(connection, signatures=signatures, threaded=threaded)
    finally:
        connection.close()


def many_apps(n_apps: int = 300) -> Profile:
    """The benchmarks' generated phone, an APK of its own for every non-system app."""
    apps = [a for a in resolve_apps(big_phone(n_apps)) if not a.spec.system]
    files = {a.apk_file: build_apk(a.spec.package, label=a.spec.label) for a in apps}
    return Profile(name="many-apps", commands=dict(make_phone(n_apps)), files=files)


def profile_named(name: str) -> Profile:
    profile = hostile_profile(load_profile("infected")) if name == "hostile-paths" else None
    profile = profile or (many_apps() if name == "many-apps" else load_profile(name))
    # The phone's clock, read once: otherwise it ticks between the two scans.
    return replace(profile, commands={**profile.commands, CLOCK: b"1796299142\n"})


@pytest.mark.parametrize("name", ["infected", "clean", "hostile-paths", "many-apps-4k"])
def test_threaded_scan_equals_the_scan_done_in_turn(name: str, signatures: SignatureDB) -> None:
    signer = ephemeral_signer()
    small = FaultPlan(hostile=Hostile(maxdata=4096)) if name.endswith("-4k") else None
    with SimulatedPhone(profile_named(name.removesuffix("-4k")), faults=small) as phone:
        # The first connection adds this computer's key to the phone's list (dumpsys adb).
        scan(phone, signer, signatures, threaded=True)
        threaded = scan(phone, signer, signatures, threaded=True)
        serial = scan(phone, signer, signatures, threaded=False)
        # Each APK read marks its answers with a fresh random tag: set aside.
        sent = {
            n: [
                (r.service, MARK.sub("@tag", r.command))
                for r in phone.received
                if r.connection == n
            ]
            for n in (2, 3)
        }
    assert serial.app_checks, "the APK checks ran"
    # The same commands in the same order: the batch, then the APK reads.
    assert sent[2] == sent[3]
    assert [command for _, command in sent[2][: len(SCAN_COMMANDS)]] == list(SCAN_COMMANDS)
    assert sum(1 for c in serial.app_checks if c.certificate) > 0
    assert without_clock(threaded) == without_clock(serial)
    assert serial.link["apk_labels_read_early"] == 0
    if name.startswith("many-apps"):
        # Store apps near the review line were named early, with the same names.
        assert threaded.link["apk_labels_read_early"] > 0
    if small is not None:
        assert serial.link["apk_read_commands"] > serial.link["apk_read_rounds"] + 2
