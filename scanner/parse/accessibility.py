"""``dumpsys accessibility``: which accessibility services are switched on.

Layouts handled (``AccessibilityUserState.dump`` / older ``UserState.dump`` in
``AccessibilityManagerService``):

- Android 9/10: ``User state[attributes:{id=0, currentUser=true, …}`` on one line.
- Android 11-16: ``User state[`` then ``     attributes:{id=0, …}`` on the next line.
- Every version: ``     Enabled services:{{pkg/.Svc}, {pkg2/pkg2.Svc}}`` (each entry is
  ``ComponentName.toShortString()``), ``Bound services:{Service[label=…, …]}`` (labels
  only, no component), ``Binding services:{…}`` and ``Crashed services:{…}``.
- Some vendor builds (Samsung) add ``installed services: {`` with ``N : pkg/cls`` lines.

``Bound services`` names services by label only, so "bound" is worked out by elimination:
a service listed as binding or crashed is not bound; when every enabled service of a user
is accounted for by the bound count, all of them are bound; otherwise it is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

from scanner.device.allowlist import DUMPSYS_ACCESSIBILITY
from scanner.model import AccessibilityService, CollectionWarning
from scanner.parse.common import (
    WarningLog,
    component_package,
    leading_int,
    looks_like_component,
    normalize_component,
    split_lines,
)


@dataclass(frozen=True, slots=True)
class AccessibilityParse:
    """Enabled services (all users), the vendor ``installed services`` list, warnings."""

    enabled: tuple[AccessibilityService, ...] = ()
    installed: tuple[str, ...] = ()
    current_user: int | None = None
    warnings: tuple[CollectionWarning, ...] = ()


def braced_components(text: str) -> list[str]:
    """``{{a/.B}, {c/d.E}}`` -> ``["a/.B", "c/d.E"]``; non-component entries are skipped."""
    out: list[str] = []
    pos = 0
    while True:
        start = text.find("{", pos)
        if start < 0:
            return out
        end = text.find("}", start + 1)
        if end < 0:
            return out
        inner = text[start + 1 : end].lstrip("{").strip()
        if looks_like_component(inner):
            out.append(inner)
        pos = end + 1


def _count_bound(text: str) -> int:
    """Number of ``Service[`` entries after ``Bound services:``."""
    return text.count("Service[")


class _UserBlock:
    __slots__ = ("binding", "bound_count", "crashed", "enabled", "user")

    def __init__(self, user: int | None) -> None:
        self.user = user
        self.enabled: list[str] = []
        self.bound_count: int | None = None
        self.binding: set[str] = set()
        self.crashed: set[str] = set()

    def services(self) -> list[AccessibilityService]:
        not_bound = self.binding | self.crashed
        candidates = [c for c in self.enabled if normalize_component(c) not in not_bound]
        out = []
        for comp in self.enabled:
            bound: bool | None
            if normalize_component(comp) in not_bound or self.bound_count == 0:
                bound = False
            elif self.bound_count is not None and self.bound_count >= len(candidates):
                bound = True
            else:
                bound = None
            out.append(AccessibilityService(comp, component_package(comp), bound))
        return out


def parse_dumpsys_accessibility(text: str) -> AccessibilityParse:
    """Parse ``dumpsys accessibility``; never raises."""
    log = WarningLog(DUMPSYS_ACCESSIBILITY)
    blocks: list[_UserBlock] = []
    block: _UserBlock | None = None
    installed: list[str] = []
    in_installed = False
    current_user: int | None = None
    seen_enabled_line = False
    for number, line in enumerate(split_lines(text), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("currentUserId="):
            current_user = leading_int(stripped[14:])
            continue
        if stripped.startswith("User state["):
            block = _UserBlock(None)
            blocks.append(block)
            in_installed = False
            _read_user_id(stripped, block)
            continue
        if block is None:
            continue
        if stripped.startswith("attributes:{"):
            _read_user_id(stripped, block)
            continue
        if in_installed:
            if stripped.startswith("}"):
                in_installed = False
                continue
            # ``0 : pkg/.Svc  (A11yTool)``
            _, sep, rest = stripped.partition(":")
            comp = rest.strip().split(" ")[0] if sep else ""
            if looks_like_component(comp):
                installed.append(comp)
            else:
                log.line(number, line, "installed service line not understood")
            continue
        if stripped.startswith("installed services:"):
            in_installed = not stripped.endswith("}")
            continue
        if stripped.startswith("Enabled services:{"):
            seen_enabled_line = True
            body = stripped[len("Enabled services:") :]
            comps = braced_components(body)
            if not comps and body.strip() not in ("{}", "{}]"):
                log.line(number, line, "enabled services line not understood")
            block.enabled.extend(comps)
        elif stripped.startswith("Bound services:{"):
            block.bound_count = _count_bound(stripped)
        elif stripped.startswith("Service[") and block.bound_count is not None:
            # Android prints one bound service per line after the first.
            block.bound_count += 1
        elif stripped.startswith("Binding services:{"):
            block.binding.update(normalize_component(c) for c in braced_components(stripped))
        elif stripped.startswith("Crashed services:{"):
            block.crashed.update(normalize_component(c) for c in braced_components(stripped))
    if text.strip() and not seen_enabled_line:
        log.add(
            "no 'Enabled services' line found; enabled accessibility services are unknown",
            text,
        )
    enabled: list[AccessibilityService] = []
    seen: set[str] = set()
    for b in blocks:
        for service in b.services():
            key = normalize_component(service.component)
            if key not in seen:
                seen.add(key)
                enabled.append(service)
    return AccessibilityParse(
        tuple(enabled), tuple(dict.fromkeys(installed)), current_user, log.result()
    )


def _read_user_id(text: str, block: _UserBlock) -> None:
    start = text.find("{id=")
    if start >= 0:
        block.user = leading_int(text[start + 4 :])
