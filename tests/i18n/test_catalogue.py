"""The message catalogue: plural forms by CLDR, named placeholders, English per message."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.i18n import (
    MessageError,
    catalogue,
    choose_language,
    load_catalogue,
    placeholders,
    plural_categories,
    plural_category,
)


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def two_languages(tmp_path: Path) -> Path:
    _write(
        tmp_path,
        "en/messages/demo.yaml",
        "apps:\n  one: '{count} app'\n  other: '{count} apps'\n"
        "greet: 'Hello {name}'\nonly_english: 'Only in English'\n",
    )
    _write(
        tmp_path,
        "pl/language.yaml",
        "code: pl\nname: Polski\nenglish_name: Polish\ndirection: ltr\nreviewed: false\n",
    )
    _write(
        tmp_path,
        "pl/messages/demo.yaml",
        "apps:\n  one: '{count} aplikacja'\n  few: '{count} aplikacje'\n"
        "  many: '{count} aplikacji'\n  other: '{count} aplikacji'\n"
        "greet: 'Dzień dobry {name}'\n",
    )
    _write(
        tmp_path,
        "ar/language.yaml",
        "code: ar\nname: العربية\nenglish_name: Arabic\ndirection: rtl\nreviewed: false\n",
    )
    return tmp_path


def test_polish_plurals_follow_cldr(two_languages: Path) -> None:
    pl = load_catalogue("pl", two_languages)
    assert [pl.count("demo.apps", n) for n in (1, 2, 5, 22, 25)] == [
        "1 aplikacja",
        "2 aplikacje",
        "5 aplikacji",
        "22 aplikacje",
        "25 aplikacji",
    ]


def test_english_plurals_and_placeholders(two_languages: Path) -> None:
    en = load_catalogue("en", two_languages)
    assert en.count("demo.apps", 1) == "1 app"
    assert en.count("demo.apps", 3) == "3 apps"
    assert en.text("demo.greet", name="Ana") == "Hello Ana"


def test_missing_message_falls_back_to_english_alone(two_languages: Path) -> None:
    pl = load_catalogue("pl", two_languages)
    assert pl.text("demo.greet", name="Ana") == "Dzień dobry Ana"
    assert pl.text("demo.only_english") == "Only in English"
    assert pl.fallbacks == frozenset({"demo.only_english"})
    assert pl.info.reviewed is False


def test_language_without_catalogue_is_english(two_languages: Path) -> None:
    cy = load_catalogue("cy", two_languages)
    assert cy.lang == "en"
    assert cy.text("demo.greet", name="x") == "Hello x"


def test_direction_is_read(two_languages: Path) -> None:
    assert load_catalogue("ar", two_languages).rtl
    assert not load_catalogue("pl", two_languages).rtl


def test_missing_placeholder_is_an_error(two_languages: Path) -> None:
    with pytest.raises(MessageError):
        load_catalogue("en", two_languages).text("demo.greet")
    with pytest.raises(MessageError):
        load_catalogue("en", two_languages).text("demo.nothing_here")


def test_arabic_and_romanian_categories() -> None:
    assert plural_categories("ar") == ("zero", "one", "two", "few", "many", "other")
    assert plural_categories("ro") == ("one", "few", "other")
    assert plural_categories("pl") == ("one", "few", "many", "other")
    assert plural_category("ar", 11) == "many"
    assert plural_category("ro", 20) == "other"


def test_placeholders_are_named() -> None:
    assert placeholders("{count} of {app}") == frozenset({"count", "app"})


@pytest.mark.parametrize(
    ("asked", "env", "expected"),
    [
        ("pl", {"LANG": "ar_EG.UTF-8"}, "pl"),
        ("PL-pl", {}, "pl"),
        (None, {"LANG": "ar_EG.UTF-8"}, "ar"),
        (None, {"LC_ALL": "ro_RO.UTF-8", "LANG": "pl_PL"}, "ro"),
        (None, {"LANG": "C.UTF-8"}, "en"),
        (None, {}, "en"),
    ],
)
def test_choose_language(asked: str | None, env: dict[str, str], expected: str) -> None:
    assert choose_language(asked, env) == expected


def test_installed_english_catalogue_has_headline_messages() -> None:
    found = catalogue().count("headline.found_known", 2)
    assert found == "The scan found 2 known stalkerware apps."


def test_a_message_no_catalogue_has_is_said_by_its_facts_alone() -> None:
    # An install whose message files are gone still names what a check found.
    from scanner.phrases import render, words

    said = words("checks.no_such_message", app="Spy (com.spy)", family="SpyCo")
    assert render(said) == "Spy (com.spy) · SpyCo"
