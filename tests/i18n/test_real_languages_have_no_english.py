"""The shipped translations, rendered: no English sentence from the catalogues is left in
the infected demo's report in Polish, Romanian, Arabic, Urdu or Bengali.

The pseudo-language test (``test_no_english_left.py``) proves no words are written in
code; this one proves each real language has every text the report uses, so nothing
falls back to English mid-page. A sentence counts when its English words (four or more,
outside placeholders) appear in the report while the language's own text differs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from scanner.guidance import load_guidance
from scanner.i18n import read_messages
from scanner.model import ScanResult
from scanner.report import html_report
from scanner.report.texts import ReportTexts
from tests.i18n.test_no_english_left import _terminal, html_text, scan

LANGUAGES = ("pl", "ro", "ar", "ur", "bn")
_PLACEHOLDER = re.compile(r"\{[^}]*\}")
_SPACE = re.compile(r"\s+")


def _values(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _values(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _values(item)


def _fragments(text: str) -> Iterator[str]:
    """The literal runs of an English text long enough to be a sentence of its own."""
    for part in _PLACEHOLDER.split(text):
        part = _SPACE.sub(" ", part).strip(" .,:;()'\"")
        if len(re.findall(r"[A-Za-z]+", part)) >= 4:
            yield part


def english_sentences(lang: str) -> set[str]:
    """English fragments of every message and guidance text that ``lang`` words otherwise."""
    english, own = read_messages("en"), read_messages(lang)
    found: set[str] = set()
    for key, value in english.items():
        theirs = " ".join(_values(own.get(key)))
        found |= {f for v in _values(value) for f in _fragments(v) if f not in theirs}
    en_lib, lib = load_guidance("en"), load_guidance(lang)
    for key, text in en_lib.texts.items():
        mine = lib.texts.get(key)
        theirs = " ".join(_values([mine.title, mine.what_it_means, *mine.options])) if mine else ""
        for v in (text.title, text.what_it_means, *text.options, text.removal_warning or ""):
            found |= {f for f in _fragments(v) if f not in theirs}
    return found


@pytest.fixture(scope="module")
def infected() -> ScanResult:
    return scan("infected")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_translated_report_has_no_english_sentence(lang: str, infected: ScanResult) -> None:
    texts = ReportTexts.load(lang, "uk")
    assert texts.say.lang == lang and texts.library is not None
    shown = " ".join(
        (
            _terminal(infected, texts, details=True),
            html_text(html_report.render(infected, texts=texts, demo=True)),
        )
    )
    shown = _SPACE.sub(" ", shown)
    sentences = english_sentences(lang)
    assert len(sentences) > 300  # the English side really was collected
    assert sorted(s for s in sentences if s in shown) == []


def test_an_english_fallback_would_be_caught(infected: ScanResult) -> None:
    texts = ReportTexts.load("en", "uk")
    shown = _SPACE.sub(" ", _terminal(infected, texts, details=True))
    assert any(s in shown for s in english_sentences("pl"))
