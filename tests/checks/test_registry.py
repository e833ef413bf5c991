"""The check registry: stable unique ids, declared metadata, guidance that exists."""

from __future__ import annotations

import inspect
import re

import pytest

from scanner.checks.registry import all_checks
from scanner.guidance import load_guidance
from scanner.model import Evidence


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


def test_no_check_body_repeats_its_own_id():
    for meta in all_checks():
        source = inspect.getsource(meta.fn)
        body = source[source.index("\ndef ") :]  # after the decorator, which declares the id
        assert f'"{meta.id}"' not in body, f"{meta.id} repeats its id in its body"


def test_a_check_is_handed_itself_and_its_findings_carry_its_metadata():
    meta = next(c for c in all_checks() if c.id == "POS-003")
    made = meta.finding(title="t", evidence=[Evidence("x", "y")])
    assert (made.check, made.id, made.severity, made.guidance) == (
        "POS-003",
        "POS-003:device",
        meta.severity,
        meta.guidance,
    )


def test_a_finding_naming_guidance_its_check_did_not_declare_is_refused():
    meta = next(c for c in all_checks() if c.id == "POS-003")
    with pytest.raises(ValueError, match="did not declare"):
        meta.finding(title="t", evidence=(), guidance="rooted")
