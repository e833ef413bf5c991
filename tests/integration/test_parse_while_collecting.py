"""A live scan parses each output while the next one is still on its way.

The result must be exactly what parsing the whole capture afterwards gives.
"""

from __future__ import annotations

from scanner.collect import collect
from scanner.commands import GETPROP
from scanner.device.connection import PhoneConnection
from scanner.device.keys import ephemeral_signer
from scanner.labels import with_catalogue_labels
from scanner.model import CommandResult, RawCapture
from scanner.parse.snapshot import build_snapshot, parse_output
from scanner.pipeline import scan_phone
from scanner.sigdb.commands import load_shipped_db
from scanner.simulator import SimulatedPhone, load_profile
from scanner.sources import SCAN_COMMANDS


def test_snapshot_parsed_while_collecting_equals_parsing_the_capture_afterwards() -> None:
    with SimulatedPhone(load_profile("infected")) as phone:
        connection = PhoneConnection.connect_tcp("127.0.0.1", phone.port, ephemeral_signer())
        try:
            result = scan_phone(connection, signatures=load_shipped_db(), pull_apks_enabled=False)
        finally:
            connection.close()
    assert len(result.snapshot.packages) > 100
    # The scan adds the catalogue's app names (no APKs were read, so no APK labels).
    assert result.snapshot == with_catalogue_labels(build_snapshot(result.capture))


def test_each_result_is_handed_over_as_soon_as_it_is_in_and_in_order() -> None:
    handed: list[tuple[CommandResult, int]] = []
    with SimulatedPhone(load_profile("clean")) as phone:
        connection = PhoneConnection.connect_tcp("127.0.0.1", phone.port, ephemeral_signer())
        try:
            # How many commands the phone had received when each result was handed over.
            capture = collect(
                connection, on_result=lambda r: handed.append((r, len(phone.received)))
            )
        finally:
            connection.close()
    assert [r for r, _ in handed] == list(capture.results)
    assert [sent for _, sent in handed] == list(range(1, len(SCAN_COMMANDS) + 1))


def test_an_output_parsed_from_another_result_is_not_used() -> None:
    capture = RawCapture(
        results=(CommandResult(GETPROP, b"[ro.product.model]: [Pixel 8]\n"),), serial="x"
    )
    stale = parse_output(GETPROP, CommandResult(GETPROP, b"[ro.product.model]: [Other]\n"))
    snapshot = build_snapshot(capture, {GETPROP: stale})
    assert snapshot.device.model == "Pixel 8"
    assert snapshot == build_snapshot(capture)
