"""Every other scan command: getprop, settings, launcher query, accessibility, device policy,
accounts and app-ops, each in the exact layout its AOSP dump code prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Final

from tools.fabricate.permissions import (
    ADMIN_POLICY_ORDER,
    OP_SWITCH,
    RUNTIME_OPS,
)
from tools.fabricate.resolve import (
    ResolvedApp,
    format_uid,
)
from tools.fabricate.spec import (
    TIME_FORMAT,
    PhoneSpec,
    RemovedAppSpec,
    format_duration_ms,
    hex_id,
    long_component,
    parse_time,
    short_component,
    stable_number,
)

# --------------------------------------------------------------------------- getprop / settings


def render_getprop(phone: PhoneSpec) -> str:
    return "".join(f"[{key}]: [{phone.props[key]}]\n" for key in sorted(phone.props))


def _accessibility_value(apps: Sequence[ResolvedApp]) -> str:
    return ":".join(
        long_component(a.spec.package, a.spec.accessibility)
        for a in apps
        if a.spec.accessibility and a.spec.accessibility_enabled
    )


def _listeners_value(apps: Sequence[ResolvedApp]) -> str:
    return ":".join(
        long_component(a.spec.package, a.spec.notification_listener)
        for a in apps
        if a.spec.notification_listener and a.spec.listener_enabled
    )


def render_settings(values: Mapping[str, str]) -> str:
    return "".join(f"{key}={values[key]}\n" for key in sorted(values))


def secure_values(phone: PhoneSpec, apps: Sequence[ResolvedApp]) -> dict[str, str]:
    values = dict(phone.secure_settings)
    services = _accessibility_value(apps)
    if services:
        values["enabled_accessibility_services"] = services
        values["accessibility_enabled"] = "1"
    listeners = _listeners_value(apps)
    if listeners:
        values["enabled_notification_listeners"] = listeners
    return values


# --------------------------------------------------------------------------- other commands


def render_launcher(apps: Sequence[ResolvedApp]) -> str:
    components = [short_component(a.spec.package, a.spec.launcher) for a in apps if a.spec.launcher]
    if not components:
        return "No activities found\n"
    return "".join(f"{component}\n" for component in components)


def render_accessibility(phone: PhoneSpec, apps: Sequence[ResolvedApp]) -> str:
    sdk = phone.sdk
    installed = [a for a in apps if a.spec.accessibility]
    enabled = [a for a in installed if a.spec.accessibility_enabled]
    out = ["ACCESSIBILITY MANAGER (dumpsys accessibility)", "", "currentUserId=0"]
    if sdk >= 34:
        out.append("hasWindowMagnificationConnection=false")
        out.append("Magnifier on display#0")
        out.append(
            "    MagnificationConfig[mode: 1, activated: false, scale: 1.0, centerX: 540.0,"
            " centerY: 1200.0] "
        )
        out.append("    Magnification region=SkRegion((0,0,1080,2400))")
        out.append("    IdOfLastServiceToMagnify=-1")
        out.append("    SupportWindowMagnification=true")
        out.append("    WindowMagnificationConnectionState=DISCONNECTED")
    attributes = (
        "     attributes:{id=0, touchExplorationEnabled=false, serviceHandlesDoubleTap=false,"
        " requestMultiFingerGestures=false, requestTwoFingerPassthrough=false, "
    )
    if sdk >= 34:
        attributes += "sendMotionEventsEnabledfalse, "
    attributes += (
        "displayMagnificationEnabled=false, autoclickEnabled=false, nonInteractiveUiTimeout=0,"
        f" interactiveUiTimeout=0, installedServiceCount={len(installed)},"
        " magnificationModes={0=1}, magnificationCapabilities=3,"
        " audioDescriptionByDefaultEnabled=false, magnificationFollowTypingEnabled=true"
    )
    if sdk >= 34:
        attributes += ", alwaysOnMagnificationEnabled=false"
    attributes += "}"
    out.append("User state[")
    out.append(attributes)
    out.append("     shortcut key:{}")
    out.append("     button:{}")
    out.append("     button target:{null}")
    bound = [
        f"Service[label={a.spec.label}, feedbackType[FEEDBACK_GENERIC], capabilities=1,"
        " eventTypes=TYPES_ALL_MASK, notificationTimeout=100, requestA11yBtn=false]"
        for a in enabled
    ]
    out.append("     Bound services:{" + ", \n                     ".join(bound) + "}")
    shorts = ", ".join(
        "{" + short_component(a.spec.package, a.spec.accessibility) + "}" for a in enabled
    )
    out.append("     Enabled services:{" + shorts + "}")
    out.append("     Binding services:{}")
    out.append("     Crashed services:{}")
    out.append("     Client list info:{")
    clients = [phone.launcher_package, "com.android.systemui", *(a.spec.package for a in enabled)]
    clients = [c for c in clients if c]
    out.append(f"          Client list callbacks: {len(clients)}")
    out.append("          Client list killed: false")
    out.append("          Client list broadcasts count: -1")
    out.append("          Registered clients:{")
    out.append("".join(f"[{client}]" for client in clients) + "}]")
    out.append("")
    out.append("Window attributes:[]")
    out.append("A11yInputFilter Info : ")
    features = "[KeyboardInterceptor]" if enabled else "[]"
    out.append(f"Enabled features of Display [0] = {features}")
    out.append("Global client list info:{")
    out.append("    Client list callbacks: 2")
    out.append("    Client list killed: false")
    out.append("    Client list broadcasts count: -1")
    out.append("    Registered clients:{")
    out.append("[com.android.settings][com.android.systemui]")
    if sdk >= 34:
        out.append("")
        out.append("Proxy manager state:")
        out.append("    Number of proxy connections: 0")
        out.append("    Registered proxy connections:")
        systemui = next((a for a in apps if a.spec.package == "com.android.systemui"), None)
        out.append("Accessibility Display Listener:")
        out.append(f"    SystemUI uid: {systemui.uid if systemui else 10100}")
        out.append("    1 valid display: 0")
    return "\n".join(out) + "\n"


def render_device_policy(phone: PhoneSpec, apps: Sequence[ResolvedApp]) -> str:
    sdk = phone.sdk
    admins = [a for a in apps if a.spec.device_admin and a.spec.admin_active]
    out = ["Current Device Policy Manager state:", "  Immutable state:"]
    out.extend(
        (
            "    mHasFeature=true",
            "    mIsWatch=false",
            "    mIsAutomotive=false",
            "    mHasTelephonyFeature=true",
            "    mSafetyChecker=null",
            "  ",
            "  ",
            "  ",
            "  Enabled Device Admins (User 0, provisioningState: 3):",
        )
    )
    for admin in admins:
        spec = admin.spec
        out.append(f"    {short_component(spec.package, spec.device_admin)}:")
        out.append(f"      uid={admin.uid}")
        out.append("      testOnlyAdmin=false")
        out.append("      policies:")
        policies = [p for p in ADMIN_POLICY_ORDER if p in spec.admin_policies]
        out.extend(f"        {policy}" for policy in policies)
        out.extend(
            f"      {line}"
            for line in (
                "passwordQuality=0x0",
                "minimumPasswordLength=0",
                "passwordHistoryLength=0",
                "minimumPasswordUpperCase=0",
                "minimumPasswordLowerCase=0",
                "minimumPasswordLetters=1",
                "minimumPasswordNumeric=1",
                "minimumPasswordSymbols=1",
                "minimumPasswordNonLetter=0",
                "maximumTimeToUnlock=0",
                "strongAuthUnlockTimeout=0",
                "maximumFailedPasswordsForWipe=0",
                "specifiesGlobalProxy=false",
                "passwordExpirationTimeout=0",
                "passwordExpirationDate=0",
                "encryptionRequested=false",
                "disableCamera=false",
                "disableCallerId=false",
                "disableContactsSearch=false",
                "disableBluetoothContactSharing=true",
                "disableScreenCapture=false",
                "requireAutoTime=false",
                "forceEphemeralUsers=false",
                "isNetworkLoggingEnabled=false",
                "disabledKeyguardFeatures=0",
                "crossProfileWidgetProviders=null",
                "organizationColor=-16746133",
                "userRestrictions:",
                "defaultEnabledRestrictionsAlreadySet={}",
                "isParent=false",
                "mCrossProfileCalendarPackages=[]",
                "mCrossProfilePackages=[]",
                "mSuspendPersonalApps=false",
                "mProfileMaximumTimeOffMillis=0",
                "mProfileOffDeadline=0",
                "mAlwaysOnVpnPackage=null",
                "mAlwaysOnVpnLockdown=false",
                "mPreferentialNetworkServiceEnabled=false",
                "mCommonCriteriaMode=false",
                "mPasswordComplexity=0",
                "mNearbyNotificationStreamingPolicy=3",
                "mNearbyAppStreamingPolicy=3",
                "mAdminCanGrantSensorsPermissions=false",
                "mUsbDataSignaling=true",
                "mWifiMinimumSecurityLevel=0",
                "mSsidAllowlist=null",
                "mSsidDenylist=null",
            )
        )
    out.append("  ")
    out.append("    mPasswordOwner=-1")
    if sdk >= 34:
        out.append("    mPasswordTokenHandle=0")
    else:
        out.append("    mUserControlDisabledPackages=[]")
    out.extend(
        (
            "    mAppsSuspended=false",
            "    mUserSetupComplete=true",
            "    mAffiliationIds={}",
            "    mNewUserDisclaimer=null",
            "  ",
            "  ",
            "  Constants:",
            "    DAS_DIED_SERVICE_RECONNECT_BACKOFF_SEC: 3600",
            "    DAS_DIED_SERVICE_RECONNECT_BACKOFF_INCREASE: 2.0",
            "    DAS_DIED_SERVICE_RECONNECT_MAX_BACKOFF_SEC: 86400",
            "    DAS_DIED_SERVICE_STABLE_CONNECTION_THRESHOLD_SEC: 120",
            "  ",
            "  Stats:",
            f"    LockGuard.guard(): count={stable_number(900, 40000, 'lg', phone.serial)},"
            " total=1.2ms, avg=0.001ms, max calls/s=412 max dur/s=0.3ms max time=0.2ms",
            "  ",
            "  Encryption Status: per-user",
            "  Logout user: -10000",
            "  ",
            "  no pending user created callback tokens",
            "  ",
            "  Device policy cache:",
            "    Screen capture disallowed users: []"
            if sdk >= 34
            else "    Screen capture disabled: {0=false}",
            "    Password quality: {0=0}",
            "    Permission policy: {0=0}",
            "    Admin can grant sensors permission: false",
            "  ",
            "  Device state cache:",
            "    Device provisioned: true",
        )
    )
    return "\n".join(out) + "\n"


def render_account(phone: PhoneSpec, apps: Sequence[ResolvedApp]) -> str:
    flags = "4c13" if phone.sdk >= 34 else "c13"
    out = [f"User UserInfo{{0:Owner:{flags}}}:", f"  Accounts: {len(phone.accounts)}"]
    out.extend(f"    Account {{name={a.name}, type={a.type}}}" for a in phone.accounts)
    out.append("  ")
    out.append("  AccountId, Action_Type, timestamp, UID, TableName, Key")
    out.append("  Accounts History")
    authenticators = {a.spec.authenticator: a for a in apps if a.spec.authenticator}
    base = parse_time(phone.now)
    for index, account in enumerate(phone.accounts, start=1):
        owner = authenticators.get(account.type)
        stamp = account.added
        if not stamp:
            days = stable_number(30, 700, "acct", account.name, account.type)
            stamp = (base - timedelta(days=days, minutes=index * 7)).strftime(TIME_FORMAT)
        out.append(
            f"  {index},action_account_add,{stamp},{owner.uid if owner else 1000},accounts,"
            f"{index - 1}"
        )
    out.append("  ")
    out.append("  Active Sessions: 0")
    out.append("  ")
    out.append(f"  RegisteredServicesCache: {len(authenticators)} services")
    for account_type, app in authenticators.items():
        out.append(
            f"    ServiceInfo: AuthenticatorDescription {{type={account_type}}},"
            f" ComponentInfo{{{long_component(app.spec.package, app.spec.authenticator_service)}}},"
            f" uid {app.uid}"
        )
    out.append("  ")
    return "\n".join(out) + "\n"


def _op_entries(app: ResolvedApp) -> list[tuple[str, str]]:
    """The ops ``dumpsys appops`` shows for an app: special accesses and used permissions."""
    spec = app.spec
    ops: list[tuple[str, str]] = list(spec.appops)
    seen = {op for op, _ in ops}
    if not spec.system:
        for permission in spec.runtime_granted:
            op = RUNTIME_OPS.get(permission)
            if op and op not in seen:
                ops.append((op, "allow"))
                seen.add(op)
    return ops


def _access_line(app: ResolvedApp, op: str, now: datetime, indent: str) -> str:
    spec = app.spec
    if spec.background_access:
        ago_ms = stable_number(20_000, 6 * 3_600_000, "op", spec.package, op)
        state = "bg-s" if op not in ("SYSTEM_ALERT_WINDOW",) else "fgsvc-s"
    else:
        ago_ms = stable_number(3_600_000, 20 * 86_400_000, "op", spec.package, op)
        state = "top-s"
    when = now - timedelta(milliseconds=ago_ms)
    stamp = when.strftime(TIME_FORMAT) + f".{when.microsecond // 1000:03d}"
    return f"{indent}Access: [{state}] {stamp} ({format_duration_ms(-ago_ms)})"


_NO_ACCESS_OPS: Final = frozenset(
    {"REQUEST_INSTALL_PACKAGES", "GET_USAGE_STATS", "MANAGE_EXTERNAL_STORAGE", "WRITE_SETTINGS"}
)
"""Permission-like ops that are granted once and not 'accessed' in the history."""


def render_appops(phone: PhoneSpec, apps: Sequence[ResolvedApp]) -> str:
    sdk = phone.sdk
    now = parse_time(phone.now)
    full_caps = "LCMNU" if sdk >= 34 else "LCMN"
    no_caps = "-" * len(full_caps)
    out = [
        "Current AppOps Service state:",
        "  Settings:",
        "    top_state_settle_time=+5s0ms",
        "    fg_service_state_settle_time=+5s0ms",
        "    bg_state_settle_time=+1s0ms",
        "",
        "  Op mode watchers:",
        "    Op COARSE_LOCATION:",
        "      #0: ModeCallback{"
        f"{hex_id('mw', phone.serial)} watchinguid=-1 flags=0x1 from uid=1000 pid=1843}}",
        "    Op READ_SMS:",
        f"      #0: ModeCallback{{{hex_id('mw2', phone.serial)} watchinguid=-1 flags=0x0"
        " from uid=1000 pid=1843}",
        "",
    ]
    by_uid: dict[int, list[tuple[ResolvedApp, list[tuple[str, str]]]]] = {}
    for app in apps:
        ops = _op_entries(app)
        if ops:
            by_uid.setdefault(app.uid, []).append((app, ops))
    removed = {app.uid: app for app in phone.removed_apps if app.appops}
    for uid in sorted({*by_uid, *removed}):
        if uid in removed:
            out += _removed_app_ops(removed[uid], no_caps, now)
            continue
        entries = by_uid[uid]
        background = any(a.spec.background_access for a, _ in entries)
        out.append(f"  Uid {format_uid(uid)}:")
        if uid < 10000:
            state, caps = "pers", full_caps
        elif background:
            state, caps = "fgsvc", full_caps
        else:
            state, caps = "cch", no_caps
        out.append(f"    state={state}")
        out.append(f"    capability={caps}")
        out.append("    appWidgetVisible=false")
        for app, ops in entries:
            out.append(f"    Package {app.spec.package}:")
            for op, mode in ops:
                switch = OP_SWITCH.get(op)
                label = f"{op} ({mode}"
                if switch:
                    label += f" / switch {switch}={mode}"
                out.append(f"      {label}): ")
                if mode == "allow" and op not in _NO_ACCESS_OPS:
                    out.append("        null=[")
                    out.append(_access_line(app, op, now, "          "))
                    out.append("        ]")
    out.append("")
    return "\n".join(out) + "\n"


def _removed_app_ops(app: RemovedAppSpec, no_caps: str, now: datetime) -> list[str]:
    """App-op records kept for the uid of an app that is gone: last used before removal."""
    removed = parse_time(app.removed)
    out = [
        f"  Uid {format_uid(app.uid)}:",
        "    state=cch",
        f"    capability={no_caps}",
        "    appWidgetVisible=false",
        f"    Package {app.package}:",
    ]
    for op, mode in app.appops:
        switch = OP_SWITCH.get(op)
        label = f"{op} ({mode}" + (f" / switch {switch}={mode}" if switch else "")
        before_ms = stable_number(60_000, 1_800_000, "removed op", app.package, op)
        when = removed - timedelta(milliseconds=before_ms)
        stamp = when.strftime(TIME_FORMAT) + f".{when.microsecond // 1000:03d}"
        ago_ms = (now - when) // timedelta(milliseconds=1)
        out += [
            f"      {label}): ",
            "        null=[",
            f"          Access: [bg-s] {stamp} ({format_duration_ms(-ago_ms)})",
            "        ]",
        ]
    return out
