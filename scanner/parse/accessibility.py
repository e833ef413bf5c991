"""``dumpsys accessibility``: which accessibility services are switched on.

Layouts handled (``AccessibilityUserState.dump`` / older ``UserState.dump`` in
``AccessibilityManagerService``), side by side:

- Android 9/10: ``User state[attributes:{id=0, currentUser=true, …}`` on one line.
- Android 11-16: ``User state[`` then ``     attributes:{id=0, …}`` on the next line.
- AOSP, every version: each list on one line: ``     Enabled services:{{pkg/.Svc},
  {pkg2/pkg2.Svc}}`` (each entry ``ComponentName.toShortString()``), ``Bound
  services:{Service[label=…, …]}`` (labels only, no component; a long list continues on
  the next lines), ``Binding services:{…}`` and ``Crashed services:{…}``.
- Samsung (Android 10 One UI): the lists in lower case, opened by ``enabled services: {``
  with the entries on the lines that follow and a ``}`` line closing them; also an
  ``installed services: {`` list of ``N : pkg/cls`` lines (some Android 13+ vendor builds
  print that one too). An entry may be ``N : pkg/cls``, ``{pkg/cls}`` or ``pkg/cls``.

``Bound services`` names services by label only, so "bound" is worked out by elimination:
a service listed as binding or crashed is not bound; when every enabled service of a user
is accounted for by the bound count, all of them are bound; otherwise it is unknown.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from scanner.commands import DUMPSYS_ACCESSIBILITY
from scanner.model import AccessibilityService, CollectionWarning
from scanner.parse.common import (
    Capped,
    WarningLog,
    component_package,
    has_text,
    leading_int,
    looks_like_component,
    nonblank_lines,
    normalize_component,
)
from scanner.phrases import words

MAX_USERS = 100
"""``User state[`` blocks read; Android phones have a handful of users at most."""

MAX_SERVICES = 1000
"""Services kept per list (enabled, installed, binding, crashed) of one user."""

_LISTS = ("enabled", "bound", "binding", "crashed", "installed")
"""The service lists a user block prints, as the words before `` services:``."""


@dataclass(frozen=True, slots=True)
class AccessibilityParse:
    """Enabled services (all users), the vendor ``installed services`` list, warnings."""

    enabled: tuple[AccessibilityService, ...] = ()
    installed: tuple[str, ...] = ()
    current_user: int | None = None
    warnings: tuple[CollectionWarning, ...] = ()


def iter_braced_components(text: str) -> Iterator[str]:
    """``{{a/.B}, {c/d.E}}`` -> ``a/.B``, ``c/d.E``, lazily; non-component entries are skipped."""
    pos = 0
    while True:
        start = text.find("{", pos)
        if start < 0:
            return
        end = text.find("}", start + 1)
        if end < 0:
            return
        inner = text[start + 1 : end].lstrip("{").strip()
        if looks_like_component(inner):
            yield inner
        pos = end + 1


def braced_components(text: str) -> list[str]:
    """``{{a/.B}, {c/d.E}}`` -> ``["a/.B", "c/d.E"]``; non-component entries are skipped."""
    return list(iter_braced_components(text))


def entry_component(text: str) -> str | None:
    """One entry of a multi-line list: ``3 : pkg/cls  (A11yTool)``, ``{pkg/cls},`` or
    ``pkg/cls``; None when it is none of these."""
    entry = text.strip().rstrip(",").strip()
    head, sep, rest = entry.partition(":")
    if sep and head.strip().isdigit():
        entry = rest.strip()
    entry = entry.strip("{}").strip().split(" ", 1)[0].rstrip(",}")
    return entry if looks_like_component(entry) else None


def _list_header(stripped: str) -> tuple[str, str] | None:
    """``(list name, text after the colon)`` for ``Enabled services:{…}`` in either case."""
    head, sep, body = stripped.partition(" services:")
    if not sep:
        return None
    name = head.lower()
    return (name, body.strip()) if name in _LISTS else None


class _UserBlock:
    __slots__ = ("binding", "bound_count", "crashed", "enabled", "user")

    def __init__(self, user: int | None) -> None:
        self.user = user
        self.enabled: Capped[str] = Capped(MAX_SERVICES)
        self.bound_count: int | None = None
        self.binding: Capped[str] = Capped(MAX_SERVICES)
        self.crashed: Capped[str] = Capped(MAX_SERVICES)

    def add(self, name: str, component: str) -> None:
        """Put one component on the list ``name`` (bound lists count entries instead)."""
        if name == "enabled":
            self.enabled.add(component)
        elif name == "binding":
            self.binding.add(normalize_component(component))
        elif name == "crashed":
            self.crashed.add(normalize_component(component))

    def services(self) -> list[AccessibilityService]:
        not_bound = set(self.binding.items) | set(self.crashed.items)
        enabled = self.enabled.items
        candidates = [c for c in enabled if normalize_component(c) not in not_bound]
        out = []
        for comp in enabled:
            bound: bool | None
            if normalize_component(comp) in not_bound or self.bound_count == 0:
                bound = False
            elif self.bound_count is not None and self.bound_count >= len(candidates):
                bound = True
            else:
                bound = None
            out.append(AccessibilityService(comp, component_package(comp), bound))
        return out


class _Reader:
    """State while walking the lines: the user block and the list left open, if any."""

    __slots__ = (
        "block",
        "blocks",
        "current_user",
        "installed",
        "log",
        "open_list",
        "saw_enabled",
        "users_dropped",
    )

    def __init__(self) -> None:
        self.log = WarningLog(DUMPSYS_ACCESSIBILITY)
        self.blocks: list[_UserBlock] = []
        self.block: _UserBlock | None = None
        self.installed: Capped[str] = Capped(MAX_SERVICES)
        self.open_list: str | None = None  # a list whose entries follow on later lines
        self.current_user: int | None = None
        self.saw_enabled = False
        self.users_dropped = 0

    def line(self, number: int, line: str) -> None:
        stripped = line.strip()
        if stripped.startswith("currentUserId="):
            self.current_user = leading_int(stripped[14:])
            return
        if stripped.startswith("User state["):
            self.open_list = None
            if len(self.blocks) < MAX_USERS:
                self.block = _UserBlock(None)
                self.blocks.append(self.block)
                _read_user_id(stripped, self.block)
            else:
                self.block = None
                self.users_dropped += 1
            return
        block = self.block
        if block is None:
            return
        header = _list_header(stripped)
        if header is not None:
            self.open_list = None
            self.list_header(number, line, block, *header)
            return
        if self.open_list is not None:
            self.list_entry(number, line, stripped, block, self.open_list)
            return
        if stripped.startswith("attributes:{"):
            _read_user_id(stripped, block)

    def list_header(self, number: int, line: str, block: _UserBlock, name: str, body: str) -> None:
        """``Enabled services:{{a/b}}`` (one line) or ``enabled services: {`` (opens a list)."""
        if name == "enabled":
            self.saw_enabled = True
        if name == "bound":
            block.bound_count = body.count("Service[")
        if not body.startswith("{"):
            self.log.line(number, line, words("problems.a11y_list_line", name=name))
            return
        if body.count("{") > body.count("}"):
            self.open_list = name  # the entries follow, up to a closing ``}``
        if name == "bound":
            return
        target = self.installed if name == "installed" else None
        before = len(block.enabled) + block.enabled.dropped
        for comp in iter_braced_components(body):
            if target is not None:
                target.add(comp)
            else:
                block.add(name, comp)
        if (
            name == "enabled"
            and self.open_list is None
            and len(block.enabled) + block.enabled.dropped == before
            and body not in ("{}", "{}]")
        ):
            self.log.line(number, line, words("problems.a11y_enabled_line"))

    def list_entry(
        self, number: int, line: str, stripped: str, block: _UserBlock, name: str
    ) -> None:
        """One line inside a list opened on an earlier line."""
        closes = stripped.endswith("}") and stripped.count("}") > stripped.count("{")
        if stripped.startswith("}"):
            self.open_list = None
            return
        if name == "bound":
            # Android prints one bound service per line after the first.
            block.bound_count = (block.bound_count or 0) + stripped.count("Service[")
        else:
            comp = entry_component(stripped)
            if comp is None:
                self.log.line(number, line, words("problems.a11y_service_line", name=name))
            elif name == "installed":
                self.installed.add(comp)
            else:
                block.add(name, comp)
        if closes:
            self.open_list = None


def parse_dumpsys_accessibility(text: str) -> AccessibilityParse:
    """Parse ``dumpsys accessibility``; never raises."""
    reader = _Reader()
    for number, line in nonblank_lines(text):
        reader.line(number, line)
    log = reader.log
    if not reader.saw_enabled and has_text(text):
        log.add(
            words("problems.a11y_no_enabled"),
            text,
        )
    if reader.users_dropped:
        log.add(
            words("problems.a11y_users_dropped", count=reader.users_dropped, limit=str(MAX_USERS))
        )
    enabled: list[AccessibilityService] = []
    seen: set[str] = set()
    for b in reader.blocks:
        b.enabled.report(log, "problems.capped_enabled_services")
        b.binding.report(log, "problems.capped_binding_services")
        b.crashed.report(log, "problems.capped_crashed_services")
        for service in b.services():
            key = normalize_component(service.component)
            if key not in seen:
                seen.add(key)
                enabled.append(service)
    reader.installed.report(log, "problems.capped_installed_services")
    return AccessibilityParse(
        tuple(enabled),
        tuple(dict.fromkeys(reader.installed.items)),
        reader.current_user,
        log.result(),
    )


def _read_user_id(text: str, block: _UserBlock) -> None:
    start = text.find("{id=")
    if start >= 0:
        block.user = leading_int(text[start + 4 : start + 40])
