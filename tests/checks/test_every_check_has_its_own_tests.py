"""Every registered check has its own positive and clean test in this folder.

Tests say which check they prove with ``@pytest.mark.fires(id)`` (it reports, with the
right severity, package and guidance) and ``@pytest.mark.silent(id)`` (on an ordinary
phone's equivalent it says nothing). The tags are read from the test modules
themselves, so this holds however the suite is run or filtered.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import pytest

import tests.checks
from scanner.checks.registry import all_checks

KINDS = ("fires", "silent")


def tags() -> Iterator[tuple[str, str, str]]:
    """(kind, check id, test) for every tagged test function in tests/checks."""
    for info in pkgutil.iter_modules(tests.checks.__path__):
        if not info.name.startswith("test_"):
            continue
        module = importlib.import_module(f"tests.checks.{info.name}")
        for name, value in vars(module).items():
            if not name.startswith("test_"):
                continue
            for mark in getattr(value, "pytestmark", ()):
                if mark.name in KINDS:
                    for check_id in mark.args:
                        yield mark.name, check_id, f"{info.name}::{name}"


def proved_by_kind() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for kind, check_id, _ in tags():
        found[kind].add(check_id)
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_every_registered_check_has_a_tagged_test(kind: str) -> None:
    registered = {c.id for c in all_checks()}
    assert len(registered) >= 21
    missing = sorted(registered - proved_by_kind()[kind])
    assert missing == [], f"checks with no '{kind}' test"


def test_every_tag_names_a_registered_check() -> None:
    registered = {c.id for c in all_checks()}
    unknown = sorted((check_id, test) for _, check_id, test in tags() if check_id not in registered)
    assert unknown == []


def test_each_check_module_has_its_own_test_module() -> None:
    modules = {c.fn.__module__.rsplit(".", 1)[1] for c in all_checks()}
    here = {info.name for info in pkgutil.iter_modules(tests.checks.__path__)}
    assert sorted(m for m in modules if f"test_{m}" not in here) == []
    for module in modules:
        own = {c.id for c in all_checks() if c.fn.__module__.endswith(f".{module}")}
        for kind in KINDS:
            proved = {c for k, c, t in tags() if k == kind and t.startswith(f"test_{module}::")}
            assert own <= proved, f"test_{module}.py has no '{kind}' test of {sorted(own - proved)}"
