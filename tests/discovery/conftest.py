"""Fixtures for the discovery tests: pyudev devices built from crafted udev properties.

``pyudev.Devices.from_environment`` builds a real ``pyudev.Device`` from the process
environment, the way a program run by a udev rule sees its device. That gives the
hotplug code the same objects a udev monitor yields, with no USB hardware and no udev.

libudev (systemd 252) splits each ``environ`` string in place at its ``=``, so after one
call the process environment is damaged and every later call fails. The fixture
therefore points the C ``environ`` at a fresh array of its own strings for the length of
one call and puts the real one back at once; ``os.environ`` is never touched.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any

import pytest

from tests.guidance.conftest import flesch  # noqa: F401 - the offline reading-ease fixture

BUS_PATH = "/devices/pci0000:00/0000:00:14.0/usb1"

# What udev says about real phones (usb_id and hwdb builtins, libmtp's rules).
SAMSUNG_MTP = {
    "DEVTYPE": "usb_device",
    "DEVPATH": f"{BUS_PATH}/1-2",
    "ID_USB_INTERFACES": ":ffff00:",
    "ID_MTP_DEVICE": "1",
    "ID_VENDOR_ID": "04e8",
    "ID_MODEL_ID": "6860",
    "ID_VENDOR_FROM_DATABASE": "Samsung Electronics Co., Ltd",
    "ID_MODEL": "SAMSUNG_Android",
    "ID_SERIAL_SHORT": "R58N12ABCDE",
    "BUSNUM": "001",
    "DEVNUM": "007",
    "DEVNAME": "/dev/bus/usb/001/007",
}
SAMSUNG_ADB = {**SAMSUNG_MTP, "ID_USB_INTERFACES": ":ffff00:ff4201:", "DEVNUM": "008",
               "DEVNAME": "/dev/bus/usb/001/008"}  # fmt: skip
PIXEL_PTP = {
    "DEVTYPE": "usb_device",
    "DEVPATH": f"{BUS_PATH}/1-3",
    "ID_USB_INTERFACES": ":060101:",
    "ID_VENDOR_ID": "18d1",
    "ID_MODEL_ID": "4ee6",
    "ID_VENDOR_FROM_DATABASE": "Google Inc.",
    "ID_MODEL": "Pixel_7",
    "ID_SERIAL_SHORT": "2B041FDH3001AB",
    "BUSNUM": "001",
    "DEVNUM": "009",
    "DEVNAME": "/dev/bus/usb/001/009",
}
PIXEL_ADB = {**PIXEL_PTP, "ID_USB_INTERFACES": ":060101:ff4201:", "ID_MODEL_ID": "4ee7"}
MOUSE = {
    "DEVTYPE": "usb_device",
    "DEVPATH": f"{BUS_PATH}/1-4",
    "ID_USB_INTERFACES": ":030102:",
    "ID_VENDOR_ID": "046d",
    "ID_MODEL_ID": "c077",
    "ID_VENDOR_FROM_DATABASE": "Logitech, Inc.",
    "ID_MODEL": "USB_Optical_Mouse",
    "BUSNUM": "001",
    "DEVNUM": "010",
}
SAMSUNG_SSD = {**MOUSE, "DEVPATH": f"{BUS_PATH}/1-5", "ID_USB_INTERFACES": ":080650:",
               "ID_VENDOR_ID": "04e8", "ID_MODEL": "Portable_SSD_T7"}  # fmt: skip


UdevFactory = Callable[..., Any]


@pytest.fixture(scope="session")
def udev_context() -> Any:
    pyudev = pytest.importorskip("pyudev", reason="pyudev is only installed on Linux")
    try:
        return pyudev.Context()
    except ImportError as exc:  # pyudev raises ImportError when libudev.so is missing
        pytest.skip(f"libudev is not available on this computer: {exc}")


@pytest.fixture
def udev_device(udev_context: Any) -> UdevFactory:
    """Build a ``pyudev.Device`` from udev properties (``action`` is ACTION)."""
    import pyudev

    libc = ctypes.CDLL(None)
    environ = ctypes.c_void_p.in_dll(libc, "environ")
    sequence = iter(range(1, 10_000))

    def make(props: dict[str, str], action: str = "add") -> Any:
        env = {"SUBSYSTEM": "usb", "ACTION": action, "SEQNUM": str(next(sequence)), **props}
        buffers = [ctypes.create_string_buffer(f"{k}={v}".encode()) for k, v in env.items()]
        array = (ctypes.c_char_p * (len(buffers) + 1))(
            *(ctypes.cast(b, ctypes.c_char_p) for b in buffers), None
        )
        saved = environ.value
        environ.value = ctypes.cast(array, ctypes.c_void_p).value
        try:
            return pyudev.Devices.from_environment(udev_context)
        finally:
            environ.value = saved

    return make
