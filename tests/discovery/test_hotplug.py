"""The udev path: pyudev devices in, one next step at a time out, a phone returned."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from scanner.cli.obstacle_text import obstacle_text
from scanner.device.discovery import (
    ADB_INTERFACE,
    DetectedPhone,
    parse_kernel_interface,
    parse_usb_interfaces,
    phone_from_udev,
    wait_for_phone,
)
from scanner.device.obstacles import NodeAccess, Obstacle
from scanner.errors import NotConnected
from scanner.setup_guide import default_guide
from tests.discovery.conftest import (
    BUS_PATH,
    MOUSE,
    PIXEL_ADB,
    PIXEL_PTP,
    SAMSUNG_ADB,
    SAMSUNG_MTP,
    SAMSUNG_SSD,
    UdevFactory,
)


def in_words(steps: list[str]) -> Callable[[Obstacle], None]:
    """An ``on_step`` that keeps each step as the person reads it."""
    return lambda step: steps.append(obstacle_text(step))


class FakeClock:
    """A clock that moves only when the test says so (no sleeps, no real time)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def ticking(clock: FakeClock, items: list[Any], step_s: float) -> Iterator[Any]:
    """Yield ``items``; each ``None`` (a quiet tick) moves the clock on by ``step_s``."""
    for item in items:
        if item is None:
            clock.now += step_s
        yield item


def always_usable(path: str) -> NodeAccess:
    return NodeAccess(path, exists=True, readable=True, writable=True)


def test_id_usb_interfaces_are_read_as_class_triples():
    assert parse_usb_interfaces(":ffff00:ff4201:") == ((0xFF, 0xFF, 0x00), ADB_INTERFACE)
    assert parse_usb_interfaces("") == ()


def test_kernel_interface_property_is_decimal():
    assert parse_kernel_interface("255/66/1") == ADB_INTERFACE
    assert parse_kernel_interface("garbage") is None


def test_phone_with_debugging_on_is_read_from_udev_properties(udev_device: UdevFactory):
    phone = phone_from_udev(udev_device(SAMSUNG_ADB))
    assert phone == DetectedPhone(
        serial="R58N12ABCDE",
        vendor="Samsung Electronics Co., Ltd",
        model="SAMSUNG Android",
        adb_enabled=True,
        file_transfer=True,
        busnum=1,
        devnum=8,
        devpath=f"{BUS_PATH}/1-2",
        vendor_id=0x04E8,
        product_id=0x6860,
        devnode="/dev/bus/usb/001/008",
        interfaces=((0xFF, 0xFF, 0x00), ADB_INTERFACE),
    )


def test_mtp_only_phone_is_a_phone_with_debugging_off(udev_device: UdevFactory):
    phone = phone_from_udev(udev_device(SAMSUNG_MTP))
    assert phone is not None
    assert (phone.adb_enabled, phone.file_transfer) == (False, True)


def test_ptp_only_pixel_is_recognised_by_interface_not_vendor(udev_device: UdevFactory):
    unknown_maker = {**PIXEL_PTP, "ID_VENDOR_ID": "1234", "ID_VENDOR_FROM_DATABASE": "Acme"}
    phone = phone_from_udev(udev_device(unknown_maker))
    assert phone is not None and phone.file_transfer and not phone.adb_enabled


def test_adb_interface_from_an_unknown_maker_is_a_ready_phone(udev_device: UdevFactory):
    acme = {**PIXEL_ADB, "ID_VENDOR_ID": "1234", "ID_VENDOR_FROM_DATABASE": "Acme"}
    phone = phone_from_udev(udev_device(acme))
    assert phone is not None and phone.adb_enabled


def test_mouse_and_a_phone_makers_ssd_are_not_phones(udev_device: UdevFactory):
    assert phone_from_udev(udev_device(MOUSE)) is None
    assert phone_from_udev(udev_device(SAMSUNG_SSD)) is None


def test_phone_already_in_debugging_mode_is_returned_at_once(udev_device: UdevFactory):
    steps: list[str] = []
    phone = wait_for_phone(
        [udev_device(PIXEL_ADB)], on_step=in_words(steps), check_node=always_usable
    )
    assert phone.serial == "2B041FDH3001AB"
    assert phone.adb_enabled
    assert steps == [default_guide().message("wait_phone_found", phone=phone.label)]


def test_debugging_off_gives_that_makers_steps_then_waits_for_the_replug(
    udev_device: UdevFactory,
):
    # Turning USB debugging on makes the phone drop off the bus and come back with ADB.
    events = [
        udev_device(SAMSUNG_MTP),
        None,
        udev_device(SAMSUNG_MTP, action="remove"),
        udev_device(SAMSUNG_ADB),
    ]
    steps: list[str] = []
    phone = wait_for_phone(events, on_step=in_words(steps), check_node=always_usable)
    assert phone.adb_enabled and phone.devnum == 8
    assert steps[0].startswith("A phone is plugged in, but USB debugging is off.")
    assert "Software information" in steps[0]  # Samsung's menu, chosen from the vendor id
    assert steps[-1].startswith("We can see the phone: Samsung")


