"""adb-shell's AdbDeviceTcp, the library the scanner uses, against the simulated phone."""

from __future__ import annotations

import io
import time
from collections.abc import Callable

import pytest
import yaml
from adb_shell.adb_device import AdbDeviceTcp
from adb_shell.exceptions import (
    AdbCommandFailureException,
    AdbTimeoutError,
    PushFailedError,
    TcpTimeoutException,
)

from scanner.commands import DUMPSYS_ADB, PHONE_CLOCK
from scanner.simulator import AuthStep, ReceivedCommand, SimulatedPhone, load_profile
from scanner.simulator.android_key import encode_android_public_key
from scanner.simulator.profile import BUILTIN_PROFILES_DIR
from scanner.sources import SCAN_COMMANDS

from .conftest import GETPROP, HostKey, small_profile

StartPhone = Callable[..., SimulatedPhone]
Connect = Callable[..., AdbDeviceTcp]
APK_PATH = "/data/app/~~Xq==/com.example-1Q==/base.apk"


def _steps(phone: SimulatedPhone, connection: int) -> list[AuthStep]:
    return [event.step for event in phone.auth_events if event.connection == connection]


def test_first_connection_offers_the_key_and_the_second_signs(
    start_phone: StartPhone, adb_connect: Connect, host_key: HostKey
) -> None:
    phone = start_phone()
    first = adb_connect(phone, host_key)
    assert first.available
    first.close()
    second = adb_connect(phone, host_key)
    assert second.available
    assert AuthStep.KEY_ACCEPTED in _steps(phone, 1)
    assert _steps(phone, 2) == [AuthStep.CHALLENGE_SENT, AuthStep.SIGNATURE_ACCEPTED]


def test_shell_output_is_served_byte_for_byte(
    start_phone: StartPhone, adb_connect: Connect, host_key: HostKey
) -> None:
    device = adb_connect(start_phone(), host_key)
    assert device.shell("getprop", decode=False) == GETPROP
    # CRLF stays CRLF: no newline conversion on the way.
    assert device.shell("dumpsys package", decode=False) == (
        b"Packages:\r\n  Package [com.example] (1a2b3c):\r\n"
    )
    assert device.shell("which su") == ""
    assert device.shell("getprop ro.product.model") == "Pixel 7\n"


@pytest.mark.parametrize("name", ["clean", "infected"])
def test_every_allowlisted_command_reads_its_capture_byte_for_byte(
    start_phone: StartPhone, adb_connect: Connect, host_key: HostKey, name: str
) -> None:
    # The phone now offers shell_v2; adb-shell still speaks legacy shell: and must get
    # exactly the captured bytes, with nothing of the shell protocol mixed in.
    phone = start_phone(load_profile(name), trusted_keys=[host_key.public_key])
    device = adb_connect(phone, host_key)
    folder = BUILTIN_PROFILES_DIR / name
    spec = yaml.safe_load((folder / "profile.yaml").read_text(encoding="utf-8"))
    # The clock is answered live: this computer's time, not a capture.
    clock = int(device.shell(PHONE_CLOCK, decode=False))
    assert abs(clock - time.time()) < 30
    for command in SCAN_COMMANDS:
        if command == PHONE_CLOCK:
            continue
        capture = (folder / spec["commands"][command]).read_bytes()
        got = device.shell(command, decode=False)
        if command == DUMPSYS_ADB:
            # Android lists the computer it trusts now: the capture's lines, in order,
            # with this host's key added among them (and inside the binary keystore).
            lines = iter(got.split(b"\n"))
            kept = [line for line in capture.split(b"\n") if b"keystore=" not in line]
            assert all(line in lines for line in kept)
            assert encode_android_public_key(host_key.public_key).split()[0] in got
        else:
            assert got == capture, command
    assert [r.options for r in phone.received] == [""] * len(SCAN_COMMANDS)


def test_unknown_commands_answer_like_an_android_shell(
    start_phone: StartPhone, adb_connect: Connect, host_key: HostKey
) -> None:
    device = adb_connect(start_phone(), host_key)
    assert device.shell("frobnicate --all") == (
        "/system/bin/sh: frobnicate: inaccessible or not found\n"
    )
    assert device.shell("dumpsys no_such_service") == "Can't find service: no_such_service\n"


