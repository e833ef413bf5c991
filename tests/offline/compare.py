"""What "the same findings as the live scan" means, in one place."""

from __future__ import annotations

import dataclasses

from scanner.model import Finding, ScanResult

SCANNING_COMPUTER_CHECKS = ("ADB-001", "ADB-002")
"""Which computers a phone trusts depends on who read it: a live scan adds its own
computer to the list, an offline copy holds the list as it was when it was made."""


def _same_on_any_computer(finding: Finding) -> bool:
    return finding.check not in SCANNING_COMPUTER_CHECKS


def finding_keys(result: ScanResult) -> list[tuple[str, str, str, str | None]]:
    return sorted(
        (f.id, f.check, f.severity.value, f.package)
        for f in result.findings
        if _same_on_any_computer(f)
    )


def assert_same_phone(offline: ScanResult, live: ScanResult) -> None:
    """Same packages, settings, device (but the link's serial), access, traces and findings;
    every computer the offline copy trusts is trusted in the live scan too."""
    got, want = offline.snapshot, live.snapshot
    assert got.packages == want.packages
    assert got.settings == want.settings
    assert dataclasses.replace(got.device, serial="") == dataclasses.replace(want.device, serial="")
    assert got.accessibility == want.accessibility
    assert got.notification_listeners == want.notification_listeners
    assert got.root == want.root
    assert got.app_traces == want.app_traces
    assert {c.key for c in got.trusted_computers} <= {c.key for c in want.trusted_computers}
    assert finding_keys(offline) == finding_keys(live)
    kept = sorted((f for f in offline.findings if _same_on_any_computer(f)), key=lambda f: f.id)
    wanted = sorted((f for f in live.findings if _same_on_any_computer(f)), key=lambda f: f.id)
    assert [f.evidence for f in kept] == [f.evidence for f in wanted]
