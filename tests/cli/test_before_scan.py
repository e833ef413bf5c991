"""The step before the scan: the note that the check can be seen comes before any
connection, fits the route (cable, wireless, bug report), and waits on a terminal:
Enter goes on, Q or Esc clears the screen and stops with code 130, ``--yes`` skips the
wait. Without a terminal the note is printed and the scan goes on."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.cli.exits import Exit
from scanner.cli.main import build_parser
from scanner.cli.prescan import TEXT_KEYS, Choice, Route, choice_for_key, route_for
from scanner.cli.quickexit import CLEAR, ESC
from scanner.guidance import load_guidance
from scanner.simulator import SimulatedPhone, load_profile

REPO = Path(__file__).resolve().parents[2]


def _first_line(key: str) -> str:
    return load_guidance().ui(key).split("\n")[0].split(". ")[0]


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "300")  # one paragraph, one line: easy to find
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(
    ("args", "route"),
    [
        ([], Route.CABLE),
        (["--usb-serial", "ABC123"], Route.CABLE),
        (["--serial", "192.168.1.20:5555"], Route.WIRELESS),
        (["--bugreport", "r.zip"], Route.BUG_REPORT),
        (["--androidqf", "acq"], Route.CABLE),  # androidqf collects over USB debugging
        (["--demo"], Route.DEMO),
        (["--from-capture", "cap"], None),  # the phone was read earlier, after this step
    ],
)
def test_each_route_gets_the_note_that_fits_it(args: list[str], route: Route | None) -> None:
    assert route_for(build_parser().parse_args(args)) is route


def test_the_notes_name_what_can_be_seen_on_each_route() -> None:
    library = load_guidance()
    said = {route: " ".join(library.ui(key) for key in keys) for route, keys in TEXT_KEYS.items()}
    for route in (Route.CABLE, Route.WIRELESS, Route.BUG_REPORT):
        assert "record the screen" in said[route], route
        assert "Developer options" in said[route], route
    assert "USB debugging" in said[Route.CABLE]
    assert "Allow USB debugging?" in said[Route.CABLE]
    assert "Wireless debugging" in said[Route.WIRELESS]
    assert "make the bug report" in said[Route.BUG_REPORT]
    assert "share it" in said[Route.BUG_REPORT]


@pytest.mark.parametrize(
    ("key", "choice"),
    [
        ("\r", Choice.GO_ON),
        ("\n", Choice.GO_ON),
        ("q", Choice.LEAVE),
        ("Q", Choice.LEAVE),
        (ESC, Choice.LEAVE),
        ("x", None),
        (" ", None),
    ],
)
def test_enter_goes_on_and_the_quick_exit_keys_leave(key: str, choice: Choice | None) -> None:
    assert choice_for_key(key) is choice


def test_without_a_terminal_the_note_is_printed_first_and_the_scan_goes_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with SimulatedPhone(load_profile("clean")) as phone:
        code = main(["--serial", phone.serial_address])
        received = len(phone.received)
    out = capsys.readouterr().out

    assert code == Exit.OK, out
    assert received > 0
    note = out.index(_first_line("before_scan_wireless"))
    assert note < out.index("Connecting to the phone")
    assert _first_line("before_scan_keys") not in out  # nobody to press a key


def test_a_bug_report_gets_the_bug_report_note_before_it_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--bugreport", str(tmp_path / "none.zip")])
    out = capsys.readouterr().out

    assert code == Exit.FILE_PROBLEM  # the note comes first, whatever happens next
    assert out.index(_first_line("before_scan_bug_report")) < out.index("Reading the bug report")
    assert "Allow USB debugging?" not in out  # not the cable note


def test_a_demo_shows_the_note_once_and_does_not_wait(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--demo", "--demo-profile", "clean"])
    out = capsys.readouterr().out

    assert code == Exit.OK
    assert out.count(_first_line("before_scan_demo")) == 1
    assert out.index(_first_line("before_scan_demo")) < out.index("Demo: scanning")
    assert _first_line("before_scan_cable") not in out  # the demo's report stays short


# --- on a real terminal ----------------------------------------------------------------


class Terminal:
    """``scan.py`` in its own process on a pseudo-terminal, as a person runs it."""

    def __init__(self, args: list[str], tmp: Path) -> None:
        import pty

        env = {
            **os.environ,
            "XDG_CONFIG_HOME": str(tmp / "config"),
            "XDG_DATA_HOME": str(tmp / "data"),
            "NO_COLOR": "1",
            "COLUMNS": "300",
        }
        self._leader, follower = pty.openpty()
        self.proc = subprocess.Popen(
            [sys.executable, str(REPO / "scan.py"), *args],
            stdin=follower,
            stdout=follower,
            stderr=follower,
            cwd=tmp,
            env=env,
        )
        os.close(follower)
        self.seen = b""

    def _read(self, timeout_s: float) -> bool:
        ready, _, _ = select.select([self._leader], [], [], timeout_s)
        if not ready:
            return False
        try:
            chunk = os.read(self._leader, 65536)
        except OSError:  # the process ended and closed its side
            return False
        self.seen += chunk
        return bool(chunk)

    def wait_for(self, text: str, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while text.encode() not in self.seen:
            assert time.monotonic() < deadline, self.seen.decode(errors="replace")
            self._read(0.5)

    def press(self, key: bytes) -> None:
        os.write(self._leader, key)

    def finish(self, timeout_s: float = 60) -> int:
        code = self.proc.wait(timeout=timeout_s)
        while self._read(0.5):
            pass
        os.close(self._leader)
        return code


pty_only = pytest.mark.skipif(os.name != "posix", reason="needs a POSIX pseudo-terminal")


@pty_only
@pytest.mark.parametrize("key", [b"q", b"Q", b"\x1b"], ids=["q", "Q", "Esc"])
def test_leaving_at_the_note_clears_the_screen_before_the_phone_is_reached(
    key: bytes, tmp_path: Path
) -> None:
    with SimulatedPhone(load_profile("clean")) as phone:
        terminal = Terminal(["--serial", phone.serial_address], tmp_path)
        terminal.wait_for(_first_line("before_scan_keys"))
        terminal.press(key)  # at once: a key pressed as the prompt shows must count
        time.sleep(0.5)
        assert phone.received == [] and phone.auth_events == []
        code = terminal.finish()
        reached = phone.received or phone.auth_events

    assert code == Exit.STOPPED
    assert not reached
    seen = terminal.seen
    assert seen.index(CLEAR.encode()) > seen.index(_first_line("before_scan_wireless").encode())
    assert b"Connecting to the phone" not in seen
    assert b"Traceback" not in seen


@pty_only
def test_enter_at_the_note_goes_on_with_the_scan(tmp_path: Path) -> None:
    with SimulatedPhone(load_profile("clean")) as phone:
        terminal = Terminal(["--serial", phone.serial_address], tmp_path)
        terminal.wait_for(_first_line("before_scan_keys"))
        terminal.press(b"x")  # other keys change nothing
        time.sleep(0.3)
        assert phone.received == []
        terminal.press(b"\r")
        terminal.wait_for("or Enter to close")
        terminal.press(b"\r")
        code = terminal.finish()
        received = len(phone.received)

    assert code == Exit.OK, terminal.seen.decode(errors="replace")
    assert received > 0
    assert CLEAR.encode() not in terminal.seen


@pty_only
def test_yes_shows_the_note_without_waiting(tmp_path: Path) -> None:
    with SimulatedPhone(load_profile("clean")) as phone:
        terminal = Terminal(["--serial", phone.serial_address, "--yes"], tmp_path)
        terminal.wait_for("or Enter to close")  # the scan ran with no key pressed
        terminal.press(b"\r")
        code = terminal.finish()
        received = len(phone.received)

    assert code == Exit.OK
    assert received > 0
    assert _first_line("before_scan_wireless").encode() in terminal.seen
    assert _first_line("before_scan_keys").encode() not in terminal.seen