def test_pixel_with_debugging_off_gets_pixel_steps(udev_device: UdevFactory):
    steps: list[str] = []
    with pytest.raises(NotConnected) as caught:
        wait_for_phone([udev_device(PIXEL_PTP)], on_step=in_words(steps))
    assert "Tap System" in steps[0]
    assert "Software information" not in steps[0]
    assert obstacle_text(caught.value.obstacle) == steps[-1]  # the step on screen


def test_one_step_at_a_time_and_never_twice_in_a_row(udev_device: UdevFactory):
    steps: list[str] = []
    events = [None, None, udev_device(MOUSE), None, udev_device(PIXEL_ADB)]
    wait_for_phone(events, on_step=in_words(steps), check_node=always_usable)
    plug_in = default_guide().message("wait_plug_in")
    assert steps[0] == plug_in
    assert steps.count(plug_in) == 1  # the mouse changed nothing worth repeating
    assert len(steps) == 2


def test_nothing_for_a_while_suggests_another_cable_or_port(udev_device: UdevFactory):
    clock = FakeClock()
    steps: list[str] = []
    items: list[Any] = [*([None] * 5), udev_device(PIXEL_ADB)]
    wait_for_phone(
        ticking(clock, items, 10.0),
        on_step=in_words(steps),
        check_node=always_usable,
        clock=clock,
        patience_s=30.0,
    )
    assert steps[0] == default_guide().message("wait_plug_in")
    assert "try another cable" in steps[1]
    assert steps[-1].startswith("We can see the phone")


def test_unplugging_says_so_calmly(udev_device: UdevFactory):
    steps: list[str] = []
    events = [udev_device(SAMSUNG_MTP), udev_device(SAMSUNG_MTP, action="remove")]
    with pytest.raises(NotConnected):
        wait_for_phone(events, on_step=in_words(steps))
    assert steps[-1] == default_guide().message("wait_unplugged")


def test_bare_kernel_interface_events_complete_the_picture(udev_device: UdevFactory):
    # Without udev's usb_id data the device event has no interface list; the ADB
    # interface then arrives as its own usb_interface event (INTERFACE is decimal).
    bare = {k: v for k, v in SAMSUNG_ADB.items() if k not in ("ID_USB_INTERFACES", "ID_MTP_DEVICE")}
    interface = {
        "DEVTYPE": "usb_interface",
        "DEVPATH": f"{BUS_PATH}/1-2/1-2:1.1",
        "INTERFACE": "255/66/1",
        "PRODUCT": "4e8/6860/400",
    }
    steps: list[str] = []
    phone = wait_for_phone(
        [udev_device(bare), udev_device(interface)],
        on_step=in_words(steps),
        check_node=always_usable,
    )
    assert phone.adb_enabled and phone.serial == "R58N12ABCDE"
    # Before the interface showed, a Samsung with no data interface meant "charge only".
    assert steps[0].startswith("A phone is plugged in, but it is not sharing anything")


def test_no_permission_on_the_device_node_asks_for_the_udev_rule(udev_device: UdevFactory):
    allowed = {"/dev/bus/usb/001/008": False}

    def check_node(path: str) -> NodeAccess:
        ok = allowed.get(path, True)
        return NodeAccess(path, exists=True, readable=ok, writable=ok)

    steps: list[str] = []

    def on_step(step: Obstacle) -> None:
        steps.append(obstacle_text(step))
        allowed["/dev/bus/usb/001/008"] = True  # the person installs the rule

    # "udevadm trigger" re-runs the rules, which udev reports as a change event.
    events = [udev_device(SAMSUNG_ADB), udev_device(SAMSUNG_ADB, action="change")]
    phone = wait_for_phone(events, on_step=on_step, check_node=check_node)
    assert phone.devnode == "/dev/bus/usb/001/008"
    assert "not allowed to use it yet" in steps[0]
    assert "51-android-phone-check.rules /etc/udev/rules.d/" in steps[0]
    assert "sudo udevadm control --reload-rules" in steps[0]


def test_serial_waits_for_that_phone_only(udev_device: UdevFactory):
    steps: list[str] = []
    phone = wait_for_phone(
        [udev_device(SAMSUNG_ADB), udev_device(PIXEL_ADB)],
        on_step=in_words(steps),
        serial="2B041FDH3001AB",
        check_node=always_usable,
    )
    assert phone.model == "Pixel 7"
    assert "The phone you asked for, 2B041FDH3001AB, is not plugged in." in steps[0]
    assert "R58N12ABCDE" in steps[0]


def test_timeout_gives_up_with_the_current_step(udev_device: UdevFactory):
    clock = FakeClock()
    steps: list[str] = []
    never_ending = ticking(clock, [udev_device(SAMSUNG_MTP), *([None] * 100)], 1.0)
    with pytest.raises(NotConnected) as caught:
        wait_for_phone(never_ending, on_step=in_words(steps), timeout_s=5.0, clock=clock)
    assert clock.now == 5.0
    assert obstacle_text(caught.value.obstacle).startswith(
        "A phone is plugged in, but USB debugging is off."
    )
