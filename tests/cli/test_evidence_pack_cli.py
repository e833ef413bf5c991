"""Evidence packs for police and courts, through the command line: case details given as
options, the printable summary (rendered in headless Chromium), every tampering tried
caught by ``evidence verify``, and the history timeline across visits."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.cli.exits import Exit
from scanner.cli.outputs import PASSPHRASE_ENV
from scanner.simulator.profile import BUILTIN_PROFILES_DIR
from tests.cli.helpers import private_dirs, run  # noqa: F401 - private_dirs applies here
from tests.report.test_html_in_browser import BROWSERS, QUIET_FLAGS, TIMEOUT_S

GOOD = "plum lantern under seventy kites"
CASE_OPTIONS = (
    "--examiner", "Sam Okafor",
    "--organisation", "Refuge",
    "--case-ref", "CR-2026-118",
    "--place", "Leeds advice centre",
    "--present", "Sam Okafor; the survivor",
    "--consent", "apps and accounts may be recorded; not messages",
)  # fmt: skip


@pytest.fixture(scope="module")
def signed_pack(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One demo scan written as a signed pack with every case detail; kept unchanged."""
    folder = tmp_path_factory.mktemp("signed")
    old = Path.cwd()
    os.chdir(folder)
    try:
        key = folder / "org.key"
        assert main(["evidence", "keygen", str(key)]) == Exit.OK
        code = main(
            [
                "--demo",
                "--evidence",
                str(folder / "pack"),
                "--evidence-key",
                str(key),
                *CASE_OPTIONS,
            ]
        )
        assert code == Exit.OK
    finally:
        os.chdir(old)
    return folder / "pack", Path(str(key) + ".pub")


def test_case_options_are_recorded_in_the_signed_manifest_and_the_summary(
    signed_pack: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    pack, pub = signed_pack
    manifest = json.loads((pack / "manifest.json").read_text("utf-8"))
    assert manifest["case"]["reference"] == "CR-2026-118"
    assert manifest["case"]["consent"] == "apps and accounts may be recorded; not messages"
    assert manifest["timeline"]["phone_time_zone"] == "Europe/London"
    # The simulated phone's clock is this computer's: read, and found to agree.
    assert "the two agree" in manifest["timeline"]["phone_clock"]
    events = {(e["package"], e["what"]) for e in manifest["timeline"]["events"]}
    assert ("com.android.sys.wifiservice", "First installed") in events
    wifi = next(
        e
        for e in manifest["timeline"]["events"]
        if e["package"] == "com.android.sys.wifiservice" and e["what"] == "First installed"
    )
    assert wifi["installed"] == "from a computer over a cable (USB debugging)"
    assert wifi["phone_time"] == "2026-11-24T23:31:06"
    assert wifi["utc"] == "2026-11-24T23:31:06Z"  # GMT in November
    assert any(e["package"] == "com.ispyoo" for e in manifest["timeline"]["events"])
    summary = (pack / "summary.html").read_text("utf-8")
    for text in (
        "Leeds advice centre",
        "When things happened on the phone",
        "from a computer over a cable (USB debugging)",
        "Telling the police, if it is safe",
        "Stalking Protection Order",
        "How to check this pack",
    ):
        assert text in summary, text
    # Removal risk comes before the legal route's own text.
    legal = summary.index("Telling the police, if it is safe")
    assert summary.index("Before you change anything", legal) < summary.index(
        "In the UK, spying on someone", legal
    )

    code, out = run(capsys, "evidence", "verify", str(pack), "--key", str(pub))
    assert code == Exit.OK, out
    assert "same as in the chained case.json" in out


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (
            lambda p: _rewrite(p / "manifest.json", "CR-2026-118", "CR-2026-999"),
            "The signature does not match manifest.json",
        ),
        (
            lambda p: _rewrite(p / "summary.html", "Leeds advice centre", "Elsewhere"),
            "summary.html has changed since the pack was made",
        ),
        (
            lambda p: _rewrite(p / "case.json", "Sam Okafor", "Someone Else"),
            "case.json has changed since the pack was made",
        ),
    ],
    ids=["case-details-in-manifest", "summary-html", "case-json"],
)
def test_evidence_verify_fails_on_each_tampering(
    signed_pack: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edit: object,
    words: str,
) -> None:
    pack, pub = signed_pack
    copy = tmp_path / "copy"
    shutil.copytree(pack, copy)
    edit(copy)  # type: ignore[operator]

    code, out = run(capsys, "evidence", "verify", str(copy), "--key", str(pub))
    assert code == Exit.EVIDENCE_FAILED
    assert words in out


