"""Saving scans: the encrypted case file, the evidence pack, and history between scans.

Nothing here prints or asks questions; ``cli.py`` gets the passphrase and shows results.
"""

from __future__ import annotations

from scanner.casefile.casefile import (
    CASE_FILE_BUSY,
    CaseFile,
    CaseFileBusy,
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
    write_evidence,
)
from scanner.casefile.handover import Handover, append_handover
from scanner.casefile.history import compare_scans, history_for
from scanner.casefile.passphrase import WeakPassphrase, passphrase_strength
from scanner.casefile.verify import (
    Check,
    Outcome,
    Signer,
    Topic,
    VerificationResult,
    load_trusted_keys,
    verify_evidence,
)
from scanner.model import ChangeKind, HistoryChange, HistoryDiff

__all__ = [
    "CASE_FILE_BUSY",
    "DEFAULT_SCRYPT",
    "CaseFile",
    "CaseFileBusy",
    "ChangeKind",
    "Check",
    "EvidenceKey",
    "EvidencePack",
    "Handover",
    "HistoryChange",
    "HistoryDiff",
    "Outcome",
    "ScanRecord",
    "ScryptParams",
    "Signer",
    "Topic",
    "VerificationResult",
    "WeakPassphrase",
    "append_handover",
    "compare_scans",
    "generate_evidence_key",
    "history_for",
    "load_case",
    "load_public_key",
    "load_signing_key",
    "load_trusted_keys",
    "passphrase_strength",
    "record_from_result",
    "save_scan",
    "verify_evidence",
    "write_evidence",
]
