"""A deliberately small ADB host written with struct, to drive the phone step by step.

Independent of scanner.simulator.wire, so the wire format is checked, not assumed.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils


def word(name: str) -> int:
    return int.from_bytes(name.encode("ascii"), "little")


@dataclass(frozen=True, slots=True)
class Packet:
    command: str
    arg0: int
    arg1: int
    data: bytes
    data_check: int = 0


SKIP_CHECKSUM = 0x01000001
"""From this protocol version (both sides) adbd sends data_check = 0, unsummed."""


class RawHost:
    def __init__(
        self, port: int, timeout_s: float = 10.0, *, phone_version: int = SKIP_CHECKSUM
    ) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout_s)
        self.phone_version = phone_version
        self.version = 0x01000000
        """The settled version: adbd's oldest until our CNXN says more."""

    def close(self) -> None:
        self.sock.close()

    def send(
        self,
        command: str,
        arg0: int,
        arg1: int,
        data: bytes = b"",
        *,
        data_check: int | None = None,
        magic: int | None = None,
    ) -> None:
        cmd = word(command)
        if command == "CNXN":
            self.version = min(arg0, self.phone_version)
        check = sum(data) & 0xFFFFFFFF if data_check is None else data_check
        magic = cmd ^ 0xFFFFFFFF if magic is None else magic
        header = struct.pack("<6I", cmd, arg0, arg1, len(data), check, magic)
        self.sock.sendall(header + data)

    def _exact(self, size: int) -> bytes:
        buf = b""
        while len(buf) < size:
            piece = self.sock.recv(size - len(buf))
            if not piece:
                raise EOFError(f"connection closed after {len(buf)} of {size} bytes")
            buf += piece
        return buf

    def recv(self) -> Packet:
        """One message; asserts the phone filled in magic and checksum correctly (the sum
        below version 0x01000001, 0 from it)."""
        cmd, arg0, arg1, length, check, magic = struct.unpack("<6I", self._exact(24))
        data = self._exact(length) if length else b""
        assert magic == cmd ^ 0xFFFFFFFF
        assert check == (0 if self.version >= SKIP_CHECKSUM else sum(data) & 0xFFFFFFFF)
        return Packet(cmd.to_bytes(4, "little").decode("ascii"), arg0, arg1, data, check)

    def at_eof(self) -> bool:
        """True when the phone closed the connection (nothing more to read)."""
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True

    def connect(self, maxdata: int = 1024 * 1024, version: int = 0x01000001) -> Packet:
        self.send("CNXN", version, maxdata, b"host::features=shell_v2,cmd,stat_v2\0")
        return self.recv()


def sign_token(key: rsa.RSAPrivateKey, token: bytes) -> bytes:
    # adbd treats the token as a ready SHA-1 digest; SHA-1 is the protocol, not our choice.
    return key.sign(token, padding.PKCS1v15(), utils.Prehashed(hashes.SHA1()))  # noqa: S303
