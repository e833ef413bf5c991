"""``dumpsys package``: every package's path, installer, uid, versions, flags, permissions.

Only the ``Packages:`` and ``Hidden system packages:`` sections are read line by line.
Every other section the dump prints around them (resolver tables, dexopt state, install
sessions: by far the bulk of a 20 MB dump) is recognised by its header and skipped
without looking at its lines (see ``SECTION_HEADERS``); a header this module does not
know is reported as not understood. Format of a package: AOSP ``Settings.dumpPackageLPr``
(services/core/java/com/android/server/pm/Settings.java). Differences handled side by side:

- ``userId=`` (Android <= 12) vs ``appId=`` (13+).
- ``firstInstallTime=`` at package level (<= 13) vs per user, under ``User N:`` (14+).
- ``installerPackageName=`` printed only when set (<= 13) vs always, with ``null``
  (14+), where ``initiatingPackageName=`` (the app that really asked for the install),
  ``originatingPackageName=`` (the app it installed for, e.g. a browser), ``packageSource=``
  (``PackageInstaller.PACKAGE_SOURCE_*``) and, when set, ``installerAttributionTag=``
  follow. The initiating package is the fallback installer when no installer is named.
- ``flags=[ … ]`` (from the APK) and ``pkgFlags=[ … ]`` (from settings): both are read.
- Install permissions ``name: granted=true`` with ``, flags=[ … ]`` (14+) and
  ``, userId=N`` for secondary users.
- ``Suspend params:`` is printed at package indent inside a ``User N:`` block (14+).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache, partial
from itertools import chain, islice, takewhile
from typing import Final

from scanner.commands import DUMPSYS_PACKAGE
from scanner.model import CollectionWarning, PermissionGrant
from scanner.parse.common import (
    NOT_SPACE,
    WarningLog,
    ascii_int,
    collector_paused,
    excerpt,
    has_text,
    leading_int,
    line_chunks,
    normalise_newlines,
    parse_local_time,
)
from scanner.phrases import warning, words

MAX_PACKAGES: Final = 10_000
"""Apps read per section; real phones list a few hundred (the biggest about 1,500)."""

MAX_APP_PERMISSIONS: Final = 2_000
"""Requested, install or (per user) runtime permissions kept per app; Android defines
a few hundred permissions in all."""

MAX_APP_USERS: Final = 100
"""``User N:`` blocks kept per app; a phone has a handful of users."""

MAX_REMEMBERED_LINES: Final = 8_192
"""Permission lines remembered for reuse (real dumps repeat a few hundred)."""

ENABLED_STATES = {
    0: "default",
    1: "enabled",
    2: "disabled",
    3: "disabled-user",
    4: "disabled-until-used",
}
"""``PackageManager.COMPONENT_ENABLED_STATE_*`` as printed after ``enabled=``."""

DISABLED_STATES = frozenset({2, 3, 4})


@dataclass(frozen=True, slots=True)
class UserPackageState:
    """A package's state for one Android user (``User N:`` line and what follows)."""

    user: int
    installed: bool | None = None
    hidden: bool | None = None
    suspended: bool | None = None
    stopped: bool | None = None
    enabled_state: int | None = None
    """0 default, 1 enabled, 2 disabled, 3 disabled by user, 4 disabled until used."""
    first_install: datetime | None = None
    """Android 14+ prints the first install time per user."""
    runtime_permissions: tuple[PermissionGrant, ...] = ()

    @property
    def enabled(self) -> bool:
        """False only when Android reports one of the disabled states."""
        return self.enabled_state not in DISABLED_STATES