def _rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def test_without_a_terminal_the_details_not_given_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, "--demo", "--evidence", "pack", "--examiner", "Sam Okafor")
    assert code == Exit.OK
    assert "Not given for the evidence pack (no terminal to ask in): Examiner's organisation" in out
    case = json.loads((tmp_path / "pack" / "case.json").read_text("utf-8"))
    assert case["examiner"] == "Sam Okafor" and case["reference"] is None


def test_case_details_without_an_evidence_pack_are_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = run(capsys, "--demo", "--case-ref", "CR-1")
    assert code == Exit.USAGE
    assert "need --evidence DIR" in out


def _chromium() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("CI must install Chromium (Debian package 'chromium') for the HTML test")
    pytest.skip("headless Chromium is not installed (Debian: apt-get install chromium)")


def test_the_summary_renders_in_headless_chromium(
    signed_pack: tuple[Path, Path], tmp_path: Path
) -> None:
    pack, _ = signed_pack
    command = [
        _chromium(),
        *QUIET_FLAGS,
        f"--user-data-dir={tmp_path / 'profile'}",
        "--dump-dom",
        (pack / "summary.html").as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    for text in (
        "Evidence pack: case details",
        "CR-2026-118",
        "When things happened on the phone",
        "Telling the police, if it is safe",
        "How to check this pack",
    ):
        assert text in dom, text
    assert "<script" not in dom.lower()
    # Every raw output's SHA-256 is printed in the summary, as in the manifest.
    manifest = json.loads((pack / "manifest.json").read_text("utf-8"))
    raw = [e for e in manifest["files"] if e["path"].startswith("raw/")]
    assert raw and all(e["sha256"] in dom for e in raw)


# --- history across visits --------------------------------------------------------------


def _visit(tmp: Path, name: str, *, tracker: bool, play_protect: bool) -> Path:
    """The infected profile as it was at one visit: with or without Mobile Tracker, with
    Play Protect on or off."""
    folder = tmp / name
    shutil.copytree(BUILTIN_PROFILES_DIR / "infected", folder)
    if not tracker:
        dump = folder / "dumpsys_package.txt"
        text = dump.read_text("utf-8")
        text = re.sub(
            r"  Package \[com\.mobiletrackerfree\.www\].*?(?=\n  Package \[)",
            "",
            text,
            count=1,
            flags=re.S,
        )
        dump.write_text(text, "utf-8")
    if play_protect:
        settings = folder / "settings_global.txt"
        settings.write_text(
            settings.read_text("utf-8").replace(
                "package_verifier_enable=0", "package_verifier_enable=1"
            ),
            "utf-8",
        )
    return folder


def test_history_across_visits_names_an_app_that_came_back_and_a_setting_switched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, GOOD)
    case = str(tmp_path / "case.phc")
    visits = [
        _visit(tmp_path, "v1", tracker=True, play_protect=True),
        _visit(tmp_path, "v2", tracker=False, play_protect=False),
        _visit(tmp_path, "v3", tracker=True, play_protect=False),
    ]
    for visit in visits[:2]:
        assert run(capsys, "--demo", "--demo-profile", str(visit), "--save", case)[0] == Exit.OK

    code, out = run(
        capsys,
        "--demo", "--demo-profile", str(visits[2]),
        "--save", case, "--history", "--html", "report.html",
    )  # fmt: skip

    assert code == Exit.OK
    assert "The bigger picture: changes across visits" in out
    assert "An app was removed" in out
    assert "An app came back after it was removed" in out
    assert re.search(r"A setting was switched, between visits on \S+ and \S+ \(UTC\): "
                     r"Play Protect app scanning was switched off", out)  # fmt: skip
    page = (tmp_path / "report.html").read_text("utf-8")
    assert "The bigger picture: changes across visits" in page
    assert "An app came back after it was removed" in page
    assert "mobiletrackerfree" in page
