"""Helpers shared by the parsers."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from scanner.parse.common import collector_paused
from scanner.parse.packages import parse_dumpsys_package
from tests.parse.helpers import FIXTURES


@pytest.fixture
def collector_state() -> Iterator[None]:
    was_on = gc.isenabled()
    yield
    if was_on:
        gc.enable()
    else:
        gc.disable()


def test_collector_paused_turns_the_collector_off_then_back_on(collector_state: None) -> None:
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_collector_paused_leaves_a_collector_that_was_off_off(collector_state: None) -> None:
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_collector_paused_turns_it_back_on_after_an_error(collector_state: None) -> None:
    gc.enable()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


@pytest.mark.parametrize("first_out", ["first in", "second in"])
def test_collector_paused_overlapping_on_two_threads_ends_with_the_collector_on(
    collector_state: None, first_out: str
) -> None:
    # The scan parses on a worker thread, so two pauses can overlap in either order of
    # leaving; whichever order, the collector must not stay off.
    gc.enable()
    first, second = collector_paused(), collector_paused()
    first.__enter__()
    second.__enter__()
    leaving = [first, second] if first_out == "first in" else [second, first]
    leaving[0].__exit__(None, None, None)
    leaving[1].__exit__(None, None, None)
    assert gc.isenabled()


@pytest.mark.parametrize("on", [True, False])
def test_parsing_a_package_dump_leaves_the_collector_as_it_was(
    collector_state: None, on: bool
) -> None:
    gc.enable() if on else gc.disable()
    text = (FIXTURES / "dumpsys_package" / "pixel8_a14.txt").read_text(encoding="utf-8")
    assert parse_dumpsys_package(text).records
    assert gc.isenabled() is on
