"""What a person does across a session, through the command line: save twice and see the
history, a wrong passphrase, evidence packs checked and handed over, capture then rescan."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from scanner.cli.exits import Exit
from scanner.cli.outputs import PASSPHRASE_ENV
from tests.cli.helpers import private_dirs, run  # noqa: F401 - private_dirs applies here

GOOD = "plum lantern under seventy kites"


def test_saving_twice_shows_the_history_of_the_phone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, GOOD)
    case = str(tmp_path / "case.phc")

    first, out = run(capsys, "--demo", "--save", case, "--history")
    assert first == Exit.OK
    assert "This is the first scan of this phone in the case file." in out
    second, out = run(capsys, "--demo", "--save", case, "--history")

    assert second == Exit.OK
    assert "Changes since earlier scans of this phone" in out
    assert "This is the first scan" not in out  # the two demo scans are one phone


def test_a_wrong_passphrase_saves_nothing_and_keeps_the_other_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = tmp_path / "case.phc"
    monkeypatch.setenv(PASSPHRASE_ENV, GOOD)
    assert run(capsys, "--demo", "--save", str(case))[0] == Exit.OK
    before = case.read_bytes()
    monkeypatch.setenv(PASSPHRASE_ENV, "not the passphrase at all")

    code, out = run(capsys, "--demo", "--json", "r.json", "--save", str(case))

    assert code == Exit.FILE_PROBLEM
    assert "does not open this case file" in out
    assert case.read_bytes() == before
    assert json.loads((tmp_path / "r.json").read_text())["findings"]


def test_a_weak_passphrase_is_refused_for_a_new_case_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, "abc")

    code, out = run(capsys, "--demo", "--save", str(tmp_path / "case.phc"))

    assert code == Exit.FILE_PROBLEM
    assert "not saved" in out
    assert not (tmp_path / "case.phc").exists()


def test_asked_passphrases_get_three_tries(tmp_path: Path) -> None:
    from rich.console import Console

    from scanner.cli.outputs import passphrase, save_to_case
    from tests.report.sample import build_result

    console = Console(file=io.StringIO(), width=100)
    case = tmp_path / "case.phc"
    answers = iter(["short", GOOD, GOOD])  # a weak one is asked again, then confirmed
    assert passphrase(case, console, ask=lambda _prompt: next(answers)) == GOOD
    save_to_case(case, build_result(), console, ask=lambda _prompt: GOOD)
    tries = iter(["wrong one here", "another wrong one", GOOD])
    save_to_case(case, build_result(), console, ask=lambda _prompt: next(tries))
    from scanner.casefile import load_case

    assert len(load_case(case, GOOD).scans) == 2


def test_evidence_packs_are_written_checked_handed_over_and_tampering_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "keys" / "org.key"
    assert run(capsys, "evidence", "keygen", str(key))[0] == Exit.OK
    pub = str(key) + ".pub"
    pack = tmp_path / "pack"
    assert run(capsys, "--demo", "--evidence", str(pack), "--evidence-key", str(key))[0] == 0
    # A second pack of another scan, and never over the first.
    assert run(capsys, "--demo", "--evidence", str(tmp_path / "pack2"))[0] == Exit.OK
    assert run(capsys, "--demo", "--evidence", str(pack))[0] == Exit.FILE_PROBLEM

    code, out = run(capsys, "evidence", "verify", str(pack), "--key", pub)
    assert code == Exit.OK
    assert "The evidence pack verifies" in out
    code, out = run(capsys, "evidence", "handover", str(pack), "--to", "PC Smith 1234")
    assert code == Exit.OK and "Chain value" in out
    code, out = run(capsys, "evidence", "verify", str(pack), "--key", pub)
    assert code == Exit.OK and "Handed over to PC Smith 1234" in out

    code, out = run(capsys, "evidence", "verify", str(pack))  # signed, but no key named
    assert code == Exit.EVIDENCE_FAILED
    assert "not said you trust" in out
    raw = next(p for p in pack.rglob("*") if p.is_file() and p.suffix == ".txt")
    raw.write_bytes(raw.read_bytes() + b"edited\n")
    code, out = run(capsys, "evidence", "verify", str(pack), "--key", pub)
    assert code == Exit.EVIDENCE_FAILED
    assert "does not verify" in out


def test_a_capture_is_scanned_again_with_the_same_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = run(capsys, "--demo", "--capture", "cap", "--json", "live.json")
    assert code == Exit.OK
    code, _ = run(capsys, "--from-capture", "cap", "--json", "again.json")
    assert code == Exit.OK
    live = json.loads((tmp_path / "live.json").read_text())
    again = json.loads((tmp_path / "again.json").read_text())

    def ids(report: dict[str, object]) -> set[str]:
        # Whether this computer is trusted depends on who reads the phone, not the capture.
        return {f["id"] for f in report["findings"] if not f["check"].startswith("ADB-")}  # type: ignore[index,attr-defined,union-attr]

    assert ids(live) == ids(again)
    assert again["summary"]["known_stalkerware_ruled_out"] is False  # stalkerware was found
