"""The wording rules themselves catch what they are meant to catch."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.guidance.guidance_rules import (
    SENTENCE_MAX_WORDS,
    forbidden_phrase_problems,
    long_sentence_problems,
    mentions_removal,
    reading_ease_problems,
    removal_caveat_problems,
    sentences,
    word_count,
)

FULL_CAVEAT = (
    "Removing it can alert the person who put it there. "
    "That can make them more dangerous, and it destroys evidence on the phone. "
    "So make a safety plan with an advocate first."
)


@pytest.mark.parametrize(
    "text",
    [
        "You could delete the app.",
        "Uninstall it now.",
        "Try to stay off social media for a while.",
        "You could stop using your phone.",
        "Just remove it.",
        "You must call the police.",
        "Get rid of the phone.",
    ],
)
def test_forbidden_phrases_are_caught(text: str) -> None:
    assert forbidden_phrase_problems(text)


def test_choices_worded_gently_are_not_forbidden() -> None:
    assert forbidden_phrase_problems("You could keep the phone as it is for now.") == []


@pytest.mark.parametrize(
    "text",
    [
        "When it is safe, you could turn USB debugging back off.",
        "Taking the app off can alert them.",
        "A factory reset destroys evidence.",
        "Tap Revoke USB debugging authorisations.",
        "Signing the account out of the phone can alert them.",
        "It may uninstall itself.",
    ],
)
def test_removal_mentions_are_recognised(text: str) -> None:
    assert mentions_removal(text)


@pytest.mark.parametrize(
    "text",
    ["Turn on Play Protect.", "Find out who set it up.", "Keep a record of what happens."],
)
def test_non_removal_text_is_not_flagged(text: str) -> None:
    assert not mentions_removal(text)


def test_full_caveat_that_names_the_act_passes() -> None:
    assert removal_caveat_problems(FULL_CAVEAT) == []
    assert removal_caveat_problems(FULL_CAVEAT + " Then an advocate can help you remove it.") == []


def test_caveat_stated_before_any_mention_passes() -> None:
    text = (
        "Changes can alert the person who checks the phone. If they notice, they may become "
        "more dangerous. Evidence on the phone can be lost. Make a safety plan with an "
        "advocate. Then you could turn it off."
    )
    assert removal_caveat_problems(text) == []


def test_removal_offered_before_the_caveat_fails() -> None:
    text = "You could remove the app. " + FULL_CAVEAT
    assert removal_caveat_problems(text)


def test_caveat_missing_a_part_fails() -> None:
    text = (
        "Removing it can alert the person who put it there. "
        "It destroys evidence. Make a safety plan with an advocate."
    )
    problems = removal_caveat_problems(text)
    assert problems
    assert "danger" in problems[0]


def test_evidence_without_saying_it_is_lost_is_not_the_caveat() -> None:
    text = (
        "Removing it can alert them and make them more dangerous. Keep evidence. "
        "Make a safety plan with an advocate."
    )
    assert "evidence" in removal_caveat_problems(text)[0]


def test_caveat_scattered_far_from_the_first_mention_fails() -> None:
    text = (
        "Removing it can alert the person who put it there. One. Two. Three. Four. "
        "That can make them more dangerous, and it destroys evidence. "
        "Make a safety plan with an advocate."
    )
    assert removal_caveat_problems(text)


def test_text_without_removal_needs_no_caveat() -> None:
    assert removal_caveat_problems("You could talk to an advocate.") == []


def test_long_sentence_is_flagged_and_short_one_is_not() -> None:
    long = " ".join(["word"] * (SENTENCE_MAX_WORDS + 1)) + "."
    assert long_sentence_problems(long)
    assert long_sentence_problems(" ".join(["word"] * SENTENCE_MAX_WORDS) + ".") == []


def test_sentences_split_on_stops_and_line_breaks() -> None:
    assert sentences("One two. Three?\nFour") == ["One two.", "Three?", "Four"]
    assert word_count("Call 0808 802 0300 now.") == 5


def test_jargon_fails_reading_ease(flesch: Callable[[str], float]) -> None:
    jargon = "Accessibility functionality necessitates comprehensive administrative authorisation."
    assert reading_ease_problems(jargon, flesch)
    assert reading_ease_problems("You can call us at any time.", flesch) == []
