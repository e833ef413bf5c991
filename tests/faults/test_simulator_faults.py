"""The fault and link hooks of the simulated phone itself."""

from __future__ import annotations

import struct
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from scanner.commands import DUMPSYS_ADB, DUMPSYS_PACKAGE, GETPROP, PHONE_CLOCK
from scanner.device.connection import PhoneConnection
from scanner.device.keys import ephemeral_signer
from scanner.errors import ScannerError
from scanner.pipeline import scan_phone
from scanner.simulator import SimulatedPhone, load_profile
from scanner.simulator.faults import (
    HUGE_BLOCK_BYTES,
    HUGE_CLAIM,
    Drop,
    FaultPlan,
    Hostile,
    garble_output,
    huge_output,
)
from scanner.simulator.link import LinkModel, LinkPacer
from tests.simulator.rawhost import RawHost

OUTPUT = b"Packages:\n  Package [com.example] (1a):\n    userId=10100\n" * 20


def test_faults_section_of_profile_yaml_is_loaded_and_used(tmp_path: Path) -> None:
    (tmp_path / "getprop.txt").write_bytes(b"[ro.product.model]: [Pixel 7]\n")
    spec = {
        "name": "flaky",
        "auth": "none",
        "commands": {"getprop": "getprop.txt"},
        "faults": {
            "drop": {"step": "cnxn"},
            "hang": {"dumpsys account": 10},
            "garble": {"getprop": "truncate"},
            "huge": {"dumpsys package": 1000},
            "reboot": {"at_command": "dumpsys appops", "down_s": 3},
            "one_host": "silent",
        },
    }
    (tmp_path / "profile.yaml").write_text(yaml.safe_dump(spec))
    profile = load_profile(tmp_path)
    assert profile.faults.drop == Drop("cnxn")
    assert profile.faults.garble == {"getprop": "truncate"}
    assert profile.faults.reboot is not None and profile.faults.reboot.down_s == 3
    with SimulatedPhone(profile) as phone:
        host = RawHost(phone.port)
        try:
            host.send("CNXN", 0x01000001, 4096, b"host::\0")
            assert host.at_eof()  # dropped as the plan says, with no answer
        finally:
            host.close()


@pytest.mark.parametrize(
    ("faults", "words"),
    [
        ({"drop": {"step": "sideways"}}, "drop step"),
        ({"garble": {"getprop": "upside-down"}}, "garble"),
        ({"huge": {"getprop": "big"}}, "huge"),
        ({"explode": True}, "unknown key"),
        ({"drop": {"step": "open"}}, "index or a command"),
        ({"hostile": "yes"}, "hostile: must be a mapping"),
        ({"hostile": {"maxdata": -1}}, "maxdata"),
        ({"hostile": {"maxdata": 2**32}}, "maxdata"),
        ({"hostile": {"trickle_pull_s": "slow"}}, "trickle_pull_s"),
        ({"hostile": {"huge_header": 5}}, "huge_header"),
        ({"hostile": {"explode": True}}, "explode"),
    ],
)
def test_a_bad_faults_section_is_refused_naming_the_profile(
    faults: dict[str, object], words: str, tmp_path: Path
) -> None:
    (tmp_path / "profile.yaml").write_text(yaml.safe_dump({"name": "bad", "faults": faults}))
    with pytest.raises(ScannerError) as caught:
        load_profile(tmp_path)
    assert str(tmp_path) in caught.value.message
    assert words in caught.value.detail


def test_non_utf8_garbling_makes_output_undecodable_but_keeps_its_lines() -> None:
    spoiled = garble_output("non-utf8", OUTPUT)
    with pytest.raises(UnicodeDecodeError):
        spoiled.decode("utf-8")
    assert spoiled.count(b"\n") == OUTPUT.count(b"\n")


def test_truncation_cuts_mid_line_and_unknown_format_hides_every_line() -> None:
    cut = garble_output("truncate", OUTPUT)
    assert OUTPUT.startswith(cut) and len(cut) < len(OUTPUT) and not cut.endswith(b"\n")
    alien = garble_output("unknown-format", OUTPUT)
    assert b"Package [" not in alien and b"Packages:" not in alien


def test_huge_output_is_made_in_small_blocks_to_the_exact_size() -> None:
    size = 10 * HUGE_BLOCK_BYTES + 123
    sizes = [len(block) for block in huge_output(OUTPUT, size)]
    assert sum(sizes) == size
    assert max(sizes) <= HUGE_BLOCK_BYTES
    assert next(iter(huge_output(OUTPUT, size))) == OUTPUT  # the real answer comes first


def test_a_mid_answer_drop_delivers_exactly_the_bytes_before_the_cut() -> None:
    from scanner.simulator.faults import DROP, shell_answer

    plan = FaultPlan(drop=Drop("wrte", command=DUMPSYS_PACKAGE, after_bytes=100))
    pieces = list(shell_answer(plan, DUMPSYS_PACKAGE, lambda: OUTPUT))
    assert pieces[-1] is DROP
    assert b"".join(p for p in pieces if isinstance(p, bytes)) == OUTPUT[:100]
    untouched = list(shell_answer(plan, GETPROP, lambda: OUTPUT))
    assert untouched == [OUTPUT]


