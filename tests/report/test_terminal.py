"""The terminal report: calm summary first, 80 columns, no colour codes, quick exit."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys

import pytest
from rich.console import Console

from scanner.cli.quickexit import CLEAR
from scanner.device.connection import PhoneConnection
from scanner.device.keys import ephemeral_signer
from scanner.model import ScanResult
from scanner.pipeline import scan_phone
from scanner.report import terminal
from scanner.sigdb.commands import load_shipped_db
from scanner.simulator import SimulatedPhone, load_profile


def scan(name: str) -> ScanResult:
    with SimulatedPhone(load_profile(name)) as phone:
        conn = PhoneConnection.connect_tcp("127.0.0.1", phone.port, ephemeral_signer())
        try:
            return scan_phone(conn, signatures=load_shipped_db())
        finally:
            conn.close()


@pytest.fixture(scope="module")
def infected_text() -> str:
    out = io.StringIO()
    terminal.render(scan("infected"), Console(file=out, width=80, color_system=None))
    return out.getvalue()


def test_summary_comes_first_under_a_neutral_title(infected_text):
    lines = [line for line in infected_text.splitlines() if line.strip()]
    assert "Phone check" in lines[0]
    assert "SM-A525F" in lines[1]
    assert "Summary" in lines[2]
    assert lines[3].startswith("The scan found 2 known stalkerware apps")


def test_sections_follow_in_order(infected_text):
    order = [
        "Summary",
        "What to do first",
        "Removing this app can alert",
        "Helplines",
        "What the scan found",
        "Known stalkerware (",
        "Serious",
        "Worth checking",
        "What this scan cannot see",
        "Next steps",
    ]
    positions = [infected_text.index(heading) for heading in order]
    assert positions == sorted(positions)
    assert "0808 2000 247" in infected_text
    # Said again at the end, after everything else.
    tail = infected_text[positions[-1] :]
    for heading in ("Summary", "What to do first", "Helplines", "0808 2000 247"):
        assert heading in tail


def test_fits_80_columns_and_has_no_colour_codes(infected_text):
    assert max(len(line) for line in infected_text.splitlines()) <= 80
    assert "\x1b[" not in infected_text


def test_clean_phone_says_what_the_scan_cannot_see():
    out = io.StringIO()
    terminal.render(scan("clean"), Console(file=out, width=80, color_system=None))
    text = out.getvalue()
    assert "No known stalkerware" in text
    assert "AirTag" in text or "tracker" in text.lower()


def test_stalkerware_result_does_not_say_nothing_was_found(infected_text):
    assert "known stalkerware app" in infected_text
    assert "We found nothing we know of" not in infected_text
    flat = " ".join(infected_text.split())
    assert "It cannot see cloud accounts" in flat
    assert "WhatsApp, Signal or Telegram" in flat


@pytest.mark.skipif(os.name != "posix", reason="the quick-exit key needs a POSIX terminal")
def test_quick_exit_key_clears_the_screen_and_scrollback():
    code = (
        "from scanner.cli.quickexit import QuickExit\n"
        "with QuickExit() as keys:\n"
        "    print('SECRET REPORT', flush=True)\n"
        "    keys.wait_for_close()\n"
        "print('AFTER', flush=True)\n"
    )
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdin=follower, stdout=follower, stderr=follower
    )
    os.close(follower)
    seen = b""
    while b"Press Q" not in seen:
        ready, _, _ = select.select([leader], [], [], 10)
        assert ready, seen
        seen += os.read(leader, 4096)
    os.write(leader, b"q")
    proc.wait(timeout=10)
    while True:
        ready, _, _ = select.select([leader], [], [], 1)
        if not ready:
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert CLEAR.encode() in seen
    assert seen.index(CLEAR.encode()) > seen.index(b"SECRET REPORT")