@dataclass(frozen=True, slots=True)
class PackageRecord:
    """One ``Package [name]`` block, as read."""

    package: str
    code_path: str | None = None
    app_id: int | None = None
    version_code: int | None = None
    version_name: str | None = None
    min_sdk: int | None = None
    target_sdk: int | None = None
    flags: frozenset[str] = frozenset()
    """Union of ``flags=[ … ]`` and ``pkgFlags=[ … ]``, e.g. ``SYSTEM``, ``UPDATED_SYSTEM_APP``."""
    installer: str | None = None
    """``installerPackageName``, else the initiating installer; None when not recorded."""
    installer_package_name: str | None = None
    """``installerPackageName`` exactly as printed (None for ``null`` or not printed). Any
    app that installs may set it to any name: it is a claim."""
    initiating_installer: str | None = None
    """``initiatingPackageName`` (Android 11+ records it; printed from 14): the app that
    really asked for the install, e.g. ``com.android.shell`` for ``adb install``."""
    originating_installer: str | None = None
    """``originatingPackageName``: the app the initiator installed for (a browser, say)."""
    installer_attribution_tag: str | None = None
    """``installerAttributionTag`` (Android 12+, printed only when set)."""
    package_source: int | None = None
    """``packageSource`` (printed from Android 14): ``PackageInstaller.PACKAGE_SOURCE_*``,
    e.g. 2 store, 3 local file, 4 downloaded file; set by the installing app."""
    first_install: datetime | None = None
    """Package-level first install time (Android <= 13); see ``UserPackageState`` for 14+."""
    last_update: datetime | None = None
    requested_permissions: tuple[str, ...] = ()
    install_permissions: tuple[PermissionGrant, ...] = ()
    users: tuple[UserPackageState, ...] = ()
    line: int = 0
    """1-based line of the ``Package [`` header, for evidence."""
    splits: tuple[str, ...] = ()
    """Split APK names from ``splits=[base, config.en]``, ``base`` left out."""

    @property
    def system(self) -> bool:
        return "SYSTEM" in self.flags

    @property
    def updated_system(self) -> bool:
        return "UPDATED_SYSTEM_APP" in self.flags

    def user(self, user_id: int) -> UserPackageState | None:
        """The state for one user, or None when the dump did not list that user."""
        for state in self.users:
            if state.user == user_id:
                return state
        return None


@dataclass(frozen=True, slots=True)
class PackagesParse:
    """Live packages, the factory copies of updated system apps, and warnings."""

    records: tuple[PackageRecord, ...] = ()
    hidden_system: tuple[PackageRecord, ...] = ()
    """``Hidden system packages:`` — the original system copy of an updated system app."""
    warnings: tuple[CollectionWarning, ...] = ()
    ends_open: bool = False
    """The live ``Packages:`` section ran to the end of the text: if the text was cut
    short, its last record may be missing lines."""


class _UserBuilder:
    __slots__ = ("first_install", "runtime", "user", "values")

    def __init__(self, user: int, values: dict[str, str]) -> None:
        self.user = user
        self.values = values
        self.first_install: datetime | None = None
        self.runtime: list[PermissionGrant] = []

    def build(self) -> UserPackageState:
        v = self.values
        return UserPackageState(
            user=self.user,
            installed=_BOOLS.get(v.get("installed", "")),
            hidden=_BOOLS.get(v.get("hidden", "")),
            suspended=_BOOLS.get(v.get("suspended", "")),
            stopped=_BOOLS.get(v.get("stopped", "")),
            enabled_state=_small_int(v["enabled"]) if "enabled" in v else None,
            first_install=self.first_install,
            runtime_permissions=tuple(self.runtime),
        )


class _PackageBuilder:
    __slots__ = (
        "app_id",
        "attribution_tag",
        "code_path",
        "first_install",
        "flags",
        "initiating",
        "install_perms",
        "installer",
        "last_update",
        "line",
        "min_sdk",
        "name",
        "originating",
        "package_source",
        "requested",
        "splits",
        "target_sdk",
        "users",
        "version_code",
        "version_name",
    )

    def __init__(self, name: str, line: int) -> None:
        self.name = name
        self.line = line
        self.code_path: str | None = None
        self.app_id: int | None = None
        self.version_code: int | None = None
        self.version_name: str | None = None
        self.min_sdk: int | None = None
        self.target_sdk: int | None = None
        self.flags: set[str] = set()
        self.installer: str | None = None
        self.initiating: str | None = None
        self.originating: str | None = None
        self.attribution_tag: str | None = None
        self.package_source: int | None = None
        self.first_install: datetime | None = None
        self.last_update: datetime | None = None
        self.requested: list[str] = []
        self.install_perms: list[PermissionGrant] = []
        self.users: list[_UserBuilder] = []
        self.splits: tuple[str, ...] = ()

    def build(self) -> PackageRecord:
        return PackageRecord(
            package=self.name,
            code_path=self.code_path,
            app_id=self.app_id,
            version_code=self.version_code,
            version_name=self.version_name,
            min_sdk=self.min_sdk,
            target_sdk=self.target_sdk,
            flags=frozenset(self.flags),
            installer=self.installer or self.initiating,
            installer_package_name=self.installer,
            initiating_installer=self.initiating,
            originating_installer=self.originating,
            installer_attribution_tag=self.attribution_tag,
            package_source=self.package_source,
            first_install=self.first_install,
            last_update=self.last_update,
            requested_permissions=tuple(dict.fromkeys(self.requested)),
            install_permissions=tuple(self.install_perms),
            users=tuple([u.build() for u in self.users]),
            line=self.line,
            splits=self.splits,
        )


