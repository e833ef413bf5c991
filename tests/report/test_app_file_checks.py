"""Every report says, for every app, whether its certificate and hash were checked, and
if not, why: JSON (against its schema), terminal and HTML, from a real scan of the
simulated infected phone with one app whose path is hostile and one whose file is gone."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from html import unescape

import pytest
from rich.console import Console

from scanner.apks import NOT_SYSTEM_ONLY, UNSAFE_PATH
from scanner.device.connection import PhoneConnection
from scanner.device.keys import ephemeral_signer
from scanner.model import CHECKED_IN_PARTS, CHECKED_SIGNING_BLOCK, HASHED_ON_PHONE, ScanResult
from scanner.pipeline import scan_phone
from scanner.report import html_report, json_report, terminal
from scanner.report.schema import validate_report
from scanner.simulator import SimulatedPhone, load_profile

HOSTILE = "com.mobiletrackerfree.www"
GONE = "com.life360.android.safetymapd"  # A store app whose file the phone no longer serves.


@pytest.fixture(scope="module")
def result() -> ScanResult:
    infected = load_profile("infected")
    text = infected.commands["dumpsys package"].decode()
    text = re.sub(
        rf"(Package \[{re.escape(HOSTILE)}\].*?codePath=)\S+",
        lambda m: m.group(1) + "/data/app/x-1;reboot",
        text,
        count=1,
        flags=re.DOTALL,
    )
    files = {path: data for path, data in infected.files.items() if f"/{GONE}-" not in path}
    assert len(files) == len(infected.files) - 1
    profile = replace(
        infected,
        commands={**infected.commands, "dumpsys package": text.encode()},
        files=files,
    )
    with SimulatedPhone(profile) as phone:
        connection = PhoneConnection.connect_tcp("127.0.0.1", phone.port, ephemeral_signer())
        try:
            return scan_phone(connection)
        finally:
            connection.close()


def test_json_lists_every_app_with_how_or_why_not(result: ScanResult) -> None:
    report = json_report.to_dict(result)
    assert validate_report(report) == []
    checks = {c["package"]: c for c in report["app_file_checks"]}
    assert set(checks) == {p.package for p in result.snapshot.packages}
    spy = checks["com.systemservice"]
    assert spy["certificate"] == {"checked": True, "how": CHECKED_IN_PARTS, "why_not": None}
    assert spy["sha256"] == {"checked": True, "how": HASHED_ON_PHONE, "why_not": None}
    assert checks[HOSTILE]["certificate"] == {
        "checked": False,
        "how": None,
        "why_not": UNSAFE_PATH,
    }
    system = [c for c in checks.values() if c["certificate"]["why_not"] == NOT_SYSTEM_ONLY]
    assert system and all(not c["sha256"]["checked"] for c in system)
    # Every app not checked says why.
    for check in checks.values():
        for part in (check["certificate"], check["sha256"]):
            assert part["checked"] or part["why_not"], check


def test_terminal_and_html_name_each_app_not_checked(result: ScanResult) -> None:
    def terminal_text(view: terminal.View) -> str:
        buffer = io.StringIO()
        terminal.render(result, Console(file=buffer, width=200, color_system=None), view=view)
        return " ".join(buffer.getvalue().split())

    details = terminal_text(terminal.View(details=True))
    short = terminal_text(terminal.View())
    html = " ".join(unescape(html_report.render(result)).split())
    for shown in (details, html, short):
        assert "App files checked" in shown
    for shown in (details, html):
        assert "Signing certificates were checked for" in shown
    for shown in (details, html):
        assert f"{UNSAFE_PATH} (" in shown and HOSTILE in shown
    # The short screen counts them and says where each is named.
    unchecked = [c for c in result.app_checks if not c.certificate]
    others = [c for c in unchecked if c.certificate_not_checked != NOT_SYSTEM_ONLY]
    assert f"; {len(others)} could not be (see --details)." in short
    # A store app whose file this simulated phone does not hold is named too, with why.
    gone = [c for c in others if c.package == GONE]
    assert gone and "no such file" in gone[0].certificate_not_checked


def test_a_store_app_read_from_its_signing_block_alone_is_said_so(result: ScanResult) -> None:
    block_only = [c.package for c in result.app_checks if c.certificate == CHECKED_SIGNING_BLOCK]
    assert block_only, "the infected phone's store apps are v2-signed, on Android 13"
    checks = {c["package"]: c for c in json_report.to_dict(result)["app_file_checks"]}
    for package in block_only:
        how = checks[package]["certificate"]["how"]
        assert how == CHECKED_SIGNING_BLOCK and "v1 signature files were not read" in how
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, color_system=None)
    terminal.render(result, console, view=terminal.View(details=True))
    html = " ".join(unescape(html_report.render(result)).split())
    count = len(block_only)
    said = f"For {count} app{'s' if count > 1 else ''} from a store, only the signature"
    for shown in (" ".join(buffer.getvalue().split()), html):
        assert said in shown and "v1 signature files were not, as the phone ignores them" in shown
