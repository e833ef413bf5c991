"""An app whose entry was cut short is still recognised by its id as known stalkerware.

A dropped connection can end ``dumpsys package`` in the middle of an app's block. Its id
was read whole, and an id alone is a database hit: the scan must say "known stalkerware"
(with "details cut short"), never "No known stalkerware was found". Checks that judge
behaviour skip such an app: most of what they read never arrived.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from scanner.checks.registry import CheckContext, run_checks
from scanner.checks.spy_behaviour import REVIEW_SCORE, score_package, spy_behaviour
from scanner.commands import DUMPSYS_PACKAGE, LAUNCHER_ACTIVITIES, SETTINGS_SECURE
from scanner.model import CommandResult, DeviceSnapshot, RawCapture, Severity
from scanner.parse.snapshot import build_snapshot
from scanner.sigdb.commands import load_shipped_db
from scanner.sigdb.index import SignatureIndex
from scanner.sigdb.model import Family, Kind
from scanner.simulator import SimulatedPhone, load_profile
from scanner.simulator.faults import Drop, FaultPlan
from tests.faults.scanrun import run_scan
from tests.parse.helpers import fixture_text

NOW = datetime(2024, 5, 3, 12, 0, 0)


def cut_inside(text: str, package: str, into_block: int = 60) -> bytes:
    """``text`` up to ``into_block`` characters after ``package``'s ``Package [`` line."""
    return text[: text.index(f"  Package [{package}]") + into_block].encode()


@pytest.fixture(scope="module")
def index() -> SignatureIndex:
    db = load_shipped_db()
    test_family = Family(
        name="GameSpy", kind=Kind.STALKERWARE, packages=("com.example.game",), sources=("test",)
    )
    return SignatureIndex.from_db(replace(db, families=(*db.families, test_family)))


@pytest.fixture(scope="module")
def cut_snapshot() -> DeviceSnapshot:
    text = fixture_text("dumpsys_package", "pixel8_a14.txt")
    result = CommandResult(
        DUMPSYS_PACKAGE,
        cut_inside(text, "com.example.game"),
        error="The connection to the phone was lost.",
        truncated=True,
    )
    # Signals the cut app would score on if it were judged: no icon, accessibility and
    # notification access.
    launcher = CommandResult(LAUNCHER_ACTIVITIES, b"com.android.chrome/.Main\n")
    secure = CommandResult(
        SETTINGS_SECURE,
        b"enabled_accessibility_services=com.example.game/.Svc\n"
        b"enabled_notification_listeners=com.example.game/.Listener\n",
    )
    return build_snapshot(RawCapture((result, launcher, secure)))


def test_known_id_in_a_cut_short_entry_is_known_stalkerware(cut_snapshot, index):
    findings = run_checks(cut_snapshot, CheckContext(now=NOW, signatures=index))
    (known,) = [f for f in findings if f.check == "KNOWN-001"]
    assert known.package == "com.example.game"
    assert known.severity is Severity.STALKERWARE
    assert known.family == "GameSpy"
    excerpts = " ".join(e.excerpt for e in known.evidence)
    assert "details cut short" in excerpts
    # Nothing read from the cut entry is quoted as if it were whole.
    assert "installerPackageName" not in excerpts and "codePath" not in excerpts


def test_behaviour_checks_skip_a_cut_short_entry(cut_snapshot):
    game = cut_snapshot.package("com.example.game")
    assert game is not None and game.partial
    context = CheckContext(now=NOW)
    # Judged, it would score as a spy app on fields that never arrived ...
    whole = replace(game, partial=False)
    guessed = sum(s.points for s in score_package(whole, cut_snapshot, context))
    assert guessed >= REVIEW_SCORE
    # ... so it is not judged at all.
    assert not [f for f in spy_behaviour(cut_snapshot, context) if f.package == game.package]


@pytest.fixture
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "1000")


@pytest.fixture
def phone_cut_in_the_spy_app() -> Iterator[SimulatedPhone]:
    profile = load_profile("infected")
    dump = profile.commands[DUMPSYS_PACKAGE]
    # The connection drops 60 bytes into TheTruthSpy's block (com.systemservice).
    at = dump.index(b"  Package [com.systemservice]") + 60
    plan = FaultPlan(drop=Drop("wrte", command=DUMPSYS_PACKAGE, after_bytes=at))
    with SimulatedPhone(profile, faults=plan) as phone:
        yield phone


def test_whole_scan_cut_inside_a_planted_spy_app_still_names_it(
    private_dirs: None,
    phone_cut_in_the_spy_app: SimulatedPhone,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    run = run_scan(capsys, tmp_path, phone_cut_in_the_spy_app)
    assert run.report is not None and run.report["complete"] is False
    assert run.command(DUMPSYS_PACKAGE)["truncated"]
    known = [
        f
        for f in run.report["findings"]
        if f["check"] == "KNOWN-001" and f["package"] == "com.systemservice"
    ]
    assert len(known) == 1 and known[0]["severity"] == "stalkerware"
    assert any("details cut short" in e["excerpt"] for e in known[0]["evidence"])
    assert "No known stalkerware" not in run.out
    assert "known stalkerware app" in run.out
