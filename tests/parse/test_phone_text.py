"""Phone text quoted in a finding: one visible line, bounded."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from scanner.parse.phone_text import MAX_QUOTE_CHARS, clean_phone_text


def test_control_bidi_and_replacement_characters_are_dropped():
    assert clean_phone_text("mark\x1b[2J@lap\u202etop\ufffd\u200b") == "mark[2J@laptop"


def test_line_breaks_and_tabs_become_single_spaces():
    assert clean_phone_text("  a\tb\r\nc\u2028d  ") == "a b c d"


def test_length_is_cut_with_an_ellipsis():
    cut = clean_phone_text("x" * 1000)
    assert len(cut) == MAX_QUOTE_CHARS and cut.endswith("…")


@given(st.text())
def test_result_is_always_one_printable_bounded_line(text):
    out = clean_phone_text(text)
    assert len(out) <= MAX_QUOTE_CHARS
    assert out.isprintable() or not out
