"""DUAL-001 on 60 well-known dual-use apps from Play: family locators, parental control,
call recorders and remote support, by their real package ids from Echap's watchware list
and ISDi's app-flags.csv (chosen by hand, not read from the shipped database).

Each app is a ``dumpsys package`` entry in the phone's own format (the Life360 entry of a
real Pixel with the id changed), installed by the Play Store (``initiatingPackageName``).
Half of them also hold accessibility or notification access. The goal is that at least
90% are mentioned calmly; every one of these is listed, so all 60 must be.
"""

from __future__ import annotations

from functools import cache

import pytest

from scanner.model import Finding, Severity
from tests.checks.phone import CLEAN, Phone, findings, fixture, shipped_index

ECHAP_WATCHWARE = (
    "com.wondershare.famisafe",
    "com.wondershare.famisafe.kids",
    "com.kaspersky.safekids",
    "app.gpsme",
    "com.zoemob.gpstracking",
    "com.life360.android.safetymapd",
    "com.geozilla.family",
    "com.kidslox.app",
    "com.qustodio.qustodioapp",
    "com.screentime.rc",
    "com.mmguardian.parentapp",
    "com.mmguardian.childapp",
    "com.mmguardian.tabletsecurity",
    "com.familyorbit.child",
    "com.nationaledtech.Boomerang",
    "com.mobilefence.family",
    "com.parental.control.kidgy",
    "com.kiddoware.kidsplace",
    "org.gtmedia.seekdroid",
    "com.cisai.safenetchild",
    "com.discovenger.app",
    # Also flagged stalkerware by ISDi: Echap's dual-use listing is kept.
    "com.microsoft.familysafety",
    "com.probit.flare",
    "com.accountable2you.ap1",
    "com.USIB.Child.ChildControl",
    "com.camhart.netcountable",
    "com.contentwatch.ghoti.cp2.child",
    "com.timeon.litclient",
)
ISDI_DUAL_USE = (
    "com.catalinagroup.callrecorder",
    "com.appstar.callrecorder",
    "com.nll.acr",
    "acr.call.recorder",
    "ca.cellinnovation.android.cvr.free",
    "com.boldbeast.recorder",
    "com.google.android.apps.kids.familylink",
    "com.google.android.apps.kids.familylinkhelper",
    "com.google.android.apps.adm",
    "com.symantec.familysafety",
    "com.eset.parental",
    "com.fsp.android.c",
    "com.fsp.android.friendlocator",
    "com.glympse.android.glympse",
    "com.anydesk.anydeskandroid",
    "app.kids360.parent",
    "com.safekiddo.kid",
    "LEM.TrackMe",
    "UCprojects.UCtracker",
    "aa.emtgs",
    "aglaia.soft.gpssmstextreply",
    "app.goinhome",
    "app.parentalcontrol.kid",
    "app.parentalcontrol.parent",
    "ar.com.megaingenieria.emobi.locator",
    "biz.gps_control.gpscontrolservice",
    "br.com.gpstrackerbysms",
    "br.com.gpstrackerbysms.free",
    "auto.callrecorder.allcallrecorder",
    "bb.biziz.callrecorder",
    "call.recorder.automatic.acr",
    "app.com.ravi.callrecorder",
)
APPS = ECHAP_WATCHWARE + ISDI_DUAL_USE
WITH_ACCESS = APPS[::2]
"""Every other app holds special access: accessibility, or notification access."""
TEMPLATE = "com.life360.android.safetymapd"


def _entry(package: str, uid: int) -> str:
    return (
        fixture("packages/life360_from_play.txt")
        .replace(TEMPLATE, package)
        .replace("appId=10179", f"appId={uid}")
    )


@cache
def _phone(with_access: bool) -> Phone:
    apps = [a for a in APPS if a != TEMPLATE]
    phone = CLEAN.with_app_text(*(_entry(a, 10300 + i) for i, a in enumerate(apps)))
    phone = phone.with_apps("life360_from_play.txt")
    if not with_access:
        return phone
    reading = [a for i, a in enumerate(WITH_ACCESS) if i % 2 == 0]
    listening = [a for i, a in enumerate(WITH_ACCESS) if i % 2 == 1]
    launcher = phone.snapshot().settings.enabled_notification_listeners
    phone = phone.with_accessibility(*(f"{a}/.WatchService" for a in reading))
    return phone.with_settings(
        "secure",
        enabled_notification_listeners=":".join(
            [*launcher, *(f"{a}/.NotificationWatcher" for a in listening)]
        ),
    )


def _by_package(found: list[Finding]) -> dict[str, Finding]:
    return {f.package: f for f in found if f.package}


def test_the_set_is_sixty_distinct_apps() -> None:
    assert len(set(APPS)) == len(APPS) == 60


@pytest.mark.fires("DUAL-001")
def test_sixty_dual_use_apps_from_play_are_each_named_calmly() -> None:
    found = _by_package(findings("DUAL-001", _phone(False), signatures=shipped_index()))

    assert sorted(found) == sorted(APPS)
    for package, finding in found.items():
        assert finding.severity is Severity.INFO, package
        assert finding.guidance == "dual_use"
        assert finding.title.endswith("can be used to watch someone: check that you set it up")
    assert findings("KNOWN-001", _phone(False), signatures=shipped_index()) == []


@pytest.mark.fires("DUAL-001")
def test_a_dual_use_app_holding_special_access_is_still_named_as_dual_use_for_review() -> None:
    phone = _phone(True)
    found = _by_package(findings("DUAL-001", phone, signatures=shipped_index()))

    assert sorted(found) == sorted(APPS)
    for package, finding in found.items():
        want = Severity.REVIEW if package in WITH_ACCESS else Severity.INFO
        assert finding.severity is want, package
        held = [e.excerpt for e in finding.evidence if e.source == "special access"]
        assert bool(held) == (package in WITH_ACCESS), package
    # Named as dual-use, not scored as an unknown spy app.
    assert (
        _by_package(findings("SPY-001", phone, signatures=shipped_index())).keys().isdisjoint(APPS)
    )


@pytest.mark.silent("DUAL-001")
def test_a_dual_use_app_that_came_with_the_phone_is_not_mentioned() -> None:
    # Find My Device ships as a system app on Pixels: the person did not choose it.
    entry = _entry("com.google.android.apps.adm", 10400).replace(
        "pkgFlags=[ HAS_CODE", "pkgFlags=[ SYSTEM HAS_CODE"
    )
    phone = CLEAN.with_app_text(entry)
    assert phone.snapshot().package("com.google.android.apps.adm").system  # type: ignore[union-attr]

    assert findings("DUAL-001", phone, signatures=shipped_index()) == []
