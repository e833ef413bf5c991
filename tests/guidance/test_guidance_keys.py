"""The guidance keys are the ones the checks declare: each has an English text, and no
English text is left that no check (nor the runner) can name."""

from __future__ import annotations

import subprocess
import sys

from scanner.checks.registry import RUNNER_GUIDANCE_KEYS, all_checks
from scanner.guidance import FINDING_KEYS, REPORT_KEYS, load_guidance


def declared() -> dict[str, set[str]]:
    """Who names each key: check ids, or "runner"."""
    named: dict[str, set[str]] = {}
    for meta in all_checks():
        for key in meta.guidance_keys:
            named.setdefault(key, set()).add(meta.id)
    for key in RUNNER_GUIDANCE_KEYS:
        named.setdefault(key, set()).add("runner")
    return named


def test_finding_keys_are_exactly_what_the_checks_and_the_runner_declare():
    assert sorted(FINDING_KEYS) == sorted(declared())
    assert len(FINDING_KEYS) == len(set(FINDING_KEYS))


def test_every_declared_key_has_an_english_text():
    texts = load_guidance("en").texts
    missing = {key: who for key, who in declared().items() if key not in texts}
    assert missing == {}


def test_every_english_text_is_named_by_a_check_or_the_runner():
    named = declared()
    # The reports' own texts (the legal route) are named by no finding.
    texts = load_guidance("en").texts
    orphans = sorted(key for key in texts if key not in named and key not in REPORT_KEYS)
    assert orphans == []


def test_checks_that_name_more_than_one_key_declare_each():
    by_check = {meta.id: set(meta.guidance_keys) for meta in all_checks()}
    assert by_check["KNOWN-002"] == {"known_stalkerware_certificate", "dual_use"}
    assert by_check["KNOWN-003"] == {"known_sample", "dual_use"}
    assert by_check["POS-008"] == {"http_proxy", "proxy_known_stalkerware"}
    assert by_check["POS-009"] == {"private_dns", "proxy_known_stalkerware"}


def test_the_checks_do_not_import_the_guidance_texts():
    # scanner.guidance derives its keys from the checks; the other way round is a cycle.
    code = "import sys, scanner.checks; assert 'scanner.guidance' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
