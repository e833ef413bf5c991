"""What the phone remembers after the fact: the computers it trusts for USB debugging, and
known stalkerware that was on it and was removed before the scan.

Abusers often remove the spy app before a phone is checked; the phone's own records of
installs, removals and app use outlive it, and so does the trust it gave the computer
used to set it up over a cable.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Final

from scanner.checks.registry import Check, CheckContext, check
from scanner.commands import (
    BATTERYSTATS_DAILY,
    DUMPSYS_ADB,
    DUMPSYS_APPOPS,
    DUMPSYS_DBINFO,
    DUMPSYS_PACKAGE,
)
from scanner.model import (
    AppTrace,
    Confidence,
    DeviceSnapshot,
    Evidence,
    Finding,
    Severity,
    TraceKind,
    TrustedComputer,
    Words,
)
from scanner.parse.adb_keys import is_this_computer
from scanner.phrases import said, words
from scanner.sigdb.index import SignatureIndex
from scanner.sigdb.model import Family, Kind

MAX_TRACE_EVIDENCE: Final = 12
"""A removed app's records quoted in its finding; the rest are counted."""


def _index(ctx: CheckContext) -> SignatureIndex | None:
    index = ctx.signatures
    return index if isinstance(index, SignatureIndex) else None


def _minute(when: datetime) -> str:
    return f"{when:%Y-%m-%d %H:%M}"


# --------------------------------------------------------------------------- trusted computers


def _name(computer: TrustedComputer) -> str | Words:
    """The name the computer gave itself (quoted as it is), or words saying it gave none."""
    return computer.comment or words("checks.computer_no_name")


def _last_connection(computer: TrustedComputer) -> Evidence:
    if computer.last_connection is not None:
        when = _minute(computer.last_connection)
        return said(DUMPSYS_ADB, "checks.last_connected", time=when)
    if computer.last_connection_unreadable:
        return said(DUMPSYS_ADB, "checks.last_connected_unreadable")
    return said(DUMPSYS_ADB, "checks.last_connected_unknown")


def _computer_evidence(computer: TrustedComputer) -> list[Evidence]:
    key = (
        said(
            DUMPSYS_ADB,
            "checks.trusted_key",
            fingerprint=computer.fingerprint,
            name=_name(computer),
        )
        if computer.fingerprint
        else said(DUMPSYS_ADB, "checks.trusted_key_unreadable", name=_name(computer))
    )
    evidence = [key, _last_connection(computer)]
    if computer.last_to_ask:
        evidence.append(said(DUMPSYS_ADB, "checks.last_to_ask"))
    return evidence


def _is_ours(computer: TrustedComputer, ctx: CheckContext) -> bool:
    return bool(ctx.own_adb_key) and is_this_computer(computer.key, ctx.own_adb_key or "")


@check(
    id="ADB-001",
    title="Another computer is trusted for USB debugging",
    name="check_names.other_computer_trusted",
    severity=Severity.REVIEW,
    guidance="trusted_computer",
    sources=(DUMPSYS_ADB,),
)
def other_trusted_computer(
    snapshot: DeviceSnapshot, ctx: CheckContext, me: Check
) -> Iterator[Finding]:
    """Each computer the phone trusts for USB debugging, other than this one.

    A trusted computer can read and install apps over a cable without asking again, so it
    may be the one used to set up spyware. The name is whatever that computer called
    itself, so only the key tells computers apart. Known false positives: the owner's own
    computer, a repair shop's. Offline inputs do not say which computer collected them,
    so there every trusted computer is named, with low confidence.
    """
    if DUMPSYS_ADB not in snapshot.sources_read:
        return
    known_ours = bool(ctx.own_adb_key)
    for computer in snapshot.trusted_computers:
        if _is_ours(computer, ctx):
            continue
        evidence = _computer_evidence(computer)
        if not known_ours:
            evidence.append(said("scanner", "checks.cannot_tell_collector"))
        which = "checks.trusts_another_computer" if known_ours else "checks.trusts_a_computer"
        yield me.finding(
            title=words(which, name=_name(computer)),
            evidence=evidence,
            subject=computer.fingerprint or computer.key[:24],
            confidence=Confidence.HIGH if known_ours else Confidence.LOW,
        )


@check(
    id="ADB-002",
    title="This computer is trusted for USB debugging",
    name="check_names.this_computer_trusted",
    severity=Severity.INFO,
    guidance="usb_debugging",
    sources=(DUMPSYS_ADB,),
)
def this_computer_trusted(
    snapshot: DeviceSnapshot, ctx: CheckContext, me: Check
) -> Iterator[Finding]:
    """The computer running this check is among the trusted ones (the person allowed it).

    Named so the list of trusted computers is complete and this one is not mistaken for
    another; it stays trusted after the check until the phone is told to forget it.
    """
    if DUMPSYS_ADB not in snapshot.sources_read or not ctx.own_adb_key:
        return
    for computer in snapshot.trusted_computers:
        if _is_ours(computer, ctx):
            evidence = _computer_evidence(computer)
            evidence.insert(1, said("scanner", "checks.this_computers_key"))
            yield me.finding(
                title=words("checks.trusts_this_computer"),
                evidence=evidence,
                subject="this-computer",
            )


