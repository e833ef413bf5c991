"""Live scans of simulated phones, shared by the offline tests (each runs once)."""

from __future__ import annotations

import pytest

from scanner.device.connection import PhoneConnection
from scanner.device.keys import ephemeral_signer
from scanner.model import ScanResult
from scanner.pipeline import scan_phone
from scanner.sigdb.commands import load_shipped_db
from scanner.sigdb.model import SignatureDB
from scanner.simulator import Profile, SimulatedPhone
from tests.offline.builders import ai_pin_outputs, ai_pin_phone


def live_scan(profile: Profile, signatures: SignatureDB) -> ScanResult:
    """A whole scan over the real ADB protocol, APK pulls off (offline inputs hold none)."""
    with SimulatedPhone(profile) as phone:
        connection = PhoneConnection.connect_tcp("127.0.0.1", phone.port, ephemeral_signer())
        try:
            return scan_phone(connection, signatures=signatures, pull_apks_enabled=False)
        finally:
            connection.close()


@pytest.fixture(scope="session")
def signatures() -> SignatureDB:
    return load_shipped_db()


@pytest.fixture(scope="session")
def ai_pin() -> dict[str, bytes]:
    return ai_pin_outputs()


@pytest.fixture(scope="session")
def ai_pin_live(ai_pin: dict[str, bytes], signatures: SignatureDB) -> ScanResult:
    return live_scan(ai_pin_phone(ai_pin), signatures)
