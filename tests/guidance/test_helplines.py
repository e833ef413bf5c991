"""The helpline list: UK first, the numbers the facts name, each traceable to a source."""

from __future__ import annotations

import re
from pathlib import Path

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
    assert list(uk)[:2] == ["emergency", "silent_solution"], "danger-now lines come first"
    assert {uk[key].kind for key in ("emergency", "silent_solution")} == {"urgent"}


NATION_LINES = {
    "england": ("national_domestic_abuse_helpline", "0808 2000 247"),
    "scotland": ("scotland_domestic_abuse_helpline", "0800 027 1234"),
    "wales": ("live_fear_free", "0808 80 10 800"),
    "northern-ireland": ("ni_domestic_sexual_abuse_helpline", "0808 802 1414"),
}


@pytest.mark.parametrize("nation", sorted(NATION_LINES))
def test_each_uk_nation_has_its_own_domestic_abuse_line(nation: str) -> None:
    line_id, number = NATION_LINES[nation]
    lines = {line.id: line for line in load_helplines(nation)}
    assert lines[line_id].number == number
    assert lines[line_id].hours == "Any time, day or night"


def test_specialist_lines_cover_men_lgbt_forced_marriage_and_deaf_access() -> None:
    specialist = {line.id: line for line in load_helplines("uk") if line.kind == "specialist"}
    assert specialist["mens_advice_line"].number == "0808 801 0327"
    assert specialist["galop"].number == "0800 999 5428"
    assert specialist["karma_nirvana"].number == "0800 5999 247"
    assert specialist["relay_uk"].number == "18000"
    assert "register" in specialist["emergency_sms"].description


# Lines the facts file asked to be sourced before use (section 10): their sources were
# found for this file and are checked there, not in the facts file.
SOURCED_HERE = {
    "scotland_domestic_abuse_helpline",
    "mens_advice_line",
    "galop",
    "karma_nirvana",
    "relay_uk",
    "emergency_sms",
}


def test_every_number_appears_in_the_safety_facts_and_every_line_has_a_source() -> None:
    facts = shared_path("guidance-facts.md").read_text(encoding="utf-8")
    for region in helpline_regions():
        for line in load_helplines(region):
            if line.number is not None:
                assert re.search(rf"(?<![\d]){re.escape(line.number)}(?![\d])", facts), line.id
            assert line.sources, line.id
            if line.id not in SOURCED_HERE:
                for source in line.sources:
                    assert source in facts, (line.id, source)


def test_unknown_region_is_a_guidance_error_listing_the_known_ones() -> None:
    with pytest.raises(GuidanceError, match="uk"):
        load_helplines("zz")


def _translated_helplines(tmp_path: Path, words: str) -> Path:
    """The shipped guidance folder with one more language's helpline words."""
    shipped = Path(__file__).resolve().parents[2] / "guidance"
    (tmp_path / "helplines.yaml").write_bytes((shipped / "helplines.yaml").read_bytes())
    (tmp_path / "xx").mkdir()
    (tmp_path / "xx" / "helplines.yaml").write_text(words, encoding="utf-8")
    return tmp_path


def test_helpline_words_come_from_the_language_and_fall_back_to_english_per_field(
    tmp_path: Path,
) -> None:
    base = _translated_helplines(
        tmp_path,
        "regions:\n  uk:\n    name: Zjednoczone Królestwo\n    lines:\n"
        "      emergency:\n        short: Zadzwoń pod 999.\n",
    )
    english = {line.id: line for line in load_helplines("uk")}
    shown = load_helplines("uk", base, lang="xx")
    assert shown.name == "Zjednoczone Królestwo"
    emergency = next(line for line in shown if line.id == "emergency")
    assert emergency.short == "Zadzwoń pod 999."
    assert emergency.translated == frozenset({"short"})
    # Words it does not give stay English; numbers and sources are never translated.
    assert emergency.description == english["emergency"].description
    assert emergency.hours == english["emergency"].hours
    assert emergency.number == english["emergency"].number
    assert emergency.sources == english["emergency"].sources
    other = next(line for line in shown if line.id != "emergency")
    assert other == english[other.id] and not other.translated


@pytest.mark.parametrize(
    "words",
    [
        "regions:\n  uk:\n    lines:\n      emergency:\n        number: '112'\n",
        "regions:\n  uk:\n    lines:\n      no_such_line:\n        short: x\n",
        "regions:\n  nowhere:\n    name: x\n",
    ],
)
def test_a_translation_cannot_change_numbers_or_name_lines_that_do_not_exist(
    tmp_path: Path, words: str
) -> None:
    base = _translated_helplines(tmp_path, words)
    with pytest.raises(GuidanceError):
        load_helplines("uk", base, lang="xx")