_BOOLS = {"true": True, "false": False}
"""``true``/``false`` as printed; anything else (or nothing) reads as None."""

_small_int = lru_cache(maxsize=1024)(leading_int)
"""``leading_int`` for values that recur (SDK levels, enabled states)."""


def _null(value: str) -> str | None:
    value = value.strip()
    return None if value in ("", "null") else value


def _flag_list(value: str) -> list[str]:
    """``[ SYSTEM HAS_CODE ]`` -> ``["SYSTEM", "HAS_CODE"]``."""
    return value.strip().strip("[]").split()


def parse_permission_grant(text: str, runtime: bool) -> PermissionGrant | None:
    """``name: granted=true, flags=[ A|B ]`` -> PermissionGrant; None if not that shape."""
    name, sep, rest = text.partition(": granted=")
    if not sep or not name or " " in name:
        return None
    if rest.startswith("true"):
        granted, tail = True, rest[4:]
    elif rest.startswith("false"):
        granted, tail = False, rest[5:]
    else:
        return None
    if tail and not tail.startswith(","):
        return None
    flags: tuple[str, ...] = ()
    start = tail.find("flags=[")
    if start >= 0:
        end = tail.find("]", start)
        body = tail[start + 7 : end if end >= 0 else len(tail)]
        flags = tuple(f for f in (p.strip() for p in body.split("|")) if f)
    return PermissionGrant(name=name, granted=granted, runtime=runtime, flags=flags)


# Package-level sub-blocks whose indented lines we read; every other ``name:`` block
# (usesLibraries, declared permissions, dynamic libraries, processes …) is skipped.
_REQUESTED = "requested permissions"
_INSTALL = "install permissions"
_RUNTIME = "runtime permissions"


_SECTION_PACKAGES = "Packages:"
_SECTION_HIDDEN = "Hidden system packages:"

SECTION_HEADERS: Final = frozenset(
    {
        # PackageManagerService.dump (Android 9-12) / DumpHelper.doDump (13+), in the
        # order they are printed; each header stands alone at column 0.
        "Database versions:",  # Settings.dumpVersionLPr
        "Known Packages:",  # 12+
        "Verifiers:",
        "Domain Verifier:",  # 12+
        "Intent Filter Verifier:",  # 9-11
        "Libraries:",
        "Features:",
        "Activity Resolver Table:",  # ComponentResolver
        "Receiver Resolver Table:",
        "Service Resolver Table:",
        "Provider Resolver Table:",
        "Protected broadcast actions:",
        "Domain verification status:",  # 12+, DomainVerificationService.printState
        "App verification status:",  # 9-11, dumpIntentFilterVerificationsLPr
        "Permissions:",
        "AppOp Permissions:",  # 12+
        "Restored (pending) permission grants:",  # 8-9
        "Registered ContentProviders:",
        "ContentProvider Authorities:",
        "Key Set Manager:",
        _SECTION_PACKAGES,
        "Renamed packages:",
        _SECTION_HIDDEN,
        "Queries:",  # 11+, AppsFilter
        "Shared users:",
        "Package Changes:",
        "Frozen packages:",
        "Loaded volumes:",
        "Service permissions:",
        "Dexopt state:",
        "Compiler stats:",
        "Active install sessions:",  # PackageInstallerService.dump
        "Finalized install sessions:",
        "Historical install sessions:",
        "Legacy install sessions:",
        "Staged sessions:",
        "Package installer sessions:",
        "Package installer sessions",
        "Last silent updated Infos:",  # 12+, SilentUpdatePolicy
        "APEX session state:",  # 10+, ApexManager.dump
        "Active APEX packages:",
        "Inactive APEX packages:",
        "Factory APEX packages:",
        "Per UID read timeouts:",  # 12+
        "Snapshot statistics",  # 13+, no colon
        "Snapshot statistics:",
        # One-line messages printed in place of a section.
        "No Domain Verifier available!",
        "Couldn't communicate with apexd.",
    }
)
"""Every section header AOSP's package dump prints around the packages (Android 9-16)."""

