"""Saving a scan (``--save``) never leaves a half-written file in place of a good one."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.casefile import load_case
from scanner.cli import main
from scanner.cli.outputs import PASSPHRASE_ENV
from scanner.simulator import SimulatedPhone, load_profile
from scanner.simulator.faults import FaultPlan

FILE_ERROR = 8
PASSPHRASE = "blue kettle on a quiet morning"


@pytest.fixture
def phone() -> Iterator[SimulatedPhone]:
    with SimulatedPhone(load_profile("clean"), faults=FaultPlan()) as started:
        yield started


@pytest.fixture
def case(
    tmp_path: Path,
    phone: SimulatedPhone,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Path:
    """A good case file holding one scan, saved through the CLI."""
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    path = tmp_path / "cases" / "phone.case"
    path.parent.mkdir()
    assert main(["--serial", phone.serial_address, "--save", str(path)]) == 0
    capsys.readouterr()
    return path


def save_again(
    phone: SimulatedPhone, path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    code = main(["--serial", phone.serial_address, "--save", str(path)])
    return code, " ".join(capsys.readouterr().out.split())


def leftovers(path: Path) -> list[str]:
    """Anything in the case file's folder besides the case file itself (temp files)."""
    return sorted(p.name for p in path.parent.iterdir() if p != path)


def test_wrong_passphrase_is_refused_and_the_file_is_untouched(
    case: Path,
    phone: SimulatedPhone,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = case.read_bytes()
    monkeypatch.setenv(PASSPHRASE_ENV, "not the passphrase")
    code, out = save_again(phone, case, capsys)
    assert code == FILE_ERROR
    assert "The passphrase does not open this case file. Nothing was changed." in out
    assert case.read_bytes() == before
    assert leftovers(case) == []


@pytest.mark.parametrize(
    "spoil",
    [
        lambda data: data[: len(data) // 2],
        lambda data: data[:200] + bytes([data[200] ^ 0x01]) + data[201:],
    ],
    ids=["truncated", "tampered"],
)
def test_damaged_case_file_is_named_and_never_overwritten(
    spoil: object, case: Path, phone: SimulatedPhone, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged = spoil(case.read_bytes())  # type: ignore[operator]
    case.write_bytes(damaged)
    code, out = save_again(phone, case, capsys)
    assert code == FILE_ERROR
    assert f"The case file {case} is damaged or was changed after it was saved" in out
    assert case.read_bytes() == damaged
    assert leftovers(case) == []


# The limit is set in a child process only: RLIMIT_FSIZE covers every file a process writes,
# so set in the test process it also made pytest's own progress output fail (EFBIG) whenever
# stdout was a log file already past the limit, and the test run died without a word.
SAVE_UNDER_A_FILE_SIZE_LIMIT = """
import resource, signal, sys
from scanner.cli import main
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills the process
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), resource.RLIM_INFINITY))
sys.exit(main(sys.argv[2:]))
"""


def save_under_a_file_size_limit(phone: SimulatedPhone, path: Path, limit: int) -> tuple[int, str]:
    """A real OS write failure: the saving process may not grow a file past ``limit`` (EFBIG).

    The same path in ``atomic_write`` handles ENOSPC (disk full); a file-size limit is the
    way to make the kernel refuse a write without root or a tiny file system.
    """
    args = ["--serial", phone.serial_address, "--save", str(path)]
    done = subprocess.run(
        [sys.executable, "-c", SAVE_UNDER_A_FILE_SIZE_LIMIT, str(limit), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, PASSPHRASE_ENV: PASSPHRASE},
    )
    return done.returncode, " ".join(done.stdout.split())


def test_disk_refusing_the_write_keeps_the_earlier_case_file_whole(
    case: Path, phone: SimulatedPhone
) -> None:
    before = case.read_bytes()
    limit = 4096
    assert len(before) > limit  # the new file cannot fit under the limit either
    code, out = save_under_a_file_size_limit(phone, case, limit)
    assert code == FILE_ERROR, out
    assert f"{case} could not be saved. Any earlier copy of the file was left as it was." in out
    assert case.read_bytes() == before
    assert leftovers(case) == []
    assert len(load_case(case, PASSPHRASE).scans) == 1
