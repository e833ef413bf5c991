"""The timeline of an app's life on the phone: installed, updated, removed, and by what.

For every app a check flagged, and every app the phone's records say was removed, the
times the phone printed are put in order. Those times are the phone's local time with no
zone (``dumpsys`` prints them so), so each is also given in UTC using the phone's own
time zone (``persist.sys.timezone``); without the zone, UTC is said to be unknown rather
than guessed. The phone's clock can be wrong or set back: ``PhoneClock`` says how far it
was from this computer's clock when that could be read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scanner.commands import DUMPSYS_PACKAGE, PHONE_CLOCK
from scanner.labels import name_for
from scanner.model import AppTrace, DeviceSnapshot, Package, ScanResult, Severity, TraceKind
from scanner.report.installer_words import installer_words

LIVE = ("usb", "tcp")
"""Transports of a phone connected to this computer (the rest are copies made earlier)."""

_TRACE_WORDS = {
    TraceKind.INSTALLED_OR_UPDATED: "Installed or updated (the phone's daily battery record)",
    TraceKind.REMOVED: "Removed (the phone's daily battery record)",
    TraceKind.USED_DATABASE: "Last used its own data (the phone's database records)",
    TraceKind.APP_OPS: "Records of what it used are still kept (app-ops)",
}


@dataclass(frozen=True, slots=True)
class When:
    """A time as the phone printed it, and the same moment in UTC where the zone is known."""

    phone: datetime
    """Phone-local, naive."""
    utc: datetime | None
    """None when the phone's time zone is unknown."""
    note: str = ""
    """Set when the local time is ambiguous or skipped (a clock change that night)."""

    def text(self) -> str:
        local = f"{self.phone:%Y-%m-%d %H:%M} phone time"
        utc = f"{self.utc:%Y-%m-%d %H:%M} UTC" if self.utc is not None else "UTC not known"
        return f"{local} ({utc}{'; ' + self.note if self.note else ''})"


@dataclass(frozen=True, slots=True)
class PhoneClock:
    """The phone's clock against this computer's, read during the scan."""

    phone_utc: datetime
    """What the phone's clock said (UTC)."""
    computer_utc: datetime
    """This computer's clock at the same moment (UTC)."""
    uncertainty_s: float
    """How far apart the two readings could be, at most (the time the answer took)."""

    @property
    def offset(self) -> timedelta:
        """Phone minus computer: positive when the phone's clock is ahead."""
        return self.phone_utc - self.computer_utc


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    package: str
    app: str
    """The app's name on the phone and its package (phone text: escape before display)."""
    what: str
    when: When | None
    until: When | None = None
    """For a record that covers a span (a day's battery record): it happened by then."""
    installer: str = ""
    """Who installed it, in plain words (for installs)."""
    why: str = ""
    """Why the app is in the timeline: the titles of its findings, or "removed"."""
    source: str = ""


@dataclass(frozen=True, slots=True)
class Timeline:
    zone: str
    """The phone's time zone name, empty when it was not read."""
    clock: str
    """One plain sentence on the phone's clock against this computer's."""
    events: tuple[TimelineEvent, ...]

    @property
    def zone_text(self) -> str:
        if not self.zone:
            return "The phone's time zone was not read, so its times cannot be put in UTC."
        return f"The phone's time zone is {self.zone}; times are shown in it and in UTC."


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def to_when(local: datetime, zone: ZoneInfo | None) -> When:
    """A phone-local time with its UTC equivalent (pure; ``zone`` None: UTC unknown)."""
    if zone is None:
        return When(local, None)
    early = local.replace(tzinfo=zone, fold=0)
    late = local.replace(tzinfo=zone, fold=1)
    note = ""
    if early.utcoffset() != late.utcoffset():
        # The clocks went back (an hour happens twice) or forward (an hour is skipped).
        note = "the clocks changed that night, so this may be an hour out"
    return When(local, early.astimezone(UTC).replace(tzinfo=None), note)


def clock_sentence(clock: PhoneClock | None, live: bool, reading: datetime | None = None) -> str:
    """The phone's clock against this computer's, in one plain sentence."""
    if clock is None:
        if not live and reading is not None:
            return (
                f"The phone's clock said {reading:%Y-%m-%d %H:%M:%S} UTC when this copy of its "
                "data was collected; it could not be compared with this computer's clock then."
            )
        if not live:
            return (
                "The phone's clock could not be compared with this computer's: this input "
                "was collected earlier, not read from a connected phone."
            )
        return "The phone's clock could not be read, so it was not compared with this computer's."
    seconds = clock.offset.total_seconds()
    margin = max(clock.uncertainty_s, 1.0)
    base = (
        f"The phone's clock said {clock.phone_utc:%Y-%m-%d %H:%M:%S} UTC when this computer's "
        f"said {clock.computer_utc:%Y-%m-%d %H:%M:%S} UTC"
    )
    if abs(seconds) <= margin:
        return f"{base}: the two agree (within {_span(margin)})."
    way = "ahead of" if seconds > 0 else "behind"
    return (
        f"{base}: the phone was {_span(abs(seconds))} {way} this computer "
        f"(give or take {_span(margin)})."
    )