SECTION_HEADER_PATTERNS: Final = (
    r"Preferred Activities User \d+:",
    r"Persistent Preferred Activities User \d+:",
    r"App linkages for user \d+:",  # 9-11
    r"Unable to find package: [^\n]*",  # a single-package dump of a package not installed
    # A bug report's dumpstate prints this after each dumpsys output: the dump ended.
    r"-{9} [0-9.]+s was the duration of [^\n]*",
)
"""Headers that carry a number or a name."""

FREE_TEXT_SECTIONS: Final = frozenset({"Settings parse messages:", "Package warning messages:"})
"""Sections whose lines start at column 0 (messages Android logged while reading its
settings, and the package-manager critical-info file): accepted as they are."""

_LIVE, _HIDDEN, _SKIPPED, _FREE, _PREAMBLE = "live", "hidden", "skipped", "free", "preamble"

_HEADER_BODY = (
    "("
    + "|".join(
        [
            *(re.escape(h) for h in sorted(SECTION_HEADERS | FREE_TEXT_SECTIONS)),
            *SECTION_HEADER_PATTERNS,
        ]
    )
    + r")[ \t]*(?=\n|\Z)"
)
_HEADER = re.compile("\n(?=[^ \n])" + _HEADER_BODY)
"""A known header line. The literal ``\n`` prefix and the look-ahead keep the search in C
and let the alternatives be tried only at lines that start at column 0."""
_HEADER_AT_START = re.compile(_HEADER_BODY)

_COLUMN0 = re.compile(r"\n[^ \n]")
"""The start of a line that begins at column 0."""


def _section_kind(head: str) -> str:
    """What the known header line ``head`` starts."""
    if head == _SECTION_PACKAGES:
        return _LIVE
    if head == _SECTION_HIDDEN:
        return _HIDDEN
    return _FREE if head in FREE_TEXT_SECTIONS else _SKIPPED


def _headers(text: str) -> Iterator[tuple[int, int, str]]:
    """``(line start, line end, kind)`` of every known header line, in order."""
    first = _HEADER_AT_START.match(text)
    if first is not None:
        yield 0, first.end(), _section_kind(first.group(1))
    for found in _HEADER.finditer(text):
        yield found.start() + 1, found.end(), _section_kind(found.group(1))


class _LineNumbers:
    """Line numbers of offsets asked for in increasing order (one count per stretch)."""

    __slots__ = ("_line", "_offset", "_text")

    def __init__(self, text: str) -> None:
        self._text, self._offset, self._line = text, 0, 1

    def at(self, offset: int) -> int:
        self._line += self._text.count("\n", self._offset, offset)
        self._offset = offset
        return self._line


def parse_dumpsys_package(text: str) -> PackagesParse:
    """Parse a full (or single-package) ``dumpsys package`` output; never raises.

    Linear in the length of ``text`` and bounded in memory: known headers are found by
    one search, lines are read a piece at a time, and what is kept is capped
    (``MAX_PACKAGES`` and the per-app limits).
    """
    with collector_paused():
        return _parse_dump(text)


def _parse_dump(text: str) -> PackagesParse:
    text = normalise_newlines(text)
    reader = _Reader()
    unknown = WarningLog(DUMPSYS_PACKAGE)  # text outside any section this module knows
    numbers = _LineNumbers(text)
    kind, body_start = _PREAMBLE, 0
    read_live = ends_open = False
    for start, end, new in chain(_headers(text), [(len(text), len(text), "")]):
        if kind in (_LIVE, _HIDDEN):
            read_live = read_live or kind == _LIVE
            ends_open = kind == _LIVE and start == len(text)
            if start > body_start:
                target = reader.live if kind == _LIVE else reader.hidden
                reader.read_section(text, body_start, start, numbers.at(body_start), target)
        elif kind != _FREE:
            _unknown_lines(text, body_start, start, numbers, unknown, kind == _PREAMBLE)
        kind, body_start = new, min(end + 1, len(text))
    reader.report_limits()
    first: tuple[CollectionWarning, ...] = ()
    if not read_live and has_text(text):
        first = (
            warning(DUMPSYS_PACKAGE, words("problems.no_packages_section"), excerpt=excerpt(text)),
        )
    return PackagesParse(
        tuple(reader.live),
        tuple(reader.hidden),
        (*first, *reader.log.result(), *unknown.result()),
        ends_open=ends_open,
    )


