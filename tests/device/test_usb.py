"""USB: without libusb the scanner says what is missing and how to install it."""

from __future__ import annotations

import sys

import pytest

from scanner.device.connection import PhoneConnection
from scanner.device.keys import ephemeral_signer
from scanner.errors import NotConnected, UsbUnavailable


def test_missing_libusb_is_explained_with_the_install_command(monkeypatch):
    # Make the real import of adb-shell's USB transport fail as it does without libusb1.
    monkeypatch.setitem(sys.modules, "usb1", None)
    monkeypatch.delitem(sys.modules, "adb_shell.transport.usb_transport", raising=False)
    with pytest.raises(UsbUnavailable) as caught:
        PhoneConnection.connect_usb(ephemeral_signer())
    assert "libusb" in caught.value.message
    assert "apt install libusb-1.0-0" in caught.value.message
    assert "--serial" in caught.value.message


def test_no_phone_on_usb_is_a_plain_not_connected():
    pytest.importorskip("usb1", reason="libusb1 Python binding not installed")
    try:
        import usb1

        with usb1.USBContext() as context:
            if any(True for _ in context.getDeviceIterator(skip_on_error=True)):
                pytest.skip("this machine has USB devices; the test needs none attached")
    except usb1.USBError as exc:
        pytest.skip(f"libusb cannot enumerate here: {exc}")
    with pytest.raises((NotConnected, UsbUnavailable)) as caught:
        PhoneConnection.connect_usb(ephemeral_signer())
    assert caught.value.message
