"""The encrypted case file: every scan of a phone, kept so it can be compared later.

Nothing is written unless the user asks (``--save``). A case file holds, per scan, the
JSON report, the raw output of every command (so the snapshot can be rebuilt by a later,
better parser) and the scan times. It is only ever on disk encrypted (see ``crypto.py``);
appending decrypts in memory, adds the scan, and replaces the file atomically, holding a
lock (``filelock.py``) so two scans saving at once cannot lose one another's scan.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from scanner.casefile.crypto import (
    DEFAULT_SCRYPT,
    ScryptParams,
    Writer,
    atomic_write,
    open_sealed,
    seal,
    write_error,
)
from scanner.casefile.filelock import LockBusy, exclusive_lock
from scanner.casefile.passphrase import WeakPassphrase, passphrase_strength
from scanner.errors import CaseFileDamaged, ReportError
from scanner.model import CommandResult, RawCapture, ScanResult
from scanner.private_files import make_missing_parents
from scanner.report.json_report import to_dict

PAYLOAD_FORMAT = "phone-check-case"
LOCK_WAIT_S = 30.0
"""How long a save waits for another scan's save to the same file (each takes a second
or two: two key derivations)."""
CASE_FILE_BUSY = (
    "The case file is in use by another scan; try again when it has finished. "
    "This scan was not saved to it."
)


class CaseFileBusy(ReportError):
    """Another process held the case file's lock for longer than the save would wait."""


@dataclass(frozen=True, slots=True)
class ScanRecord:
    """One saved scan: what a case file and an evidence pack keep of a ``ScanResult``."""

    started_at: datetime
    """When the scan started (UTC)."""
    finished_at: datetime
    report: dict[str, Any]
    """The JSON report as ``json_report.to_dict`` made it, after a JSON round trip."""
    capture: RawCapture
    """Every command's raw output, enough to rebuild the snapshot."""

    @property
    def serial(self) -> str:
        device = self.report.get("device")
        serial = device.get("serial") if isinstance(device, dict) else None
        return str(serial or self.capture.serial or "")

    @property
    def fingerprint(self) -> str:
        device = self.report.get("device")
        value = device.get("fingerprint") if isinstance(device, dict) else None
        return str(value or "")


@dataclass(frozen=True, slots=True)
class CaseFile:
    """The decrypted content of a case file, scans in the order they were saved."""

    scans: tuple[ScanRecord, ...]


def record_from_result(result: ScanResult) -> ScanRecord:
    """The part of a scan result a case file or evidence pack keeps."""
    # The JSON round trip makes a fresh record equal to the same record after loading.
    report = json.loads(json.dumps(to_dict(result), ensure_ascii=False, default=str))
    return ScanRecord(result.started_at, result.finished_at, report, result.capture)


def as_record(scan: ScanResult | ScanRecord) -> ScanRecord:
    """Accept either a fresh scan result or a record loaded from a case file."""
    return scan if isinstance(scan, ScanRecord) else record_from_result(scan)


def load_case(path: str | os.PathLike[str], passphrase: str) -> CaseFile:
    """Decrypt and read a case file.

    Raises ``WrongPassphrase`` when the passphrase does not open it and
    ``CaseFileDamaged`` when it is cut short, changed, or not a case file.
    """
    file = Path(path)
    return _decode(open_sealed(_read(file), passphrase, str(file)), str(file))


