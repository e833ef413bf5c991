"""Paths to our own fixtures and to the real captures in ../shared (read in place)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import shared_path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def fixture_text(*parts: str) -> str:
    """One of our own fixtures, decoded as the phone's UTF-8."""
    return FIXTURES.joinpath(*parts).read_text(encoding="utf-8")


def real_text(*parts: str) -> str:
    """A real capture under ../shared/device-outputs (skips when absent)."""
    return shared_path("device-outputs", *parts).read_bytes().decode("utf-8", errors="replace")
