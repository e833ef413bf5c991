"""``phone-check forget``, through the command line: the key, databases, trusted keys and
caches go; case files stay unless named; it asks first (or refuses with no terminal and
no --yes); then it says what it cannot reach and how."""

from __future__ import annotations

import io
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console

from scanner.cli import forget, main
from scanner.cli.exits import Exit
from scanner.cli.main import build_parser
from scanner.cli.outputs import PASSPHRASE_ENV
from scanner.cli.quickexit import CLEAR
from scanner.guidance import load_guidance
from scanner.simulator import SimulatedPhone, load_profile

REPO = Path(__file__).resolve().parents[2]
GOOD = "plum lantern under seventy kites"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A computer of its own: XDG folders, a home and a working folder in ``tmp_path``."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("HISTFILE", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "300")
    (tmp_path / "home").mkdir()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    text = " ".join((captured.out + captured.err).split())
    assert "Traceback" not in text
    return code, text


@pytest.fixture(scope="module")
def saved_case(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """One case file saved through the command line (scrypt is slow: made once)."""
    folder = tmp_path_factory.mktemp("case")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(folder / "config"))
        patch.setenv("XDG_DATA_HOME", str(folder / "data"))
        patch.setenv(PASSPHRASE_ENV, GOOD)
        code = main(["--demo", "--demo-profile", "clean", "--save", str(folder / "case.phc")])
    assert code == Exit.OK
    return (folder / "case.phc").read_bytes()


def _used(home: Path, capsys: pytest.CaptureFixture[str], case: bytes) -> None:
    """Use the tool as a person would: a live scan (the key), an imported database, a
    trusted organisation key, a cache file, and a case file in the working folder."""
    with SimulatedPhone(load_profile("clean")) as phone:
        assert run(capsys, "--serial", phone.serial_address)[0] == Exit.OK
    assert run(capsys, "signatures", "import", str(REPO / "signatures" / "stalkerware.yaml"))[
        0
    ] in (
        Exit.OK,
        Exit.DATABASE_REFUSED,
    )
    keys = home / "orgkeys"
    assert run(capsys, "signatures", "keygen", str(keys))[0] == Exit.OK
    pub = next(keys.glob("*.pub"))
    assert run(capsys, "signatures", "trust", str(pub))[0] == Exit.OK
    (home / "cache" / "phone-check").mkdir(parents=True)
    (home / "cache" / "phone-check" / "left-over").write_text("x")
    Path("case.phc").write_bytes(case)


def _tool_files(home: Path) -> list[Path]:
    return [
        path
        for folder in ("config", "data", "cache")
        if (home / folder / "phone-check").exists()
        for path in (home / folder / "phone-check").rglob("*")
    ]


def test_forget_takes_what_the_tool_keeps_and_keeps_the_case_file(
    home: Path, capsys: pytest.CaptureFixture[str], saved_case: bytes
) -> None:
    _used(home, capsys, saved_case)
    assert (home / "config" / "phone-check" / "adbkey").is_file()
    assert (home / "data" / "phone-check" / "trusted-keys").is_dir()
    case = Path("case.phc").read_bytes()

    code, out = run(capsys, "forget", "--yes")

    assert code == Exit.OK, out
    for folder in ("config", "data", "cache"):
        assert not (home / folder / "phone-check").exists(), folder
    assert Path("case.phc").read_bytes() == case
    assert "adbkey" in out
    assert "case.phc" in out.split("Kept")[1]  # named as kept, with where it is
    assert "Revoke USB debugging authorisations" in out
    assert " ".join(load_guidance().ui("cleaning_up_phone").split()) in out
    assert "pipx uninstall phone-check" in out or str(REPO) in out


def test_a_case_file_in_the_tools_folders_is_kept_too(
    home: Path, capsys: pytest.CaptureFixture[str], saved_case: bytes
) -> None:
    _used(home, capsys, saved_case)
    inside = home / "data" / "phone-check" / "saved-here.phc"
    inside.write_bytes(Path("case.phc").read_bytes())

    code, out = run(capsys, "forget", "--yes")

    assert code == Exit.OK, out
    assert inside.is_file()
    assert [path for path in _tool_files(home) if path.is_file()] == [inside]


def test_a_case_file_is_taken_only_when_it_is_named(
    home: Path, capsys: pytest.CaptureFixture[str], saved_case: bytes
) -> None:
    _used(home, capsys, saved_case)
    Path("other.phc").write_bytes(Path("case.phc").read_bytes())

    code, out = run(capsys, "forget", "--yes", "--case-file", "case.phc")

    assert code == Exit.OK, out
    assert not Path("case.phc").exists()
    assert Path("other.phc").is_file()


