"""Property tests: nothing the phone or a file sends can crash the scanner.

Each parser module already has a ``st.text()`` property test (``tests/parse/``); these
add what those do not reach: raw bytes (not only valid text), mutations of real captures
(which get deep into each parser's state), every signature importer and the case file
reader, fed through the same targets as the long campaign (``fuzz/campaign.py``).
Example counts are kept small for CI; the campaign runs the same targets for longer.
"""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.mutate import mutations
from tests.fuzz.targets import IMPORTERS, TARGETS, run, seeds

SEEDS = seeds()
CI = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("name", sorted(TARGETS))
@CI
@given(data=st.binary(max_size=2048))
def test_arbitrary_bytes_raise_nothing_but_our_errors(name: str, data: bytes) -> None:
    assert run(name, data) is None


@pytest.mark.parametrize("name", sorted(n for n in TARGETS if SEEDS[n]))
@CI
@given(choice=st.data())
def test_mutated_real_inputs_raise_nothing_but_our_errors(name: str, choice: st.DataObject) -> None:
    seed = choice.draw(st.sampled_from(SEEDS[name]), label="seed")
    data = choice.draw(mutations(seed), label="mutated")
    assert run(name, data) is None


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.sampled_from(["stalkerware", "watchware", "com.evil.spy", "EvilSpy", "1", ""]),
)
_KEYS = st.sampled_from(
    [
        "name", "type", "kind", "names", "packages", "certificates", "c2", "ips", "domains",
        "websites", "distribution", "families", "schema_version", "source", "date",
        "samples", "sha256", "capabilities", "sources", "objects", "pattern", "id",
    ]
)  # fmt: skip
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(_KEYS | st.text(), inner, max_size=5)
    ),
    max_leaves=25,
)


@pytest.mark.parametrize("name", sorted(n for n in IMPORTERS if n not in ("case file",)))
@CI
@given(document=_VALUES)
def test_well_formed_yaml_of_any_shape_is_refused_cleanly(name: str, document: object) -> None:
    # Valid YAML/JSON with the right words in the wrong places reaches past the syntax
    # check into each importer's validation.
    data = yaml.safe_dump(document, allow_unicode=True).encode("utf-8")
    assert run(name, data) is None
