"""Which language the reader asked for: ``--lang``, else the system locale, else English.

Kept apart from the catalogues (and from YAML) so ``--help`` can choose its language
without loading them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

ENGLISH = "en"
CODE_RE = re.compile(r"^[a-z]{2,3}$")
"""A language code as folders are named: two or three lower-case letters."""


def choose_language(asked: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The language code to use: ``--lang`` first, then the system locale, then English.

    ``pl_PL.UTF-8`` and ``pl-PL`` become ``pl``; ``C`` and ``POSIX`` mean English. A code
    with no catalogue is returned as asked, so the caller can say it is not available.
    """
    if asked:
        return _base_code(asked) or asked.strip().lower()
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return _base_code(value) or ENGLISH
    return ENGLISH


def _base_code(value: str) -> str | None:
    code = value.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    if code in ("c", "posix", ""):
        return ENGLISH
    return code if CODE_RE.match(code) else None
