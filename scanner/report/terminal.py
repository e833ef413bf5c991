"""The terminal report (rich): calm summary first, then findings, then next steps.

Every string that came from the phone is passed as ``Text`` or escaped, never read as
markup: an app label is attacker controlled.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from scanner.pipeline import ScanResult


def render(result: ScanResult, console: Console) -> None:
    device = result.snapshot.device
    console.rule("Phone check")
    name = " ".join(x for x in (device.manufacturer, device.model) if x) or "Unknown phone"
    line = Text(f"{name}, Android {device.android_version or '?'}")
    console.print(line)
    console.print(f"Apps checked: {len(result.snapshot.packages)}")
    if result.findings:
        console.print(Text(f"{len(result.findings)} things to look at:"))
        for finding in sorted(result.findings, key=lambda f: f.severity.rank):
            console.print(Text(f"  [{finding.severity.value}] {finding.title}"))
    else:
        console.print("No known stalkerware was found in what the scan could read.")
    if not result.complete:
        console.print(Text("The scan is incomplete. Parts that could not be read:"))
        for problem in result.problems:
            console.print(Text(f"  - {problem.source}: {problem.message}"))
    if result.warnings:
        console.print(
            Text(f"{len(result.warnings)} parts of the phone's answers were not understood.")
        )
