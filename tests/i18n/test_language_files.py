"""Every translation matches English in shape: the same keys, the same placeholders, the
plural forms its language really has, lists of the same length, and the risk of removal
said before removal, in its own words.

Checked on every language folder with ``language.yaml`` and on a pseudo-language built
from English (so the checks are proven to run on a complete translation). The languages in
``COMPLETE`` must have every key; a new language whose files are not complete yet is
marked xfail (not strict) by the completeness test, with the missing keys named; what it
has must still match.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from scanner.i18n import (
    PLURAL_CATEGORIES,
    available_languages,
    placeholders,
    plural_categories,
    read_messages,
)
from scanner.resources import guidance_root
from tests.i18n import pseudo

ROOT = Path(str(guidance_root()))
REAL = tuple(code for code in available_languages() if code != "en")
_SENTENCE_END = re.compile(r"(?<=[.!?؟۔।])\s+|\n+")


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


def _guidance(root: Path, lang: str) -> dict[str, Any]:
    """Every guidance value of one language as ``file.field`` (lists kept as lists)."""
    out: dict[str, Any] = {}
    for path in sorted((root / lang).glob("*.yaml")):
        if path.name in ("language.yaml", "helplines.yaml"):  # not guidance texts
            continue
        for field, value in _load(path).items():
            out[f"{path.stem}.{field}"] = value
    for path in sorted((root / lang).glob("setup/*.yaml")):
        for field, value in _load(path).items():
            out[f"setup/{path.stem}.{field}"] = value
    return out


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, Mapping):
        return [s for item in value.values() for s in _strings(item)]
    return []


def _names(value: Any) -> frozenset[str]:
    return frozenset(name for text in _strings(value) for name in placeholders(text))


def _shape(value: Any) -> Any:
    """Lists' lengths and mappings' keys, all the way down (what must match English)."""
    if isinstance(value, list):
        return [_shape(item) for item in value]
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    return type(value).__name__


@pytest.fixture(scope="module")
def pseudo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pseudo.build(tmp_path_factory.mktemp("pseudo"), "ar", "rtl")


def _languages() -> list[Any]:
    return [pytest.param(("real", code), id=code) for code in REAL] + [
        pytest.param(("pseudo", "ar"), id="pseudo-ar")
    ]


def _where(which: tuple[str, str], pseudo_root: Path) -> tuple[Path, str]:
    kind, code = which
    return (pseudo_root if kind == "pseudo" else ROOT), code


def _missing(root: Path, lang: str) -> list[str]:
    english = {**_guidance(root, "en"), **read_messages("en", root)}
    own = {**_guidance(root, lang), **read_messages(lang, root)}
    return sorted(key for key in english if key not in own)


COMPLETE = ("pl", "ro", "ar", "ur", "bn")
"""Languages the scanner ships complete (issue 19): a missing key fails, never xfails."""


def _completeness_params() -> list[Any]:
    params = [pytest.param(("pseudo", "ar"), id="pseudo-ar")]
    for code in REAL:
        missing = _missing(ROOT, code)
        marks = (
            [pytest.mark.xfail(reason=f"{code} lacks {len(missing)}: {missing[:8]}", strict=False)]
            if missing and code not in COMPLETE
            else []
        )
        params.append(pytest.param(("real", code), id=code, marks=marks))
    return params


@pytest.mark.parametrize("which", _completeness_params())
def test_every_english_key_is_translated(which: tuple[str, str], pseudo_root: Path) -> None:
    root, code = _where(which, pseudo_root)
    assert _missing(root, code) == []


@pytest.mark.parametrize("which", _languages())
def test_no_key_english_does_not_have(which: tuple[str, str], pseudo_root: Path) -> None:
    root, code = _where(which, pseudo_root)
    english = {**_guidance(root, "en"), **read_messages("en", root)}
    own = {**_guidance(root, code), **read_messages(code, root)}
    assert sorted(set(own) - set(english)) == []


@pytest.mark.parametrize("which", _languages())
def test_placeholders_match_english(which: tuple[str, str], pseudo_root: Path) -> None:
    root, code = _where(which, pseudo_root)
    english = read_messages("en", root)
    wrong = []
    for key, message in read_messages(code, root).items():
        want = _names(english[key])
        if isinstance(message, str):
            if _names(message) != want:
                wrong.append(key)
            continue
        for form, text in message.items():
            got = placeholders(text)
            # A "one" or "two" form may say the number in words ("a single app").
            spelled = form in ("zero", "one", "two") and got == want - {"count"}
            if got != want and not spelled:
                wrong.append(f"{key}.{form}")
    en_guidance = _guidance(root, "en")
    for key, value in _guidance(root, code).items():
        if key in en_guidance and _names(value) != _names(en_guidance[key]):
            wrong.append(key)
    assert wrong == []


@pytest.mark.parametrize("which", _languages())
def test_plural_forms_are_the_languages_own(which: tuple[str, str], pseudo_root: Path) -> None:
    root, code = _where(which, pseudo_root)
    babel = plural_categories(code)
    info = _load(root / code / "language.yaml")
    assert tuple(info.get("plural_categories") or ()) == babel
    english = read_messages("en", root)
    wrong = [
        key
        for key, message in read_messages(code, root).items()
        if isinstance(english[key], str) != isinstance(message, str)
        or (
            not isinstance(message, str)
            and tuple(c for c in PLURAL_CATEGORIES if c in message) != babel
        )
    ]
    assert wrong == []


@pytest.mark.parametrize("which", _languages())
def test_lists_and_fields_have_the_english_shape(which: tuple[str, str], pseudo_root: Path) -> None:
    root, code = _where(which, pseudo_root)
    english = _guidance(root, "en")
    wrong = [
        key
        for key, value in _guidance(root, code).items()
        if key in english and _shape(value) != _shape(english[key])
    ]
    assert wrong == []


@pytest.mark.parametrize("which", _languages())
def test_language_file_says_what_the_report_needs(
    which: tuple[str, str], pseudo_root: Path
) -> None:
    root, code = _where(which, pseudo_root)
    info = _load(root / code / "language.yaml")
    assert info["code"] == code
    assert info["direction"] in ("ltr", "rtl")
    assert isinstance(info["reviewed"], bool)
    assert not info["reviewed"] or (info.get("reviewer") and info.get("reviewed_on"))
    assert info["name"] and info["english_name"]
    assert info["removal_words"] and info["risk_words"]


# --- (b) removal risk before removal, in the language's own words ------------------------


def risk_first_problems(text: str, removal: list[str], risk: list[str]) -> list[str]:
    """Every sentence that mentions removal before any risk has been said must say a risk
    itself (the English rule of tests/guidance, with the language's own word stems)."""
    seen_risk = False
    for sentence in (s for s in _SENTENCE_END.split(text) if s.strip()):
        lower = sentence.lower()
        has_risk = any(word.lower() in lower for word in risk)
        if not seen_risk and not has_risk and any(w.lower() in lower for w in removal):
            return [f"removal before its risk: {sentence!r}"]
        seen_risk = seen_risk or has_risk
    return []


def _prose(root: Path, lang: str) -> list[tuple[str, str]]:
    """The fields the English rule reads, from the language's own files (no fallback)."""
    out = []
    for path in sorted((root / lang).glob("*.yaml")):
        if path.name == "language.yaml":
            continue
        data = _load(path)
        out.extend(
            (f"{path.stem}.{field}", data[field])
            for field in ("what_it_means", "removal_warning")
            if isinstance(data.get(field), str)
        )
        for i, option in enumerate(data.get("options") or []):
            out.append((f"{path.stem}.options[{i}]", option))
        if path.stem == "ui":
            out += [(f"ui.{k}", v) for k, v in data.items() if isinstance(v, str)]
    return out


def test_the_risk_rule_catches_removal_offered_first() -> None:
    removal, risk = ["remov"], ["alert"]
    assert risk_first_problems("You could remove it. It can alert them.", removal, risk)
    assert not risk_first_problems(
        "Removing it can alert them. You could remove it.", removal, risk
    )
    assert not risk_first_problems("It can alert them. You could remove it.", removal, risk)


@pytest.mark.parametrize("which", _languages())
def test_removal_risk_comes_before_removal(which: tuple[str, str], pseudo_root: Path) -> None:
    root, code = _where(which, pseudo_root)
    info = _load(root / code / "language.yaml")
    removal, risk = list(info["removal_words"]), list(info["risk_words"])
    problems = [
        f"{where}: {problem}"
        for where, text in _prose(root, code)
        for problem in risk_first_problems(text, removal, risk)
    ]
    assert problems == []
