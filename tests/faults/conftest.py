"""Every fault test runs the real CLI with private config/data folders and no colour."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from scanner.simulator import Profile, SimulatedPhone, load_profile
from scanner.simulator.faults import FaultPlan


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("NO_COLOR", "1")
    # Wide enough that rich never folds a long file path in the middle.
    monkeypatch.setenv("COLUMNS", "1000")


@pytest.fixture(scope="session")
def infected() -> Profile:
    return load_profile("infected")


@pytest.fixture
def phone_with(infected: Profile) -> Iterator[Callable[..., SimulatedPhone]]:
    """Start a simulated phone with a fault plan; every phone is stopped at the end."""
    phones: list[SimulatedPhone] = []

    def start(faults: FaultPlan, profile: Profile | None = None) -> SimulatedPhone:
        phone = SimulatedPhone(profile or infected, faults=faults)
        phone.start()
        phones.append(phone)
        return phone

    yield start
    for phone in phones:
        phone.stop()
