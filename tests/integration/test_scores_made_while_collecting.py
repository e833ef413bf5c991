"""A live scan scores every app, and starts its APK reads, from the outputs they need, as
soon as those are in (``SCORES_READ`` and ``getprop``), while the rest of the batch is
still on the link; the later runs of the checks use those scores. That is right only if a
snapshot of those outputs alone has the whole snapshot's apps and Android version and
scores every app as the whole one does.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

import pytest

import scanner.checks.spy_behaviour as spy
from scanner.checks.registry import CheckContext
from scanner.checks.spy_behaviour import SCORES_READ, score_package
from scanner.commands import GETPROP, SETTINGS_SECURE
from scanner.device.connection import PhoneConnection
from scanner.device.keys import ephemeral_signer
from scanner.model import CommandResult, DeviceSnapshot, Package, RawCapture
from scanner.parse.snapshot import build_snapshot
from scanner.pipeline import scan_phone
from scanner.sigdb.commands import load_shipped_db
from scanner.sigdb.index import SignatureIndex
from scanner.simulator import SimulatedPhone, load_profile
from tests.checks.phone import NOW
from tools.fabricate import make_phone

EARLY = frozenset((GETPROP, *SCORES_READ))


def outputs_of(name: str) -> Mapping[str, bytes]:
    return make_phone(300) if name == "many-apps" else load_profile(name).commands


def snapshot_of(outputs: Mapping[str, bytes], keep: frozenset[str] | None = None) -> DeviceSnapshot:
    results = tuple(
        CommandResult(command, output)
        for command, output in outputs.items()
        if keep is None or command in keep
    )
    return build_snapshot(RawCapture(results, serial="emulator-5554", transport="tcp"))


def scores(snapshot: DeviceSnapshot, index: SignatureIndex) -> dict[str, object]:
    ctx = CheckContext(now=NOW, signatures=index)
    return {p.package: score_package(p, snapshot, ctx) for p in snapshot.packages}


@pytest.fixture(scope="module")
def index() -> SignatureIndex:
    return SignatureIndex.from_db(load_shipped_db())


@pytest.mark.parametrize("name", ["infected", "clean", "many-apps"])
def test_the_outputs_the_scores_read_give_the_whole_snapshots_apps_and_scores(
    name: str, index: SignatureIndex
) -> None:
    outputs = outputs_of(name)
    whole = snapshot_of(outputs)
    early = snapshot_of(outputs, EARLY)
    assert len(early.packages) > 100
    assert early.packages == whole.packages
    assert early.device == whole.device
    assert scores(early, index) == scores(whole, index)


def test_without_one_output_the_scores_read_an_app_scores_otherwise(
    index: SignatureIndex,
) -> None:
    """The comparison above can fail: the infected phone's spy app has its accessibility
    service switched on in ``settings list secure``."""
    outputs = outputs_of("infected")
    short = snapshot_of(outputs, EARLY - {SETTINGS_SECURE})
    assert scores(short, index) != scores(snapshot_of(outputs), index)


@pytest.mark.parametrize("apk_checks", [True, False])
def test_a_threaded_scan_scores_each_app_while_collecting_and_again_only_when_renamed(
    apk_checks: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    scored: list[tuple[str, str]] = []

    def counted(pkg: Package, snapshot: DeviceSnapshot, ctx: CheckContext) -> object:
        scored.append((pkg.package, threading.current_thread().name))
        return score_package(pkg, snapshot, ctx)

    monkeypatch.setattr(spy, "score_package", counted)
    with SimulatedPhone(load_profile("infected")) as phone:
        connection = PhoneConnection.connect_tcp("127.0.0.1", phone.port, ephemeral_signer())
        try:
            result = scan_phone(
                connection, signatures=load_shipped_db(), pull_apks_enabled=apk_checks
            )
        finally:
            connection.close()
    first: dict[str, str] = {}
    again: list[str] = []
    for package, thread in scored:
        if package in first:
            again.append(package)
        else:
            first.setdefault(package, thread)
    # Every app the check scores was first scored on the parse worker, during collection.
    ctx = CheckContext(now=NOW, signatures=SignatureIndex.from_db(load_shipped_db()))
    assert set(first) == {p.package for p in result.snapshot.packages if spy._scored(p, ctx)}
    assert "com.android.sys.wifiservice" in first
    assert {thread.split("_")[0] for thread in first.values()} == {"parse"}
    # Scored again only where the scan read the app's name from its own file since (the
    # final run of the checks uses the scores made early); without APK checks, never.
    renamed = {p.package for p in result.snapshot.packages if p.label_source == "apk"}
    assert set(again) <= renamed
    assert bool(again) == apk_checks == bool(renamed)
