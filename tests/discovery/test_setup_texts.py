"""Every setup text meets the same wording rules as the finding guidance.

The rules are the guidance helper's (``tests/guidance/guidance_rules.py``): reading ease
of at least 70, no sentence over 25 words, no order to give up the phone, and, for the
after-scan texts that offer turning things off and revoking computers, the full safety
caveat before the first such step. Step lists are scored as the reader meets them: one
text per list (a three-word step like "Tap Developer options." has no meaningful score).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scanner.setup_guide import MESSAGE_KEYS, MESSAGE_PLACEHOLDERS, OBSTACLE_IDS, load_setup_guide
from tests.guidance.guidance_rules import (
    forbidden_phrase_problems,
    long_sentence_problems,
    reading_ease_problems,
    removal_caveat_problems,
)

GUIDE = load_setup_guide()
LABELS = {"setup_title", "developer_options_heading", "usb_debugging_heading", "notes_heading",
          "connect_heading", "after_scan_heading", "vendors_heading"}  # fmt: skip
# Placeholders hold a phone's own words, not ours: short sample values keep the score
# about the sentence we wrote.
SAMPLE = {"vendor": "Samsung Galaxy", "phone": "Pixel 7", "serial": "R58N12",
          "phones": "Pixel 7 (2B04)"}  # fmt: skip


def _prose() -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    for vendor_id in GUIDE.vendor_ids():
        vendor = GUIDE.vendor(vendor_id)
        texts.append((f"{vendor_id}.turn_on", " ".join((*vendor.developer_options,
                                                         *vendor.usb_debugging))))  # fmt: skip
        texts += [(f"{vendor_id}.notes[{i}]", note) for i, note in enumerate(vendor.notes)]
        after = " ".join((GUIDE.message("after_scan_intro"), *vendor.after_scan))
        texts.append((f"{vendor_id}.after_scan", after))
    for key in MESSAGE_KEYS:
        if key not in LABELS:
            values = {k: SAMPLE[k] for k in MESSAGE_PLACEHOLDERS.get(key, ())}
            texts.append((f"messages.{key}", GUIDE.message(key, **values)))
    texts.append(("messages.connect_steps", " ".join(GUIDE.message_list("connect_steps"))))
    for obstacle_id in OBSTACLE_IDS:
        text = GUIDE.obstacle(obstacle_id, phones=SAMPLE["phones"], node="/dev/bus/usb/001/008")
        texts.append((f"obstacles.{obstacle_id}", f"{text.message} {text.fix}"))
    return texts


PROSE = _prose()


def _ids(texts: list[tuple[str, str]]) -> list[str]:
    return [name for name, _ in texts]


@pytest.mark.parametrize(("name", "text"), PROSE, ids=_ids(PROSE))
def test_reading_ease_is_at_least_70(name: str, text: str, flesch: Callable[[str], float]):
    assert reading_ease_problems(text, flesch) == [], name


@pytest.mark.parametrize(("name", "text"), PROSE, ids=_ids(PROSE))
def test_sentences_are_short_and_never_orders(name: str, text: str):
    assert long_sentence_problems(text) == [], name
    assert forbidden_phrase_problems(text) == [], name


AFTER = [(name, text) for name, text in PROSE if name.endswith(".after_scan")]


@pytest.mark.parametrize(("name", "text"), AFTER, ids=_ids(AFTER))
def test_after_scan_steps_come_after_the_full_safety_caveat(name: str, text: str):
    assert removal_caveat_problems(text) == [], name


def test_after_scan_text_keeps_the_reports_safety_points():
    intro = GUIDE.message("after_scan_intro")
    for point in ("alert", "dangerous", "evidence", "safety plan with an advocate",
                  "leave them as they were"):  # fmt: skip
        assert point in intro


def test_setup_labels_are_short():
    for key in LABELS:
        assert len(GUIDE.message(key).split()) <= 10, key
