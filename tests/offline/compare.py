"""What "the same findings as the live scan" means, in one place."""

from __future__ import annotations

import dataclasses

from scanner.model import ScanResult


def finding_keys(result: ScanResult) -> list[tuple[str, str, str, str | None]]:
    return sorted((f.id, f.check, f.severity.value, f.package) for f in result.findings)


def assert_same_phone(offline: ScanResult, live: ScanResult) -> None:
    """Same packages, settings, device (but the link's serial), access and findings."""
    got, want = offline.snapshot, live.snapshot
    assert got.packages == want.packages
    assert got.settings == want.settings
    assert dataclasses.replace(got.device, serial="") == dataclasses.replace(want.device, serial="")
    assert got.accessibility == want.accessibility
    assert got.notification_listeners == want.notification_listeners
    assert got.root == want.root
    assert finding_keys(offline) == finding_keys(live)
    assert [f.evidence for f in sorted(offline.findings, key=lambda f: f.id)] == [
        f.evidence for f in sorted(live.findings, key=lambda f: f.id)
    ]
