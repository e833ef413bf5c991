"""Fixtures for the APK tests: identities generated at run time (no keys in the repo)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from apk_helpers import Apksigner, Identity

from scanner.simulator.apk_builder import make_signing_identity


@pytest.fixture(scope="session")
def vendor() -> Identity:
    """Stands in for a stalkerware vendor's signing key."""
    key, cert = make_signing_identity("Spy Vendor Ltd", "Totally Legit Monitoring")
    return Identity(key, cert)


@pytest.fixture(scope="session")
def other_vendor() -> Identity:
    key, cert = make_signing_identity("Someone Else")
    return Identity(key, cert)


@pytest.fixture
def apksigner(tmp_path: Path) -> Apksigner:
    path = shutil.which("apksigner")
    if path is None:
        pytest.skip(
            "apksigner is not installed (Debian: apt-get install apksigner); "
            "our APKs are not checked against Google's verifier in this run"
        )
    return Apksigner(path, tmp_path)
