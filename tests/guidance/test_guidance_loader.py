"""Loading, validating and falling back: malformed files fail with the file's name."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from scanner.errors import GuidanceError
from scanner.guidance import (
    DEFAULT_BASE_DIR,
    FINDING_KEYS,
    GuidanceLibrary,
    load_guidance,
    load_helplines,
)

VALID_TEXT = """\
id: rooted
title: Un titre
what_it_means: Un texte.
options:
  - Un choix.
"""


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """A private copy of the shipped guidance folder, safe to break."""
    copy = tmp_path / "guidance"
    shutil.copytree(DEFAULT_BASE_DIR, copy)
    return copy


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _error(base: Path, lang: str = "en") -> GuidanceError:
    with pytest.raises(GuidanceError) as caught:
        load_guidance(lang, base_dir=base)
    return caught.value


def test_shipped_guidance_loads_from_the_package_location() -> None:
    library = load_guidance()
    assert isinstance(library, GuidanceLibrary)
    assert DEFAULT_BASE_DIR.name == "guidance"
    assert (DEFAULT_BASE_DIR / "en" / "ui.yaml").is_file()
    assert library.get("rooted").lang == "en"
    assert library.fallbacks == frozenset()


def test_base_dir_override_is_used(base: Path) -> None:
    text = (base / "en" / "rooted.yaml").read_text(encoding="utf-8")
    _write(
        base / "en" / "rooted.yaml",
        text.replace("title: The phone's built-in locks are open", "title: Changed for the test"),
    )
    assert load_guidance(base_dir=base).get("rooted").title == "Changed for the test"


def test_unknown_field_names_the_file_and_field(base: Path) -> None:
    path = base / "en" / "rooted.yaml"
    _write(path, path.read_text(encoding="utf-8") + "colour: red\n")
    error = _error(base)
    assert "guidance/en/rooted.yaml" in error.message
    assert "colour" in error.message


def test_missing_field_names_the_file_and_field(base: Path) -> None:
    _write(base / "en" / "rooted.yaml", "id: rooted\ntitle: T\nwhat_it_means: W.\n")
    error = _error(base)
    assert "guidance/en/rooted.yaml" in error.message
    assert "options" in error.message


def test_id_must_match_the_file_name(base: Path) -> None:
    _write(base / "en" / "rooted.yaml", VALID_TEXT.replace("id: rooted", "id: routed"))
    assert "routed" in _error(base).message


def test_duplicate_field_is_refused(base: Path) -> None:
    _write(base / "en" / "rooted.yaml", VALID_TEXT + "title: Again\n")
    error = _error(base)
    assert "guidance/en/rooted.yaml" in error.message
    assert "duplicate key 'title'" in error.detail


def test_broken_yaml_names_the_file(base: Path) -> None:
    _write(base / "en" / "rooted.yaml", "id: rooted\ntitle: [unclosed\n")
    assert "guidance/en/rooted.yaml" in _error(base).message


def test_options_must_be_a_list_of_text(base: Path) -> None:
    _write(base / "en" / "rooted.yaml", VALID_TEXT.replace("  - Un choix.", "  - 42"))
    assert "quotes" in _error(base).message
    _write(
        base / "en" / "rooted.yaml",
        VALID_TEXT.replace("options:\n  - Un choix.", "options: Un choix."),
    )
    assert "must be a list" in _error(base).message


def test_missing_english_text_is_named(base: Path) -> None:
    (base / "en" / "usage_access.yaml").unlink()
    assert "usage_access" in _error(base).detail


def test_missing_english_ui_text_is_named(base: Path) -> None:
    ui = base / "en" / "ui.yaml"
    lines = ui.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith("screen_title:")]
    _write(ui, "".join(kept))
    assert "ui.screen_title" in _error(base).detail


def test_ui_placeholder_is_refused(base: Path) -> None:
    ui = base / "en" / "ui.yaml"
    _write(
        ui,
        ui.read_text(encoding="utf-8").replace("screen_title: Phone check", "screen_title: {app}"),
    )
    assert "screen_title" in _error(base).message


def test_unknown_ui_text_is_refused(base: Path) -> None:
    ui = base / "en" / "ui.yaml"
    _write(ui, ui.read_text(encoding="utf-8") + "shout: Hello.\n")
    assert "shout" in _error(base).message


def test_stray_file_in_a_language_folder_is_refused(base: Path) -> None:
    _write(base / "en" / "notes.txt", "draft")
    assert "notes.txt" in _error(base).message


def test_partial_translation_falls_back_to_english_text_by_text(base: Path) -> None:
    _write(base / "fr" / "rooted.yaml", VALID_TEXT)
    _write(base / "fr" / "ui.yaml", "id: ui\nscreen_title: Vérifier le téléphone\n")
    library = load_guidance("fr", base_dir=base)
    assert library.lang == "fr"
    assert library.get("rooted").title == "Un titre"
    assert library.get("rooted").lang == "fr"
    assert library.get("usb_debugging").lang == "en"
    assert library.ui("screen_title") == "Vérifier le téléphone"
    assert library.ui("clean_result") == load_guidance(base_dir=base).ui("clean_result")
    assert "usb_debugging" in library.fallbacks
    assert "rooted" not in library.fallbacks
    assert "ui.clean_result" in library.fallbacks
    assert "ui.screen_title" not in library.fallbacks


def test_missing_language_is_served_entirely_in_english(base: Path) -> None:
    library = load_guidance("de", base_dir=base)
    assert library.get("rooted").lang == "en"
    assert set(FINDING_KEYS) <= library.fallbacks


def test_translation_with_a_key_english_lacks_is_refused(base: Path) -> None:
    _write(base / "fr" / "made_up.yaml", VALID_TEXT.replace("id: rooted", "id: made_up"))
    assert "made_up" in _error(base, "fr").detail


def test_malformed_translation_names_its_file(base: Path) -> None:
    _write(base / "fr" / "rooted.yaml", VALID_TEXT + "extra: 1\n")
    assert "guidance/fr/rooted.yaml" in _error(base, "fr").message


@pytest.mark.parametrize("lang", ["../en", "en/..", "", "EN", "english!"])
def test_language_code_that_is_not_a_code_is_refused(lang: str) -> None:
    with pytest.raises(GuidanceError):
        load_guidance(lang)


def test_unknown_key_is_a_guidance_error() -> None:
    library = load_guidance()
    with pytest.raises(GuidanceError, match="advice"):
        library.get("no_such_key")
    with pytest.raises(GuidanceError):
        library.ui("no_such_text")
    with pytest.raises(GuidanceError):
        library.ui_list("no_such_list")


def test_texts_are_immutable() -> None:
    library = load_guidance()
    text = library.get("rooted")
    with pytest.raises(dataclasses.FrozenInstanceError):
        text.title = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        library.texts["rooted"] = text  # type: ignore[index]
    assert isinstance(text.options, tuple)


def test_missing_guidance_folder_is_a_guidance_error(tmp_path: Path) -> None:
    with pytest.raises(GuidanceError, match="missing"):
        load_guidance(base_dir=tmp_path)


HELPLINE = """\
regions:
  uk:
    name: United Kingdom
    lines:
      - id: one
        name: One
        number: {number}
        description: Help.
        sources: [{source}]