def _span(seconds: float) -> str:
    whole = round(seconds)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute"), (secs, "second")]
    words = [f"{n} {unit}{'s' * (n != 1)}" for n, unit in parts if n]
    return ", ".join(words[:2]) or "0 seconds"


def _name(pkg: Package | None, package: str) -> str:
    return name_for(pkg, package)


def _package_events(pkg: Package, why: str, zone: ZoneInfo | None) -> list[TimelineEvent]:
    name = _name(pkg, pkg.package)
    words = installer_words(pkg)
    events = [
        TimelineEvent(
            pkg.package,
            name,
            "First installed",
            to_when(pkg.first_install, zone) if pkg.first_install else None,
            installer=words,
            why=why,
            source=DUMPSYS_PACKAGE,
        )
    ]
    if pkg.last_update and pkg.last_update != pkg.first_install:
        events.append(
            TimelineEvent(
                pkg.package,
                name,
                "Last updated",
                to_when(pkg.last_update, zone),
                why=why,
                source=DUMPSYS_PACKAGE,
            )
        )
    return events


def _trace_event(
    trace: AppTrace, pkg: Package | None, why: str, zone: ZoneInfo | None
) -> TimelineEvent:
    start = trace.earliest or trace.latest
    end = trace.latest if trace.earliest and trace.latest else None
    return TimelineEvent(
        trace.package,
        _name(pkg, trace.package),
        _TRACE_WORDS.get(trace.kind, trace.kind.value),
        to_when(start, zone) if start else None,
        until=to_when(end, zone) if end and end != start else None,
        why=why,
        source=trace.source,
    )


def _flagged(result: ScanResult) -> dict[str, str]:
    reasons: dict[str, list[str]] = {}
    for finding in result.findings:
        # "For your information" findings name ordinary apps: not what a timeline is for.
        if finding.package and finding.severity is not Severity.INFO:
            reasons.setdefault(finding.package, []).append(finding.title)
    return {package: "; ".join(titles) for package, titles in reasons.items()}


def phone_clock(result: ScanResult) -> PhoneClock | None:
    """The phone's clock against this computer's, for a scan of a connected phone.

    The clock is the first command of the batch, sent as the scan starts (``started_at``),
    so this computer's time for it is the start plus half the time the answer took. The
    phone prints whole seconds, so a second more of doubt.
    """
    reading = result.snapshot.phone_clock
    if reading is None or result.capture.transport not in LIVE:
        return None
    answer = result.capture.get(PHONE_CLOCK)
    took = answer.duration_s if answer is not None else 0.0
    started = result.started_at
    started = started if started.tzinfo is not None else started.replace(tzinfo=UTC)
    return PhoneClock(reading, started + timedelta(seconds=took / 2), took / 2 + 1.0)


def build_timeline(result: ScanResult, clock: PhoneClock | None = None) -> Timeline:
    """Every flagged app's install and update, and every trace of a removed app, in order.

    ``clock``: the phone's clock against this computer's; read from ``result`` if None.
    """
    clock = clock or phone_clock(result)
    snapshot = result.snapshot
    zone_name = snapshot.device.timezone
    zone = _zone(zone_name)
    flagged = _flagged(result)
    events: list[TimelineEvent] = []
    for package, why in flagged.items():
        pkg = snapshot.package(package)
        if pkg is not None and pkg.installed and not pkg.partial:
            events.extend(_package_events(pkg, why, zone))
    events.extend(_traces(snapshot, flagged, zone))
    ordered = sorted(events, key=lambda e: (e.when is None, e.when.phone if e.when else 0, e.app))
    live = result.capture.transport in LIVE
    return Timeline(
        zone_name if zone is not None else "",
        clock_sentence(clock, live, snapshot.phone_clock),
        tuple(ordered),
    )


def _traces(
    snapshot: DeviceSnapshot, flagged: dict[str, str], zone: ZoneInfo | None
) -> Iterable[TimelineEvent]:
    removed = {t.package for t in snapshot.app_traces if t.kind is TraceKind.REMOVED}
    for trace in snapshot.app_traces:
        if trace.package in flagged or trace.package in removed:
            why = flagged.get(trace.package) or "removed from the phone"
            yield _trace_event(trace, snapshot.package(trace.package), why, zone)


def timeline_lines(timeline: Timeline) -> Sequence[str]:
    """The timeline as plain lines (phone text inside: clean or escape before display)."""
    lines = [timeline.zone_text, timeline.clock]
    if not timeline.events:
        lines.append("No app the scan flagged, and no removed app, has dates on the phone.")
    for event in timeline.events:
        when = event.when.text() if event.when else "date not recorded"
        span = f" to {event.until.text()}" if event.until else ""
        how = f", {event.installer}" if event.installer else ""
        lines.append(f"{when}{span}: {event.what}: {event.app}{how}.")
    return lines
