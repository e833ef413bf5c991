"""The fallback without udev: libusb is asked every two seconds and changes are reported."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import pytest

from scanner.cli.obstacle_text import obstacle_text
from scanner.device.discovery import (
    ADB_INTERFACE,
    MTP_INTERFACE,
    PTP_INTERFACE,
    DetectedPhone,
    SeveralPhones,
    UsbEvent,
    classify,
    poll_events,
    wait_for_phone,
)
from scanner.device.obstacles import LIBUSB_ERROR_ACCESS, NodeAccess, Obstacle


def in_words(steps: list[str]) -> Callable[[Obstacle], None]:
    """An ``on_step`` that keeps each step as the person reads it."""
    return lambda step: steps.append(obstacle_text(step))


def phone(
    serial: str, *, adb: bool = True, port: str = "1", vendor_id: int = 0x18D1
) -> DetectedPhone:
    return DetectedPhone(
        serial=serial,
        vendor="Google Pixel",
        model="4ee7",
        adb_enabled=adb,
        file_transfer=not adb,
        busnum=1,
        devnum=int(port) + 4,
        devpath=f"usb:1-{port}",
        vendor_id=vendor_id,
    )


class ScriptedUsb:
    """What libusb would list on each look, one list per look (the last one repeats)."""

    def __init__(self, *looks: Sequence[DetectedPhone]) -> None:
        self.looks = list(looks)
        self.sleeps: list[float] = []

    def scan(self) -> Sequence[DetectedPhone]:
        return self.looks.pop(0) if len(self.looks) > 1 else self.looks[0]

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


def usable(path: str) -> NodeAccess:
    return NodeAccess(path, exists=True, readable=True, writable=True)


def test_classify_reads_interfaces_not_makers():
    assert classify([ADB_INTERFACE], vendor_id=0x1234) == (True, False)
    assert classify([PTP_INTERFACE], vendor_id=0x1234) == (False, True)
    # ff/ff/00 is also used by network adapters: MTP only with a hint or a phone maker.
    assert classify([MTP_INTERFACE], vendor_id=0x0BDA) is None
    assert classify([MTP_INTERFACE], vendor_id=0x0BDA, mtp_hint=True) == (False, True)
    assert classify([MTP_INTERFACE], vendor_id=0x04E8, phone_vendor_ids=frozenset({0x04E8})) == (
        False,
        True,
    )
    # A phone maker's device with nothing to offer: charge-only mode.
    assert classify([], vendor_id=0x04E8, phone_vendor_ids=frozenset({0x04E8})) == (False, False)
    assert (
        classify([(0x08, 0x06, 0x50)], vendor_id=0x04E8, phone_vendor_ids=frozenset({0x04E8}))
        is None
    )


def test_polling_reports_present_then_changes_every_two_seconds():
    pixel = phone("A1")
    usb = ScriptedUsb([pixel], [pixel], [], [phone("A1", port="2")])
    events = list(itertools.islice(poll_events(scan=usb.scan, sleep=usb.sleep), 7))
    assert events == [
        UsbEvent("present", pixel),
        None,
        None,  # nothing changed on the second look
        UsbEvent("remove", pixel),
        None,
        UsbEvent("add", phone("A1", port="2")),
        None,
    ]
    assert usb.sleeps == [2.0, 2.0, 2.0]


def test_waiting_by_polling_follows_debugging_being_turned_on():
    usb = ScriptedUsb([phone("A1", adb=False)], [phone("A1", adb=False)], [phone("A1")])
    steps: list[str] = []
    found = wait_for_phone(
        poll_events(scan=usb.scan, sleep=usb.sleep), on_step=in_words(steps), check_node=usable
    )
    assert found.adb_enabled
    assert steps[0].startswith("A phone is plugged in, but USB debugging is off.")
    assert len(steps) == 2


def test_several_phones_at_the_start_are_listed_for_the_person_to_choose():
    usb = ScriptedUsb([phone("A1"), phone("B2", port="2")])
    with pytest.raises(SeveralPhones) as caught:
        wait_for_phone(poll_events(scan=usb.scan, sleep=usb.sleep), on_step=lambda _: None)
    assert {p.serial for p in caught.value.phones} == {"A1", "B2"}
    assert caught.value.obstacle.choices == ("A1", "B2")
    assert "--usb-serial" in caught.value.message


def test_choose_picks_one_of_several_phones():
    usb = ScriptedUsb([phone("A1"), phone("B2", port="2")])
    found = wait_for_phone(
        poll_events(scan=usb.scan, sleep=usb.sleep),
        on_step=lambda _: None,
        choose=lambda phones: phones[-1],
        check_node=usable,
    )
    assert found.serial == "B2"


def test_libusb_access_error_while_looking_asks_for_the_udev_rule():
    denied = DetectedPhone(
        serial=None, vendor="Samsung Galaxy", model="6860", adb_enabled=True, busnum=1,
        devnum=9, devpath="usb:1-3", vendor_id=0x04E8, usb_error=LIBUSB_ERROR_ACCESS,
    )  # fmt: skip
    usb = ScriptedUsb([denied], [denied], [phone("A1")])
    steps: list[str] = []
    wait_for_phone(poll_events(scan=usb.scan, sleep=usb.sleep), on_step=in_words(steps))
    assert "not allowed to use it yet" in steps[0]
    assert "sudo udevadm trigger" in steps[0]
