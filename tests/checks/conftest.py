"""Tags that say which check a test proves: ``fires`` (a positive test: the check reports,
with the right severity, package and guidance) or ``silent`` (a clean test: on an ordinary
phone's equivalent it says nothing). ``test_every_check_has_its_own_tests`` reads them."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fires(*check_ids): a positive test of these checks")
    config.addinivalue_line("markers", "silent(*check_ids): a clean test of these checks")
