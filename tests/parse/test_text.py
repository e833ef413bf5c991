"""clean_phone_text: phone-supplied text on one line, with nothing invisible left in it."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.parse.text import LINE_BREAK_MARK, clean_phone_text, mark_invisible

HIDDEN = {"Cc", "Cf", "Cs", "Zl", "Zp"}


SEPARATORS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85"]
SEPARATORS += ["\u2028", "\u2029"]  # Unicode line and paragraph separators


@pytest.mark.parametrize("separator", SEPARATORS)
def test_every_line_and_paragraph_separator_is_folded_to_a_visible_mark(separator):
    cleaned = clean_phone_text(f"Pixel 8{separator}Checked: genuine system app")
    assert cleaned == f"Pixel 8{LINE_BREAK_MARK}Checked: genuine system app"
    assert len(cleaned.splitlines()) == 1


@pytest.mark.parametrize(
    ("char", "shown"),
    [
        ("\u200f", "<U+200F>"),  # right-to-left mark
        ("\u200e", "<U+200E>"),  # left-to-right mark
        ("\u061c", "<U+061C>"),  # Arabic letter mark
        ("\u2067", "<U+2067>"),  # right-to-left isolate
        ("\u202e", "<U+202E>"),  # right-to-left override
        ("\u200b", "<U+200B>"),  # zero-width space
        ("\u200d", "<U+200D>"),  # zero-width joiner
        ("\ufeff", "<U+FEFF>"),  # byte order mark
        ("\u00ad", "<U+00AD>"),  # soft hyphen
        ("\U000e0041", "<U+E0041>"),  # tag letter
        ("\x1b", "<U+001B>"),  # escape
        ("\x00", "<U+0000>"),
        ("\ud800", "<U+D800>"),  # lone surrogate
    ],
)
def test_format_and_control_characters_are_shown_by_code_point(char, shown):
    assert clean_phone_text(f"Wi{char}Fi") == f"Wi{shown}Fi"


def test_ordinary_text_in_any_script_is_unchanged():
    for text in ("Mobile Tracker", "Überwachung", "ملف الأمان", "安全中心", "Ünïcödé 😀", "a b"):
        assert clean_phone_text(text) is text


def test_a_tab_becomes_a_space():
    assert clean_phone_text("a\tb") == "a b"


def test_html_marking_keeps_its_own_line_breaks_and_shows_the_rest():
    assert mark_invisible("a\nb\u2028c\u200f", "[U+{:04X}]") == "a\nb[U+2028]c[U+200F]"


@given(st.text())
def test_nothing_hidden_and_no_second_line_survives(text):
    cleaned = clean_phone_text(text)
    assert not any(unicodedata.category(c) in HIDDEN for c in cleaned)
    assert len(cleaned.splitlines()) <= 1