@pytest.mark.parametrize("kind", ["missing", "not-a-case-file"])
def test_a_named_file_that_is_not_a_case_file_is_refused_and_nothing_is_taken(
    kind: str, home: Path, capsys: pytest.CaptureFixture[str], saved_case: bytes
) -> None:
    _used(home, capsys, saved_case)
    if kind == "not-a-case-file":
        Path("notes.txt").write_text("my notes")
    before = _tool_files(home)

    code, out = run(capsys, "forget", "--yes", "--case-file", "notes.txt")

    assert code == Exit.FILE_PROBLEM
    assert "Nothing was taken away" in out
    assert _tool_files(home) == before
    assert kind == "missing" or Path("notes.txt").read_text() == "my notes"


def test_with_no_terminal_and_no_yes_forget_refuses_and_takes_nothing(
    home: Path, capsys: pytest.CaptureFixture[str], saved_case: bytes
) -> None:
    _used(home, capsys, saved_case)
    before = _tool_files(home)

    code, out = run(capsys, "forget")

    assert code == Exit.USAGE
    assert "--yes" in out
    assert _tool_files(home) == before


def test_when_nothing_is_kept_forget_says_so_and_still_explains_the_rest(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, "forget")

    assert code == Exit.OK
    assert "keeps nothing on this computer" in out
    assert "Revoke USB debugging authorisations" in out


def test_the_udev_rule_and_shell_history_are_named_with_how(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = home / "home" / ".bash_history"
    history.write_text("phone-check --save case.phc\n")
    rules = home / "rules.d"
    rules.mkdir()
    (rules / forget.UDEV_RULE_NAME).write_text("# rule\n")
    screen = io.StringIO()

    code = forget.run(
        build_parser().parse_args(["forget", "--yes"]),
        Console(file=screen, width=300),
        udev_dir=rules,
    )

    out = " ".join(screen.getvalue().split())
    assert code == Exit.OK
    assert str(history) in out
    assert f"sudo rm {rules / forget.UDEV_RULE_NAME}" in out
    assert history.read_text() == "phone-check --save case.phc\n"  # named, not edited


# --- on a real terminal ----------------------------------------------------------------


def _own_terminal() -> None:
    import fcntl
    import termios

    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _in_a_terminal(home: Path, key: bytes) -> tuple[int, bytes]:
    import pty

    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "HOME": str(home / "home"),
        "NO_COLOR": "1",
        "COLUMNS": "300",
    }
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "scan.py"), "forget"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        cwd=home / "work",
        env=env,
        preexec_fn=_own_terminal,  # so Ctrl-C typed on it reaches the scanner
    )
    os.close(follower)
    seen = b""
    prompt = load_guidance().ui("forget_keys").split(".")[0].encode()
    deadline = time.monotonic() + 60
    while prompt not in seen:
        assert time.monotonic() < deadline, seen
        ready, _, _ = select.select([leader], [], [], 1)
        if ready:
            seen += os.read(leader, 65536)
    os.write(leader, key)
    try:
        code = proc.wait(timeout=60)
    finally:
        proc.kill()  # only if it is still running, so no test leaves it behind
    while select.select([leader], [], [], 0.5)[0]:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    return code, seen


@pytest.mark.skipif(os.name != "posix", reason="needs a POSIX pseudo-terminal")
@pytest.mark.parametrize(("key", "cleared"), [(b"q", True), (b"\x1b", True), (b"\x03", False)])
def test_q_esc_or_ctrl_c_at_the_question_take_nothing(
    key: bytes,
    cleared: bool,
    home: Path,
    capsys: pytest.CaptureFixture[str],
    saved_case: bytes,
) -> None:
    _used(home, capsys, saved_case)
    before = _tool_files(home)

    code, seen = _in_a_terminal(home, key)

    assert code == Exit.STOPPED
    assert (CLEAR.encode() in seen) is cleared  # Q and Esc are the quick-exit keys
    assert b"Traceback" not in seen
    assert _tool_files(home) == before


@pytest.mark.skipif(os.name != "posix", reason="needs a POSIX pseudo-terminal")
def test_enter_at_the_question_takes_them(
    home: Path, capsys: pytest.CaptureFixture[str], saved_case: bytes
) -> None:
    _used(home, capsys, saved_case)

    code, seen = _in_a_terminal(home, b"\r")

    assert code == Exit.OK, seen
    assert _tool_files(home) == []
    assert b"Traceback" not in seen