def save_scan(
    path: str | os.PathLike[str],
    scan: ScanResult | ScanRecord,
    passphrase: str,
    *,
    scrypt: ScryptParams = DEFAULT_SCRYPT,
    write: Writer = os.write,
    lock_wait_s: float = LOCK_WAIT_S,
) -> CaseFile:
    """Add one scan to the case file at ``path`` (created when absent); returns the new content.

    The whole read-modify-write holds an exclusive lock on the case file, so saves from
    several scans at once all land; one that cannot get the lock within ``lock_wait_s``
    raises ``CaseFileBusy`` and writes nothing. An existing file is opened with the same
    passphrase first, so a wrong passphrase (``WrongPassphrase``: the caller may ask
    again, the scan is untouched) or a damaged file stops the save before anything is
    written. A new file refuses a weak passphrase (``WeakPassphrase``). The file is
    replaced atomically; on any failure the earlier file is left exactly as it was.
    ``scrypt`` and ``write`` exist for tests (fast key derivation, injected disk-full).
    """
    file = Path(path)
    if file.is_dir():
        raise ReportError.said("casefile.is_a_folder", path=file)
    record = as_record(scan)
    try:
        make_missing_parents(file)
        with exclusive_lock(file, lock_wait_s):
            if file.exists():
                earlier = load_case(file, passphrase).scans
            else:
                strong, why = passphrase_strength(passphrase)
                if not strong:
                    raise WeakPassphrase.said("casefile.weak_not_saved", why=why)
                earlier = ()
            case = CaseFile((*earlier, record))
            atomic_write(file, seal(_encode(case), passphrase, scrypt), write=write)
    except LockBusy as exc:
        raise CaseFileBusy(CASE_FILE_BUSY, str(exc), message_id="casefile.busy") from exc
    except OSError as exc:  # the lock file or a missing folder could not be made
        raise write_error(file, exc) from exc
    return case


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except FileNotFoundError as exc:
        raise ReportError.said("casefile.no_case_file", str(exc), path=file) from exc
    except OSError as exc:
        raise ReportError.said("casefile.case_unreadable", str(exc), path=file) from exc


def _iso(value: datetime) -> str:
    return value.isoformat()


def _encode(case: CaseFile) -> bytes:
    scans = [
        {
            "started_at": _iso(s.started_at),
            "finished_at": _iso(s.finished_at),
            "report": s.report,
            "capture": _capture_to_json(s.capture),
        }
        for s in case.scans
    ]
    payload = {"format": PAYLOAD_FORMAT, "scans": scans}
    return json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")


def _capture_to_json(capture: RawCapture) -> dict[str, Any]:
    return {
        "serial": capture.serial,
        "transport": capture.transport,
        "banner": capture.banner,
        "interrupted": capture.interrupted,
        "results": [
            {
                "command": r.command,
                "output_b64": None if r.output is None else base64.b64encode(r.output).decode(),
                "error": r.error,
                "duration_s": r.duration_s,
                "truncated": r.truncated,
            }
            for r in capture.results
        ],
    }


def _decode(plaintext: bytes, name: str) -> CaseFile:
    try:
        payload = json.loads(plaintext.decode("utf-8"))
        if not isinstance(payload, dict) or payload.get("format") != PAYLOAD_FORMAT:
            raise ValueError("not a phone-check case payload")
        return CaseFile(tuple(_scan_from_json(s) for s in payload["scans"]))
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as exc:
        raise CaseFileDamaged.said(
            "casefile.content_unexpected", f"{type(exc).__name__}: {exc}", name=name
        ) from exc


def _scan_from_json(data: Mapping[str, Any]) -> ScanRecord:
    report = data["report"]
    if not isinstance(report, dict):
        raise TypeError("report is not an object")
    return ScanRecord(
        started_at=datetime.fromisoformat(data["started_at"]),
        finished_at=datetime.fromisoformat(data["finished_at"]),
        report=report,
        capture=_capture_from_json(data["capture"]),
    )


def _capture_from_json(data: Mapping[str, Any]) -> RawCapture:
    results = tuple(
        CommandResult(
            command=str(r["command"]),
            output=None
            if r["output_b64"] is None
            else base64.b64decode(r["output_b64"], validate=True),
            error=str(r["error"]),
            duration_s=float(r["duration_s"]),
            truncated=bool(r["truncated"]),
        )
        for r in data["results"]
    )
    return RawCapture(
        results=results,
        serial=str(data["serial"]),
        transport=str(data["transport"]),
        banner=str(data["banner"]),
        interrupted=str(data["interrupted"]),
    )
