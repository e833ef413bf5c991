"""``PhoneConnection.shell(on_data=...)`` shows the output read so far each time more of
it comes in over the real ADB wire protocol, so the scan can start on the first apps of
an APK read while the rest is on the link; what it shows is always a start of the whole."""

from __future__ import annotations

import os

from scanner.device.connection import PhoneConnection
from scanner.device.keys import ephemeral_signer
from scanner.simulator import Profile, SimulatedPhone


def test_the_output_is_shown_as_it_comes_in_and_each_view_starts_the_whole() -> None:
    answer = os.urandom(700_000).hex().encode()  # 1.4 MB: several messages of 256 KB
    profile = Profile(name="long-answer", commands={"dumpsys package": answer})
    seen: list[bytes] = []
    with SimulatedPhone(profile) as phone:
        connection = PhoneConnection.connect_tcp("127.0.0.1", phone.port, ephemeral_signer())
        try:
            output = connection.shell("dumpsys package", on_data=lambda b: seen.append(bytes(b)))
        finally:
            connection.close()
    assert output.data == answer
    assert len(seen) >= 5
    assert all(answer.startswith(view) for view in seen)
    assert [len(v) for v in seen] == sorted({len(v) for v in seen}), "each view is longer"
    assert seen[-1] == answer
