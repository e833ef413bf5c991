"""A capture saved from a phone that dropped mid-scan keeps why each command has no output
as a message id and its values, so the report read back from it says the reasons in the
reader's language; captures saved before (English reasons only) still load."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from scanner.cli.main import main
from scanner.commands import DUMPSYS_APPOPS, WHICH_SU
from scanner.model import CommandResult, NotApplicable, RawCapture
from scanner.offline.capture import load_capture, write_capture
from scanner.phrases import words
from scanner.resources import guidance_root
from scanner.simulator import SimulatedPhone
from scanner.simulator.faults import Drop, FaultPlan
from scanner.sources import SCAN_COMMANDS

PhoneFactory = Callable[..., SimulatedPhone]
INCOMPLETE = 5
REFUSED = 10
LOST_EN = "The connection to the phone was lost."
NOT_RUN_EN = f"not run: {LOST_EN}"


def _message(lang: str, group: str, key: str) -> str:
    path = Path(str(guidance_root())) / lang / "messages" / f"{group}.yaml"
    value = yaml.safe_load(path.read_text(encoding="utf-8"))[key]
    assert isinstance(value, str)
    return value


@pytest.fixture
def capture(phone_with: PhoneFactory, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    """A capture of the infected phone whose cable was pulled at ``dumpsys appops``."""
    phone = phone_with(FaultPlan(drop=Drop("open", command=DUMPSYS_APPOPS)))
    folder = tmp_path / "capture"
    assert main(["--serial", phone.serial_address, "--capture", str(folder)]) == INCOMPLETE
    capsys.readouterr()
    return folder


def _manifest(folder: Path) -> dict[str, object]:
    data = json.loads((folder / "capture.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _entries(folder: Path) -> list[dict[str, object]]:
    commands = _manifest(folder)["commands"]
    assert isinstance(commands, list)
    return commands


def _from_capture(capsys: pytest.CaptureFixture[str], folder: Path, lang: str) -> str:
    code = main(["--from-capture", str(folder), "--lang", lang, "--details"])
    assert code == INCOMPLETE  # the capture is incomplete, and says so
    return capsys.readouterr().out


def test_a_saved_not_run_reason_keeps_its_message_beside_the_english(capture: Path) -> None:
    after = SCAN_COMMANDS[SCAN_COMMANDS.index(DUMPSYS_APPOPS) + 1 :]
    entries = {str(e["command"]): e for e in _entries(capture)}
    lost = {"key": "device.connection_lost", "values": {}}
    assert entries[DUMPSYS_APPOPS]["error"] == LOST_EN
    assert entries[DUMPSYS_APPOPS]["error_words"] == lost
    for command in after:
        assert entries[command]["error"] == NOT_RUN_EN
        assert entries[command]["error_words"] == {
            "key": "problems.not_run",
            "values": {"reason": lost},
        }
    assert _manifest(capture)["interrupted_words"] == lost
    assert "error_words" not in entries[SCAN_COMMANDS[0]]  # a command that ran has none


def test_a_report_from_the_capture_says_the_reasons_in_polish(
    capture: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _from_capture(capsys, capture, "pl")
    lost_pl = _message("pl", "device", "connection_lost")
    not_run_pl = _message("pl", "problems", "not_run").format(reason=lost_pl)
    assert f"{DUMPSYS_APPOPS}: {lost_pl}" in out
    after = SCAN_COMMANDS[SCAN_COMMANDS.index(DUMPSYS_APPOPS) + 1 :]
    assert all(f"{command}: {not_run_pl}" in out for command in after)
    assert LOST_EN not in out
    assert "not run" not in out


def test_a_capture_saved_before_the_messages_were_kept_still_loads_in_english_words(
    capture: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = _manifest(capture)
    del manifest["interrupted_words"]
    manifest["commands"] = [
        {k: v for k, v in e.items() if k != "error_words"} for e in _entries(capture)
    ]
    (capture / "capture.json").write_text(json.dumps(manifest), encoding="utf-8")
    out = _from_capture(capsys, capture, "pl")
    assert f"{DUMPSYS_APPOPS}: {LOST_EN}" in out  # what it kept: the English words
    assert NOT_RUN_EN in out


def test_a_message_this_version_does_not_know_leaves_the_english_reason(
    capture: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = _manifest(capture)
    entries = _entries(capture)
    for entry in entries:
        if entry["command"] == DUMPSYS_APPOPS:
            entry["error_words"] = {"key": "device.from_a_later_version", "values": {}}
    manifest["commands"] = entries
    (capture / "capture.json").write_text(json.dumps(manifest), encoding="utf-8")
    out = _from_capture(capsys, capture, "pl")
    assert f"{DUMPSYS_APPOPS}: {LOST_EN}" in out


def test_a_saved_message_of_the_wrong_shape_refuses_the_capture_in_plain_words(
    capture: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = _manifest(capture)
    entries = _entries(capture)
    entries[-1]["error_words"] = ["problems.not_run"]
    manifest["commands"] = entries
    (capture / "capture.json").write_text(json.dumps(manifest), encoding="utf-8")
    code = main(["--from-capture", str(capture), "--lang", "pl"])
    said = capsys.readouterr()
    assert code == REFUSED
    assert "capture.json" in said.out + said.err
    assert "Traceback" not in said.out + said.err


def test_a_part_the_input_could_not_hold_keeps_its_message(tmp_path: Path) -> None:
    said = words("problems.not_run", reason=words("device.connection_lost"))
    saved = RawCapture(
        (CommandResult(WHICH_SU, None, error="x", error_words=said),),
        transport="bugreport",
        not_applicable=(NotApplicable(WHICH_SU, "not in this input", said),),
    )
    folder = write_capture(tmp_path / "c", saved, created_at=datetime.now(UTC))
    loaded = load_capture(folder)
    assert loaded.results[0].error_words == said
    part = next(p for p in loaded.not_applicable if p.source == WHICH_SU)
    assert (part.reason, part.words) == ("not in this input", said)
