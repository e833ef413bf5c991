"""An app whose installer name claims an app store that did not install it.

``installerPackageName`` is written by whoever installs the app: ``adb install -i
com.android.vending`` (or a dropper app) makes a sideloaded build look like a Play
install. Android 11+ also records the initiating package, the app that really asked for
the install, and the package source; Android 14+ prints them in ``dumpsys package``
(``initiatingPackageName=``, ``originatingPackageName=``, ``packageSource=``). When the
claim names a store but the initiator is the shell, a package installer, a browser, a
file manager or another app, the claim is false: a finding in its own right, and the
app is treated as installed outside a store everywhere else (``install_source``).

Known false positives: a developer testing their own store build with ``adb install -i``.
Phones on Android 13 and older do not print the initiator, so this check cannot fire there.
"""

from __future__ import annotations

from collections.abc import Iterator

from scanner.checks.common import APP_STORES, app_name, how_words, install_source
from scanner.checks.registry import Check, CheckContext, check
from scanner.commands import DUMPSYS_PACKAGE
from scanner.model import Confidence, DeviceSnapshot, Finding, Package, Severity
from scanner.phrases import said, setting, words

_SOURCES = {
    0: "checks.source_unspecified",
    1: "checks.source_other",
    2: "checks.source_store",
    3: "checks.how_local_file",
    4: "checks.how_downloaded_file",
}
"""``PackageInstaller.PACKAGE_SOURCE_*`` in words (3 and 4 as ``LOCAL_FILE_SOURCES``)."""


@check(
    id="SRC-001",
    title="Installer name claims an app store that did not install the app",
    name="check_names.installer_claim",
    severity=Severity.REVIEW,
    guidance="installer_mismatch",
    sources=(DUMPSYS_PACKAGE,),
    confidence=Confidence.MEDIUM,
)
def installer_claim_mismatch(
    snapshot: DeviceSnapshot, _ctx: CheckContext, me: Check
) -> Iterator[Finding]:
    """Claimed store vs real initiator; system apps and cut-short entries are skipped."""
    for pkg in snapshot.packages:
        if pkg.system or pkg.partial or not pkg.installed:
            continue
        source = install_source(pkg, snapshot)
        if not source.mismatch:
            continue
        evidence = [
            setting(DUMPSYS_PACKAGE, f"installerPackageName={source.claim}"),
            setting(DUMPSYS_PACKAGE, f"initiatingPackageName={source.initiator or 'null'}"),
        ]
        if pkg.originating_installer:
            evidence.append(
                setting(DUMPSYS_PACKAGE, f"originatingPackageName={pkg.originating_installer}")
            )
        if pkg.package_source is not None:
            evidence.append(
                said(
                    DUMPSYS_PACKAGE,
                    "checks.package_source",
                    setting=f"packageSource={pkg.package_source}",
                    meaning=words(_SOURCES.get(pkg.package_source, "checks.source_unknown")),
                )
            )
        how = how_words(source)
        evidence.append(
            said("installer", "checks.claim_vs_initiator", claim=source.claim or "", how=how)
        )
        yield me.finding(
            title=words("checks.claims_store", app=app_name(snapshot, pkg.package), how=how),
            evidence=evidence,
            package=pkg.package,
        )


# --------------------------------------------------------------------------- imitation

_MAKER_NAMESPACES: tuple[tuple[str, str, frozenset[str]], ...] = (
    # (package prefix, maker, that maker's stores). Samsung also publishes its own apps
    # (Galaxy Watch plugins, Samsung Health, SmartThings) on Google Play.
    ("com.google.", "Google", frozenset({"com.android.vending"})),
    ("com.android.", "Google", frozenset({"com.android.vending"})),
    ("android.", "Google", frozenset({"com.android.vending"})),
    (
        "com.samsung.",
        "Samsung",
        frozenset({"com.sec.android.app.samsungapps", "com.android.vending"}),
    ),
    ("com.sec.", "Samsung", frozenset({"com.sec.android.app.samsungapps", "com.android.vending"})),
    ("com.miui.", "Xiaomi", frozenset({"com.xiaomi.market", "com.xiaomi.mipicks"})),
    ("com.xiaomi.", "Xiaomi", frozenset({"com.xiaomi.market", "com.xiaomi.mipicks"})),
    ("com.huawei.", "Huawei", frozenset({"com.huawei.appmarket"})),
)


def imitated_maker(pkg: Package, snapshot: DeviceSnapshot) -> str | None:
    """The maker whose package namespace this app uses without being theirs, or None.

    An app is the maker's when it is a system app, or when the phone's records say the
    maker's own store installed it (the initiator, not just the claim: see
    ``install_source``). Anything else in ``com.google.``, ``com.samsung.``... imitates it.
    """
    if pkg.system:
        return None
    for prefix, maker, stores in _MAKER_NAMESPACES:
        if not pkg.package.startswith(prefix):
            continue
        source = install_source(pkg, snapshot)
        store = source.initiator if source.initiator in APP_STORES else source.claim
        if source.from_store and not source.mismatch and store in stores:
            return None
        return maker
    return None
