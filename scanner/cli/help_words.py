"""The ``--help`` texts in the reader's language, read without the message catalogues.

``--help`` must answer at once, so it reads only ``guidance/<lang>/messages/help.yaml``
(and English's, for any text the language lacks) with YAML's C loader where it is built,
never Babel or the other groups. A help file that cannot be read leaves the text blank:
argparse still lists every option, and a scan never depends on its help.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from scanner.language_choice import CODE_RE, ENGLISH, choose_language

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

HELP = "help"


def asked_language(argv: Sequence[str]) -> str | None:
    """The ``--lang`` value in ``argv`` wherever it stands (argparse answers ``--help``
    as soon as it meets it, before a later ``--lang`` is read)."""
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg[len("--lang=") :]
    return None


def _read(lang: str, base_dir: Traversable | None = None, group: str = HELP) -> dict[str, str]:
    if not CODE_RE.match(lang):
        return {}  # never a path made from what was typed
    import yaml

    from scanner.resources import guidance_root

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = guidance_root() if base_dir is None else base_dir
        path = root / lang / "messages" / f"{group}.yaml"
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - safe
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {f"{group}.{k}": v for k, v in data.items() if isinstance(v, str)}


class HelpWords:
    """One group's texts (``help.*`` unless told) for one language, English per text where
    it has none (English's file is read only when a text is missing, so a complete
    language reads one file)."""

    def __init__(
        self,
        own: Mapping[str, str],
        english: Mapping[str, str] | None = None,
        base_dir: Traversable | None = None,
        *,
        lang: str = ENGLISH,
        group: str = HELP,
    ) -> None:
        self._own = own
        self._english = english
        self._base_dir = base_dir
        self.lang = lang
        self.group = group

    def _english_text(self, key: str) -> str | None:
        if self._english is None:
            self._english = _read(ENGLISH, self._base_dir, self.group)
        return self._english.get(key)

    def text(self, key: str, **values: object) -> str:
        said = _filled(self._own.get(key), values)
        if said is None:  # not translated, or a broken placeholder: English instead
            said = _filled(self._english_text(key), values)
        return said or ""


def _filled(template: str | None, values: Mapping[str, object]) -> str | None:
    if not template:
        return None
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError):
        return None


def help_words(argv: Sequence[str] = (), base_dir: Traversable | None = None) -> HelpWords:
    """The help texts for ``--lang`` in ``argv``, else the system locale, else English.

    ``--version`` alone shows no help, so it reads nothing (and answers at once)."""
    if "--version" in argv and not {"-h", "--help"} & set(argv):
        return HelpWords({}, {}, lang=choose_language(asked_language(argv)))
    lang = choose_language(asked_language(argv))
    return HelpWords(_read(lang, base_dir), base_dir=base_dir, lang=lang)


def group_words(group: str, lang: str, base_dir: Traversable | None = None) -> HelpWords:
    """Another small group's texts read the same light way (argparse's mistakes are said
    without loading the message catalogues or Babel)."""
    return HelpWords(_read(lang, base_dir, group), base_dir=base_dir, lang=lang, group=group)
