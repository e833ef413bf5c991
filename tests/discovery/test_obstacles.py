"""Each known obstacle is recognised from observable facts and comes with its fix."""

from __future__ import annotations

import socket
import threading

import pytest

from scanner.cli.obstacle_text import maker_steps, obstacle_text
from scanner.device.discovery import DetectedPhone
from scanner.device.obstacles import (
    LIBUSB_ERROR_ACCESS,
    LIBUSB_ERROR_BUSY,
    RULE_FILE,
    AdbServerProbe,
    NodeAccess,
    Obstacle,
    UsbFacts,
    adb_server,
    before_connect,
    diagnose,
    libusb_error_name,
    no_data_connection,
    no_phone_seen,
    obstacle_for_error,
    parse_adb_version_reply,
    phone_locked,
    probe_local_adb_server,
    several_phones,
    usb_debugging_off,
    usb_permission,
)
from scanner.errors import AuthRefused, NotConnected, UsbUnavailable
from scanner.setup_guide import ObstacleText, default_guide


def words(obstacle: Obstacle | None) -> ObstacleText:
    """What the person reads for ``obstacle`` (the command line's words for its id)."""
    assert obstacle is not None
    return default_guide().obstacle(obstacle.id, **dict(obstacle.values))


def phone(**changes: object) -> DetectedPhone:
    base: dict[str, object] = {
        "serial": "R58N12ABCDE", "vendor": "Samsung Electronics Co., Ltd",
        "model": "SAMSUNG Android", "adb_enabled": True, "busnum": 1, "devnum": 8,
        "devpath": "/devices/usb1/1-2", "vendor_id": 0x04E8, "devnode": "/dev/bus/usb/001/008",
    }  # fmt: skip
    base.update(changes)
    return DetectedPhone(**base)  # type: ignore[arg-type]


# --- permission -------------------------------------------------------------------------


def test_unwritable_device_node_asks_for_the_udev_rule():
    obstacle = usb_permission(NodeAccess("/dev/bus/usb/001/008", True, True, False))
    assert obstacle is not None and obstacle.id == "usb_permission"
    assert obstacle.commands == (
        f"sudo cp {RULE_FILE} /etc/udev/rules.d/",
        "sudo udevadm control --reload-rules && sudo udevadm trigger",
    )
    assert "unplug the phone and plug it in again" in words(obstacle).fix


def test_usable_or_missing_node_is_no_obstacle():
    assert usb_permission(NodeAccess("/dev/bus/usb/001/008", True, True, True)) is None
    assert usb_permission(NodeAccess("/nowhere", False, False, False)) is None


def test_libusb_access_error_is_a_permission_obstacle_even_without_a_node():
    obstacle = usb_permission(libusb_error=LIBUSB_ERROR_ACCESS)
    assert obstacle is not None and obstacle.id == "usb_permission"


def test_shipped_udev_rule_matches_the_adb_interface_for_the_seat_user():
    rule = RULE_FILE.read_text(encoding="utf-8")
    active = [line for line in rule.splitlines() if line and not line.startswith("#")]
    assert len(active) == 1
    assert 'ENV{ID_USB_INTERFACES}=="*:ff4201:*"' in active[0]
    assert 'MODE="0660"' in active[0] and 'TAG+="uaccess"' in active[0]
    assert "ATTR{idVendor}" not in rule  # by interface, not by a list of makers


# --- adb server -------------------------------------------------------------------------


def test_busy_interface_means_adb_holds_the_phone():
    obstacle = adb_server(libusb_error=LIBUSB_ERROR_BUSY)
    assert obstacle is not None and obstacle.id == "adb_server_busy"
    assert obstacle.commands == ("adb kill-server",)
    assert "does nothing to the phone" in words(obstacle).fix


def test_a_running_adb_server_is_named_as_a_likely_cause():
    obstacle = adb_server(AdbServerProbe(answered=True, version=41))
    assert obstacle is not None and obstacle.id == "adb_server_running"
    assert adb_server(AdbServerProbe(answered=False)) is None


