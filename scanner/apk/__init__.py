"""Reading APK files pulled from a phone (signing certificates, manifest)."""

from __future__ import annotations

from scanner.apk.signers import ApkSigners, SignerCertificate
from scanner.apk.signing import read_apk_signers

__all__ = ["ApkSigners", "SignerCertificate", "read_apk_signers"]
