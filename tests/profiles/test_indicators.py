"""The planted packages are (or, for the unknown spy, are not) in the Echap indicator set."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import shared_path
from tests.profiles.helpers import ProfileText
from tools.fabricate import (
    DUAL_USE,
    KNOWN_STALKERWARE,
    SECOND_STALKERWARE,
    UNKNOWN_SPY,
)


def _families(path: Path) -> dict[str, str]:
    """package -> family name."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {package: entry["name"] for entry in entries for package in entry.get("packages") or ()}


@pytest.fixture(scope="module")
def stalkerware() -> dict[str, str]:
    return _families(shared_path("indicators", "ioc.yaml"))


@pytest.fixture(scope="module")
def watchware() -> dict[str, str]:
    return _families(shared_path("indicators", "watchware.yaml"))


def test_planted_stalkerware_ids_are_real_indicators_of_two_families(
    stalkerware: dict[str, str],
) -> None:
    assert KNOWN_STALKERWARE in stalkerware
    assert SECOND_STALKERWARE in stalkerware
    assert stalkerware[KNOWN_STALKERWARE] != stalkerware[SECOND_STALKERWARE]


def test_unknown_spy_is_in_no_indicator_list(
    stalkerware: dict[str, str], watchware: dict[str, str]
) -> None:
    assert UNKNOWN_SPY not in stalkerware
    assert UNKNOWN_SPY not in watchware


def test_dual_use_app_is_watchware(watchware: dict[str, str]) -> None:
    assert DUAL_USE in watchware


def test_infected_phone_holds_exactly_the_planted_indicator_packages(
    stalkerware: dict[str, str], watchware: dict[str, str]
) -> None:
    installed = set(ProfileText("infected").installed_packages())
    assert installed & set(stalkerware) == {KNOWN_STALKERWARE, SECOND_STALKERWARE}
    assert installed & set(watchware) == {DUAL_USE}


def test_clean_phone_holds_no_indicator_package(
    stalkerware: dict[str, str], watchware: dict[str, str]
) -> None:
    installed = set(ProfileText("clean").installed_packages())
    assert not installed & set(stalkerware)
    assert not installed & set(watchware)
