"""Saving scans: the encrypted case file, the evidence pack, and history between scans.

Nothing here prints or asks questions; ``cli.py`` gets the passphrase and shows results.
"""

from __future__ import annotations

from scanner.casefile.casefile import (
    CaseFile,
    ScanRecord,
    load_case,
    record_from_result,
    save_scan,
)
from scanner.casefile.crypto import DEFAULT_SCRYPT, ScryptParams
from scanner.casefile.evidence import (
    EvidenceKey,
    EvidencePack,
    generate_evidence_key,
    load_public_key,
    load_signing_key,
    verify_evidence,
    write_evidence,
)
from scanner.casefile.history import compare_scans, history_for
from scanner.model import ChangeKind, HistoryChange, HistoryDiff

__all__ = [
    "DEFAULT_SCRYPT",
    "CaseFile",
    "ChangeKind",
    "EvidenceKey",
    "EvidencePack",
    "HistoryChange",
    "HistoryDiff",
    "ScanRecord",
    "ScryptParams",
    "compare_scans",
    "generate_evidence_key",
    "history_for",
    "load_case",
    "load_public_key",
    "load_signing_key",
    "record_from_result",
    "save_scan",
    "verify_evidence",
    "write_evidence",
]
