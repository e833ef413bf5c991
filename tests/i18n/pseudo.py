"""A pseudo-language made from the English catalogues, for tests that must see every word.

Every word of every English message and guidance text is reversed and wrapped in
``⟪…⟫`` (placeholders and the guidance ids stay as they are), so a rendered report in the
pseudo-language shows at a glance which words still come from code: those are the words
left outside the brackets.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from scanner.i18n import plural_categories
from scanner.resources import guidance_root

OPEN, CLOSE = "⟪", "⟫"
WRAPPED = re.compile(f"{OPEN}[^{CLOSE}]*{CLOSE}")
_PLACEHOLDER = re.compile(r"(\{[^{}]*\})")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
# Fields that name things rather than say them: kept as they are.
_KEEP_FIELDS = frozenset({"id", "aliases"})


def pseudo_word(word: str) -> str:
    return f"{OPEN}{word[::-1]}{CLOSE}"


def transform(text: str) -> str:
    """Every word of ``text`` reversed and wrapped; ``{placeholders}`` untouched."""
    pieces = _PLACEHOLDER.split(text)
    return "".join(
        piece if piece.startswith("{") else _WORD.sub(lambda m: pseudo_word(m.group(0)), piece)
        for piece in pieces
    )


def _value(value: Any) -> Any:
    if isinstance(value, str):
        return transform(value)
    if isinstance(value, list):
        return [_value(item) for item in value]
    if isinstance(value, dict):
        return {k: v if k in _KEEP_FIELDS else _value(v) for k, v in value.items()}
    return value


def _message(value: Any, categories: Iterable[str]) -> Any:
    if isinstance(value, str):
        return transform(value)
    # Plural forms: every category the language uses, from English's nearest form.
    return {c: transform(value.get(c) or value["other"]) for c in categories}


def _dump(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


REMOVAL_STEMS = ("remov", "uninstall", "delet", "disabl", "revok", "reset")
RISK_STEMS = ("alert", "danger", "notic", "evidence", "safety")


def build(root: Path, code: str, direction: str = "ltr") -> Path:
    """A guidance tree at ``root``: the installed English (and helplines) plus ``code``,
    the pseudo-language. Returns ``root``."""
    source = Path(str(guidance_root()))
    shutil.copytree(source / "en", root / "en")
    shutil.copy(source / "helplines.yaml", root / "helplines.yaml")
    target = root / code
    categories = plural_categories(code)
    for path in sorted((source / "en").glob("*.yaml")):
        _dump(target / path.name, _value(_load(path)))
    for path in sorted((source / "en" / "setup").glob("*.yaml")):
        _dump(target / "setup" / path.name, _value(_load(path)))
    for path in sorted((source / "en" / "messages").glob("*.yaml")):
        data = _load(path)
        _dump(
            target / "messages" / path.name, {k: _message(v, categories) for k, v in data.items()}
        )
    _dump(
        target / "language.yaml",
        {
            "code": code,
            "name": transform("Pseudo"),
            "english_name": "Pseudo",
            "direction": direction,
            "reviewed": False,
            "reviewer": None,
            "reviewed_on": None,
            "plural_categories": list(categories),
            # The English stems, reversed as the words are, so the risk-first rule applies.
            "removal_words": [s[::-1] for s in REMOVAL_STEMS],
            "risk_words": [s[::-1] for s in RISK_STEMS],
        },
    )
    return root
