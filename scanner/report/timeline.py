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

from scanner import phrases
from scanner.commands import DUMPSYS_PACKAGE, PHONE_CLOCK
from scanner.i18n import Catalogue
from scanner.labels import name_for
from scanner.model import AppTrace, DeviceSnapshot, Package, ScanResult, Severity, TraceKind
from scanner.report.installer_words import installer_words
from scanner.report.language import safe_catalogue

LIVE = ("usb", "tcp")
"""Transports of a phone connected to this computer (the rest are copies made earlier)."""

# Message ids in timeline.yaml for each kind of trace.
_TRACE_WORDS = {
    TraceKind.INSTALLED_OR_UPDATED: "timeline.trace_installed_or_updated",
    TraceKind.REMOVED: "timeline.trace_removed",
    TraceKind.USED_DATABASE: "timeline.trace_used_database",
    TraceKind.APP_OPS: "timeline.trace_app_ops",
}
_TIME = "%Y-%m-%d %H:%M"


@dataclass(frozen=True, slots=True)
class When:
    """A time as the phone printed it, and the same moment in UTC where the zone is known."""

    phone: datetime
    """Phone-local, naive."""
    utc: datetime | None
    """None when the phone's time zone is unknown."""
    clock_changed: bool = False
    """True when the local time is ambiguous or skipped (a clock change that night)."""

    @property
    def note(self) -> str:
        """The English note on a clock change (``note_text`` gives it in a language)."""
        return self.note_text(safe_catalogue())

    def note_text(self, say: Catalogue) -> str:
        return say.text("timeline.clocks_changed") if self.clock_changed else ""

    def text(self, say: Catalogue | None = None) -> str:
        say = say or safe_catalogue()
        local = f"{self.phone:{_TIME}}"
        note = self.note_text(say)
        if self.utc is None:
            key = "timeline.when_no_utc_note" if note else "timeline.when_no_utc"
            return say.text(key, local=local, note=note)
        key = "timeline.when_note" if note else "timeline.when"
        return say.text(key, local=local, utc=f"{self.utc:{_TIME}}", note=note)


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
    zone_text: str = ""
    """One plain sentence on the phone's time zone, in the report's language."""


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
    # The clocks went back (an hour happens twice) or forward (an hour is skipped).
    changed = early.utcoffset() != late.utcoffset()
    return When(local, early.astimezone(UTC).replace(tzinfo=None), changed)


def clock_sentence(
    clock: PhoneClock | None,
    live: bool,
    reading: datetime | None = None,
    say: Catalogue | None = None,
) -> str:
    """The phone's clock against this computer's, in one plain sentence."""
    say = say or safe_catalogue()
    if clock is None:
        if not live and reading is not None:
            return say.text("timeline.clock_copy", phone=f"{reading:%Y-%m-%d %H:%M:%S}")
        if not live:
            return say.text("timeline.clock_copy_unknown")
        return say.text("timeline.clock_unread")
    seconds = clock.offset.total_seconds()
    margin = max(clock.uncertainty_s, 1.0)
    times = {
        "phone": f"{clock.phone_utc:%Y-%m-%d %H:%M:%S}",
        "computer": f"{clock.computer_utc:%Y-%m-%d %H:%M:%S}",
        "margin": _span(margin, say),
    }
    if abs(seconds) <= margin:
        return say.text("timeline.clock_agree", **times)
    key = "timeline.clock_ahead" if seconds > 0 else "timeline.clock_behind"
    return say.text(key, span=_span(abs(seconds), say), **times)


def _span(seconds: float, say: Catalogue) -> str:
    """A span of time in its two largest units, e.g. "2 hours, 5 minutes"."""
    whole = round(seconds)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "days"), (hours, "hours"), (minutes, "minutes"), (secs, "seconds")]
    words = [say.count(f"timeline.{unit}", n) for n, unit in parts if n]
    if not words:
        return say.count("timeline.seconds", 0)
    if len(words) == 1:
        return words[0]
    return say.text("timeline.span_two", first=words[0], second=words[1])


def _name(pkg: Package | None, package: str, say: Catalogue | None = None) -> str:
    return name_for(pkg, package, say)