def test_large_output_spanning_many_payloads_arrives_identical(
    start_phone: StartPhone, adb_connect: Connect, host_key: HostKey
) -> None:
    big = bytes((i * 31 + i // 7) % 256 for i in range(1_300_000))  # > 4 x 256 KiB
    phone = start_phone(small_profile(commands={"dumpsys package": big}))
    device = adb_connect(phone, host_key)
    assert device.shell("dumpsys package", decode=False) == big


def test_two_streams_interleave_on_one_connection(
    start_phone: StartPhone, adb_connect: Connect, host_key: HostKey
) -> None:
    one = b"1" * 600_000
    two = b"2" * 700_000
    phone = start_phone(small_profile(commands={"one": one, "two": two}))
    device = adb_connect(phone, host_key)
    first = device.streaming_shell("one", decode=False)
    second = device.streaming_shell("two", decode=False)
    # Take one chunk from each before finishing either: both streams are open together.
    got_one = next(first)
    got_two = next(second)
    got_one += b"".join(first)
    got_two += b"".join(second)
    assert (got_one, got_two) == (one, two)
    assert [r.command for r in phone.received] == ["one", "two"]


def test_pull_stat_and_list_serve_profile_files(
    start_phone: StartPhone, adb_connect: Connect, host_key: HostKey
) -> None:
    profile = small_profile()
    device = adb_connect(start_phone(profile), host_key)
    pulled = io.BytesIO()
    device.pull(APK_PATH, pulled)
    assert pulled.getvalue() == profile.files[APK_PATH]
    mode, size, _ = device.stat(APK_PATH)
    assert (mode & 0o170000, size) == (0o100000, len(profile.files[APK_PATH]))
    assert device.stat("/nowhere") == (0, 0, 0)
    names = {bytes(entry.filename).decode() for entry in device.list("/sdcard/Download")}
    assert names == {".", "..", "note.txt"}


def test_pulling_a_large_file_arrives_identical(
    start_phone: StartPhone, adb_connect: Connect, host_key: HostKey
) -> None:
    content = bytes((i * 13) % 256 for i in range(500_000))
    phone = start_phone(small_profile(files={APK_PATH: content}))
    device = adb_connect(phone, host_key)
    pulled = io.BytesIO()
    device.pull(APK_PATH, pulled)
    assert pulled.getvalue() == content


def test_pulling_a_missing_file_fails_with_the_reason(
    start_phone: StartPhone, adb_connect: Connect, host_key: HostKey
) -> None:
    device = adb_connect(start_phone(), host_key)
    with pytest.raises(AdbCommandFailureException, match="No such file or directory"):
        device.pull("/data/app/missing.apk", io.BytesIO())


def test_push_is_refused_and_recorded(
    start_phone: StartPhone, adb_connect: Connect, host_key: HostKey
) -> None:
    phone = start_phone()
    device = adb_connect(phone, host_key)
    with pytest.raises(PushFailedError, match="read-only simulated phone"):
        device.push(io.BytesIO(b"x" * 5000), "/sdcard/evil.apk")
    assert phone.received[-1].command.startswith("SEND /sdcard/evil.apk,")
    assert phone.received[-1].refused


def test_refused_key_makes_connect_fail(start_phone: StartPhone, host_key: HostKey) -> None:
    phone = start_phone(small_profile(auth="refuse"))
    device = AdbDeviceTcp("127.0.0.1", phone.port, default_transport_timeout_s=10.0)
    # adb-shell does not notice a closed socket by itself; its read timeout ends the wait.
    with pytest.raises(AdbTimeoutError):
        device.connect(rsa_keys=[host_key.signer()], auth_timeout_s=10.0, read_timeout_s=1.0)
    device.close()
    assert not device.available
    assert AuthStep.KEY_REFUSED in _steps(phone, 1)


def test_unanswered_prompt_times_out(start_phone: StartPhone, host_key: HostKey) -> None:
    phone = start_phone(small_profile(auth="never"))
    device = AdbDeviceTcp("127.0.0.1", phone.port, default_transport_timeout_s=10.0)
    with pytest.raises(TcpTimeoutException):
        device.connect(rsa_keys=[host_key.signer()], auth_timeout_s=0.3)
    device.close()
    assert AuthStep.KEY_OFFERED in _steps(phone, 1)
    assert AuthStep.KEY_ACCEPTED not in _steps(phone, 1)


def test_untrusted_key_on_a_refusing_phone_never_gets_in(
    start_phone: StartPhone, host_key: HostKey, other_host_key: HostKey
) -> None:
    phone = start_phone(small_profile(auth="refuse"), trusted_keys=[host_key.public_key])
    device = AdbDeviceTcp("127.0.0.1", phone.port, default_transport_timeout_s=10.0)
    with pytest.raises(AdbTimeoutError):
        device.connect(rsa_keys=[other_host_key.signer()], read_timeout_s=1.0)
    device.close()
    assert AuthStep.SIGNATURE_REJECTED in _steps(phone, 1)
    assert AuthStep.SIGNATURE_ACCEPTED not in _steps(phone, 1)


def test_requests_are_recorded_in_order(
    start_phone: StartPhone, adb_connect: Connect, host_key: HostKey
) -> None:
    phone = start_phone()
    device = adb_connect(phone, host_key)
    device.shell("getprop")
    device.shell("dumpsys package")
    device.pull(APK_PATH, io.BytesIO())
    device.shell("which su")
    device.close()
    other = adb_connect(phone, host_key)
    other.shell("getprop ro.build.version.release")
    assert phone.received == [
        ReceivedCommand("shell", "getprop", 1),
        ReceivedCommand("shell", "dumpsys package", 1),
        ReceivedCommand("sync", f"RECV {APK_PATH}", 1),
        ReceivedCommand("shell", "which su", 1),
        ReceivedCommand("shell", "getprop ro.build.version.release", 2),
    ]