def _unknown_lines(
    text: str, start: int, end: int, numbers: _LineNumbers, log: WarningLog, preamble: bool
) -> None:
    """Warn about each column-0 line in a skipped section (or before the first section):
    it is no header this module knows. Indented lines of a known section are not looked
    at; indented text before the first section is warned about once."""
    if start >= end:
        return
    if preamble:
        found = NOT_SPACE.search(text, start, end)
        if found is not None:
            line_start = text.rfind("\n", start, found.start()) + 1
            if line_start != found.start():
                line_end = text.find("\n", found.start(), end)
                line = text[line_start : line_end if line_end >= 0 else end]
                log.line(numbers.at(line_start), line, words("problems.packages_preamble"))
        if text[start] not in " \n":
            _unknown_line(text, start, end, numbers, log)
    matches = _COLUMN0.finditer(text, max(0, start - 1), max(start, end - 1))
    for found in matches:
        if log.full:
            # Quoting stops at the log's limit; the rest are counted without a look.
            log.count(1 + sum(1 for _ in matches))
            return
        _unknown_line(text, found.start() + 1, end, numbers, log)


def _unknown_line(text: str, start: int, end: int, numbers: _LineNumbers, log: WarningLog) -> None:
    line_end = text.find("\n", start, min(end, start + 400))
    line = text[start : line_end if line_end >= 0 else min(end, start + 400)]
    log.line(numbers.at(start), line, words("problems.packages_unknown_part"))


_DROPPED = {
    "users": "problems.users_dropped",
    "requested permissions": "problems.requested_permissions_dropped",
    "install permissions": "problems.install_permissions_dropped",
    "runtime permissions": "problems.runtime_permissions_dropped",
}
"""The message for each kind of an app's entries turned away at its limit."""


