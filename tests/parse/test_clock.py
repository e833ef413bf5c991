"""``date +%s``: one whole number of seconds is a reading; anything else is named."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scanner.parse.clock import parse_phone_clock


def test_seconds_since_1970_are_the_phones_clock_in_utc() -> None:
    parsed = parse_phone_clock("1764324000\n")
    assert parsed.phone_utc == datetime(2025, 11, 28, 10, 0, tzinfo=UTC)
    assert parsed.warnings == ()


@pytest.mark.parametrize(
    "text", ["", "date: unknown option -- s\n", "+%s\n", "99999999999999999999\n", "١٢٣\n"]
)
def test_anything_else_is_not_a_reading_and_says_so(text: str) -> None:
    parsed = parse_phone_clock(text)
    assert parsed.phone_utc is None
    assert parsed.warnings[0].message == "the phone's clock gave no reading in seconds"
