"""The phone's safety posture: settings that make spying easier or show it was set up.

These are about the phone, not one app. Developer options and USB debugging are on for
any ADB scan, so they are ``info`` with a reminder to switch them off afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from scanner.checks.common import app_name, is_system
from scanner.checks.registry import Check, CheckContext, check
from scanner.commands import (
    DUMPSYS_ACCOUNT,
    DUMPSYS_APPOPS,
    DUMPSYS_PACKAGE,
    GETPROP,
    SETTINGS_GLOBAL,
    SETTINGS_SECURE,
    WHICH_SU,
)
from scanner.model import DeviceSnapshot, Finding, Severity, Words
from scanner.phrases import said, setting, words

# Android 8 (SDK 26) replaced the global "unknown sources" switch with a per-app grant
# (app-op REQUEST_INSTALL_PACKAGES); the old setting still reads 1 there and means nothing.
_PER_APP_INSTALL_SDK = 26
PATCH_MAX_AGE_DAYS = 365


@check(
    id="POS-001",
    title="Apps can be installed from outside an app store",
    name="check_names.unknown_sources",
    severity=Severity.REVIEW,
    guidance="unknown_sources",
    sources=(SETTINGS_SECURE, DUMPSYS_APPOPS),
)
def unknown_sources(snapshot: DeviceSnapshot, _ctx: CheckContext, me: Check) -> Iterator[Finding]:
    """Sideloading is how most stalkerware is installed."""
    sdk = snapshot.device.sdk
    if snapshot.settings.unknown_sources and (sdk is None or sdk < _PER_APP_INSTALL_SDK):
        yield me.finding(
            title=words("checks.unknown_sources_on"),
            evidence=[setting(SETTINGS_SECURE, "install_non_market_apps=1")],
            subject="global",
        )
    for entry in snapshot.appops:
        if entry.op != "REQUEST_INSTALL_PACKAGES" or entry.mode != "allow":
            continue
        if is_system(snapshot, entry.package) and entry.package.startswith("com.android."):
            continue
        yield me.finding(
            title=words("checks.may_install_apps", app=app_name(snapshot, entry.package)),
            evidence=[
                said(
                    DUMPSYS_APPOPS,
                    "checks.appop_allowed",
                    package=entry.package,
                    op="REQUEST_INSTALL_PACKAGES",
                )
            ],
            package=entry.package,
        )


@check(
    id="POS-002",
    title="Play Protect app scanning is off",
    name="check_names.play_protect_off",
    severity=Severity.HIGH,
    guidance="play_protect_off",
    sources=(SETTINGS_GLOBAL,),
)
def play_protect_off(snapshot: DeviceSnapshot, _ctx: CheckContext, me: Check) -> Iterator[Finding]:
    """Stalkerware install guides tell the buyer to switch Play Protect off first."""
    if snapshot.settings.package_verifier is False:
        yield me.finding(
            title=words("checks.play_protect_off"),
            evidence=[setting(SETTINGS_GLOBAL, "package_verifier_enable=0")],
        )


@check(
    id="POS-003",
    title="Developer options are on",
    name="check_names.developer_options",
    severity=Severity.INFO,
    guidance="developer_options",
    sources=(SETTINGS_GLOBAL,),
)
def developer_options(snapshot: DeviceSnapshot, _ctx: CheckContext, me: Check) -> Iterator[Finding]:
    """Needed for this scan; worth switching off afterwards."""
    if snapshot.settings.development_settings:
        yield me.finding(
            title=words("checks.developer_options_on"),
            evidence=[setting(SETTINGS_GLOBAL, "development_settings_enabled=1")],
        )


@check(
    id="POS-004",
    title="USB debugging is on",
    name="check_names.usb_debugging",
    severity=Severity.INFO,
    guidance="usb_debugging",
    sources=(SETTINGS_GLOBAL,),
)
def usb_debugging(snapshot: DeviceSnapshot, _ctx: CheckContext, me: Check) -> Iterator[Finding]:
    """Needed for a USB scan; anyone with the phone and a trusted computer can use it."""
    if snapshot.settings.adb_enabled:
        yield me.finding(
            title=words("checks.usb_debugging_on"),
            evidence=[setting(SETTINGS_GLOBAL, "adb_enabled=1")],
        )


@check(
    id="POS-005",
    title="Wireless debugging is on",
    name="check_names.wireless_debugging",
    severity=Severity.REVIEW,
    guidance="wireless_debugging",
    sources=(SETTINGS_GLOBAL,),
)
def wireless_debugging(
    snapshot: DeviceSnapshot, _ctx: CheckContext, me: Check
) -> Iterator[Finding]:
    """Wireless debugging lets a paired computer on the same network control the phone."""
    if snapshot.settings.adb_wifi_enabled:
        yield me.finding(
            title=words("checks.wireless_debugging_on"),
            evidence=[setting(SETTINGS_GLOBAL, "adb_wifi_enabled=1")],
        )


@check(
    id="POS-006",
    title="The phone is rooted",
    name="check_names.rooted",
    severity=Severity.HIGH,
    guidance="rooted",
    sources=(WHICH_SU, DUMPSYS_PACKAGE, GETPROP),
)
def rooted(snapshot: DeviceSnapshot, _ctx: CheckContext, me: Check) -> Iterator[Finding]:
    """Root lets any app read everything, including other apps' private data."""
    root = snapshot.root
    evidence = [said(WHICH_SU, "checks.su_found", path=path) for path in root.su_paths]
    evidence += [
        said(DUMPSYS_PACKAGE, "checks.root_manager_installed", package=pkg)
        for pkg in root.root_packages
    ]
    if root.ro_secure_off:
        evidence.append(setting(GETPROP, "ro.secure=0"))
    if evidence:
        yield me.finding(title=words("checks.rooted"), evidence=evidence)


