"""Setup steps in another language: each text the translation gives, English for the rest,
and the facts (USB ids, aliases) always from English."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scanner.errors import GuidanceError
from scanner.setup_guide import load_setup_guide

SHIPPED = Path(__file__).resolve().parents[2] / "guidance" / "en" / "setup"


def _base(tmp_path: Path, files: dict[str, str]) -> Path:
    shutil.copytree(SHIPPED, tmp_path / "en" / "setup")
    for name, text in files.items():
        path = tmp_path / "xx" / "setup" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_a_partial_translation_gives_its_texts_and_english_for_the_rest(tmp_path: Path) -> None:
    base = _base(
        tmp_path,
        {
            "messages.yaml": "id: messages\nsetup_title: Przygotuj telefon\n",
            "samsung.yaml": "id: samsung\nafter_scan: [Wyłącz debugowanie USB.]\n",
            "obstacles.yaml": (
                "id: obstacles\nphone_locked:\n  message: Telefon jest zablokowany.\n"
            ),
        },
    )
    english = load_setup_guide("en", base)
    guide = load_setup_guide("xx", base)
    assert guide.message("setup_title") == "Przygotuj telefon"
    assert guide.message("setup_intro") == english.message("setup_intro")
    samsung, samsung_en = guide.vendors["samsung"], english.vendors["samsung"]
    assert samsung.after_scan == ("Wyłącz debugowanie USB.",)
    assert samsung.developer_options == samsung_en.developer_options
    assert (samsung.usb_vendor_ids, samsung.aliases) == (
        samsung_en.usb_vendor_ids,
        samsung_en.aliases,
    )
    locked = guide.obstacle("phone_locked")
    assert locked.message == "Telefon jest zablokowany."
    assert locked.fix == english.obstacle("phone_locked").fix
    assert "messages:setup_intro" in guide.fallbacks
    assert "obstacles:phone_locked.fix" in guide.fallbacks
    assert "messages:setup_title" not in guide.fallbacks
    assert "obstacles:phone_locked.message" not in guide.fallbacks


def test_a_language_with_no_setup_folder_is_english(tmp_path: Path) -> None:
    base = _base(tmp_path, {})
    guide = load_setup_guide("xx", base)
    assert guide.messages == load_setup_guide("en", base).messages
    assert guide.fallbacks


@pytest.mark.parametrize(
    "files",
    [
        {"nokia.yaml": "id: nokia\nname: Nokia\n"},  # no English file to translate
        {"messages.yaml": "id: messages\ndetected_vendor: To jest {producent}.\n"},
        {"obstacles.yaml": "id: obstacles\nphone_locked:\n  hint: x\n"},
    ],
)
def test_a_translation_that_does_not_match_english_is_refused(
    tmp_path: Path, files: dict[str, str]
) -> None:
    with pytest.raises(GuidanceError):
        load_setup_guide("xx", _base(tmp_path, files))