class _Reader:
    """State machine over the lines of one package section at a time."""

    runs_fast = True
    """Take the shortcut for plain ``key=value`` lines and read permission lists with
    ``take_list``/``take_runtime``; tests turn it off to prove the result is the same as
    the main loop's general route alone."""

    __slots__ = (
        "dropped",
        "grants",
        "hidden",
        "install_good",
        "left_out",
        "live",
        "log",
        "lost",
        "pkg",
        "requested_lines",
        "runtime_good",
        "sub",
        "target",
        "user",
    )

    def __init__(self) -> None:
        self.log = WarningLog(DUMPSYS_PACKAGE)
        self.live: list[PackageRecord] = []
        self.hidden: list[PackageRecord] = []
        self.target: list[PackageRecord] = self.live
        self.pkg: _PackageBuilder | None = None
        self.user: _UserBuilder | None = None
        self.sub: str | None = None  # current sub-block, at package or user level
        self.lost = False  # inside an app whose lines are not read (see left_out, dropped)
        self.left_out = 0  # apps left out because their first line was not understood
        # Entries turned away at a limit, by kind: reported, never silently lost.
        self.dropped: dict[str, int] = {}
        # Permission lines recur word for word across apps: remember each one's reading
        # (only lines that are kept as they are; the others are read again each time).
        self.requested_lines: dict[str, str] = {}
        self.install_good: dict[str, PermissionGrant] = {}
        self.runtime_good: dict[str, PermissionGrant] = {}
        # The same permission line recurs across hundreds of packages: share one object.
        self.grants: dict[tuple[str, bool], PermissionGrant | None] = {}

    def drop(self, what: str) -> None:
        self.dropped[what] = self.dropped.get(what, 0) + 1

    def report_limits(self) -> None:
        """One warning per kind of entry turned away at its limit."""
        if self.left_out:
            self.log.add(words("problems.apps_left_out", count=self.left_out))
        for what, count in self.dropped.items():
            if what == "apps":
                self.log.add(words("problems.apps_dropped", count=count, limit=str(MAX_PACKAGES)))
                continue
            limit = MAX_APP_USERS if what == "users" else MAX_APP_PERMISSIONS
            self.log.add(words(_DROPPED[what], count=count, limit=str(limit)))

    def grant(self, text: str, runtime: bool) -> PermissionGrant | None:
        key = (text, runtime)
        try:
            return self.grants[key]
        except KeyError:
            grant = parse_permission_grant(text, runtime)
            if len(self.grants) < MAX_REMEMBERED_LINES:
                self.grants[key] = grant
            return grant

    def finish(self) -> None:
        if self.pkg is not None:
            self.target.append(self.pkg.build())
        self.pkg, self.user, self.sub = None, None, None

    def read_section(
        self, text: str, start: int, end: int, first_line: int, target: list[PackageRecord]
    ) -> None:
        """Read ``text[start:end]``, one section's lines (the first is line ``first_line``)."""
        self.target = target
        self.lost = False
        for first, lines in line_chunks(text, start, end):
            self.read_lines(lines, first_line + first - 1)
        self.finish()

    def read_lines(self, lines: list[str], first_line: int) -> None:
        """Read a run of lines (``lines[0]`` is line ``first_line``); state carries over."""
        log = self.log
        count = len(lines)
        i = 0
        fast = self.runs_fast
        while i < count:
            line = lines[i]
            i += 1
            if fast and line[:4] == "    ":
                # The commonest lines, ``    key=value`` at package level and
                # ``      key=value`` at user level, read with fewer steps than below
                # (same effects: tests compare the two routes).
                key, eq, value = line.partition("=")
                if eq and (pkg := self.pkg) is not None:
                    spaces = key.count(" ")
                    if spaces == 4:
                        self.sub = None
                        self.user = None
                        handler = _KEY4_HANDLERS.get(key)
                        if handler is not None:
                            handler(pkg, value.rstrip())
                        continue
                    if spaces == 6 and key[:6] == "      " and self.user is not None:
                        self.sub = None
                        if key == "      firstInstallTime":
                            self.user.first_install = _local_time(value)
                        continue
            number = first_line + i - 1
            left = line.lstrip(" ")
            stripped = left.rstrip()
            if not stripped:
                continue
            indent = len(line) - len(left)
            pkg = self.pkg
            if indent == 4 and pkg is not None:
                # The commonest line: ``    key=value`` at package level.
                key, eq, value = stripped.partition("=")
                handler = _KEY_HANDLERS.get(key) if eq else None
                self.sub = None
                if handler is not None:
                    self.user = None
                    handler(pkg, value)
                elif not eq or " " in key:
                    _package_level(stripped, line, number, self, pkg)
                    if self.sub is not None and self.user is None and self.runs_fast:
                        i = self.take_list(lines, i, first_line, pkg)
                else:
                    self.user = None  # a key=value we do not need
            elif indent <= 2:
                self.finish()  # an app's lines end at the next line this far left
                self.lost = False
                if stripped.startswith("Package [") and stripped.endswith(":"):
                    close = stripped.find("]", 9)
                    if close > 9:
                        if len(self.target) < MAX_PACKAGES:
                            self.pkg = _PackageBuilder(stripped[9:close], number)
                        else:
                            self.lost = True
                            self.drop("apps")
                        continue
                if stripped.startswith("Package ["):
                    # Its lines must not be read into the app before it: skip them all.
                    self.lost = True
                    self.left_out += 1
                    log.line(number, line, words("problems.app_first_line"))
                else:
                    log.line(number, line)
            elif pkg is None:
                if not self.lost:
                    log.line(number, line, words("problems.outside_package"))
            elif indent < 4:
                _package_level(stripped, line, number, self, pkg)
            elif self.user is not None:
                user = self.user
                _user_level(stripped, indent, line, number, self, user)
                if self.sub == _RUNTIME and self.runs_fast:
                    i = self.take_runtime(lines, i, first_line, user)
            else:
                _package_sub_block(stripped, indent, line, number, self, pkg)

    # A permission list is a run of lines at one indent, and most lines of a dump are in
    # one. The methods below read such a run exactly as the main loop would (same
    # values, same warnings, same limits), and stop at the first line of another shape,
    # or where an app's list is full, which the main loop then reads. The same lines
    # recur across apps, so a line read once is remembered, and a stretch of remembered
    # lines is taken in one step.

    def take_list(self, lines: list[str], i: int, first_line: int, pkg: _PackageBuilder) -> int:
        """Read the run of 6-space lines of a requested or install permission list."""
        sub = self.sub
        if sub == _REQUESTED:
            names = self.requested_lines
            requested = pkg.requested
            stop = min(len(lines), i + max(0, MAX_APP_PERMISSIONS - len(requested)))
            for i in range(i, stop):  # noqa: B020 - the index is the result
                line = lines[i]
                name = names.get(line)
                if name is None:
                    if line[:6] != "      " or not line[6:7] or line[6].isspace():
                        return i
                    name = line[6:].rstrip().partition(":")[0]
                    if len(names) < MAX_REMEMBERED_LINES:
                        names[line] = name
                requested.append(name)
            return stop
        if sub == _INSTALL:
            return self.take_grants(lines, i, first_line, pkg.install_perms, runtime=False)
        return i

    def take_runtime(self, lines: list[str], i: int, first_line: int, user: _UserBuilder) -> int:
        """Read the run of 8-space lines of one user's runtime permissions."""
        return self.take_grants(lines, i, first_line, user.runtime, runtime=True)

    def take_grants(
        self, lines: list[str], i: int, first_line: int, out: list[PermissionGrant], runtime: bool
    ) -> int:
        """Read a run of install (6-space) or runtime (8-space) permission lines into ``out``."""
        indent, pad = (8, "        ") if runtime else (6, "      ")
        good = self.runtime_good if runtime else self.install_good
        count = len(lines)
        while i < count:
            room = MAX_APP_PERMISSIONS - len(out)
            if room <= 0:
                return i  # full: the main loop counts what is turned away
            line = lines[i]
            if line in good:
                known = _known_run(lines, i, good, room)
                out += known
                i += len(known)
                continue
            if line[:indent] != pad or not line[indent : indent + 1] or line[indent].isspace():
                return i
            stripped = line[indent:].rstrip()
            grant = self.grant(stripped, runtime)
            if grant is None:
                kind = "runtime" if runtime else "install"
                self.log.line(first_line + i, line, words(f"problems.{kind}_permission_line"))
            elif runtime or ", userId=" not in stripped:  # install: user 0's copy is kept
                if len(good) < MAX_REMEMBERED_LINES:
                    good[line] = grant
                out.append(grant)
            i += 1
        return count