def _patch_date(text: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        return None


@check(
    id="POS-007",
    title="Security updates are more than a year old",
    name="check_names.old_security_patch",
    severity=Severity.REVIEW,
    guidance="old_security_patch",
    sources=(GETPROP,),
)
def old_security_patch(snapshot: DeviceSnapshot, ctx: CheckContext, me: Check) -> Iterator[Finding]:
    """An unpatched phone is easier to break into."""
    patch = _patch_date(snapshot.device.security_patch)
    if patch is None:
        return
    age_days = (ctx.now.date() - patch).days
    if age_days > PATCH_MAX_AGE_DAYS:
        yield me.finding(
            title=words("checks.old_patch", date=patch.isoformat()),
            evidence=[
                said(
                    GETPROP,
                    "checks.patch_age",
                    setting=f"ro.build.version.security_patch={patch.isoformat()}",
                    count=age_days,
                )
            ],
        )


def _host_of(value: str) -> str:
    host = value.strip()
    if "://" in host:
        host = host.split("://", 1)[1]
    host = host.split("/", 1)[0]
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.strip("[]").lower()


def _known_server(ctx: CheckContext, host: str) -> str | None:
    index = ctx.signatures
    if index is None or not host:
        return None
    matches = index.by_host(host)  # type: ignore[attr-defined]
    return str(matches[0].family.name) if matches else None


@check(
    id="POS-008",
    title="Network traffic goes through a proxy",
    name="check_names.http_proxy",
    severity=Severity.HIGH,
    guidance="http_proxy",
    other_guidance=("proxy_known_stalkerware",),
    sources=(SETTINGS_GLOBAL,),
)
def http_proxy(snapshot: DeviceSnapshot, ctx: CheckContext, me: Check) -> Iterator[Finding]:
    """A global proxy can route web traffic through someone else's computer."""
    proxy = snapshot.settings.http_proxy.strip()
    if not proxy or proxy in (":0", "0"):
        return
    host = _host_of(proxy)
    family = _known_server(ctx, host)
    yield me.finding(
        title=words("checks.proxy_known", family=family) if family else words("checks.proxy"),
        evidence=[setting(SETTINGS_GLOBAL, f"http_proxy={proxy}")],
        subject="http_proxy",
        severity=Severity.HIGH if family else Severity.REVIEW,
        guidance="proxy_known_stalkerware" if family else "http_proxy",
        family=family,
    )


@check(
    id="POS-009",
    title="Private DNS uses a chosen server",
    name="check_names.private_dns",
    severity=Severity.HIGH,
    guidance="private_dns",
    other_guidance=("proxy_known_stalkerware",),
    sources=(SETTINGS_GLOBAL,),
)
def private_dns(snapshot: DeviceSnapshot, ctx: CheckContext, me: Check) -> Iterator[Finding]:
    """A private DNS host sees every website name the phone looks up."""
    settings = snapshot.settings
    if settings.private_dns_mode != "hostname" or not settings.private_dns_host:
        return
    host = _host_of(settings.private_dns_host)
    family = _known_server(ctx, host)
    yield me.finding(
        title=words("checks.private_dns_known", host=host, family=family)
        if family
        else words("checks.private_dns", host=host),
        evidence=[
            setting(SETTINGS_GLOBAL, "private_dns_mode=hostname"),
            setting(SETTINGS_GLOBAL, f"private_dns_specifier={settings.private_dns_host}"),
        ],
        subject="private_dns",
        severity=Severity.HIGH if family else Severity.REVIEW,
        guidance="proxy_known_stalkerware" if family else "private_dns",
        family=family,
    )


@check(
    id="ACT-001",
    title="Accounts on the phone",
    name="check_names.accounts",
    severity=Severity.REVIEW,
    guidance="unfamiliar_account",
    sources=(DUMPSYS_ACCOUNT,),
)
def accounts(snapshot: DeviceSnapshot, _ctx: CheckContext, me: Check) -> Iterator[Finding]:
    """Lists accounts so the survivor can spot one they do not recognise.

    More than one account of the same kind (two Google accounts, say) is ``review``:
    a second account is a common way to sync someone's data to another person.
    """
    by_type: dict[str, list[str]] = {}
    for account in snapshot.accounts:
        by_type.setdefault(account.type, []).append(account.name)
    for account_type, names in sorted(by_type.items()):
        yield me.finding(
            title=_accounts_title(account_type, len(names)),
            evidence=[
                said(DUMPSYS_ACCOUNT, "checks.account", name=name, type=account_type)
                for name in names
            ],
            subject=account_type,
            severity=Severity.REVIEW if len(names) > 1 else Severity.INFO,
        )


ACCOUNT_KINDS = {
    "com.google": "Google",
    "com.google.work": "Google work",
    "com.osp.app.signin": "Samsung",
    "com.whatsapp": "WhatsApp",
    "com.facebook.auth.login": "Facebook",
    "com.instagram.android": "Instagram",
    "com.microsoft.workaccount": "Microsoft work",
    "com.microsoft.office": "Microsoft",
    "com.skype.contacts.sync": "Skype",
    "org.telegram.messenger": "Telegram",
    "org.thoughtcrime.securesms": "Signal",
    "com.dropbox.android.account": "Dropbox",
    "com.xiaomi": "Xiaomi",
    "com.huawei.hwid": "Huawei",
}
"""Account types Android reports, by the name people know them by."""


def _accounts_title(account_type: str, count: int) -> Words:
    """``2 Google accounts are signed in: do you know each one?``, in plain words."""
    kind = ACCOUNT_KINDS.get(account_type)
    if kind is None:
        if count == 1:
            return words("checks.account_of_type", type=account_type)
        return words("checks.accounts_of_type", count=count, type=account_type)
    if count == 1:
        return words("checks.account_of_kind", kind=kind)
    return words("checks.accounts_of_kind", count=count, kind=kind)