"""


def _helpline_error(base: Path, text: str) -> GuidanceError:
    _write(base / "helplines.yaml", text)
    with pytest.raises(GuidanceError) as caught:
        load_helplines("uk", base_dir=base)
    assert "guidance/helplines.yaml" in caught.value.message
    return caught.value


def test_helpline_file_written_correctly_loads(base: Path) -> None:
    _write(
        base / "helplines.yaml",
        HELPLINE.format(number='"0808 000"', source="https://example.org/a"),
    )
    line = load_helplines("uk", base_dir=base).lines[0]
    assert (line.number, line.sources) == ("0808 000", ("https://example.org/a",))


def test_helpline_number_left_unquoted_is_refused(base: Path) -> None:
    error = _helpline_error(base, HELPLINE.format(number="999", source="https://example.org"))
    assert "quotes" in error.message


def test_helpline_number_with_letters_is_refused(base: Path) -> None:
    error = _helpline_error(base, HELPLINE.format(number='"call me"', source="https://example.org"))
    assert "digits" in error.message


def test_helpline_source_must_be_a_web_address(base: Path) -> None:
    error = _helpline_error(base, HELPLINE.format(number='"999"', source="a friend"))
    assert "web addresses" in error.message


def test_helpline_needs_a_number_or_website(base: Path) -> None:
    text = HELPLINE.format(number='"999"', source="https://example.org")
    error = _helpline_error(base, text.replace('        number: "999"\n', ""))
    assert "number or a website" in error.message


def test_helpline_ids_are_unique_within_a_region(base: Path) -> None:
    text = HELPLINE.format(number='"999"', source="https://example.org")
    line = text[text.index("      - id: one") :]
    assert "repeats" in _helpline_error(base, text + line).message


def test_helpline_unknown_field_is_refused(base: Path) -> None:
    text = HELPLINE.format(number='"999"', source="https://example.org")
    assert "fax" in _helpline_error(base, text + "        fax: '1'\n").message
