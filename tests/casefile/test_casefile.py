"""The encrypted case file: roundtrip, append, wrong passphrase, damage, atomic writes."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scanner.casefile import DEFAULT_SCRYPT, load_case, record_from_result, save_scan
from scanner.casefile.crypto import HEADER_BYTES, MAGIC
from scanner.errors import CaseFileDamaged, ReportError, WrongPassphrase
from scanner.model import ScanResult
from tests.casefile.conftest import (
    FAST_SCRYPT,
    MARKER_PACKAGE,
    PASSPHRASE,
    pixel8_capture,
    scan_at,
)


def _save(path: Path, scan: ScanResult, passphrase: str = PASSPHRASE) -> None:
    save_scan(path, scan, passphrase, scrypt=FAST_SCRYPT)


def _listing(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in directory.iterdir()}


def test_saved_scan_loads_back_identical(tmp_path: Path, scan: ScanResult) -> None:
    path = tmp_path / "case.phc"
    _save(path, scan)

    case = load_case(path, PASSPHRASE)

    assert len(case.scans) == 1
    loaded = case.scans[0]
    assert loaded == record_from_result(scan)
    assert loaded.capture == scan.capture
    assert loaded.started_at == scan.started_at
    assert loaded.report["device"]["model"] == "Pixel 8"
    assert loaded.serial == "PIXEL8SERIAL"


def test_second_save_appends_to_the_same_file(tmp_path: Path, scan: ScanResult) -> None:
    path = tmp_path / "case.phc"
    later = scan_at(pixel8_capture(), datetime(2024, 4, 2, 9, 30, tzinfo=UTC))
    _save(path, scan)
    _save(path, later)

    case = load_case(path, PASSPHRASE)

    assert [s.started_at for s in case.scans] == [scan.started_at, later.started_at]


def test_a_loaded_record_can_be_saved_into_another_case(tmp_path: Path, scan: ScanResult) -> None:
    first, second = tmp_path / "a.phc", tmp_path / "b.phc"
    _save(first, scan)
    record = load_case(first, PASSPHRASE).scans[0]

    save_scan(second, record, "another passphrase", scrypt=FAST_SCRYPT)

    assert load_case(second, "another passphrase").scans == (record,)


def test_wrong_passphrase_is_refused_with_a_plain_message(tmp_path: Path, scan: ScanResult) -> None:
    path = tmp_path / "case.phc"
    _save(path, scan)

    with pytest.raises(WrongPassphrase) as caught:
        load_case(path, "not the passphrase")

    assert caught.value.message == (
        "The passphrase does not open this case file. Nothing was changed."
    )


def test_saving_with_the_wrong_passphrase_changes_nothing(tmp_path: Path, scan: ScanResult) -> None:
    path = tmp_path / "case.phc"
    _save(path, scan)
    before = _listing(tmp_path)

    with pytest.raises(WrongPassphrase):
        _save(path, scan, passphrase="not the passphrase")

    assert _listing(tmp_path) == before


@pytest.mark.parametrize("keep", [0, 5, HEADER_BYTES - 1, HEADER_BYTES + 3, -1])
def test_truncated_file_is_reported_as_damaged_naming_the_file(
    tmp_path: Path, scan: ScanResult, keep: int
) -> None:
    path = tmp_path / "case.phc"
    _save(path, scan)
    data = path.read_bytes()
    path.write_bytes(data[:keep])

    with pytest.raises(CaseFileDamaged) as caught:
        load_case(path, PASSPHRASE)

    assert str(path) in caught.value.message


def test_flipped_byte_in_ciphertext_is_reported_as_damaged(
    tmp_path: Path, scan: ScanResult
) -> None:
    path = tmp_path / "case.phc"
    _save(path, scan)
    data = bytearray(path.read_bytes())
    data[HEADER_BYTES + 40] ^= 0x01
    path.write_bytes(bytes(data))

    with pytest.raises(CaseFileDamaged) as caught:
        load_case(path, PASSPHRASE)

    assert str(path) in caught.value.message
    assert "damaged or was changed" in caught.value.message


@pytest.mark.parametrize(
    ("offset", "field"),
    [
        (0, "magic"),
        (9, "version"),
        (10, "log2_n"),
        (20, "salt"),
        (36, "nonce"),
        (50, "key_check"),
        (80, "digest"),
    ],
)
def test_flipped_byte_in_header_is_reported_as_damaged(
    tmp_path: Path, scan: ScanResult, offset: int, field: str
) -> None:
    path = tmp_path / "case.phc"
    _save(path, scan)
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))

    with pytest.raises(CaseFileDamaged) as caught:
        load_case(path, PASSPHRASE)

    assert str(path) in caught.value.message, field


def test_header_change_with_recomputed_checksum_is_caught_by_authentication(
    tmp_path: Path, scan: ScanResult
) -> None:
    # Someone who also fixes the unkeyed checksum still fails: the header is GCM's
    # associated data.
    path = tmp_path / "case.phc"
    _save(path, scan)
    data = bytearray(path.read_bytes())
    data[36] ^= 0x01  # a nonce byte
    fields_end = HEADER_BYTES - 32
    data[fields_end:HEADER_BYTES] = hashlib.sha256(bytes(data[:fields_end])).digest()
    path.write_bytes(bytes(data))

    with pytest.raises(CaseFileDamaged, match="damaged or was changed"):
        load_case(path, PASSPHRASE)


def test_disk_full_keeps_the_old_file_and_leaves_no_temp_file(
    tmp_path: Path, scan: ScanResult
) -> None:
    path = tmp_path / "case.phc"
    _save(path, scan)
    before = _listing(tmp_path)
    calls = []

    def fills_the_disk(fd: int, data: bytes) -> int:
        calls.append(len(data))
        if len(calls) == 1:
            return os.write(fd, data[: len(data) // 2])  # some bytes reach the temp file
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(ReportError) as caught:
        save_scan(path, scan, PASSPHRASE, scrypt=FAST_SCRYPT, write=fills_the_disk)

    assert "not enough free space" in caught.value.message
    assert len(calls) == 2
    assert _listing(tmp_path) == before
    assert len(load_case(path, PASSPHRASE).scans) == 1


def test_failed_first_save_leaves_nothing_behind(tmp_path: Path, scan: ScanResult) -> None:
    def fails(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(ReportError):
        save_scan(tmp_path / "case.phc", scan, PASSPHRASE, scrypt=FAST_SCRYPT, write=fails)

    assert list(tmp_path.iterdir()) == []


def test_case_file_is_readable_only_by_its_owner(tmp_path: Path, scan: ScanResult) -> None:
    path = tmp_path / "case.phc"
    old_umask = os.umask(0)  # even a permissive umask must not widen the mode
    try:
        _save(path, scan)
        first_mode = stat.S_IMODE(path.stat().st_mode)
        _save(path, scan)
    finally:
        os.umask(old_umask)

    assert first_mode == 0o600
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_no_plaintext_reaches_the_disk(tmp_path: Path, scan: ScanResult) -> None:
    path = tmp_path / "case.phc"
    _save(path, scan)
    _save(path, scan)

    on_disk = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert on_disk.startswith(MAGIC)
    for plaintext in (MARKER_PACKAGE.encode(), b"Pixel 8", b"PIXEL8SERIAL", b"dumpsys"):
        assert plaintext not in on_disk
    assert [p.name for p in tmp_path.iterdir()] == ["case.phc"]


def test_product_default_scrypt_cost_is_strong_and_written_in_the_header(
    tmp_path: Path, scan: ScanResult
) -> None:
    assert DEFAULT_SCRYPT.n >= 2**15
    assert (DEFAULT_SCRYPT.r, DEFAULT_SCRYPT.p) == (8, 1)
    path = tmp_path / "case.phc"

    save_scan(path, scan, PASSPHRASE)

    header = path.read_bytes()[:HEADER_BYTES]
    assert header[10] == DEFAULT_SCRYPT.log2_n
    assert load_case(path, PASSPHRASE).scans[0].started_at == scan.started_at


def test_a_file_that_is_not_a_case_file_is_never_overwritten(
    tmp_path: Path, scan: ScanResult
) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"my own notes, not a case file\n")

    with pytest.raises(CaseFileDamaged, match="not a phone-check case file"):
        _save(path, scan)

    assert path.read_bytes() == b"my own notes, not a case file\n"


def test_empty_passphrase_is_refused(tmp_path: Path, scan: ScanResult) -> None:
    with pytest.raises(ReportError, match="passphrase"):
        save_scan(tmp_path / "case.phc", scan, "", scrypt=FAST_SCRYPT)

    assert list(tmp_path.iterdir()) == []


def test_missing_case_file_is_a_plain_error(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="There is no case file"):
        load_case(tmp_path / "absent.phc", PASSPHRASE)