def _package_events(
    pkg: Package, why: str, zone: ZoneInfo | None, say: Catalogue
) -> list[TimelineEvent]:
    name = _name(pkg, pkg.package, say)
    words = installer_words(pkg, say)
    events = [
        TimelineEvent(
            pkg.package,
            name,
            say.text("timeline.first_installed"),
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
                say.text("timeline.last_updated"),
                to_when(pkg.last_update, zone),
                why=why,
                source=DUMPSYS_PACKAGE,
            )
        )
    return events


def _trace_event(
    trace: AppTrace, pkg: Package | None, why: str, zone: ZoneInfo | None, say: Catalogue
) -> TimelineEvent:
    start = trace.earliest or trace.latest
    end = trace.latest if trace.earliest and trace.latest else None
    return TimelineEvent(
        trace.package,
        _name(pkg, trace.package),
        say.text(_TRACE_WORDS[trace.kind]) if trace.kind in _TRACE_WORDS else trace.kind.value,
        to_when(start, zone) if start else None,
        until=to_when(end, zone) if end and end != start else None,
        why=why,
        source=trace.source,
    )


def _flagged(result: ScanResult, say: Catalogue) -> dict[str, str]:
    reasons: dict[str, list[str]] = {}
    for finding in result.findings:
        # "For your information" findings name ordinary apps: not what a timeline is for.
        if finding.package and finding.severity is not Severity.INFO:
            reasons.setdefault(finding.package, []).append(phrases.title(finding, say))
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


def build_timeline(
    result: ScanResult, clock: PhoneClock | None = None, say: Catalogue | None = None
) -> Timeline:
    """Every flagged app's install and update, and every trace of a removed app, in order.

    ``clock``: the phone's clock against this computer's; read from ``result`` if None.
    ``say``: the report's language (English by default).
    """
    say = say or safe_catalogue()
    clock = clock or phone_clock(result)
    snapshot = result.snapshot
    zone_name = snapshot.device.timezone
    zone = _zone(zone_name)
    flagged = _flagged(result, say)
    events: list[TimelineEvent] = []
    for package, why in flagged.items():
        pkg = snapshot.package(package)
        if pkg is not None and pkg.installed and not pkg.partial:
            events.extend(_package_events(pkg, why, zone, say))
    events.extend(_traces(snapshot, flagged, zone, say))
    ordered = sorted(events, key=lambda e: (e.when is None, e.when.phone if e.when else 0, e.app))
    live = result.capture.transport in LIVE
    known = zone_name if zone is not None else ""
    return Timeline(
        known,
        clock_sentence(clock, live, snapshot.phone_clock, say),
        tuple(ordered),
        say.text("timeline.zone_known", zone=known) if known else say.text("timeline.zone_unknown"),
    )


def _traces(
    snapshot: DeviceSnapshot, flagged: dict[str, str], zone: ZoneInfo | None, say: Catalogue
) -> Iterable[TimelineEvent]:
    removed = {t.package for t in snapshot.app_traces if t.kind is TraceKind.REMOVED}
    for trace in snapshot.app_traces:
        if trace.package in flagged or trace.package in removed:
            why = flagged.get(trace.package) or say.text("timeline.removed_from_phone")
            yield _trace_event(trace, snapshot.package(trace.package), why, zone, say)


_EVENT_IDS = {
    (False, False): "timeline.event",
    (True, False): "timeline.event_span",
    (False, True): "timeline.event_installed",
    (True, True): "timeline.event_span_installed",
}
"""By (a span of time, the installer named): literal ids the catalogue tests can find."""


def event_line(event: TimelineEvent, say: Catalogue, *, installer: bool = True) -> str:
    """One event as a sentence (phone text inside: clean or escape before display)."""
    when = event.when.text(say) if event.when else say.text("timeline.not_recorded")
    values = {"when": when, "what": event.what, "app": event.app, "installer": event.installer}
    key = _EVENT_IDS[(bool(event.until), bool(installer and event.installer))]
    until = event.until.text(say) if event.until else ""
    return say.text(key, until=until, **values)


def timeline_lines(timeline: Timeline, say: Catalogue | None = None) -> Sequence[str]:
    """The timeline as plain lines (phone text inside: clean or escape before display)."""
    say = say or safe_catalogue()
    lines = [timeline.zone_text, timeline.clock]
    if not timeline.events:
        lines.append(say.text("timeline.no_events"))
    lines.extend(event_line(event, say) for event in timeline.events)
    return lines
