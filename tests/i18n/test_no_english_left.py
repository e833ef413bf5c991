"""No English left in a translated report: every word a reader sees comes from a catalogue.

The reports of the infected and the clean demo phones are rendered in a pseudo-language
(every English message and guidance word reversed and wrapped, see ``pseudo.py``): the
terminal report (short and ``--details``), the HTML report, the evidence pack's extra
sections and the JSON report's sentences. What the phone supplied (labels, and the facts
quoted in finding titles and evidence), the helpline file (not yet per language) and the
pseudo words are taken out; any English catalogue word left was written in code, and
fails the test.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from rich.console import Console

from scanner import TOOL_NAME, phrases
from scanner.commands import DUMPSYS_ACCOUNT, DUMPSYS_APPOPS, DUMPSYS_PACKAGE
from scanner.device.connection import PhoneConnection
from scanner.device.keys import ephemeral_signer
from scanner.guidance import helpline_regions, load_helplines
from scanner.model import ScanResult
from scanner.pipeline import scan_phone
from scanner.report import html_report, json_report, terminal
from scanner.report.legal_route import legal_route_section
from scanner.report.texts import ReportTexts
from scanner.report.timeline_views import timeline_section
from scanner.sigdb.commands import load_shipped_db
from scanner.simulator import Profile, SimulatedPhone, load_profile
from scanner.simulator.faults import Drop, FaultPlan
from tests.i18n import pseudo

CODE = "eo"  # a language Babel knows and no translator is writing: the pseudo-language
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
# Names and units that stay as they are in every language (brands name app stores and
# browsers).
ALLOWED = frozenset(
    {"android", "utc", "sha", "json", "html", "adb", "usb", "pin", "ok"}
    | {"samsung", "google", "chrome", "firefox", "opera", "xiaomi", "huawei", "amazon"}
)


def scan(name: str) -> ScanResult:
    with SimulatedPhone(load_profile(name)) as phone:
        conn = PhoneConnection.connect_tcp("127.0.0.1", phone.port, ephemeral_signer())
        try:
            return scan_phone(conn, signatures=load_shipped_db())
        finally:
            conn.close()


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pseudo.build(tmp_path_factory.mktemp("pseudo"), CODE)


@pytest.fixture(scope="module", params=["infected", "clean"])
def result(request: pytest.FixtureRequest) -> ScanResult:
    return scan(request.param)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("id", "aliases"):
                yield from _strings(item)


def english_words(root: Path) -> frozenset[str]:
    """Every word in the English catalogues (messages and guidance)."""
    words: set[str] = set()
    for path in (root / "en").rglob("*.yaml"):
        for text in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            text = re.sub(r"\{[^{}]*\}", " ", text)
            words.update(w.lower() for w in _WORD.findall(text))
    return frozenset(words - ALLOWED)


def supplied(result: ScanResult) -> list[str]:
    """Text the phone, the checks or the helpline file supplied (not in the catalogues yet)."""
    out: list[str] = []
    snap = result.snapshot
    device = snap.device
    out += [str(v) for v in vars_of(device) if isinstance(v, str)]
    for pkg in snap.packages:
        out += [pkg.package, pkg.label or ""]
    for f in result.findings:
        # A worded title or evidence line leaves only its facts; one a check wrote itself
        # (none in the demos) is taken out whole.
        out += [f.check, f.id, f.package or "", f.family or "", *f.capabilities]
        out += [f.title] if f.title_words is None else phrases.values_of(f.title_words)
        for item in f.evidence:
            out.append(item.source)
            out += [item.excerpt] if item.words is None else phrases.values_of(item.words)
    # What could not be read is worded by messages: only the facts in them are supplied
    # (and commands named as sources; the scanner's own names for sources are words).
    for said in [p.words for p in result.problems] + [w.words for w in result.warnings]:
        out += phrases.values_of(said) if said is not None else []
    out += [_source_fact(p.source) for p in result.problems]
    out += [_source_fact(w.source) for w in result.warnings]
    for check in result.app_checks:
        said = check.certificate_words
        out += phrases.values_of(said) if said is not None else []
    out += [t.source for t in snap.app_traces]
    sig = result.signatures
    if sig is not None:
        out += [sig.source, sig.licence or "", sig.attribution or ""]
    for region in helpline_regions():
        lines = load_helplines(region)
        out.append(lines.name)
        for line in lines:
            # The first screen joins the nations' hours in lower case.
            out += [line.name, line.description, line.short or ""]
            out += [line.hours or "", (line.hours or "").lower()]
            out += [line.website or "", line.email or ""]
    out.append(f"{device.manufacturer} {device.model}")
    out.append(TOOL_NAME)
    return sorted({s for s in out if s}, key=len, reverse=True)


def _source_fact(source: str) -> str:
    """A command named as a source is the phone's; only the fact in the scanner's own names."""
    if source in ("connection", "app files", "app names", "signature database"):
        return ""
    for prefix in ("app file ", "pull ", "signing certificate "):
        if source.startswith(prefix):
            return source.removeprefix(prefix)
    return source


def vars_of(obj: object) -> Iterable[object]:
    slots = getattr(type(obj), "__slots__", ())
    return [getattr(obj, name) for name in slots] if slots else list(vars(obj).values())


def leftovers(text: str, result: ScanResult, english: frozenset[str]) -> list[str]:
    """English catalogue words in ``text`` once supplied text and pseudo words are out."""
    for piece in supplied(result):
        text = text.replace(piece, " ")
        # The terminal folds phone text onto one line; HTML escapes it.
        text = text.replace(" ".join(piece.split()), " ")
    text = pseudo.WRAPPED.sub(" ", text)
    return sorted({w for w in _WORD.findall(text) if w.lower() in english})


def html_text(page: str) -> str:
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    # An isolate sits inside a sentence or a title: it must not split the words.
    page = re.sub(r"</?bdi[^>]*>", "", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _terminal(result: ScanResult, texts: ReportTexts, **view: bool) -> str:
    out = io.StringIO()
    # Wide enough that no line wraps, so supplied text can be found whole.
    console = Console(file=out, width=4000, color_system=None)
    terminal.render(result, console, texts, terminal.View(**view))
    return out.getvalue()


@pytest.fixture(scope="module")
def texts(root: Path) -> ReportTexts:
    loaded = ReportTexts.load(CODE, "uk", base_dir=root)
    assert loaded.say.lang == CODE and loaded.library is not None
    return loaded


def test_the_pseudo_language_is_used(texts: ReportTexts, result: ScanResult) -> None:
    page = html_report.render(result, texts=texts)
    assert page.count(pseudo.OPEN) > 100
    assert f'lang="{CODE}"' in page


@pytest.mark.parametrize("view", [{}, {"details": True}, {"discreet": True}, {"demo": True}])
def test_no_english_in_the_terminal_report(
    root: Path, texts: ReportTexts, result: ScanResult, view: dict[str, bool]
) -> None:
    assert leftovers(_terminal(result, texts, **view), result, english_words(root)) == []


def test_no_english_in_the_html_report(root: Path, texts: ReportTexts, result: ScanResult) -> None:
    page = html_report.render(result, texts=texts, demo=True)
    assert leftovers(html_text(page), result, english_words(root)) == []


def test_no_english_in_the_evidence_pack_sections(
    root: Path, texts: ReportTexts, result: ScanResult
) -> None:
    extra = timeline_section(result, texts.say) + legal_route_section(
        result, texts.library, full=True, say=texts.say
    )
    assert leftovers(html_text(extra), result, english_words(root)) == []


def test_no_english_in_the_json_sentences(
    root: Path, texts: ReportTexts, result: ScanResult
) -> None:
    report = json_report.to_dict(result, say=texts.say)
    assert report["language"] == CODE and report["language_reviewed"] is False
    sentences = " ".join(report["summary"]["headline"] + report["summary"]["not_checked"])
    assert leftovers(sentences, result, english_words(root)) == []


def test_a_string_left_in_code_is_caught(root: Path, result: ScanResult) -> None:
    english = english_words(root)
    assert leftovers("⟪yrammuS⟫ What the scan found", result, english) == [
        "What",
        "found",
        "scan",
        "the",
    ]


# -- a phone with problems: what could not be read is said in the reader's language ------

UNSAFE_APP = "com.mobiletrackerfree.www"
UNREADABLE_APP = "com.systemservice"


def faulty_profile() -> Profile:
    """The infected phone with an app file path no scan may send and an app file the phone
    cannot give (the path is listed, the file is gone)."""
    infected = load_profile("infected")
    dump = infected.commands[DUMPSYS_PACKAGE].decode()
    where = re.search(rf"Package \[{re.escape(UNSAFE_APP)}\].*?codePath=(\S+)", dump, re.S)
    assert where is not None
    dump = dump[: where.start(1)] + "/data/app/x-1'; reboot; echo '" + dump[where.end(1) :]
    files = {path: data for path, data in infected.files.items() if UNREADABLE_APP not in path}
    assert len(files) < len(infected.files)
    commands = {**infected.commands, DUMPSYS_PACKAGE: dump.encode()}
    return replace(infected, commands=commands, files=files)


FAULTS = {
    # Answers not understood (another format, bytes that are not text), and app files
    # that could not be read or were not asked for.
    "garbled": FaultPlan(garble={DUMPSYS_ACCOUNT: "unknown-format", DUMPSYS_APPOPS: "non-utf8"}),
    # The cable pulled in the middle of the list of apps: the rest of the scan not run.
    "cut": FaultPlan(drop=Drop("wrte", command=DUMPSYS_PACKAGE, after_bytes=200_000)),
}


@pytest.fixture(scope="module", params=sorted(FAULTS))
def faulty(request: pytest.FixtureRequest) -> ScanResult:
    with SimulatedPhone(faulty_profile(), faults=FAULTS[request.param]) as phone:
        conn = PhoneConnection.connect_tcp("127.0.0.1", phone.port, ephemeral_signer())
        try:
            return scan_phone(conn, signatures=load_shipped_db())
        finally:
            conn.close()


def test_a_phone_with_problems_has_them_all_worded(faulty: ScanResult) -> None:
    assert not faulty.complete and faulty.problems
    assert [p.message for p in faulty.problems if p.words is None] == []
    assert [w.message for w in faulty.warnings if w.words is None] == []
    unchecked = [c for c in faulty.app_checks if c.certificate_not_checked]
    assert [c.certificate_not_checked for c in unchecked if c.certificate_words is None] == []
    if faulty.app_checks:  # (a phone lost in its list of apps leaves none to check)
        assert {UNSAFE_APP, UNREADABLE_APP} <= {c.package for c in unchecked}


def test_no_english_in_the_reports_of_a_phone_with_problems(
    root: Path, texts: ReportTexts, faulty: ScanResult
) -> None:
    english = english_words(root)
    screen = _terminal(faulty, texts, details=True)
    page = html_text(html_report.render(faulty, texts=texts))
    assert pseudo.OPEN in screen and pseudo.OPEN in page
    assert leftovers(screen, faulty, english) == []
    assert leftovers(page, faulty, english) == []