def test_adb_version_reply_is_parsed():
    assert parse_adb_version_reply(b"OKAY00040029") == AdbServerProbe(True, 0x29)
    assert parse_adb_version_reply(b"FAIL") == AdbServerProbe(True, None)
    assert parse_adb_version_reply(b"") == AdbServerProbe(False, None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_probe_asks_a_local_server_for_its_version_only():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    received: list[bytes] = []
    done = threading.Event()

    def answer() -> None:
        conn, _ = server.accept()
        with conn:
            received.append(conn.recv(64))
            conn.sendall(b"OKAY00040029")
        done.set()

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        probe = probe_local_adb_server(timeout_s=5.0, port=server.getsockname()[1])
        assert done.wait(5.0)
    finally:
        server.close()
    assert probe == AdbServerProbe(answered=True, version=0x29)
    assert received == [b"000chost:version"]


def test_probe_with_nothing_listening_says_no_server():
    assert probe_local_adb_server(port=free_port()) == AdbServerProbe(answered=False)


# --- which phone, which cable -----------------------------------------------------------


def test_several_ready_phones_are_listed_with_their_serials():
    phones = [phone(), phone(serial="2B04", vendor="Google Inc.", model="Pixel 7", devpath="x")]
    obstacle = several_phones(phones)
    assert obstacle is not None and obstacle.choices == ("R58N12ABCDE", "2B04")
    assert "Google Inc. Pixel 7 (2B04)" in words(obstacle).message
    assert several_phones(phones[:1]) is None


def test_no_phone_for_a_while_suggests_cable_and_port():
    assert no_phone_seen([], waited_s=5.0) is None
    obstacle = no_phone_seen([], waited_s=25.0)
    assert obstacle is not None
    assert (
        "cable" in words(obstacle).fix
        and "USB port" in words(obstacle).fix
        and "hub" in words(obstacle).fix
    )
    assert no_phone_seen([phone()], waited_s=99.0) is None


def test_phone_with_no_data_interface_is_charge_only():
    obstacle = no_data_connection([phone(adb_enabled=False, file_transfer=False)])
    assert obstacle is not None and obstacle.id == "no_data_connection"
    assert "another cable" in words(obstacle).fix
    assert any("Software information" in step for step in maker_steps(obstacle))


def test_file_sharing_only_phone_has_debugging_off_with_its_makers_steps():
    pixel = phone(vendor="Google Inc.", model="Pixel 7", vendor_id=0x18D1, adb_enabled=False,
                  file_transfer=True)  # fmt: skip
    obstacle = usb_debugging_off([pixel])
    assert obstacle is not None and obstacle.id == "usb_debugging_off"
    assert "Find Build number at the bottom. Tap it seven times, quite fast." in maker_steps(
        obstacle
    )
    assert usb_debugging_off([phone()]) is None


def test_locked_phone_is_asked_to_unlock_and_allow():
    obstacle = phone_locked(adb_interface=True, answered=False)
    assert obstacle is not None and "Tap Allow" in words(obstacle).fix
    assert phone_locked(adb_interface=True, answered=True, auth_pending=True) is not None
    assert phone_locked(adb_interface=True, answered=True) is None
    assert phone_locked(adb_interface=False, answered=False) is None


# --- from errors ------------------------------------------------------------------------


def usb_error(name: str) -> Exception:
    usb1 = pytest.importorskip("usb1")
    return getattr(usb1, name)(-3 if name == "USBErrorAccess" else -6)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("USBErrorAccess", "usb_permission"), ("USBErrorBusy", "adb_server_busy")],
)
def test_libusb_errors_behind_a_scanner_error_are_named(name: str, expected: str):
    try:
        try:
            raise usb_error(name)
        except Exception as exc:
            raise UsbUnavailable("The computer could not use its USB ports.", repr(exc)) from exc
    except UsbUnavailable as wrapped:
        obstacle = obstacle_for_error(wrapped, phone())
    assert obstacle is not None and obstacle.id == expected


def test_libusb_error_names_are_found_in_detail_text_too():
    error = NotConnected("No phone.", detail="USBErrorBusy(LIBUSB_ERROR_BUSY [-6])")
    assert libusb_error_name(error) == LIBUSB_ERROR_BUSY
    assert libusb_error_name(ValueError("x")) is None


def test_unanswered_allow_prompt_means_unlock_the_phone():
    obstacle = obstacle_for_error(AuthRefused("The phone did not answer."), phone())
    assert obstacle is not None and obstacle.id == "phone_locked"


def test_silent_phone_with_debugging_on_points_at_adb_or_the_lock():
    silent = NotConnected("The phone at USB did not answer.")
    running = obstacle_for_error(silent, phone(), adb_probe=AdbServerProbe(True, 41))
    assert running is not None and running.id == "adb_server_running"
    locked = obstacle_for_error(silent, phone(), adb_probe=AdbServerProbe(False))
    assert locked is not None and locked.id == "phone_locked"
    assert obstacle_for_error(ValueError("unrelated"), phone()) is None


# --- together ---------------------------------------------------------------------------


def test_diagnose_lists_each_obstacle_once_in_order():
    facts = UsbFacts(
        phones=(phone(), phone(serial="B", devpath="y")),
        node_access=(NodeAccess("/dev/bus/usb/001/008", True, False, False),),
        libusb_error=LIBUSB_ERROR_ACCESS,
        adb_probe=AdbServerProbe(True, 41),
    )
    assert [o.id for o in diagnose(facts)] == [
        "several_phones",
        "usb_permission",
        "adb_server_running",
    ]


def test_before_connect_checks_the_node_and_the_adb_server():
    found = before_connect(
        phone(),
        adb_probe=AdbServerProbe(True, 41),
        node=NodeAccess("/dev/bus/usb/001/008", True, False, False),
    )
    assert [o.id for o in found] == ["usb_permission", "adb_server_running"]
    clear = before_connect(
        phone(), adb_probe=AdbServerProbe(False), node=NodeAccess("/x", True, True, True)
    )
    assert clear == ()


def test_obstacle_text_puts_message_fix_steps_and_commands_in_order():
    obstacle = usb_permission(libusb_error=LIBUSB_ERROR_ACCESS)
    assert obstacle is not None
    lines = obstacle_text(obstacle).splitlines()
    assert lines[0] == words(obstacle).message and lines[1] == words(obstacle).fix
    assert lines[-1].strip() == obstacle.commands[-1]
