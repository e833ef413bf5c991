"""A phone for one check's tests: the shipped clean simulator profile (an ordinary Pixel 7
on Android 14, every command's output in the phone's own format), changed the way the
phone's output would change, then parsed by ``scanner.parse.snapshot`` like a real scan.

Changes are made to the text, never to parsed dataclasses: an app is added by inserting
its ``dumpsys package`` entry, a setting by editing its ``name=value`` row, and so on.
Fixture texts live in ``tests/checks/fixtures/``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from types import MappingProxyType

from scanner.checks.registry import CheckContext, all_checks
from scanner.commands import (
    DUMPSYS_ACCESSIBILITY,
    DUMPSYS_APPOPS,
    DUMPSYS_PACKAGE,
    GETPROP,
    PHONE_CLOCK,
    SETTINGS_GLOBAL,
    SETTINGS_SECURE,
)
from scanner.model import ApkFacts, CommandResult, DeviceSnapshot, Finding, RawCapture, Severity
from scanner.parse.snapshot import build_snapshot
from scanner.sigdb.commands import load_shipped_db
from scanner.sigdb.index import SignatureIndex
from scanner.simulator import load_profile

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NOW = datetime(2026, 11, 28, 10, 42, 17)
"""The clean profile's clock (its newest records are from that morning)."""

_CLEAN: Mapping[str, str] = MappingProxyType(
    {
        # The simulated phone answers its clock live; here it reads NOW (GMT in November).
        PHONE_CLOCK: f"{int(NOW.replace(tzinfo=UTC).timestamp())}\n",
        **{cmd: out.decode("utf-8") for cmd, out in load_profile("clean").commands.items()},
    }
)
_SETTINGS = {"global": SETTINGS_GLOBAL, "secure": SETTINGS_SECURE}
_HIDDEN_SYSTEM = "\nHidden system packages:\n"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@cache
def shipped_index() -> SignatureIndex:
    """The shipped database's index (read-only, so one is shared)."""
    return SignatureIndex.from_db(load_shipped_db())


@dataclass(frozen=True)
class Phone:
    """Command outputs; each method returns a changed copy."""

    outputs: Mapping[str, str] = field(default_factory=lambda: dict(_CLEAN))

    def replaced(self, command: str, text: str) -> Phone:
        return Phone({**self.outputs, command: text})

    def with_settings(self, table: str, **values: str) -> Phone:
        """``settings list <table>`` with these rows set (changed in place, or added)."""
        command = _SETTINGS[table]
        text = self.outputs[command]
        for name, value in values.items():
            row = re.compile(rf"^{re.escape(name)}=.*$", re.MULTILINE)
            if row.search(text):
                text = row.sub(f"{name}={value}", text, count=1)
            else:
                text = text.rstrip("\n") + f"\n{name}={value}\n"
        return self.replaced(command, text)

    def with_props(self, values: Mapping[str, str]) -> Phone:
        """``getprop`` with these ``[name]: [value]`` rows changed."""
        text = self.outputs[GETPROP]
        for name, value in values.items():
            row = re.compile(rf"^\[{re.escape(name)}\]: \[.*\]$", re.MULTILINE)
            assert row.search(text), f"no {name} in getprop"
            text = row.sub(f"[{name}]: [{value}]", text, count=1)
        return self.replaced(GETPROP, text)

    def with_apps(self, *entries: str) -> Phone:
        """``dumpsys package`` with these ``Package [...]`` entries (fixture files under
        ``packages/``) added at the end of its ``Packages:`` section."""
        return self.with_app_text(*(fixture(f"packages/{e}") for e in entries))

    def with_app_text(self, *entries: str) -> Phone:
        """Like ``with_apps``, with the ``Package [...]`` entries given as text."""
        text = self.outputs[DUMPSYS_PACKAGE]
        added = "".join(e.rstrip("\n") + "\n" for e in entries)
        head, tail = text.split(_HIDDEN_SYSTEM, 1)
        return self.replaced(
            DUMPSYS_PACKAGE, head.rstrip("\n") + "\n" + added + _HIDDEN_SYSTEM + tail
        )

    def with_appops(self, uid: str, package: str, *ops: str) -> Phone:
        """``dumpsys appops`` with one more uid block: ``OP (mode):`` lines for ``package``."""
        lines = [
            f"  Uid {uid}:",
            "    state=cch",
            "    capability=-----",
            f"    Package {package}:",
        ]
        lines += [f"      {op}: " for op in ops]
        text = self.outputs[DUMPSYS_APPOPS].rstrip("\n") + "\n" + "\n".join(lines) + "\n"
        return self.replaced(DUMPSYS_APPOPS, text)

    def with_accessibility(self, *components: str) -> Phone:
        """Accessibility services switched on, as ``dumpsys accessibility`` and the secure
        setting both record them."""
        text = self.outputs[DUMPSYS_ACCESSIBILITY]
        enabled = ", ".join(f"{{{c}}}" for c in components)
        text = re.sub(r"Enabled services:\{.*\}", f"Enabled services:{{{enabled}}}", text, count=1)
        phone = self.replaced(DUMPSYS_ACCESSIBILITY, text)
        return phone.with_settings(
            "secure", enabled_accessibility_services=":".join(components), accessibility_enabled="1"
        )

    def snapshot(self) -> DeviceSnapshot:
        capture = RawCapture(
            tuple(CommandResult(cmd, out.encode("utf-8")) for cmd, out in self.outputs.items())
        )
        return build_snapshot(capture)


CLEAN = Phone()


def findings(
    check_id: str,
    phone: Phone,
    *,
    signatures: SignatureIndex | None = None,
    apks: Mapping[str, ApkFacts] | None = None,
    own_adb_key: str | None = None,
    now: datetime = NOW,
) -> list[Finding]:
    """What one registered check reports on this phone (run alone, so a bug raises)."""
    (meta,) = [c for c in all_checks() if c.id == check_id]
    snapshot = phone.snapshot()
    assert snapshot.warnings == (), "the fixture text must parse cleanly"
    context = CheckContext(
        now=now, signatures=signatures, apks=dict(apks or {}), own_adb_key=own_adb_key
    )
    return list(meta(snapshot, context))


def the_finding(
    found: list[Finding], *, severity: Severity, guidance: str, package: str | None
) -> Finding:
    """The one finding about ``package``, checked for severity and guidance key."""
    about = [f for f in found if f.package == package]
    assert len(about) == 1, [f.title for f in found]
    (finding,) = about
    assert finding.severity is severity, finding.title
    assert finding.guidance == guidance, finding.title
    return finding
