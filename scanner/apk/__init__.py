"""Reading APK files pulled from a phone (signing certificates)."""

from __future__ import annotations

from scanner.apk.signing import ApkSigners, SignerCertificate, read_apk_signers

__all__ = ["ApkSigners", "SignerCertificate", "read_apk_signers"]
