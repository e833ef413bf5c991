"""ScanResults built from the model dataclasses, for the report tests.

They are built by hand (not by scanning) so each test controls exactly what a report must
show, including hostile text that a phone could send.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from scanner.model import (
    CollectionWarning,
    CommandResult,
    Confidence,
    DatabaseSummary,
    DeviceInfo,
    DeviceSnapshot,
    Evidence,
    Finding,
    Package,
    PullRecord,
    RawCapture,
    ScanProblem,
    ScanResult,
    Severity,
)

HOSTILE_LABEL = "<script>alert(1)</script>"
HOSTILE_ATTR = '"><img src=x onerror=alert(2)>'
SPY_PACKAGE = "com.example.spy"
DB_SHA256 = hashlib.sha256(b"signature database").hexdigest()
STARTED = datetime(2024, 5, 1, 10, 2, 3, 123456, tzinfo=UTC)
FINISHED = datetime(2024, 5, 1, 10, 3, 45, tzinfo=UTC)


def _commands(complete: bool) -> tuple[CommandResult, ...]:
    results = [
        CommandResult("getprop", b"[ro.product.model]: [Pixel 8]\n", duration_s=0.1234),
        CommandResult(
            "dumpsys package", b"Packages:\n  Package [com.example.spy]\n", duration_s=1.5
        ),
    ]
    if not complete:
        results.append(
            CommandResult("dumpsys accessibility", None, error="the phone stopped answering")
        )
    return tuple(results)


def stalkerware_finding(label: str = HOSTILE_LABEL) -> Finding:
    return Finding(
        id=f"KNOWN-001:{SPY_PACKAGE}",
        check="KNOWN-001",
        severity=Severity.STALKERWARE,
        title=f"{label} is known stalkerware (TheSpy)",
        evidence=(
            Evidence("dumpsys package", f"package {SPY_PACKAGE} is installed"),
            Evidence("signatures", f"listed as TheSpy in echap; label {label}"),
        ),
        guidance="known_stalkerware",
        package=SPY_PACKAGE,
        family="TheSpy",
        capabilities=("read your messages", "track where the phone is"),
    )


def review_finding() -> Finding:
    return Finding(
        id="ACC-001:com.example.reader",
        check="ACC-001",
        severity=Severity.REVIEW,
        title="Screen Reader Plus can see your screen",
        evidence=(Evidence("dumpsys accessibility", "com.example.reader/.Service is enabled"),),
        guidance="accessibility_service",
        package="com.example.reader",
        confidence=Confidence.MEDIUM,
    )


def high_finding() -> Finding:
    return Finding(
        id="ADM-002:com.example.mdm",
        check="ADM-002",
        severity=Severity.HIGH,
        title="An app controls this phone as its owner",
        evidence=(Evidence("dumpsys device_policy", "Device Owner: com.example.mdm"),),
        guidance="device_owner",
        package="com.example.mdm",
    )


def info_finding() -> Finding:
    return Finding(
        id="POS-003",
        check="POS-003",
        severity=Severity.INFO,
        title="USB debugging is on",
        evidence=(Evidence("settings get global adb_enabled", "adb_enabled=1"),),
        guidance="usb_debugging",
    )


def signatures_summary() -> DatabaseSummary:
    """What ``scanner.sigdb.commands.db_summary`` returns, for a made-up database."""
    return DatabaseSummary(
        source="Echap stalkerware-indicators",
        source_version="a04c5c1958bff93fec3b1b56edbb412b209f2a38",
        date="2024-04-20",
        sha256=DB_SHA256,
        families=187,
        stalkerware=170,
        dual_use=17,
        packages=900,
        certificates=120,
        samples=3000,
        licence="CC-BY-4.0",
        attribution="Echap",
        warning="This list cannot name every spying app.",
    )


def build_result(
    *,
    findings: tuple[Finding, ...] = (),
    complete: bool = True,
    label: str = HOSTILE_LABEL,
    model: str = "Pixel 8",
    signatures: bool = True,
) -> ScanResult:
    """A ScanResult for a Pixel 8 with one (hostile-labelled) spy app installed."""
    capture = RawCapture(
        results=_commands(complete),
        serial="192.168.1.20:5555",
        transport="tcp",
        interrupted="" if complete else "the phone was unplugged",
    )
    snapshot = DeviceSnapshot(
        device=DeviceInfo(
            manufacturer="Google",
            model=model,
            brand="google",
            device="shiba",
            android_version="14",
            sdk=34,
            security_patch="2024-04-05",
            fingerprint="google/shiba/shiba:14/AP1A.240405.002/11480754:user/release-keys",
            build_type="user",
            build_tags="release-keys",
            debuggable=False,
            timezone="Europe/London",
        ),
        packages=(
            Package(SPY_PACKAGE, label=label),
            Package("com.example.reader", label="Screen Reader Plus"),
            Package("com.android.chrome", label="Chrome", system=True),
        ),
        warnings=(CollectionWarning("dumpsys package", "a line was not understood", 12, "??"),),
        sources_read=("getprop", "dumpsys package"),
    )
    problems: tuple[ScanProblem, ...] = ()
    pulls: tuple[PullRecord, ...] = (
        PullRecord(
            package=SPY_PACKAGE,
            path="/data/app/com.example.spy-1/base.apk",
            ok=True,
            size_bytes=2048,
            sha256=hashlib.sha256(b"apk").hexdigest(),
            duration_s=0.4,
        ),
    )
    if not complete:
        problems = (
            ScanProblem("the phone was unplugged", "connection"),
            ScanProblem("the phone stopped answering", "dumpsys accessibility"),
        )
    return ScanResult(
        started_at=STARTED,
        finished_at=FINISHED,
        capture=capture,
        snapshot=snapshot,
        findings=findings,
        signatures=signatures_summary() if signatures else None,
        problems=problems,
        pulls=pulls,
        link={"bytes_received": 4096, "bytes_sent": 512, "streams_opened": 3},
    )
