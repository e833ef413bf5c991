"""The CNXN/AUTH handshake, driven message by message with a raw host."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from scanner.simulator import AuthStep, SimulatedPhone

from .conftest import HostKey, small_profile
from .rawhost import RawHost, sign_token

StartPhone = Callable[..., SimulatedPhone]


@pytest.fixture
def raw_hosts() -> Iterator[Callable[[SimulatedPhone], RawHost]]:
    hosts: list[RawHost] = []

    def open_host(phone: SimulatedPhone, **kwargs: int) -> RawHost:
        host = RawHost(phone.port, **kwargs)
        hosts.append(host)
        return host

    yield open_host
    for host in hosts:
        host.close()


def test_connect_is_answered_with_a_20_byte_auth_token(start_phone: StartPhone, raw_hosts) -> None:
    host = raw_hosts(start_phone())
    reply = host.connect()
    assert (reply.command, reply.arg0) == ("AUTH", 1)
    assert len(reply.data) == 20


def test_auth_disabled_phone_answers_cnxn_with_its_banner(
    start_phone: StartPhone, raw_hosts
) -> None:
    host = raw_hosts(start_phone(small_profile(auth="none")))
    reply = host.connect(maxdata=4096, version=0x01000000)
    assert reply.command == "CNXN"
    assert reply.arg0 == 0x01000000  # the lower of the two versions
    assert reply.arg1 == 4096  # the host's smaller max payload
    banner = reply.data.decode()
    assert banner.startswith("device::")
    assert "ro.product.model=Pixel 7;" in banner
    assert "ro.product.name=panther;" in banner
    features = banner.rsplit("features=", 1)[1].split(",")
    assert features == ["shell_v2", "cmd"]  # the shell protocol, legacy sync only


def test_cnxn_offers_256k_payload_to_a_host_that_allows_more(
    start_phone: StartPhone, raw_hosts
) -> None:
    host = raw_hosts(start_phone(small_profile(auth="none", banner={"ro.product.model": "X1"})))
    reply = host.connect(maxdata=1024 * 1024)
    assert (reply.arg0, reply.arg1) == (0x01000001, 256 * 1024)
    assert "ro.product.model=X1;" in reply.data.decode()


def test_signature_from_trusted_key_connects(
    start_phone: StartPhone, raw_hosts, host_key: HostKey
) -> None:
    phone = start_phone(trusted_keys=[host_key.public_key])
    host = raw_hosts(phone)
    token = host.connect().data
    host.send("AUTH", 2, 0, sign_token(host_key.private_key, token))
    assert host.recv().command == "CNXN"
    assert AuthStep.SIGNATURE_ACCEPTED in [event.step for event in phone.auth_events]


def test_signature_from_untrusted_key_gets_a_fresh_token(
    start_phone: StartPhone, raw_hosts, host_key: HostKey, other_host_key: HostKey
) -> None:
    host = raw_hosts(start_phone(trusted_keys=[host_key.public_key]))
    token = host.connect().data
    host.send("AUTH", 2, 0, sign_token(other_host_key.private_key, token))
    reply = host.recv()
    assert (reply.command, reply.arg0) == ("AUTH", 1)
    assert len(reply.data) == 20
    assert reply.data != token


def test_corrupted_signature_from_trusted_key_is_rejected(
    start_phone: StartPhone, raw_hosts, host_key: HostKey
) -> None:
    host = raw_hosts(start_phone(trusted_keys=[host_key.public_key]))
    token = host.connect().data
    signature = bytearray(sign_token(host_key.private_key, token))
    signature[100] ^= 0x01
    host.send("AUTH", 2, 0, bytes(signature))
    assert host.recv().command == "AUTH"


def test_signature_of_an_old_token_is_rejected(
    start_phone: StartPhone, raw_hosts, host_key: HostKey, other_host_key: HostKey
) -> None:
    host = raw_hosts(start_phone(trusted_keys=[host_key.public_key]))
    first = host.connect().data
    host.send("AUTH", 2, 0, sign_token(other_host_key.private_key, first))
    second = host.recv().data
    host.send("AUTH", 2, 0, sign_token(host_key.private_key, first))  # replay: wrong token
    assert host.recv().command == "AUTH"
    assert second != first


def test_accepted_public_key_is_trusted_and_connects(
    start_phone: StartPhone, raw_hosts, host_key: HostKey
) -> None:
    phone = start_phone()
    host = raw_hosts(phone)
    host.connect()
    host.send("AUTH", 3, 0, host_key.path.with_suffix(".pub").read_bytes() + b"\0")
    assert host.recv().command == "CNXN"
    trusted = [key.public_numbers() for key in phone.trusted_keys]
    assert trusted == [host_key.public_key.public_numbers()]


def test_refused_public_key_closes_the_connection_without_cnxn(
    start_phone: StartPhone, raw_hosts, host_key: HostKey
) -> None:
    phone = start_phone(small_profile(auth="refuse"))
    host = raw_hosts(phone)
    host.connect()
    host.send("AUTH", 3, 0, host_key.path.with_suffix(".pub").read_bytes() + b"\0")
    assert host.at_eof()
    assert phone.trusted_keys == ()
    assert AuthStep.KEY_REFUSED in [event.step for event in phone.auth_events]


def test_unanswered_prompt_keeps_the_socket_open_and_sends_nothing(
    start_phone: StartPhone, raw_hosts, host_key: HostKey
) -> None:
    phone = start_phone(small_profile(auth="never"))
    host = raw_hosts(phone)
    host.connect()
    host.send("AUTH", 3, 0, host_key.path.with_suffix(".pub").read_bytes() + b"\0")
    assert phone.wait_for_auth(AuthStep.KEY_OFFERED)
    # A new CNXN restarts the handshake: the next message is its token, so the
    # socket is still open and no CNXN was sent for the key.
    reply = host.connect()
    assert (reply.command, reply.arg0) == ("AUTH", 1)
    assert phone.trusted_keys == ()


def test_malformed_public_key_is_not_trusted(start_phone: StartPhone, raw_hosts) -> None:
    phone = start_phone()
    host = raw_hosts(phone)
    host.connect()
    host.send("AUTH", 3, 0, b"QUFBQQ== not@a-key\0")
    assert phone.wait_for_auth(AuthStep.KEY_MALFORMED)
    assert phone.trusted_keys == ()


def test_stream_traffic_before_authorisation_is_ignored(
    start_phone: StartPhone, raw_hosts, host_key: HostKey
) -> None:
    phone = start_phone(trusted_keys=[host_key.public_key])
    host = raw_hosts(phone)
    token = host.connect().data
    host.send("OPEN", 1, 0, b"shell:getprop\0")
    host.send("AUTH", 2, 0, sign_token(host_key.private_key, token))
    assert host.recv().command == "CNXN"  # no OKAY for the early OPEN came first
    assert phone.received == []


@pytest.mark.parametrize(
    ("host_version", "phone_version", "summed"),
    [
        (0x01000001, 0x01000001, False),
        (0x01000000, 0x01000001, True),
        (0x01000001, 0x01000000, True),
    ],
    ids=["both-new", "old-host", "old-phone"],
)
def test_checksums_are_filled_in_only_below_0x01000001(
    start_phone: StartPhone,
    raw_hosts,
    host_key: HostKey,
    host_version: int,
    phone_version: int,
    summed: bool,
) -> None:
    phone = start_phone(trusted_keys=[host_key.public_key], adb_version=phone_version)
    host = raw_hosts(phone, phone_version=phone_version)
    token = host.connect(version=host_version)
    host.send("AUTH", 2, 0, sign_token(host_key.private_key, token.data))
    online = host.recv()
    assert (online.command, online.arg0) == ("CNXN", min(host_version, phone_version))
    host.send("OPEN", 1, 0, b"shell:getprop\0")
    assert host.recv().command == "OKAY"
    answer = host.recv()
    assert answer.command == "WRTE" and answer.data
    for packet in (token, online, answer):
        assert packet.data_check == (sum(packet.data) if summed else 0)


def test_zero_checksum_from_host_is_accepted(start_phone: StartPhone, raw_hosts) -> None:
    host = raw_hosts(start_phone(small_profile(auth="none")))
    host.send("CNXN", 0x01000001, 4096, b"host::\0", data_check=0)
    assert host.recv().command == "CNXN"


def test_wrong_checksum_closes_the_connection(start_phone: StartPhone, raw_hosts) -> None:
    host = raw_hosts(start_phone(small_profile(auth="none")))
    host.send("CNXN", 0x01000001, 4096, b"host::\0", data_check=12345)
    assert host.at_eof()


def test_wrong_magic_closes_the_connection(start_phone: StartPhone, raw_hosts) -> None:
    host = raw_hosts(start_phone(small_profile(auth="none")))
    host.send("CNXN", 0x01000001, 4096, b"host::\0", magic=0)
    assert host.at_eof()
