"""``date +%s``: the phone's clock, as seconds since 1970-01-01 UTC.

Seconds since the epoch do not depend on the phone's time zone, so the reading can be set
against this computer's clock directly. Anything but one whole number is not a reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from scanner.commands import PHONE_CLOCK
from scanner.model import CollectionWarning
from scanner.parse.common import excerpt
from scanner.phrases import warning, words

_LATEST = 253402300799
"""9999-12-31 23:59:59 UTC: a reading past it is not a clock (and would not convert)."""


@dataclass(frozen=True, slots=True)
class ClockParse:
    phone_utc: datetime | None
    """The phone's clock (UTC, aware); None when the answer was not a reading."""
    warnings: tuple[CollectionWarning, ...] = ()


def parse_phone_clock(text: str) -> ClockParse:
    """The reading in ``text`` (pure; never raises)."""
    value = text.strip()
    if value.isascii() and value.isdigit() and len(value) <= 12 and int(value) <= _LATEST:
        return ClockParse(datetime.fromtimestamp(int(value), UTC))
    said = warning(PHONE_CLOCK, words("problems.clock_no_reading"), excerpt=excerpt(value))
    return ClockParse(None, (said,))
