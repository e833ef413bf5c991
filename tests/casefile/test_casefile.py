"""The encrypted case file: roundtrip, append, wrong passphrase, damage, atomic writes."""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import os
import stat
import struct
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from scanner.casefile import (
    DEFAULT_SCRYPT,
    WeakPassphrase,
    load_case,
    passphrase_strength,
    record_from_result,
    save_scan,
)
from scanner.casefile.crypto import HEADER_BYTES, MAGIC
from scanner.errors import CaseFileDamaged, ReportError, WrongPassphrase
from scanner.model import ScanResult
from scanner.phrases import render
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
    assert DEFAULT_SCRYPT.n >= 2**17
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


def _old_format_file(path: Path, payload: dict[str, object], passphrase: str) -> None:
    """A case file as the earlier default wrote it (scrypt n = 2**15), built from the layout
    documented in crypto.py with hashlib's scrypt, not with our writer."""
    salt, nonce = os.urandom(16), os.urandom(12)
    secret = passphrase.encode("utf-8")
    derived = hashlib.scrypt(secret, salt=salt, n=2**15, r=8, p=1, maxmem=2**26, dklen=48)
    fields = struct.pack(">8sHBHH16s12s16s", b"PHCKCASE", 1, 15, 8, 1, salt, nonce, derived[32:])
    header = fields + hashlib.sha256(fields).digest()
    body = zlib.compress(json.dumps(payload).encode("utf-8"))
    path.write_bytes(header + AESGCM(derived[:32]).encrypt(nonce, body, header))


def _payload_with(scan: ScanResult) -> dict[str, object]:
    # The payload an earlier version wrote for one scan, spelled out field by field.
    record = record_from_result(scan)
    return {
        "format": "phone-check-case",
        "scans": [
            {
                "started_at": record.started_at.isoformat(),
                "finished_at": record.finished_at.isoformat(),
                "report": record.report,
                "capture": {
                    "serial": record.capture.serial,
                    "transport": record.capture.transport,
                    "banner": record.capture.banner,
                    "interrupted": record.capture.interrupted,
                    "results": [
                        {
                            "command": r.command,
                            "output_b64": None
                            if r.output is None
                            else base64.b64encode(r.output).decode("ascii"),
                            "error": r.error,
                            "duration_s": r.duration_s,
                            "truncated": r.truncated,
                        }
                        for r in record.capture.results
                    ],
                },
            }
        ],
    }


def test_a_file_written_with_the_old_scrypt_cost_still_opens(
    tmp_path: Path, scan: ScanResult
) -> None:
    path = tmp_path / "old.phc"
    _old_format_file(path, _payload_with(scan), PASSPHRASE)

    case = load_case(path, PASSPHRASE)

    assert case.scans == (record_from_result(scan),)


def test_saving_into_an_old_file_keeps_its_scans_and_raises_its_cost(
    tmp_path: Path, scan: ScanResult
) -> None:
    path = tmp_path / "old.phc"
    _old_format_file(path, _payload_with(scan), PASSPHRASE)
    later = scan_at(pixel8_capture(), datetime(2024, 4, 2, 9, 30, tzinfo=UTC))

    save_scan(path, later, PASSPHRASE)

    assert path.read_bytes()[10] == DEFAULT_SCRYPT.log2_n == 17
    assert [s.started_at for s in load_case(path, PASSPHRASE).scans] == [
        scan.started_at,
        later.started_at,
    ]


def test_an_old_file_with_a_weak_passphrase_still_takes_new_scans(
    tmp_path: Path, scan: ScanResult
) -> None:
    # Refusing here would leave the person unable to save at all; the rule is for new files.
    path = tmp_path / "old.phc"
    _old_format_file(path, _payload_with(scan), "abc")

    save_scan(path, scan, "abc", scrypt=FAST_SCRYPT)

    assert len(load_case(path, "abc").scans) == 2


@pytest.mark.parametrize("weak", ["abc", "1234567", "password", "Password1", "aaaaaaaaaa"])
def test_a_new_case_file_refuses_a_weak_passphrase_and_writes_nothing(
    tmp_path: Path, scan: ScanResult, weak: str
) -> None:
    with pytest.raises(WeakPassphrase) as caught:
        save_scan(tmp_path / "case.phc", scan, weak, scrypt=FAST_SCRYPT)

    assert caught.value.message == (
        f"{render(passphrase_strength(weak)[1])} The scan was not saved to the case file."
    )
    assert list(tmp_path.iterdir()) == []


def test_wrong_passphrase_can_be_retried_and_the_scan_is_kept(
    tmp_path: Path, scan: ScanResult
) -> None:
    # What the CLI does: ask again (up to 3 times) on WrongPassphrase, with the same scan.
    path = tmp_path / "case.phc"
    _save(path, scan)
    later = scan_at(pixel8_capture(), datetime(2024, 4, 2, 9, 30, tzinfo=UTC))
    typed = iter(["amber ladder", "amber ladder under seven", PASSPHRASE])
    refused = 0
    for _attempt in range(3):
        try:
            _save(path, later, next(typed))
            break
        except WrongPassphrase:
            refused += 1

    assert refused == 2
    assert not issubclass(WrongPassphrase, CaseFileDamaged)
    assert [s.started_at for s in load_case(path, PASSPHRASE).scans] == [
        scan.started_at,
        later.started_at,
    ]
