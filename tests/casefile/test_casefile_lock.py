"""Saves from several scans at once: each lands, or is refused in plain words and says so."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import types
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scanner.casefile import CASE_FILE_BUSY, load_case, save_scan
from scanner.casefile.filelock import exclusive_lock, lock_ops_for, lock_path_for
from scanner.model import ScanResult
from tests.casefile.conftest import FAST_SCRYPT, PASSPHRASE

REPO = Path(__file__).resolve().parents[2]
SAVES = 5


@dataclass(frozen=True)
class Outcome:
    minute: int
    code: int
    said: str


def _start(case: Path, minute: int, work: Path, wait_s: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.casefile.save_worker",
            str(case),
            str(minute),
            str(work / f"ready-{minute}"),
            str(work / "go"),
            str(wait_s),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _run_together(case: Path, work: Path, minutes: range, wait_s: float) -> list[Outcome]:
    workers = {minute: _start(case, minute, work, wait_s) for minute in minutes}
    deadline = time.monotonic() + 120
    while not all((work / f"ready-{m}").exists() for m in minutes):
        assert time.monotonic() < deadline, "workers did not start"
        assert all(w.poll() is None for w in workers.values()), "a worker ended early"
        time.sleep(0.01)
    (work / "go").touch()
    outcomes = []
    for minute, worker in workers.items():
        out, _ = worker.communicate(timeout=120)
        outcomes.append(Outcome(minute, worker.returncode, " ".join(out.split())))
    return outcomes


def test_five_saves_at_once_all_land(tmp_path: Path) -> None:
    case, work = tmp_path / "case.phc", tmp_path / "work"
    work.mkdir()

    outcomes = _run_together(case, work, range(SAVES), wait_s=60)

    assert [(o.code, o.said) for o in outcomes] == [(0, "saved")] * SAVES
    saved = {datetime(2024, 3, 1, 10, o.minute, tzinfo=UTC) for o in outcomes}
    assert {s.started_at for s in load_case(case, PASSPHRASE).scans} == saved
    assert len(load_case(case, PASSPHRASE).scans) == SAVES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.phc", "work"]


def test_saves_that_cannot_wait_are_refused_and_none_claims_a_save_it_did_not_make(
    tmp_path: Path,
) -> None:
    # No waiting at all: whoever finds the lock taken must refuse, and say so.
    case, work = tmp_path / "case.phc", tmp_path / "work"
    work.mkdir()

    outcomes = _run_together(case, work, range(SAVES), wait_s=0)

    for outcome in outcomes:
        if outcome.said == "saved":
            assert outcome.code == 0
        else:
            assert (outcome.code, outcome.said) == (8, CASE_FILE_BUSY), outcome
    claimed = {datetime(2024, 3, 1, 10, o.minute, tzinfo=UTC) for o in outcomes if o.code == 0}
    assert claimed
    assert {s.started_at for s in load_case(case, PASSPHRASE).scans} == claimed


def test_a_save_finding_the_case_file_in_use_is_refused_plainly(
    tmp_path: Path, scan: ScanResult
) -> None:
    case, work = tmp_path / "case.phc", tmp_path / "work"
    work.mkdir()
    save_scan(case, scan, PASSPHRASE, scrypt=FAST_SCRYPT)
    before = case.read_bytes()

    with exclusive_lock(case, wait_s=0):  # another scan is saving (held by this process)
        (outcome,) = _run_together(case, work, range(1), wait_s=0.5)

    assert (outcome.code, outcome.said) == (8, CASE_FILE_BUSY)
    assert CASE_FILE_BUSY.startswith(
        "The case file is in use by another scan; try again when it has finished."
    )
    assert case.read_bytes() == before


def test_a_save_waits_for_the_other_one_to_finish(tmp_path: Path, scan: ScanResult) -> None:
    case, work = tmp_path / "case.phc", tmp_path / "work"
    work.mkdir()
    save_scan(case, scan, PASSPHRASE, scrypt=FAST_SCRYPT)

    with exclusive_lock(case, wait_s=0):
        worker = _start(case, 7, work, wait_s=60)
        while not (work / "ready-7").exists():
            assert worker.poll() is None, "the worker ended early"
            time.sleep(0.01)
        (work / "go").touch()
        time.sleep(0.5)
        assert worker.poll() is None  # still waiting: the lock is held
    out, _ = worker.communicate(timeout=120)

    assert (worker.returncode, out.strip()) == (0, "saved")
    assert len(load_case(case, PASSPHRASE).scans) == 2


def test_the_lock_file_is_private_and_gone_after_the_save(tmp_path: Path) -> None:
    case = tmp_path / "case.phc"
    old_umask = os.umask(0)
    try:
        with exclusive_lock(case, wait_s=0):
            mode = lock_path_for(case).stat().st_mode & 0o777
    finally:
        os.umask(old_umask)

    assert mode == 0o600
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("platform", "name"),
    [("linux", "fcntl.flock"), ("darwin", "fcntl.flock"), ("win32", "msvcrt.locking")],
)
def test_each_platform_gets_its_own_locking_call(platform: str, name: str) -> None:
    assert lock_ops_for(platform).name == name


def test_the_windows_branch_locks_and_unlocks_the_first_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # msvcrt exists only on Windows; this stand-in keeps its documented interface and
    # refuses a second lock on the same byte, as Windows does.
    calls: list[tuple[int, int, int]] = []
    held: set[int] = set()

    def locking(fd: int, mode: int, nbytes: int) -> None:
        position = os.lseek(fd, 0, os.SEEK_CUR)
        calls.append((mode, position, nbytes))
        if mode == stand_in.LK_NBLCK:
            if position in held:
                raise OSError(36, "Resource deadlock avoided")
            held.add(position)
        elif mode == stand_in.LK_UNLCK:
            held.discard(position)

    stand_in = types.SimpleNamespace(LK_NBLCK=2, LK_UNLCK=0, locking=locking)
    monkeypatch.setitem(sys.modules, "msvcrt", stand_in)
    ops = lock_ops_for("win32")
    fd = os.open(tmp_path / "lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        os.write(fd, b"xyz")  # the position moves; the lock must still be on byte 0
        assert ops.try_lock(fd)
        assert not ops.try_lock(fd)
        ops.unlock(fd)
        assert ops.try_lock(fd)
    finally:
        os.close(fd)

    assert calls == [(2, 0, 1), (2, 0, 1), (0, 0, 1), (2, 0, 1)]
