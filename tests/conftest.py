"""Shared test helpers: where ../shared is, and profiles built from real captures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test with a clear reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must have ../shared beside the clone, but {path} is missing")
        pytest.skip(
            f"{path} is not here: the real phone captures live in ../shared beside the "
            "project (CI has them; a fresh user clone does not)"
        )
    return path
