"""The loader of our own YAML (catalogues, guidance, setup steps): what safe loading reads,
a duplicate key refused with where it is, and libyaml's parser wherever PyYAML has it."""

from __future__ import annotations

import pytest
import yaml

from scanner.strict_yaml import StrictLoader

DOCUMENT = """\
title: Stay safe
steps:
  - "Plan with an advocate first"
  - {when: later, plural: {one: "{count} app", other: "{count} apps"}}
note: |
  Two lines
  of text
"""


def test_it_reads_what_safe_loading_reads() -> None:
    assert yaml.load(DOCUMENT, Loader=StrictLoader) == yaml.safe_load(DOCUMENT)  # noqa: S506


@pytest.mark.parametrize(
    ("text", "line"),
    [("a: 1\nb: 2\na: 3\n", 3), ("outer:\n  x: 1\n  y: 2\n  x: 1\n", 4)],
)
def test_a_duplicate_key_is_refused_with_where_it_is(text: str, line: int) -> None:
    with pytest.raises(yaml.constructor.ConstructorError) as raised:
        yaml.load(text, Loader=StrictLoader)  # noqa: S506 - the loader under test
    assert "duplicate key" in str(raised.value)
    assert raised.value.problem_mark is not None
    assert raised.value.problem_mark.line + 1 == line


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="this PyYAML was built without libyaml")
def test_it_parses_with_libyaml_where_pyyaml_has_it() -> None:
    assert issubclass(StrictLoader, yaml.CSafeLoader)
