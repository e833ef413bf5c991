"""Every shipped guidance text meets the wording rules in ``guidance_rules.py``.

The prose fields are collected from the real files through the loader, so a text that the
reports can show is a text these tests read. Titles and helpline names/hours are labels,
not prose: they get every rule except reading ease (a Flesch score means little on four
words), plus a length limit.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scanner.guidance import (
    FINDING_KEYS,
    REPORT_KEYS,
    UI_LIST_KEYS,
    UI_TEXT_KEYS,
    helpline_regions,
    load_guidance,
    load_helplines,
)
from tests.guidance.guidance_rules import (
    forbidden_phrase_problems,
    long_sentence_problems,
    mentions_removal,
    reading_ease_problems,
    removal_caveat_problems,
    word_count,
)

TITLE_MAX_WORDS = 10
BRIEF_KEYS = (
    "known_stalkerware", "known_stalkerware_certificate", "known_sample", "spy_behaviour",
    "dual_use", "accessibility_service", "device_admin", "device_owner",
    "notification_listener", "usage_access", "draw_over_apps", "unknown_sources",
    "play_protect_off", "developer_options", "usb_debugging", "wireless_debugging", "rooted",
    "old_security_patch", "http_proxy", "private_dns", "proxy_known_stalkerware",
    "unfamiliar_account", "collection_incomplete",
)  # fmt: skip


def _prose() -> list[tuple[str, str]]:
    library = load_guidance()
    fields: list[tuple[str, str]] = []
    for key in sorted(library.texts):
        text = library.get(key)
        fields.append((f"{key}.what_it_means", text.what_it_means))
        fields += [(f"{key}.options[{i}]", option) for i, option in enumerate(text.options)]
        if text.removal_warning is not None:
            fields.append((f"{key}.removal_warning", text.removal_warning))
    for key in UI_TEXT_KEYS:
        if key != "screen_title":
            fields.append((f"ui.{key}", library.ui(key).replace("{count}", "3")))
    for key in UI_LIST_KEYS:
        fields += [(f"ui.{key}[{i}]", item) for i, item in enumerate(library.ui_list(key))]
    for region in helpline_regions():
        for line in load_helplines(region):
            fields.append((f"helplines.{region}.{line.id}.description", line.description))
    return fields


def _labels() -> list[tuple[str, str]]:
    library = load_guidance()
    labels = [(f"{key}.title", library.get(key).title) for key in sorted(library.texts)]
    labels.append(("ui.screen_title", library.ui("screen_title")))
    for region in helpline_regions():
        for line in load_helplines(region):
            labels.append((f"helplines.{region}.{line.id}.name", line.name))
            if line.hours:
                labels.append((f"helplines.{region}.{line.id}.hours", line.hours))
    return labels


PROSE = _prose()
LABELS = _labels()
EVERYTHING = PROSE + LABELS


def _ids(fields: list[tuple[str, str]]) -> list[str]:
    return [where for where, _ in fields]


@pytest.mark.parametrize(("where", "text"), PROSE, ids=_ids(PROSE))
def test_prose_is_easy_to_read(where: str, text: str, flesch: Callable[[str], float]) -> None:
    assert reading_ease_problems(text, flesch) == [], where


@pytest.mark.parametrize(("where", "text"), EVERYTHING, ids=_ids(EVERYTHING))
def test_no_sentence_is_too_long(where: str, text: str) -> None:
    assert long_sentence_problems(text) == [], where


@pytest.mark.parametrize(("where", "text"), EVERYTHING, ids=_ids(EVERYTHING))
def test_removal_risk_comes_first(where: str, text: str) -> None:
    assert removal_caveat_problems(text) == [], where


@pytest.mark.parametrize(("where", "text"), EVERYTHING, ids=_ids(EVERYTHING))
def test_never_orders_deleting_the_app_or_giving_up_the_phone(where: str, text: str) -> None:
    assert forbidden_phrase_problems(text) == [], where


@pytest.mark.parametrize(("where", "text"), LABELS, ids=_ids(LABELS))
def test_labels_are_short(where: str, text: str) -> None:
    assert word_count(text) <= TITLE_MAX_WORDS or where.endswith(".hours"), where
    assert not where.endswith(".title") or not text.endswith("."), "titles take no full stop"


def test_every_key_the_brief_names_has_english_guidance() -> None:
    library = load_guidance()
    assert set(BRIEF_KEYS) <= set(FINDING_KEYS)
    assert set(library.keys()) == {*FINDING_KEYS, *REPORT_KEYS}


def test_every_registered_check_names_guidance_that_exists() -> None:
    from scanner.checks.registry import all_checks

    library = load_guidance()
    checks = all_checks()
    assert checks, "no checks are registered"
    missing = {c.id: c.guidance for c in checks if c.guidance not in library.texts}
    assert missing == {}


@pytest.mark.parametrize("key", FINDING_KEYS)
def test_text_that_mentions_removal_carries_a_removal_warning(key: str) -> None:
    text = load_guidance().get(key)
    if any(mentions_removal(t) for t in (text.what_it_means, *text.options)):
        assert text.removal_warning is not None
    if text.removal_warning is not None:
        assert mentions_removal(text.removal_warning), "a removal warning must name the act"


@pytest.mark.parametrize("key", FINDING_KEYS)
def test_every_finding_offers_an_advocate(key: str) -> None:
    text = load_guidance().get(key)
    assert any("advocate" in option.lower() for option in text.options)
    assert len(text.options) >= 2, "guidance offers choices, so more than one"


def test_clean_result_says_what_the_scan_cannot_see() -> None:
    library = load_guidance()
    body = library.ui("clean_result").lower()
    assert "does not prove the phone is safe" in body
    limits = " ".join(library.ui_list("clean_result_cannot_see_list")).lower()
    for topic in (
        "icloud",
        "google",
        "location",
        "airtag",
        "passcode",
        "sim",
        "shared accounts",
        "phone company",
        "spy apps that are not yet on our list",
    ):
        assert topic in limits, topic


def test_after_scan_text_covers_debugging_and_its_caveat() -> None:
    text = load_guidance().ui("after_scan")
    for needle in (
        "USB debugging",
        "Developer options",
        "Revoke USB debugging authorisations",
        "safety plan",
        "way into the phone",
    ):
        assert needle in text, needle
    assert text.index("alert") < text.index("turn USB debugging back off")


def test_before_scan_text_says_the_scan_can_be_seen() -> None:
    text = load_guidance().ui("before_scan")
    assert "not invisible" in text
    assert "Always allow from this computer" in text


def test_screen_title_is_plain() -> None:
    assert load_guidance().ui("screen_title") == "Phone check"
