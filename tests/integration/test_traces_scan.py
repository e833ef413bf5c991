"""Whole scans of the built-in phones over the real ADB protocol: the removed stalkerware
and the other trusted computer are reported, the scanning computer is "this computer",
and the clean phone shows neither. Through the pipeline and through the CLI."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from scanner.commands import DUMPSYS_ADB
from scanner.device.apk_commands import is_apk_read_command
from scanner.device.connection import PhoneConnection
from scanner.device.keys import AdbSigner, config_dir, ephemeral_signer
from scanner.model import ScanResult, Severity
from scanner.pipeline import scan_phone
from scanner.sigdb.commands import load_shipped_db
from scanner.simulator import Profile, SimulatedPhone, load_profile
from scanner.sources import SCAN_COMMANDS
from tests.faults.scanrun import run_scan
from tools.fabricate import make_phone

TRACE_CHECKS = ("ADB-001", "ADB-002", "TRACE-001")


def scan(profile: Profile, signer: AdbSigner) -> tuple[ScanResult, list[str]]:
    """A scan as the CLI runs it (this computer's key passed in), and the shell commands sent."""
    with SimulatedPhone(profile) as phone:
        connection = PhoneConnection.connect_tcp("127.0.0.1", phone.port, signer)
        try:
            result = scan_phone(
                connection,
                signatures=load_shipped_db(),
                own_adb_key=signer.public_key_bytes.decode(),
            )
        finally:
            connection.close()
        shell = [r.command for r in phone.received if r.service == "shell"]
    return result, shell


@pytest.fixture(scope="module")
def signer() -> AdbSigner:
    return ephemeral_signer()


@pytest.fixture(scope="module")
def infected(signer: AdbSigner) -> ScanResult:
    return scan(load_profile("infected"), signer)[0]


@pytest.fixture(scope="module")
def clean(signer: AdbSigner) -> ScanResult:
    return scan(load_profile("clean"), signer)[0]


def traces(result: ScanResult, check: str):
    return [f for f in result.findings if f.check == check]


def test_infected_phone_reports_the_removed_stalkerware_with_its_dates(infected):
    (trace,) = traces(infected, "TRACE-001")
    assert trace.package == "com.ispyoo" and trace.family == "TheTruthSpy"
    assert trace.severity is Severity.HIGH
    assert "was removed between 2026-11-24" in trace.title
    sources = {e.source for e in trace.evidence}
    assert {"dumpsys batterystats --daily", "dumpsys appops", "dumpsys package"} <= sources
    # The newer spyware, installed the same night, is still reported as installed.
    assert "com.systemservice" in {f.package for f in traces(infected, "KNOWN-001")}


def test_infected_phone_names_this_computer_and_flags_the_other(infected, signer):
    (other,) = traces(infected, "ADB-001")
    assert other.title == "The phone trusts another computer for USB debugging: mark@laptop"
    (ours,) = traces(infected, "ADB-002")
    assert "this computer" in ours.title
    our_name = signer.public_key_bytes.decode().split(" ", 1)[1]
    assert f"named '{our_name}'" in ours.evidence[0].excerpt


def test_clean_phone_reports_neither(clean):
    assert traces(clean, "TRACE-001") == []
    assert traces(clean, "ADB-001") == []
    assert len(traces(clean, "ADB-002")) == 1  # the computer that ran the scan


def test_the_simulated_phone_lists_the_key_it_really_trusts_in_androids_form(clean, signer):
    output = clean.capture.get(DUMPSYS_ADB).output.decode()
    ours = signer.public_key_bytes.decode()
    assert f"    user_keys={ours}\n" in output
    raw = base64.b64decode(ours.split(" ", 1)[0])
    md5 = ":".join(f"{b:02X}" for b in hashlib.md5(raw).digest())  # noqa: S324
    assert f"    last_key_received={md5}\n" in output  # it asked at the prompt
    keystore = output.split("    keystore=", 1)[1]
    assert keystore.startswith("ABX") and ours in keystore  # Android 14: binary keystore


def test_the_number_of_commands_does_not_grow_with_the_apps(signer):
    small = scan(load_profile("clean"), signer)[1]
    big_outputs = make_phone(400)
    big = scan(Profile(name="big-400", commands=dict(big_outputs)), signer)[1]
    fixed = len(SCAN_COMMANDS)
    assert small[:fixed] == big[:fixed] == list(SCAN_COMMANDS)
    assert fixed == 14
    # Then the apps' files, read in parts: a few commands, however many apps there are.
    for extra in (small[fixed:], big[fixed:]):
        assert 1 <= len(extra) <= 4
        assert all(is_apk_read_command(command) for command in extra)


def test_the_command_line_reports_both_and_names_this_computer(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("NO_COLOR", "1")
    with SimulatedPhone(load_profile("infected")) as phone:
        run = run_scan(capsys, tmp_path, phone)
    assert run.report is not None
    found = {f["check"]: f for f in run.report["findings"] if f["check"] in TRACE_CHECKS}
    assert set(found) == set(TRACE_CHECKS)
    assert found["TRACE-001"]["package"] == "com.ispyoo"
    assert found["ADB-001"]["title"].endswith("mark@laptop")
    # The CLI's own key (kept in its config folder) is the one named "this computer".
    key = (config_dir() / "adbkey.pub").read_text().strip()
    fingerprint = ":".join(
        f"{b:02X}"
        for b in hashlib.md5(base64.b64decode(key.split(" ")[0])).digest()  # noqa: S324
    )
    assert fingerprint in found["ADB-002"]["evidence"][0]["excerpt"]
    assert "removed" in run.out and "mark@laptop" in run.out


def test_the_command_line_on_the_clean_phone_reports_neither(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with SimulatedPhone(load_profile("clean")) as phone:
        run = run_scan(capsys, tmp_path, phone)
    assert run.report is not None
    checks = [f["check"] for f in run.report["findings"]]
    assert "TRACE-001" not in checks and "ADB-001" not in checks
    assert checks.count("ADB-002") == 1
