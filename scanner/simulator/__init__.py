"""A simulated Android phone: an ADB device-side server on 127.0.0.1 for tests and demos.

It speaks the real ADB wire protocol (handshake, RSA auth, streams, legacy shell and
sync), answers shell commands and file pulls from a profile of real captures, and logs
every request it receives, so tests can prove a scan only read.
"""

from __future__ import annotations

from scanner.simulator.audit import AuthEvent, AuthStep, ReceivedCommand
from scanner.simulator.phone import SimulatedPhone
from scanner.simulator.profile import FILE_GENERATORS, AuthMode, Profile, load_profile

__all__ = [
    "FILE_GENERATORS",
    "AuthEvent",
    "AuthMode",
    "AuthStep",
    "Profile",
    "ReceivedCommand",
    "SimulatedPhone",
    "load_profile",
]