_is_not_none = partial(operator.is_not, None)


def _known_run(
    lines: list[str], start: int, known: dict[str, PermissionGrant], most: int
) -> list[PermissionGrant]:
    """``known``'s values for ``lines[start:]`` up to the first line it does not hold
    (at most ``most`` of them).

    All in C (no Python step per line): a list iterator set to ``start``, dict lookups,
    and a stop at the first miss. Only the length and values are used; the iterator is
    thrown away, so the miss it swallowed is read again by index.
    """
    rest = iter(lines)
    rest.__setstate__(start)  # type: ignore[attr-defined]
    found: Iterator[PermissionGrant] = takewhile(
        _is_not_none,
        islice(map(known.get, rest), most),  # type: ignore[arg-type]
    )
    return list(found)


def _package_sub_block(
    stripped: str, indent: int, line: str, number: int, st: _Reader, pkg: _PackageBuilder
) -> None:
    sub = st.sub
    if sub == _REQUESTED:
        if indent == 6:
            # ``name`` or ``name: restricted=true`` (Android 10+)
            if len(pkg.requested) < MAX_APP_PERMISSIONS:
                pkg.requested.append(stripped.partition(":")[0])
            else:
                st.drop("requested permissions")
        return
    if sub == _INSTALL:
        if indent == 6:
            grant = st.grant(stripped, False)
            if grant is None:
                st.log.line(number, line, words("problems.install_permission_line"))
            elif ", userId=" not in stripped:  # another user's copy; user 0's is kept
                if len(pkg.install_perms) < MAX_APP_PERMISSIONS:
                    pkg.install_perms.append(grant)
                else:
                    st.drop("install permissions")
        return
    if sub is not None or "=" in stripped:
        return  # a block we do not read (libraries, declared permissions, oldCodePath= …)
    st.log.line(number, line)


def _package_level(
    stripped: str, line: str, number: int, st: _Reader, pkg: _PackageBuilder
) -> None:
    if stripped.startswith("User ") and ":" in stripped:
        head, _, rest = stripped.partition(":")
        user_id = leading_int(head[5:])
        if user_id is not None:
            values: dict[str, str] = {}
            for part in rest.split():  # ``k=v`` words; words without ``=`` are not read
                key, eq, value = part.partition("=")
                if eq:
                    values[key] = value
            st.user = _UserBuilder(user_id, values)
            if len(pkg.users) < MAX_APP_USERS:
                pkg.users.append(st.user)
            else:
                st.drop("users")  # read, then thrown away
            st.sub = None
            return
    if st.user is not None and stripped == "Suspend params:":
        st.sub = "suspend"  # Android 14+ prints this at package indent inside a user block
        return
    st.user = None
    key, eq, value = stripped.partition("=")
    if not eq:
        if stripped.endswith(":"):
            st.sub = stripped[:-1]
            return
        st.sub = None
        st.log.line(number, line)
        return
    st.sub = None
    handler = _KEY_HANDLERS.get(key)
    if handler is not None:
        handler(pkg, value)


