"""The app-name catalogue: the names people see for apps whose label the phone does not
print (``dumpsys package`` prints none) and whose APK was not read.

Built by ``tools/build_signatures.py`` from our own list of common apps
(``signatures/common-apps.yaml``), Echap's family names and ISDi's titles, in that order
of preference, and shipped as ``signatures/app-names.yaml``. Pure functions apart from
``shipped``, which reads the shipped file once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any, Final

import yaml

from scanner.resources import signatures_root
from scanner.sigdb.isdi import Row
from scanner.sigdb.model import Family
from scanner.sigdb.problems import malformed_file, problem
from scanner.sigdb.schema import load_yaml

SHIPPED_FILE: Final = "app-names.yaml"
COMMON_FILE: Final = "common-apps.yaml"
_COMMENT: Final = (
    "# App names for packages whose label the phone does not print. Built by\n"
    "# tools/build_signatures.py from common-apps.yaml (ours), Echap's family names and\n"
    "# ISDi's titles; a label read from the app's own file wins over these.\n"
)
_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def parse(data: bytes | str, file: str) -> dict[str, str]:
    """A ``package: name`` mapping; anything else is refused."""
    raw = load_yaml(data, file)
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
    ):
        raise malformed_file(file, problem("not_app_names"))
    return {k: " ".join(v.split()) for k, v in raw.items() if v.strip()}


def build(
    common: Mapping[str, str], families: Sequence[Family], isdi_rows: Iterable[Row]
) -> dict[str, str]:
    """``package: name`` for every package any input names; earlier inputs win."""
    names: dict[str, str] = dict(common)
    for fam in families:
        if not any(s.startswith("echap:") for s in fam.sources):
            continue  # an ISDi-only family's name is its title, taken below per package
        for package in fam.packages:
            names.setdefault(package, fam.name)
    for row in isdi_rows:
        if row.title != row.package:  # some titles are only the id again
            names.setdefault(row.package, row.title)
    return dict(sorted(names.items()))


def dump(names: Mapping[str, str]) -> bytes:
    """The canonical bytes of a catalogue (sorted, one entry a line)."""
    text: str = yaml.dump(
        dict(sorted(names.items())),
        Dumper=_Dumper,
        sort_keys=True,
        allow_unicode=True,
        default_flow_style=False,
        width=1000,
    )
    return (_COMMENT + text).encode("utf-8")


@cache
def shipped() -> Mapping[str, str]:
    """The shipped catalogue; empty when the file is missing (names fall back to ids)."""
    try:
        data = (signatures_root() / SHIPPED_FILE).read_bytes()
    except OSError:
        return {}
    return parse(data, SHIPPED_FILE)
