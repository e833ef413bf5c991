"""The checks' own names come from check_names.yaml, said in the reader's language: in
``--list-checks`` and in "One check could not run (...)"; the English title stays for JSON."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import pytest
from rich.console import Console

from scanner import phrases
from scanner.checks.registry import Check, CheckContext, _safe, all_checks
from scanner.cli.main import main
from scanner.i18n import catalogue, load_catalogue
from scanner.model import DeviceInfo, DeviceSnapshot, Finding, Severity
from tests.i18n import pseudo
from tests.i18n.test_no_english_left import CODE, english_words

LANGS = ("pl", "ro", "ar", "ur", "bn")


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pseudo.build(tmp_path_factory.mktemp("pseudo"), CODE)


def test_every_check_has_a_name_in_english_and_each_language() -> None:
    checks = all_checks()
    assert len(checks) > 20
    for meta in checks:
        assert meta.name.startswith("check_names."), meta.id
        assert meta.name in catalogue().messages, meta.id
        for lang in LANGS:
            assert meta.name in catalogue(lang).messages, (lang, meta.id)


def test_the_english_name_is_the_checks_title() -> None:
    # The JSON and logs keep the title in the code; the catalogue says the same thing.
    for meta in all_checks():
        assert phrases.render(meta.said_name()) == meta.title


def _broken_body(snapshot: DeviceSnapshot, context: CheckContext, me: Check) -> Iterable[Finding]:
    raise RuntimeError("boom")


def test_a_check_that_could_not_run_is_named_in_the_readers_language() -> None:
    usb = next(m for m in all_checks() if m.id == "POS-004")
    broken = Check(
        usb.id, usb.title, usb.severity, usb.guidance, usb.sources, _broken_body, name=usb.name
    )
    context = CheckContext(now=datetime(2026, 1, 1))
    (finding,) = list(_safe(broken, DeviceSnapshot(DeviceInfo()), context))
    assert finding.severity is Severity.INFO
    assert finding.title == "One check could not run (USB debugging is on)"
    polish = phrases.title(finding, catalogue("pl"))
    assert polish == "Jeden test nie mógł się wykonać (Debugowanie USB jest włączone)"


def test_list_checks_has_no_english_in_the_pseudo_language(root: Path) -> None:
    say = load_catalogue(CODE, root)
    from scanner.cli.scan import _list_checks

    out = io.StringIO()
    _list_checks(Console(file=out, width=4000, color_system=None), say)
    text = out.getvalue()
    lines = text.splitlines()
    assert len(lines) == len(all_checks())
    for meta in all_checks():
        text = text.replace(meta.id, " ")
    text = pseudo.WRAPPED.sub(" ", text)
    english = english_words(root)
    assert [w for w in text.split() if w.lower().strip("()") in english] == []


def test_list_checks_speaks_the_chosen_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list-checks", "--lang", "ro"]) == 0
    out = capsys.readouterr().out
    assert "Depanarea USB este pornită" in out
    assert "USB debugging is on" not in out
