"""Whole scans, over the real ADB wire protocol, of phones built from real captures."""

from __future__ import annotations

import pytest

from scanner.device.allowlist import ALLOWED_SHELL_COMMANDS, is_allowed
from scanner.device.connection import PhoneConnection
from scanner.device.keys import ephemeral_signer
from scanner.pipeline import scan_phone
from scanner.report import json_report
from scanner.simulator import SimulatedPhone
from scanner.sources import SCAN_COMMANDS
from tests.integration.real_captures import ai_pin_profile, getprop_profile


def scan(profile):
    with SimulatedPhone(profile) as phone:
        connection = PhoneConnection.connect_tcp("127.0.0.1", phone.port, ephemeral_signer())
        try:
            result = scan_phone(connection)
        finally:
            connection.close()
        return result, list(phone.received)


def test_ai_pin_capture_scans_end_to_end_with_every_package():
    result, _received = scan(ai_pin_profile())
    assert result.snapshot.device.model == "Ai Pin"
    assert result.snapshot.device.android_version == "12"
    assert len(result.snapshot.packages) == 172
    report = json_report.to_dict(result)
    assert report["packages_scanned"] == 172
    sent = [c["command"] for c in report["commands"]]
    assert sent[: len(SCAN_COMMANDS)] == list(SCAN_COMMANDS)
    # Then one pull per off-store, non-system app (for the certificate check).
    assert all(c.startswith("pull /") for c in sent[len(SCAN_COMMANDS) :])


def test_full_scan_sends_only_allowlisted_read_only_commands():
    _result, received = scan(ai_pin_profile())
    shell = [r.command for r in received if r.service == "shell"]
    assert shell[: len(SCAN_COMMANDS)] == list(SCAN_COMMANDS)
    assert all(command in ALLOWED_SHELL_COMMANDS for command in shell[: len(SCAN_COMMANDS)])
    # Then the apps' files, read in parts by commands the allowlist checks in full.
    assert 1 <= len(shell) - len(SCAN_COMMANDS) <= 4
    assert all(is_allowed(command) for command in shell)
    assert {r.service for r in received} <= {"shell", "sync"}
    sync = [r.command.split(" ", 1)[0] for r in received if r.service == "sync"]
    assert set(sync) <= {"STAT", "LIST", "RECV", "QUIT"}
    assert not any(r.refused for r in received)


def test_commands_the_capture_lacks_become_named_warnings_not_crashes():
    result, _ = scan(ai_pin_profile())
    sources = {w.source for w in result.warnings}
    # The Ai Pin capture has no device_policy/account/appops output: the simulated shell
    # answers "Can't find service", which the report must name rather than hide.
    assert {"dumpsys device_policy", "dumpsys account", "dumpsys appops"} <= sources


@pytest.mark.parametrize(
    ("file_name", "model", "release"),
    [
        ("oneplus-nord-n10-android11.txt", "BE2028", "11"),
        ("xiaomi-poco-f6-android15.txt", None, "15"),
    ],
)
def test_real_getprop_captures_identify_the_phone(file_name, model, release):
    result, _ = scan(getprop_profile(file_name))
    device = result.snapshot.device
    assert device.android_version == release
    if model:
        assert device.model == model
    assert device.security_patch