# --------------------------------------------------------------------------- removed apps


def traces_of_missing_apps(snapshot: DeviceSnapshot) -> dict[str, list[AppTrace]]:
    """The phone's records of apps that are not in its list of apps, by package."""
    present = {p.package for p in snapshot.packages}
    missing: dict[str, list[AppTrace]] = {}
    for trace in snapshot.app_traces:
        if trace.package not in present:
            missing.setdefault(trace.package, []).append(trace)
    return missing


def app_list_read_in_full(snapshot: DeviceSnapshot) -> bool:
    """The list of apps was read and understood whole, so "not in it" means "not installed"."""
    return DUMPSYS_PACKAGE in snapshot.sources_read and not any(
        w.source == DUMPSYS_PACKAGE for w in snapshot.warnings
    )


def _period(trace: AppTrace) -> Words | None:
    """When a record says something happened, in phone time; None when it gives no time."""
    if trace.earliest is not None and trace.latest is not None:
        return words("checks.between", start=_minute(trace.earliest), end=_minute(trace.latest))
    if trace.earliest is not None:
        return words("checks.after", time=_minute(trace.earliest))
    if trace.latest is not None:
        return words("checks.at", time=_minute(trace.latest))
    return None


_WHAT: Final = {
    TraceKind.INSTALLED_OR_UPDATED: ("checks.trace_installed", "checks.trace_installed_when"),
    TraceKind.REMOVED: ("checks.trace_removed", "checks.trace_removed_when"),
}
"""What a record says happened: without a time, and with one."""


def _trace_evidence(trace: AppTrace) -> Evidence:
    """A record of the phone's, quoted (``detail``), with what it says happened and when."""
    keys = _WHAT.get(trace.kind)
    if keys is None:
        return said(trace.source, "checks.setting_value", setting=trace.detail)
    when = _period(trace)
    if when is None:
        return said(trace.source, keys[0], record=trace.detail)
    return said(trace.source, keys[1], record=trace.detail, when=when)


def _title(package: str, family: Family, traces: Iterable[AppTrace], in_full: bool) -> Words:
    facts = {"family": family.name, "package": package}
    if not in_full:
        return words("checks.was_here_list_incomplete", **facts)
    removals = [t for t in traces if t.kind is TraceKind.REMOVED]
    if not removals:
        return words("checks.was_here_gone", **facts)
    when = _period(removals[-1])
    if when is None:
        return words("checks.was_here_removed", **facts)
    return words("checks.was_here_removed_when", when=when, **facts)


def _order(traces: list[AppTrace]) -> list[AppTrace]:
    """Oldest first; records without a time last."""
    return sorted(traces, key=lambda t: t.earliest or t.latest or datetime.max)


@check(
    id="TRACE-001",
    title="Known stalkerware was on this phone and was removed",
    name="check_names.removed_stalkerware",
    severity=Severity.HIGH,
    guidance="removed_stalkerware",
    sources=(BATTERYSTATS_DAILY, DUMPSYS_APPOPS, DUMPSYS_DBINFO, DUMPSYS_PACKAGE, "signatures"),
)
def removed_stalkerware(
    snapshot: DeviceSnapshot, ctx: CheckContext, me: Check
) -> Iterator[Finding]:
    """A package the database lists as stalkerware, named in the phone's records of
    installs, removals, database use or app-ops, but not installed now.

    High, not ``stalkerware``: the app is gone, but it was there, and whoever installed it
    had the phone. An app the database does not list is not reported: most removed apps
    are ordinary ones.
    """
    index = _index(ctx)
    if index is None:
        return
    missing = traces_of_missing_apps(snapshot)
    listed = index.match_packages(missing)
    in_full = app_list_read_in_full(snapshot)
    for package in sorted(listed):
        spy = [m for m in listed[package] if m.family.kind is Kind.STALKERWARE]
        if not spy:
            continue
        family = spy[0].family
        traces = _order(missing[package])
        evidence = [_trace_evidence(t) for t in traces[:MAX_TRACE_EVIDENCE]]
        if len(traces) > MAX_TRACE_EVIDENCE:
            more = len(traces) - MAX_TRACE_EVIDENCE
            evidence.append(said("scanner", "checks.more_records", count=more))
        if in_full:
            evidence.append(said(DUMPSYS_PACKAGE, "checks.not_in_app_list", package=package))
        if family.sources:
            sources = ", ".join(family.sources)
            evidence.append(
                said("signatures", "checks.listed_in", family=family.name, sources=sources)
            )
        else:
            evidence.append(said("signatures", "checks.listed_in_database", family=family.name))
        yield me.finding(
            title=_title(package, family, traces, in_full),
            evidence=evidence,
            package=package,
            family=family.name,
            capabilities=family.capability_words(),
        )
