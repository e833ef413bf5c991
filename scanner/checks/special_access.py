"""Apps holding powerful special access: accessibility, device admin, notifications,
usage access, drawing over other apps.

Each is what stalkerware asks for to read the screen, stay installed, read messages as
they arrive or hide itself. Legitimate apps use them too, so a user app holding one is
``review``, unless its kind needs that access and an app store really installed it
(``app_kinds.purpose``: a password manager's accessibility, a watch companion's
notification access), which is listed at ``info`` with that reason; system apps are
listed at ``info`` for accessibility only (TalkBack and similar are normal), and
otherwise skipped to keep a clean phone quiet.
"""

from __future__ import annotations

from collections.abc import Iterator

from scanner.checks.app_kinds import ACCESSIBILITY, DEVICE_ADMIN, NOTIFICATIONS, purpose
from scanner.checks.common import app_name, from_store, is_system, package_of
from scanner.checks.registry import Check, CheckContext, check
from scanner.commands import (
    DUMPSYS_ACCESSIBILITY,
    DUMPSYS_APPOPS,
    DUMPSYS_DEVICE_POLICY,
    DUMPSYS_PACKAGE,
    SETTINGS_SECURE,
)
from scanner.model import DeviceSnapshot, Evidence, Finding, Severity
from scanner.parse.common import normalize_component
from scanner.phrases import said, words


def _explained(snapshot: DeviceSnapshot, package: str, access: str) -> Evidence | None:
    """Why this access is expected, when the app's kind needs it and an app store really
    installed it under the maker's id (``app_kinds.purpose``); None otherwise.

    Such an app is still listed, at ``info``, so the person can see everything that holds
    this access; it is not put among the things to check (issue 15: an ordinary phone's
    watch companion, keyboard or password manager must not crowd out a real warning).
    """
    pkg = snapshot.package(package)
    kind = purpose(pkg, snapshot) if pkg is not None else None
    if kind is None or access not in kind.explains:
        return None
    return said(
        DUMPSYS_PACKAGE,
        "checks.kind_needs_access",
        package=package,
        kind=words(f"checks.kind_{kind.key}"),
    )


@check(
    id="ACC-001",
    title="Accessibility service switched on",
    name="check_names.accessibility",
    severity=Severity.REVIEW,
    guidance="accessibility_service",
    sources=(DUMPSYS_ACCESSIBILITY, SETTINGS_SECURE),
)
def accessibility_services(
    snapshot: DeviceSnapshot, _ctx: CheckContext, me: Check
) -> Iterator[Finding]:
    """Enabled accessibility services can read and control everything on screen."""
    # The same service is printed short (pkg/.Svc) in one place and long in another.
    seen: dict[str, list[Evidence]] = {}
    for svc in snapshot.accessibility:
        state = "checks.accessibility_running" if svc.bound else "checks.accessibility_on"
        seen.setdefault(normalize_component(svc.component), []).append(
            said(DUMPSYS_ACCESSIBILITY, state, component=svc.component)
        )
    for component in snapshot.settings.enabled_accessibility_services:
        seen.setdefault(normalize_component(component), []).append(
            said(
                SETTINGS_SECURE,
                "checks.setting_includes",
                setting="enabled_accessibility_services",
                component=component,
            )
        )
    for component, evidence in seen.items():
        pkg = package_of(component)
        system = is_system(snapshot, pkg)
        why = None if system else _explained(snapshot, pkg, ACCESSIBILITY)
        yield me.finding(
            title=words("checks.accessibility", app=app_name(snapshot, pkg)),
            evidence=[*evidence, *([why] if why else [])],
            package=pkg,
            subject=component,
            severity=Severity.INFO if system or why else Severity.REVIEW,
        )


@check(
    id="ADM-001",
    title="Device administrator app",
    name="check_names.device_admin",
    severity=Severity.REVIEW,
    guidance="device_admin",
    sources=(DUMPSYS_DEVICE_POLICY,),
)
def device_admins(snapshot: DeviceSnapshot, _ctx: CheckContext, me: Check) -> Iterator[Finding]:
    """Device admins can lock or wipe the phone and resist being uninstalled."""
    for admin in snapshot.device_admins:
        if admin.role != "admin" or is_system(snapshot, admin.package):
            continue
        evidence = [said(DUMPSYS_DEVICE_POLICY, "checks.active_admin", component=admin.component)]
        if admin.policies:
            evidence.append(
                said(DUMPSYS_DEVICE_POLICY, "checks.policies", policies=", ".join(admin.policies))
            )
        why = _explained(snapshot, admin.package, DEVICE_ADMIN)
        yield me.finding(
            title=words("checks.device_admin", app=app_name(snapshot, admin.package)),
            evidence=[*evidence, *([why] if why else [])],
            package=admin.package,
            subject=admin.component,
            severity=Severity.INFO if why else Severity.REVIEW,
        )


