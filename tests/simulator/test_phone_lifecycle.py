"""Starting, stopping and addressing a simulated phone."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from scanner.errors import ScannerError
from scanner.simulator import AuthStep, SimulatedPhone

from .conftest import HostKey, small_profile
from .rawhost import RawHost


def test_context_manager_listens_on_loopback_and_stops() -> None:
    with SimulatedPhone(small_profile(auth="none")) as phone:
        assert phone.serial_address == f"127.0.0.1:{phone.port}"
        host = RawHost(phone.port)
        assert host.connect().command == "CNXN"
    # Stopping closed the open connection too.
    assert host.at_eof()
    host.close()


def test_non_loopback_address_is_refused() -> None:
    with pytest.raises(ScannerError, match="only listens on this computer"):
        SimulatedPhone(small_profile(), host="0.0.0.0")  # noqa: S104


def test_prompt_with_a_delay_still_accepts(
    start_phone: Callable[..., SimulatedPhone], host_key: HostKey
) -> None:
    phone = start_phone(small_profile(auth_delay_s=0.2))
    host = RawHost(phone.port)
    host.connect()
    host.send("AUTH", 3, 0, host_key.path.with_suffix(".pub").read_bytes() + b"\0")
    assert host.recv().command == "CNXN"
    host.close()


def test_stop_ends_a_prompt_that_is_still_waiting(host_key: HostKey) -> None:
    phone = SimulatedPhone(small_profile(auth_delay_s=600.0))
    phone.start()
    host = RawHost(phone.port)
    host.connect()
    host.send("AUTH", 3, 0, host_key.path.with_suffix(".pub").read_bytes() + b"\0")
    assert phone.wait_for_auth(AuthStep.KEY_OFFERED)
    stopper = threading.Thread(target=phone.stop)
    stopper.start()
    stopper.join(timeout=30.0)
    assert not stopper.is_alive(), "stop() waited for the 600 s prompt"
    assert host.at_eof()
    assert phone.trusted_keys == ()
    host.close()


def test_phone_can_be_restarted_on_a_new_port() -> None:
    phone = SimulatedPhone(small_profile(auth="none"))
    phone.start()
    phone.stop()
    phone.start()
    host = RawHost(phone.port)
    assert host.connect().command == "CNXN"
    host.close()
    phone.stop()
