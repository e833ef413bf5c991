"""The check registry: stable unique ids, declared metadata, guidance that exists."""

from __future__ import annotations

import re

from scanner.checks.registry import all_checks
from scanner.guidance import load_guidance


def test_check_ids_are_unique_and_well_formed():
    ids = [c.id for c in all_checks()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[A-Z]+-\d{3}", i) for i in ids)


def test_every_check_names_guidance_that_exists_and_documents_itself():
    library = load_guidance("en")
    for meta in all_checks():
        library.get(meta.guidance)  # raises GuidanceError when missing
        assert meta.fn.__doc__, f"{meta.id} has no docstring"
        assert meta.sources, f"{meta.id} declares no sources"


def test_every_check_module_is_registered():
    modules = {c.fn.__module__ for c in all_checks()}
    assert modules == {
        "scanner.checks.installer_claim",
        "scanner.checks.known",
        "scanner.checks.posture",
        "scanner.checks.special_access",
        "scanner.checks.spy_behaviour",
        "scanner.checks.traces",
    }
