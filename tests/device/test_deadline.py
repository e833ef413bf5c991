"""``Deadline``: a fixed allowance, stretched only while bytes keep a floor rate."""

from __future__ import annotations

import pytest

from scanner.device.deadline import Deadline


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_fixed_deadline_ends_after_its_allowance_whatever_arrives() -> None:
    clock = Clock()
    deadline = Deadline(3.0, clock=clock)
    deadline.add(10_000_000)
    clock.now += 2.5
    assert deadline.remaining_s() == pytest.approx(0.5)
    clock.now += 1.0
    assert deadline.remaining_s() < 0


def test_a_transfer_at_or_above_the_floor_rate_may_outlast_the_allowance() -> None:
    clock = Clock()
    deadline = Deadline(3.0, floor_bytes_per_s=100_000, clock=clock)
    clock.now += 10.0
    deadline.add(1_200_000)  # 12 s worth at the floor rate
    assert deadline.limit_s() == pytest.approx(12.0)
    assert deadline.remaining_s() == pytest.approx(2.0)


def test_a_trickle_below_the_floor_rate_is_cut_at_the_allowance() -> None:
    clock = Clock()
    deadline = Deadline(3.0, floor_bytes_per_s=100_000, clock=clock)
    for _ in range(4):
        clock.now += 1.0
        deadline.add(1)  # a byte a second
    assert deadline.limit_s() == 3.0
    assert deadline.remaining_s() == pytest.approx(-1.0)
    assert deadline.elapsed_s() == pytest.approx(4.0)


def test_negative_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        Deadline(-1.0)
    with pytest.raises(ValueError, match="negative"):
        Deadline(1.0, floor_bytes_per_s=-5)
