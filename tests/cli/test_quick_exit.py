"""Quick exit on every system: the keys' meaning and the backend choice are pure functions;
on a real terminal the key still works while a passphrase is typed."""

from __future__ import annotations

import os
import select
import subprocess
import sys

import pytest

from scanner.cli.quickexit import CLEAR, ESC, Action, backend_name, key_action


@pytest.mark.parametrize("key", ["q", "Q", ESC])
def test_exit_keys_leave_when_no_prompt_is_open(key: str) -> None:
    assert key_action(key, prompting=False) is Action.QUICK_EXIT


@pytest.mark.parametrize("key", ["q", "Q"])
def test_q_is_part_of_a_passphrase_while_one_is_typed(key: str) -> None:
    assert key_action(key, prompting=True) is Action.TO_PROMPT


def test_escape_leaves_even_while_a_passphrase_is_typed() -> None:
    assert key_action(ESC, prompting=True) is Action.QUICK_EXIT


def test_other_keys_are_ignored_outside_a_prompt() -> None:
    assert key_action("x", prompting=False) is Action.IGNORE
    assert key_action("x", prompting=True) is Action.TO_PROMPT


@pytest.mark.parametrize(
    ("os_name", "tty", "expected"),
    [
        ("posix", True, "posix"),
        ("nt", True, "windows"),
        ("posix", False, None),
        ("nt", False, None),
        ("java", True, None),
    ],
)
def test_each_system_gets_its_keyboard_reader(os_name: str, tty: bool, expected: str) -> None:
    assert backend_name(os_name, tty) == expected


def _in_a_terminal(code: str, keys: list[bytes], wait_for: bytes) -> bytes:
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdin=follower, stdout=follower, stderr=follower
    )
    os.close(follower)
    seen = b""
    while wait_for not in seen:
        ready, _, _ = select.select([leader], [], [], 10)
        assert ready, seen
        seen += os.read(leader, 4096)
    for key in keys:
        os.write(leader, key)
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
    return seen


PROMPT = (
    "from scanner.cli.quickexit import QuickExit\n"
    "with QuickExit() as keys:\n"
    "    print('SECRET REPORT', flush=True)\n"
    "    secret = keys.ask_secret('Passphrase: ')\n"
    "    print('GOT', len(secret), secret == 'quiet', flush=True)\n"
)


@pytest.mark.skipif(os.name != "posix", reason="needs a POSIX pseudo-terminal")
def test_a_passphrase_may_hold_q_and_is_not_shown() -> None:
    seen = _in_a_terminal(PROMPT, [b"quiet", b"\r"], b"Passphrase: ")
    assert b"GOT 5 True" in seen
    assert b"quiet" not in seen
    assert CLEAR.encode() not in seen


@pytest.mark.skipif(os.name != "posix", reason="needs a POSIX pseudo-terminal")
def test_escape_at_the_passphrase_prompt_clears_the_screen() -> None:
    seen = _in_a_terminal(PROMPT, [b"qu", b"\x1b"], b"Passphrase: ")
    assert CLEAR.encode() in seen
    assert seen.index(CLEAR.encode()) > seen.index(b"SECRET REPORT")
    assert b"GOT" not in seen