@check(
    id="ADM-002",
    title="Device or profile owner",
    name="check_names.device_owner",
    severity=Severity.HIGH,
    guidance="device_owner",
    sources=(DUMPSYS_DEVICE_POLICY, DUMPSYS_PACKAGE),
)
def device_owners(snapshot: DeviceSnapshot, _ctx: CheckContext, me: Check) -> Iterator[Finding]:
    """A device/profile owner controls the phone (normal for work phones).

    ``high`` when the owner app was not installed from a store and is not a system app,
    otherwise ``review``: an employer's management app is legitimate but still worth
    knowing about.
    """
    for admin in snapshot.device_admins:
        if admin.role not in ("device_owner", "profile_owner"):
            continue
        pkg = snapshot.package(admin.package)
        trusted = pkg is not None and (pkg.system or from_store(pkg, snapshot))
        owner = admin.role == "device_owner"
        yield me.finding(
            title=words(
                "checks.in_charge_of_phone" if owner else "checks.in_charge_of_profile",
                app=app_name(snapshot, admin.package),
            ),
            evidence=[
                said(
                    DUMPSYS_DEVICE_POLICY,
                    "checks.device_owner" if owner else "checks.profile_owner",
                    component=admin.component,
                    user=str(admin.user),
                )
            ],
            package=admin.package,
            subject=f"{admin.role}:{admin.component}",
            severity=Severity.REVIEW if trusted else Severity.HIGH,
        )


@check(
    id="NOT-001",
    title="Can read all notifications",
    name="check_names.notification_listener",
    severity=Severity.REVIEW,
    guidance="notification_listener",
    sources=(SETTINGS_SECURE,),
)
def notification_listeners(
    snapshot: DeviceSnapshot, _ctx: CheckContext, me: Check
) -> Iterator[Finding]:
    """Notification listeners see every message preview as it arrives."""
    for listener in snapshot.notification_listeners:
        if is_system(snapshot, listener.package):
            continue
        why = _explained(snapshot, listener.package, NOTIFICATIONS)
        yield me.finding(
            title=words("checks.notification_listener", app=app_name(snapshot, listener.package)),
            evidence=[
                said(
                    SETTINGS_SECURE,
                    "checks.setting_includes",
                    setting="enabled_notification_listeners",
                    component=listener.component,
                ),
                *([why] if why else []),
            ],
            package=listener.package,
            subject=listener.component,
            severity=Severity.INFO if why else Severity.REVIEW,
        )


def _appop_findings(snapshot: DeviceSnapshot, op: str, me: Check, key: str) -> Iterator[Finding]:
    for entry in snapshot.appops:
        if entry.op != op or entry.mode != "allow" or is_system(snapshot, entry.package):
            continue
        pkg = snapshot.package(entry.package)
        yield me.finding(
            title=words(key, app=app_name(snapshot, entry.package)),
            evidence=[
                said(
                    DUMPSYS_APPOPS,
                    "checks.appop_mode",
                    package=entry.package,
                    op=op,
                    mode=entry.mode,
                )
            ],
            package=entry.package,
            severity=(
                Severity.INFO if pkg is not None and from_store(pkg, snapshot) else Severity.REVIEW
            ),
        )


@check(
    id="USG-001",
    title="Usage access",
    name="check_names.usage_access",
    severity=Severity.REVIEW,
    guidance="usage_access",
    sources=(DUMPSYS_APPOPS,),
)
def usage_access(snapshot: DeviceSnapshot, _ctx: CheckContext, me: Check) -> Iterator[Finding]:
    """Usage access shows which apps are used and when."""
    yield from _appop_findings(snapshot, "GET_USAGE_STATS", me, "checks.usage_access")


@check(
    id="OVL-001",
    title="Can draw over other apps",
    name="check_names.draw_over_apps",
    severity=Severity.REVIEW,
    guidance="draw_over_apps",
    sources=(DUMPSYS_APPOPS,),
)
def draw_over_apps(snapshot: DeviceSnapshot, _ctx: CheckContext, me: Check) -> Iterator[Finding]:
    """Drawing over other apps can cover the screen or fake a system window."""
    yield from _appop_findings(snapshot, "SYSTEM_ALERT_WINDOW", me, "checks.draw_over_apps")