class VirtualTime(threading.Event):
    """A stop event on a virtual clock: waiting moves the clock on instead of sleeping."""

    def __init__(self) -> None:
        super().__init__()
        self.now = 100.0
        self.waited: list[float] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waited.append(timeout or 0.0)
        self.now += timeout or 0.0
        return False


def test_link_pacer_delays_each_answer_and_paces_every_byte() -> None:
    stop = VirtualTime()
    pacer = LinkPacer(LinkModel(latency_s=0.5, bytes_per_s=1000), stop, clock=lambda: stop.now)
    pacer.request_started()
    pacer.before_send(2000)  # 0.5 s latency, then 2 s on the wire
    pacer.before_send(3000)  # 3 s more: the link is still busy with the first
    assert stop.waited[0] == 0.5
    assert stop.waited == [0.5, 2.0, 3.0]


def test_link_pacer_works_meanwhile_and_waits_only_what_is_left() -> None:
    stop = VirtualTime()
    pacer = LinkPacer(LinkModel(latency_s=0.5, bytes_per_s=1000), stop, clock=lambda: stop.now)
    steps: list[float] = []

    def step(takes: float, count: int) -> Callable[[], bool]:
        def work() -> bool:
            if len(steps) >= count:
                return False
            steps.append(stop.now)
            stop.now += takes
            return len(steps) < count

        return work

    pacer.request_started()
    pacer.before_send(2000, step(0.2, 2))  # two steps in the latency, 0.1 s left to wait
    assert steps == [100.0, 100.2] and stop.waited == [pytest.approx(0.1), 2.0]
    steps.clear()
    pacer.before_send(1000, step(0.3, 100))  # work without end: stopped at 1 s, no wait
    assert steps == pytest.approx([102.5, 102.8, 103.1, 103.4])
    assert stop.waited == [pytest.approx(0.1), 2.0]
    steps.clear()
    stop.set()  # stopping: no work is begun; the wait returns at once on a real event
    pacer.before_send(1000, step(0.3, 100))
    assert steps == []


def test_link_model_refuses_impossible_values() -> None:
    with pytest.raises(ValueError):
        LinkModel(latency_s=-1)
    with pytest.raises(ValueError):
        LinkModel(bytes_per_s=0)


def test_a_scan_over_a_modelled_link_reads_the_same_as_over_loopback() -> None:
    profile = load_profile("clean")
    results = []
    for link in (None, LinkModel(latency_s=0.001, bytes_per_s=500e6)):
        with SimulatedPhone(profile, link=link) as phone:
            connection = PhoneConnection.connect_tcp("127.0.0.1", phone.port, ephemeral_signer())
            try:
                results.append(scan_phone(connection))
            finally:
                connection.close()
    plain, paced = results
    assert paced.complete and plain.complete
    # Each scan's own key is among the computers the phone lists, so that output differs;
    # the clock is read live, so it differs too.
    live = (DUMPSYS_ADB, PHONE_CLOCK)
    assert [r.output for r in paced.capture.results if r.command not in live] == [
        r.output for r in plain.capture.results if r.command not in live
    ]


def test_the_hostile_section_of_profile_yaml_is_loaded(tmp_path: Path) -> None:
    hostile = {
        "huge_header": "cnxn",
        "flood_unknown_stream": "dumpsys account",
        "ignore_flow_control": "dumpsys appops",
        "maxdata": 0xFFFFFFFF,
        "trickle_pull_s": 3,
    }
    (tmp_path / "profile.yaml").write_text(
        yaml.safe_dump({"name": "hostile", "faults": {"hostile": hostile}})
    )
    assert load_profile(tmp_path).faults.hostile == Hostile(**hostile)


def read_exact(host: RawHost, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        piece = host.sock.recv(size - len(data))
        assert piece, f"the phone hung up after {len(data)} bytes"
        data += piece
    return bytes(data)


def test_a_hostile_cnxn_claims_4_gb_and_never_completes() -> None:
    profile = load_profile("infected")
    plan = FaultPlan(hostile=Hostile(huge_header="cnxn"))
    with SimulatedPhone(replace(profile, auth="none"), faults=plan) as phone:
        host = RawHost(phone.port)
        try:
            host.send("CNXN", 0x01000001, 4096, b"host::\0")
            command, _, _, length, _, magic = struct.unpack("<6I", read_exact(host, 24))
            assert (command.to_bytes(4, "little"), length) == (b"CNXN", HUGE_CLAIM)
            assert magic == command ^ 0xFFFFFFFF  # a valid header, only its length lies
            assert len(read_exact(host, 4 << 20)) == 4 << 20  # and it keeps sending
        finally:
            host.close()


def test_a_hostile_phone_advertises_the_maxdata_it_is_told_to() -> None:
    profile = replace(load_profile("infected"), auth="none")
    plan = FaultPlan(hostile=Hostile(maxdata=0xFFFFFFFF))
    with SimulatedPhone(profile, faults=plan) as phone:
        host = RawHost(phone.port)
        try:
            reply = host.connect(maxdata=4096)
        finally:
            host.close()
    assert (reply.command, reply.arg1) == ("CNXN", 0xFFFFFFFF)
