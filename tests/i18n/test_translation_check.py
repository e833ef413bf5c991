"""``python -m scanner.translation_check``: a translation's problems and its English left."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scanner.guidance import load_guidance
from scanner.translation_check import main, problems

SHIPPED = Path(__file__).resolve().parents[2] / "guidance"
LANGUAGE = (
    "code: pl\nname: Polski\nenglish_name: Polish\ndirection: ltr\nreviewed: false\n"
    "reviewer: null\nreviewed_on: null\n"
)


def _with_polish(tmp_path: Path, messages: str) -> Path:
    shutil.copytree(SHIPPED / "en", tmp_path / "en")
    shutil.copy(SHIPPED / "helplines.yaml", tmp_path / "helplines.yaml")
    (tmp_path / "pl" / "messages").mkdir(parents=True)
    (tmp_path / "pl" / "language.yaml").write_text(LANGUAGE, encoding="utf-8")
    (tmp_path / "pl" / "helplines.yaml").write_text(
        "regions:\n  uk:\n    lines:\n      emergency:\n        short: Zadzwoń pod 999.\n",
        encoding="utf-8",
    )
    (tmp_path / "pl" / "messages" / "forget.yaml").write_text(messages, encoding="utf-8")
    return tmp_path


def test_language_and_helpline_files_are_not_read_as_advice_texts(tmp_path: Path) -> None:
    base = _with_polish(tmp_path, "nothing_kept: Narzędzie nic tu nie trzyma.\n")
    library = load_guidance("pl", base)
    assert "language" not in library.texts and "helplines" not in library.texts


def test_a_clean_partial_translation_has_no_problems_and_lists_its_english(
    tmp_path: Path,
) -> None:
    base = _with_polish(
        tmp_path,
        "nothing_kept: Narzędzie nic tu nie trzyma.\n"
        "done:\n  one: 'Usunięto {count} plik.'\n  few: 'Usunięto {count} pliki.'\n"
        "  many: 'Usunięto {count} plików.'\n  other: 'Usunięto {count} pliku.'\n",
    )
    wrong, english = problems("pl", base)
    assert wrong == []
    assert "messages: forget.phone_heading" in english
    assert "messages: forget.nothing_kept" not in english
    assert "helplines: uk.emergency" not in english
    assert "helplines: uk.silent_solution" in english


def test_wrong_ids_placeholders_and_missing_plural_forms_are_problems(tmp_path: Path) -> None:
    base = _with_polish(
        tmp_path,
        "no_such_message: x\n"
        "not_there: '{sciezka} nie istnieje.'\n"
        "done:\n  one: 'Usunięto {count} plik.'\n  other: 'Usunięto {count} pliku.'\n",
    )
    wrong, _ = problems("pl", base)
    assert any("forget.no_such_message" in line for line in wrong)
    assert any("forget.not_there" in line and "sciezka" in line for line in wrong)
    assert any("forget.done" in line and "few" in line and "many" in line for line in wrong)


def test_the_command_refuses_an_unknown_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["xx-not-a-language"]) == 2
    assert "Usage" in capsys.readouterr().out
