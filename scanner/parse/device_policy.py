"""``dumpsys device_policy``: device owner, profile owners and active device admins.

Format (``DevicePolicyManagerService.dump`` -> ``OwnersData.dump``,
``DevicePolicyData.dump``, ``ActiveAdmin.dump``; same shape Android 9-16)::

    Current Device Policy Manager state:
      Device Owner:
        admin=ComponentInfo{pkg/pkg.Admin}
        name=…
        package=pkg
        User ID: 0
      Profile Owner (User 10):
        admin=ComponentInfo{pkg/pkg.Admin}
      Enabled Device Admins (User 0, provisioningState: 3):
        pkg/.Admin:
          uid=10123
          policies:
            wipe-data
            force-lock

Android 9 and older print the header without ``, provisioningState: N``. An owner is
normally also listed among the admins: the two are merged into one entry with the owner
role and the admin's policies.
"""

from __future__ import annotations

from dataclasses import dataclass

from scanner.commands import DUMPSYS_DEVICE_POLICY
from scanner.model import CollectionWarning, DeviceAdmin
from scanner.parse.common import (
    WarningLog,
    component_package,
    has_text,
    indent_of,
    leading_int,
    looks_like_component,
    nonblank_lines,
    normalize_component,
)
from scanner.phrases import words

MAX_ADMINS = 1000
"""Owners and admins kept (each); a phone has a handful."""

MAX_POLICIES = 200
"""Policy names kept per admin (Android defines about a dozen)."""


@dataclass(frozen=True, slots=True)
class DevicePolicyParse:
    """Every owner and admin found, plus warnings."""

    admins: tuple[DeviceAdmin, ...] = ()
    warnings: tuple[CollectionWarning, ...] = ()


class _Entry:
    __slots__ = ("component", "policies", "role", "user")

    def __init__(self, component: str, role: str, user: int) -> None:
        self.component = component
        self.role = role
        self.user = user
        self.policies: list[str] = []

    def add_policies(self, text: str) -> int:
        """Add the policy names in ``text`` (space or comma separated); how many did not fit."""
        words = text.replace(",", " ").split()
        room = max(0, MAX_POLICIES - len(self.policies))
        self.policies.extend(words[:room])
        return max(0, len(words) - room)


def parse_dumpsys_device_policy(text: str) -> DevicePolicyParse:
    """Parse ``dumpsys device_policy``; never raises."""
    log = WarningLog(DUMPSYS_DEVICE_POLICY)
    owners: list[_Entry] = []
    admins: list[_Entry] = []
    mode = ""  # "owner", "admins" or ""
    owner: _Entry | None = None
    owner_role, owner_user, owner_indent = "", 0, 0
    admins_user, admins_indent = 0, 0
    admin: _Entry | None = None
    admin_indent = 0
    policies_indent: int | None = None
    recognised = False
    dropped = 0
    for number, line in nonblank_lines(text):
        stripped = line.strip()
        indent = indent_of(line)
        if stripped.startswith("Device Owner:"):
            mode, owner, owner_role, owner_user = "owner", None, "device_owner", 0
            owner_indent = indent
            recognised = True
            continue
        if stripped.startswith("Profile Owner (User "):
            user = leading_int(stripped[len("Profile Owner (User ") :])
            mode, owner, owner_role = "owner", None, "profile_owner"
            owner_indent = indent
            owner_user = user if user is not None else 0
            recognised = True
            continue
        if stripped.startswith("Enabled Device Admins (User "):
            user = leading_int(stripped[len("Enabled Device Admins (User ") :])
            mode, admin, policies_indent = "admins", None, None
            admins_user, admins_indent = (user if user is not None else 0), indent
            recognised = True
            continue
        if stripped.startswith("Current Device Policy Manager state"):
            recognised = True
            continue
        if mode == "owner" and indent <= owner_indent:
            mode = ""
        if mode == "owner":
            if stripped.startswith("admin=ComponentInfo{"):
                comp = stripped[len("admin=ComponentInfo{") :].rstrip("}")
                if looks_like_component(comp) and len(owners) < MAX_ADMINS:
                    owner = _Entry(comp, owner_role, owner_user)
                    owners.append(owner)
                elif looks_like_component(comp):
                    dropped += 1
                else:
                    log.line(number, line, words("problems.owner_line"))
            elif stripped.startswith("User ID:") and owner is not None:
                user = leading_int(stripped[8:])
                if user is not None:
                    owner.user = user
            continue
        if mode != "admins":
            continue
        if indent <= admins_indent:
            mode = ""
            continue
        if policies_indent is not None and admin is not None:
            if indent > policies_indent:
                dropped += admin.add_policies(stripped)
                continue
            policies_indent = None
        comp = ""
        if stripped.endswith(":") and looks_like_component(stripped[:-1]):
            comp = stripped[:-1]
        elif stripped.startswith("admin=ComponentInfo{"):  # seen on some vendor builds
            comp = stripped[len("admin=ComponentInfo{") :].rstrip("}")
            if not looks_like_component(comp):
                continue
        if comp:
            admin, admin_indent, policies_indent = None, indent, None
            if len(admins) < MAX_ADMINS:
                admin = _Entry(comp, "admin", admins_user)
                admins.append(admin)
            else:
                dropped += 1
            continue
        if admin is not None and indent > admin_indent and stripped.startswith("policies:"):
            inline = stripped[len("policies:") :]
            dropped += admin.add_policies(inline)
            if not admin.policies or not inline.strip():
                policies_indent = indent
            continue
        # Everything else in an admin block (uid=, passwordQuality=, userRestrictions: …)
        # is not needed.
    if has_text(text) and not recognised:
        log.add(words("problems.policy_unknown"), text)
    if dropped:
        log.add(
            words(
                "problems.policy_dropped",
                count=dropped,
                admins=str(MAX_ADMINS),
                policies=str(MAX_POLICIES),
            )
        )
    return DevicePolicyParse(_merge(owners, admins), log.result())


def _merge(owners: list[_Entry], admins: list[_Entry]) -> tuple[DeviceAdmin, ...]:
    out: list[DeviceAdmin] = []
    owner_roles = {(normalize_component(o.component), o.user): o for o in owners}
    used: set[tuple[str, int]] = set()
    for a in admins:
        key = (normalize_component(a.component), a.user)
        role = "admin"
        if key in owner_roles:
            role = owner_roles[key].role
            used.add(key)
        out.append(
            DeviceAdmin(
                component=a.component,
                package=component_package(a.component),
                role=role,
                user=a.user,
                policies=tuple(dict.fromkeys(a.policies)),
            )
        )
    for key, o in owner_roles.items():
        if key not in used:
            out.append(DeviceAdmin(o.component, component_package(o.component), o.role, o.user, ()))
    return tuple(out)