def _set_code_path(pkg: _PackageBuilder, value: str) -> None:
    pkg.code_path = _null(value)


_MAX_SPLITS = 100  # Real apps have a handful; a phone listing more is cut here.


def _set_splits(pkg: _PackageBuilder, value: str) -> None:
    names = value.strip().removeprefix("[").removesuffix("]").split(",")
    pkg.splits = tuple(n for n in (n.strip() for n in names) if n and n != "base")[:_MAX_SPLITS]


def _set_app_id(pkg: _PackageBuilder, value: str) -> None:
    pkg.app_id = leading_int(value)


def _set_versions(pkg: _PackageBuilder, value: str) -> None:
    # ``versionCode=18093 minSdk=18 targetSdk=29`` on one line
    pkg.version_code = leading_int(value)
    for part in value.split()[1:]:
        k, _, v = part.partition("=")
        if k == "minSdk":
            pkg.min_sdk = _small_int(v)
        elif k == "targetSdk":
            pkg.target_sdk = _small_int(v)


def _set_version_name(pkg: _PackageBuilder, value: str) -> None:
    pkg.version_name = value


def _add_flags(pkg: _PackageBuilder, value: str) -> None:
    pkg.flags.update(_flag_list(value))


def _set_installer(pkg: _PackageBuilder, value: str) -> None:
    pkg.installer = _null(value)


def _set_initiating(pkg: _PackageBuilder, value: str) -> None:
    pkg.initiating = _null(value)


def _set_originating(pkg: _PackageBuilder, value: str) -> None:
    pkg.originating = _null(value)


def _set_attribution_tag(pkg: _PackageBuilder, value: str) -> None:
    pkg.attribution_tag = _null(value)


def _set_package_source(pkg: _PackageBuilder, value: str) -> None:
    pkg.package_source = ascii_int(value)


# Install times recur (system apps share the build's), and datetimes never change.
_local_time = lru_cache(maxsize=4096)(parse_local_time)


def _set_first_install(pkg: _PackageBuilder, value: str) -> None:
    pkg.first_install = _local_time(value)


def _set_last_update(pkg: _PackageBuilder, value: str) -> None:
    pkg.last_update = _local_time(value)


# Package-level keys we read; every other ``key=value`` (resourcePath, signatures,
# privateFlags …) is not needed.
_KEY_HANDLERS: dict[str, Callable[[_PackageBuilder, str], None]] = {
    "codePath": _set_code_path,
    "splits": _set_splits,
    "userId": _set_app_id,  # Android <= 12
    "appId": _set_app_id,  # Android 13+
    "versionCode": _set_versions,
    "versionName": _set_version_name,
    "flags": _add_flags,
    "pkgFlags": _add_flags,
    "installerPackageName": _set_installer,
    "installInitiatingPackageName": _set_initiating,  # Android 11-13
    "initiatingPackageName": _set_initiating,  # Android 14+
    "installOriginatingPackageName": _set_originating,
    "originatingPackageName": _set_originating,  # Android 14+
    "installerAttributionTag": _set_attribution_tag,  # Android 12+, only when set
    "packageSource": _set_package_source,  # Android 14+
    "firstInstallTime": _set_first_install,
    "lastUpdateTime": _set_last_update,
}
_KEY4_HANDLERS = {"    " + key: handler for key, handler in _KEY_HANDLERS.items()}
"""The same, keyed by the raw line's text before ``=`` (4 spaces of indent, then the key)."""


def _user_level(
    stripped: str, indent: int, line: str, number: int, st: _Reader, user: _UserBuilder
) -> None:
    if indent == 6:
        if stripped == "runtime permissions:":
            st.sub = _RUNTIME
            return
        key, eq, value = stripped.partition("=")
        if eq and " " not in key:
            st.sub = None
            if key == "firstInstallTime":
                user.first_install = _local_time(value)
            return
        if stripped.endswith(":") or ": " in stripped:
            # disabledComponents:, overlay paths:, lastDisabledCaller: pkg, …
            st.sub = stripped[:-1] if stripped.endswith(":") else None
            return
        if st.sub is None:
            st.log.line(number, line)
        return
    if st.sub == _RUNTIME and indent == 8:
        grant = st.grant(stripped, True)
        if grant is None:
            st.log.line(number, line, words("problems.runtime_permission_line"))
        elif len(user.runtime) < MAX_APP_PERMISSIONS:
            user.runtime.append(grant)
        else:
            st.drop("runtime permissions")
