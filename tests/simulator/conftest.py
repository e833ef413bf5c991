"""Shared fixtures: host keys made here, and started simulated phones that always stop."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from adb_shell.adb_device import AdbDeviceTcp
from adb_shell.auth.sign_cryptography import CryptographySigner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from scanner.simulator import Profile, SimulatedPhone
from scanner.simulator.android_key import encode_android_public_key


@dataclass(frozen=True, slots=True)
class HostKey:
    """An adb host key pair in adb-shell's files: PEM at ``path``, Android format at .pub."""

    path: Path
    private_key: rsa.RSAPrivateKey

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return self.private_key.public_key()

    def signer(self) -> CryptographySigner:
        return CryptographySigner(str(self.path))


def _make_host_key(folder: Path, comment: str) -> HostKey:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = folder / "adbkey"
    path.write_bytes(
        private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    Path(f"{path}.pub").write_bytes(encode_android_public_key(private_key.public_key(), comment))
    return HostKey(path=path, private_key=private_key)


@pytest.fixture(scope="session")
def host_key(tmp_path_factory: pytest.TempPathFactory) -> HostKey:
    return _make_host_key(tmp_path_factory.mktemp("hostkey"), "tester@scanner")


@pytest.fixture(scope="session")
def other_host_key(tmp_path_factory: pytest.TempPathFactory) -> HostKey:
    return _make_host_key(tmp_path_factory.mktemp("otherkey"), "stranger@elsewhere")


GETPROP = (
    b"[ro.build.version.release]: [14]\n"
    b"[ro.product.brand]: [google]\n"
    b"[ro.product.device]: [panther]\n"
    b"[ro.product.model]: [Pixel 7]\n"
    b"[ro.product.name]: [panther]\n"
)


def small_profile(**overrides: Any) -> Profile:
    """A tiny phone built in code (the shipped profiles belong to another test suite)."""
    fields: dict[str, Any] = {
        "name": "tiny",
        "description": "test phone",
        "serial": "SIMTEST01",
        "commands": {
            "getprop": GETPROP,
            "dumpsys package": b"Packages:\r\n  Package [com.example] (1a2b3c):\r\n",
            "which su": b"",
        },
        "files": {
            "/data/app/~~Xq==/com.example-1Q==/base.apk": b"PK\x03\x04" + bytes(range(256)) * 8,
            "/sdcard/Download/note.txt": b"hello\n",
        },
    }
    fields.update(overrides)
    return Profile(**fields)


@pytest.fixture
def start_phone() -> Iterator[Callable[..., SimulatedPhone]]:
    """Start phones for a test; every one is stopped at the end, even on failure."""
    phones: list[SimulatedPhone] = []

    def start(profile: Profile | None = None, **kwargs: Any) -> SimulatedPhone:
        phone = SimulatedPhone(profile or small_profile(), **kwargs)
        phone.start()
        phones.append(phone)
        return phone

    yield start
    for phone in phones:
        phone.stop()


@pytest.fixture
def adb_connect() -> Iterator[Callable[..., AdbDeviceTcp]]:
    """Connect adb-shell clients; every one is closed at the end."""
    devices: list[AdbDeviceTcp] = []

    def connect(phone: SimulatedPhone, key: HostKey, **kwargs: Any) -> AdbDeviceTcp:
        device = AdbDeviceTcp("127.0.0.1", phone.port, default_transport_timeout_s=10.0)
        devices.append(device)
        kwargs.setdefault("auth_timeout_s", 10.0)
        device.connect(rsa_keys=[key.signer()], **kwargs)
        return device

    yield connect
    for device in devices:
        device.close()
