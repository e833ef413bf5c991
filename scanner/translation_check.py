"""``python -m scanner.translation_check LANG``: what a translation still lacks, and what is wrong.

For translators and reviewers. It reads only the guidance folder and prints, in English
(its readers work on the catalogues), each problem that would break a report (an id or
placeholder English does not have, a plural form the language needs and lacks) and each
text still served in English. Exit 0 when nothing is wrong, 1 otherwise, 2 for a wrong
argument; texts still in English alone do not fail it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.resources.abc import Traversable

from scanner.errors import ScannerError
from scanner.i18n import (
    ENGLISH,
    MessageError,
    available_languages,
    load_language_info,
    placeholders,
    plural_categories,
    read_messages,
)
from scanner.resources import guidance_root


def problems(lang: str, base_dir: Traversable | None = None) -> tuple[list[str], list[str]]:
    """(problems, texts still in English) for ``lang``'s catalogues."""
    wrong: list[str] = []
    english_only: list[str] = []
    try:
        english = read_messages(ENGLISH, base_dir)
        own = read_messages(lang, base_dir)
        load_language_info(lang, base_dir)
    except (MessageError, ScannerError, OSError) as exc:
        return [f"the catalogue cannot be read: {exc}"], []
    needed = set(plural_categories(lang))
    for key, message in own.items():
        if key not in english:
            wrong.append(f"messages: {key} is not an English message id")
            continue
        theirs = english[key]
        english_names = placeholders(theirs if isinstance(theirs, str) else theirs["other"])
        forms = {"other": message} if isinstance(message, str) else dict(message)
        if not isinstance(theirs, str):
            lacking = needed - set(forms)
            if lacking:
                wrong.append(f"messages: {key} lacks plural forms {sorted(lacking)}")
        for form, text in forms.items():
            extra = placeholders(text) - english_names - {"count"}
            if extra:
                wrong.append(f"messages: {key} ({form}) uses unknown placeholders {sorted(extra)}")
    english_only += [f"messages: {key}" for key in sorted(set(english) - set(own))]
    english_only += _guidance_fallbacks(lang, base_dir, wrong)
    return wrong, english_only


def _guidance_fallbacks(lang: str, base_dir: Traversable | None, wrong: list[str]) -> list[str]:
    from scanner.guidance import load_guidance, load_helplines
    from scanner.setup_guide import load_setup_guide

    found: list[str] = []
    try:
        found += [f"guidance: {key}" for key in sorted(load_guidance(lang, base_dir).fallbacks)]
    except ScannerError as exc:
        wrong.append(f"guidance: {exc.message} {exc.detail}")
    try:
        found += [f"setup: {key}" for key in sorted(load_setup_guide(lang, base_dir).fallbacks)]
    except ScannerError as exc:
        wrong.append(f"setup: {exc.message} {exc.detail}")
    try:
        for line in load_helplines("uk", base_dir, lang=lang):
            if not line.translated:
                found.append(f"helplines: uk.{line.id}")
    except ScannerError as exc:
        wrong.append(f"helplines: {exc.message} {exc.detail}")
    return found


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    base = guidance_root()
    known = [code for code in available_languages(base) if code != ENGLISH]
    if len(args) != 1 or args[0] not in known:
        _say(f"Usage: python -m scanner.translation_check LANG (one of: {', '.join(known)})")
        return 2
    lang = args[0]
    wrong, english_only = problems(lang, base)
    info = load_language_info(lang, base)
    _say(
        f"{info.english_name} ({lang}), {info.direction}, plural forms: "
        f"{', '.join(plural_categories(lang))}"
    )
    _say(
        "Signed off by a native reader: "
        + (f"yes, {info.reviewer} on {info.reviewed_on}" if info.reviewed else "not yet")
    )
    for line in wrong:
        _say(f"PROBLEM  {line}")
    for line in english_only:
        _say(f"ENGLISH  {line}")
    _say(f"{len(wrong)} problem(s), {len(english_only)} text(s) still in English.")
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
