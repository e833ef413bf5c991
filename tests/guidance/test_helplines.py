"""The helpline list: UK first, the numbers the facts name, each traceable to a source."""

from __future__ import annotations

import re

import pytest

from scanner.errors import GuidanceError
from scanner.guidance import helpline_regions, load_helplines
from tests.conftest import shared_path


def test_uk_is_the_first_region_and_the_default() -> None:
    assert helpline_regions()[0] == "uk"
    assert load_helplines().code == "uk"


def test_uk_lists_emergency_silent_solution_and_national_helplines() -> None:
    uk = {line.id: line for line in load_helplines("uk")}
    assert uk["emergency"].number == "999"
    assert uk["silent_solution"].number == "999"
    assert "press 55" in uk["silent_solution"].description
    assert "does not tell them where you are" in uk["silent_solution"].description
    assert uk["national_stalking_helpline"].number == "0808 802 0300"
    assert uk["national_domestic_abuse_helpline"].number == "0808 2000 247"
    assert uk["national_domestic_abuse_helpline"].hours == "Any time, day or night"
    assert list(uk)[:2] == ["emergency", "silent_solution"], "danger-now lines come first"


def test_every_number_and_source_appears_in_the_safety_facts() -> None:
    facts = shared_path("guidance-facts.md").read_text(encoding="utf-8")
    for region in helpline_regions():
        for line in load_helplines(region):
            if line.number is not None:
                assert re.search(rf"(?<![\d]){re.escape(line.number)}(?![\d])", facts), line.id
            for source in line.sources:
                assert source in facts, (line.id, source)


def test_unknown_region_is_a_guidance_error_listing_the_known_ones() -> None:
    with pytest.raises(GuidanceError, match="uk"):
        load_helplines("zz")
