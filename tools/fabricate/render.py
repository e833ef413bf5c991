"""``render_outputs``: a ``PhoneSpec`` -> the exact bytes each scan command prints."""

from __future__ import annotations

from scanner.commands import (
    BATTERYSTATS_DAILY,
    DUMPSYS_ACCESSIBILITY,
    DUMPSYS_ACCOUNT,
    DUMPSYS_ADB,
    DUMPSYS_APPOPS,
    DUMPSYS_DBINFO,
    DUMPSYS_DEVICE_POLICY,
    DUMPSYS_PACKAGE,
    GETPROP,
    LAUNCHER_ACTIVITIES,
    PHONE_CLOCK,
    SETTINGS_GLOBAL,
    SETTINGS_SECURE,
    WHICH_SU,
)
from scanner.sources import SCAN_COMMANDS
from tools.fabricate.package_dump import (
    render_dumpsys_package,
)
from tools.fabricate.resolve import (
    resolve_apps,
)
from tools.fabricate.service_dumps import (
    render_accessibility,
    render_account,
    render_appops,
    render_device_policy,
    render_getprop,
    render_launcher,
    render_settings,
    secure_values,
)
from tools.fabricate.spec import (
    PhoneSpec,
)
from tools.fabricate.trace_dumps import (
    removed_uid_conflicts,
    render_batterystats_daily,
    render_dumpsys_adb,
    render_dumpsys_dbinfo,
)


def render_outputs(phone: PhoneSpec) -> dict[str, bytes]:
    """Every command in ``SCAN_COMMANDS`` -> the exact bytes this phone prints for it."""
    apps = resolve_apps(phone)
    clashes = removed_uid_conflicts(phone, apps)
    if clashes:
        raise ValueError(f"removed apps reuse an installed app's uid: {clashes}")
    global_values = dict(phone.global_settings)
    texts = {
        GETPROP: render_getprop(phone),
        DUMPSYS_PACKAGE: render_dumpsys_package(phone, apps),
        LAUNCHER_ACTIVITIES: render_launcher(apps),
        DUMPSYS_ACCESSIBILITY: render_accessibility(phone, apps),
        DUMPSYS_DEVICE_POLICY: render_device_policy(phone, apps),
        DUMPSYS_ACCOUNT: render_account(phone, apps),
        DUMPSYS_APPOPS: render_appops(phone, apps),
        SETTINGS_GLOBAL: render_settings(global_values),
        SETTINGS_SECURE: render_settings(secure_values(phone, apps)),
        WHICH_SU: f"{phone.su_path}\n" if phone.su_path else "",
        DUMPSYS_ADB: render_dumpsys_adb(phone),
        BATTERYSTATS_DAILY: render_batterystats_daily(phone, apps),
        DUMPSYS_DBINFO: render_dumpsys_dbinfo(phone, apps),
    }
    # The phone's clock is not captured: the simulated phone answers it live.
    return {c: texts[c].encode("utf-8") for c in SCAN_COMMANDS if c != PHONE_CLOCK}
