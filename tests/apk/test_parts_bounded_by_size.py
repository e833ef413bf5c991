"""What the computer holds of an app's parts is bounded by size, whatever the phone serves:
an APK whose signing parts pass the 24 MB cap is refused for reading in parts after its
tail (the rest is never asked for), and the parts of all apps held at once stop at the
cap, the later ones named. Through the simulated phone's toybox over the ADB protocol."""

from __future__ import annotations

import os
import zipfile
from io import BytesIO

import pytest

import scanner.apk_remote.fetch as fetch
from scanner.apk.partial import MAX_PARTIAL_BYTES, TAIL_GUESS
from scanner.apk_remote.fetch import Target, read_apk_parts
from scanner.device.connection import PhoneConnection
from scanner.device.keys import ephemeral_signer
from scanner.simulator import Profile, SimulatedPhone
from scanner.simulator.apk_builder import build_apk


def path_of(index: int) -> str:
    return f"/data/app/~~Qk{index:03d}xYz==/com.bound.a{index:03d}-Zm9v{index:03d}==/base.apk"


def read_from_phone(files: dict[str, bytes]) -> tuple[list[fetch.Outcome], fetch.ReadStats]:
    targets = [Target(f"com.bound.a{i:03d}", path_of(i), True, True) for i in range(len(files))]
    with SimulatedPhone(Profile(name="bounded", files=files)) as phone:
        connection = PhoneConnection.connect_tcp("127.0.0.1", phone.port, ephemeral_signer())
        try:
            return read_apk_parts(lambda command: connection.shell(command).data, targets)
        finally:
            connection.close()


def test_signing_parts_over_the_cap_are_refused_after_the_tail() -> None:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("META-INF/HUGE.RSA", os.urandom(MAX_PARTIAL_BYTES + 1))
    huge = buffer.getvalue()
    small = build_apk("com.bound.a001", label="Small")
    outcomes, stats = read_from_phone({path_of(0): huge, path_of(1): small})
    assert outcomes[0].error == "its signing parts are too large to read in parts"
    assert outcomes[1].read and not outcomes[1].error
    # Only the tails and the small app's parts came back: far less than the big file.
    assert stats.bytes_out < 2 * TAIL_GUESS + 2 * len(small)
    # And what was read of it is let go once it is refused.
    assert outcomes[0].known is None


def test_parts_held_at_once_stop_at_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    apks = {
        path_of(i): build_apk(
            f"com.bound.a{i:03d}", label="Big", extra_files={"a.bin": os.urandom(200_000)}
        )
        for i in range(6)
    }
    # Round 1 holds every tail; past them, room for two apps' further parts (a block or
    # two each), not six.
    cap = 6 * TAIL_GUESS + 2 * 1536
    monkeypatch.setattr(fetch, "MAX_HELD_BYTES", cap)
    outcomes, _ = read_from_phone(apks)
    refused = [o for o in outcomes if "too large to hold at once" in o.error]
    read = [o for o in outcomes if o.read]
    assert read and refused and len(read) + len(refused) == 6
    assert sum(o.known.known_bytes() for o in outcomes if o.known is not None) <= cap
