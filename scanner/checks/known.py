"""Known stalkerware and dual-use apps, by every identifier the database holds.

Package ids catch the common case; signing certificates catch renamed and repackaged
builds; APK SHA-256 catches known samples. Dual-use apps (family locators, parental
control) are a distinct, calmer finding: they do not hide, and the survivor may have
set them up.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from scanner.checks.common import app_name
from scanner.checks.registry import Check, CheckContext, check
from scanner.commands import DUMPSYS_PACKAGE
from scanner.model import ApkFacts, DeviceSnapshot, Evidence, Finding, Package, Severity, Words
from scanner.phrases import render, said, setting, words
from scanner.sigdb.index import Match, SignatureIndex
from scanner.sigdb.model import Family, Kind


def _index(ctx: CheckContext) -> SignatureIndex | None:
    index = ctx.signatures
    return index if isinstance(index, SignatureIndex) else None


def _package_evidence(pkg: Package, zone: str = "") -> list[Evidence]:
    """What the phone says of the app; its times are the phone's local time, so the zone
    the phone was set to is named with them (``zone``: ``persist.sys.timezone``)."""
    evidence = [said(DUMPSYS_PACKAGE, "checks.package_installed", package=pkg.package)]
    if pkg.partial:
        # The id alone is a database hit; the rest of the app's entry never arrived.
        evidence.append(said(DUMPSYS_PACKAGE, "checks.details_cut_short"))
        return evidence
    if pkg.apk_path:
        evidence.append(setting(DUMPSYS_PACKAGE, f"codePath={pkg.apk_path}"))
    claim = pkg.installer_package_name
    if claim is None and pkg.initiating_installer is None:
        claim = pkg.installer  # a Package built without the separate installer fields
    evidence.append(setting(DUMPSYS_PACKAGE, f"installerPackageName={claim or 'null'}"))
    if pkg.initiating_installer:
        evidence.append(
            setting(DUMPSYS_PACKAGE, f"initiatingPackageName={pkg.initiating_installer}")
        )
    if pkg.first_install:
        when = f"firstInstallTime={pkg.first_install:%Y-%m-%d %H:%M:%S}"
        evidence.append(
            said(DUMPSYS_PACKAGE, "checks.install_time_in_zone", setting=when, zone=zone)
            if zone
            else said(DUMPSYS_PACKAGE, "checks.install_time_no_zone", setting=when)
        )
    return evidence


def _source_note(family: Family) -> Evidence:
    kind = family.kind.value
    if family.sources:
        return said(
            "signatures",
            "checks.listed_as_in",
            family=family.name,
            kind=kind,
            sources=", ".join(family.sources),
        )
    return said("signatures", "checks.listed_as", family=family.name, kind=kind)


def _file_evidence(apk: ApkFacts) -> Evidence:
    """Where the file facts came from: a pulled APK, or an offline record of it."""
    if apk.source == "apk pull":
        return said("apk pull", "checks.apk_pulled", path=apk.path, sha256=apk.sha256)
    if apk.source == "apk read on the phone":  # scanner.apks.SOURCE_PARTS
        if apk.sha256:
            return said("apk pull", "checks.apk_parts_hashed", path=apk.path, sha256=apk.sha256)
        return said("apk pull", "checks.apk_parts", path=apk.path)
    if apk.sha256:
        return said(apk.source, "checks.apk_recorded_hashed", path=apk.path, sha256=apk.sha256)
    return said(apk.source, "checks.apk_recorded", path=apk.path)


def _split(matches: Iterable[Match]) -> tuple[list[Match], list[Match]]:
    matches = list(matches)  # read twice below; a generator would leave ``dual`` empty
    spy = [m for m in matches if m.family.kind is Kind.STALKERWARE]
    dual = [m for m in matches if m.family.kind is Kind.DUAL_USE]
    return spy, dual


def _what_it_can_do(family: Family) -> tuple[str, ...]:
    return family.capability_words()


def _kinds(family: Family) -> tuple[str, ...]:
    return tuple(k.value for k in (family.kind, *family.also_listed_as))


def _also_sold_note(family: Family) -> Evidence | None:
    """For stalkerware also listed as a monitoring app: that it is sold openly as well."""
    if Kind.DUAL_USE not in family.also_listed_as:
        return None
    return said("signatures", "checks.also_sold_openly", family=family.name)


@check(
    id="KNOWN-001",
    title="Known stalkerware (package name)",
    name="check_names.known_package",
    severity=Severity.STALKERWARE,
    guidance="known_stalkerware",
    sources=(DUMPSYS_PACKAGE, "signatures"),
)
def known_by_package(snapshot: DeviceSnapshot, ctx: CheckContext, me: Check) -> Iterator[Finding]:
    """An installed package id that the database lists for a stalkerware family.

    An app whose entry was cut short (``partial``) still counts: its id was read whole,
    and an id alone is a database hit; the evidence says the details were cut short. An
    app listed both as stalkerware and as a monitoring app says both.
    """
    index = _index(ctx)
    if index is None:
        return
    listed = index.match_packages(p.package for p in snapshot.packages)
    for pkg in snapshot.packages:
        spy, _dual = _split(listed.get(pkg.package, ()))
        if not spy:
            continue
        family = spy[0].family
        also = _also_sold_note(family)
        name = app_name(snapshot, pkg.package)
        yield me.finding(
            title=words(
                "checks.known_stalkerware_also_sold" if also else "checks.known_stalkerware",
                app=name,
                family=family.name,
            ),
            evidence=[
                *_package_evidence(pkg, snapshot.device.timezone),
                *(_source_note(m.family) for m in spy),
                *([also] if also else []),
            ],
            package=pkg.package,
            family=family.name,
            capabilities=_what_it_can_do(family),
            kinds=_kinds(family),
        )


def special_access(package: str, snapshot: DeviceSnapshot) -> tuple[str, ...]:
    """The special access an app holds that lets it watch the phone, in plain words."""
    return tuple(render(w) for w in special_access_words(package, snapshot))


def special_access_words(package: str, snapshot: DeviceSnapshot) -> tuple[Words, ...]:
    """``special_access`` as catalogue messages."""
    access: list[Words] = []
    if any(s.package == package for s in snapshot.accessibility) or any(
        c.split("/", 1)[0] == package for c in snapshot.settings.enabled_accessibility_services
    ):
        access.append(words("checks.access_accessibility"))
    if any(n.package == package for n in snapshot.notification_listeners):
        access.append(words("checks.access_notifications"))
    if any(a.package == package for a in snapshot.device_admins):
        access.append(words("checks.access_device_admin"))
    return tuple(access)


@check(
    id="DUAL-001",
    title="App that can be used to watch someone",
    name="check_names.dual_use",
    severity=Severity.INFO,
    guidance="dual_use",
    sources=(DUMPSYS_PACKAGE, "signatures"),
)
def dual_use_by_package(
    snapshot: DeviceSnapshot, ctx: CheckContext, me: Check
) -> Iterator[Finding]:
    """Family locators, parental control, call recorders: apps with an ordinary use that can
    also watch someone. Said calmly, never as stalkerware: the person may use them.

    ``info`` on its own; ``review`` when the app holds special access that lets it read the
    screen or notifications or stay installed (it is then named here as a dual-use app,
    not scored as an unknown spy app). System apps are left out: they came with the phone.
    """
    index = _index(ctx)
    if index is None:
        return
    listed = index.match_packages(p.package for p in snapshot.packages)
    for pkg in snapshot.packages:
        spy, dual = _split(listed.get(pkg.package, ()))
        if spy or not dual or pkg.system:
            continue
        family = dual[0].family
        access = special_access_words(pkg.package, snapshot)
        evidence = [*_package_evidence(pkg, snapshot.device.timezone), _source_note(family)]
        if Kind.STALKERWARE in family.also_listed_as:
            evidence.append(said("signatures", "checks.other_list_stalkerware", family=family.name))
        if access:
            evidence.append(said("special access", "checks.holds_access", access=access))
        yield me.finding(
            title=words("checks.dual_use", app=app_name(snapshot, pkg.package)),
            evidence=evidence,
            package=pkg.package,
            family=family.name,
            severity=Severity.REVIEW if access else Severity.INFO,
            capabilities=_what_it_can_do(family),
            kinds=_kinds(family),
        )


SIGNER = "signing certificate"


def _certificate_matches(index: SignatureIndex, apk: ApkFacts) -> list[tuple[Match, str]]:
    """Database entries the app's signer or its rotation keys match, each with what matched.

    Only the certificate Android uses as the signer and the keys of the app's own
    key-rotation history count: other certificates in the file are not the app's identity.
    """
    found: list[tuple[Match, str]] = []
    signer = SIGNER
    for fp in (*apk.cert_sha1, *apk.cert_sha256):
        found.extend((m, signer) for m in index.by_certificate(fp))
    for org in apk.cert_organizations:
        found.extend((m, signer) for m in index.by_certificate_subject(organization=org))
    for cn in apk.cert_common_names:
        found.extend((m, signer) for m in index.by_certificate_subject(common_name=cn))
    for cert in apk.rotation_certificates:
        matches = [*index.by_certificate(cert.sha1), *index.by_certificate(cert.sha256)]
        matches.extend(
            index.by_certificate_subject(
                organization=cert.organization, common_name=cert.common_name
            )
        )
        found.extend((m, cert.where) for m in matches)
    return found


@check(
    id="KNOWN-002",
    title="Known stalkerware (signing certificate)",
    name="check_names.known_certificate",
    severity=Severity.STALKERWARE,
    guidance="known_stalkerware_certificate",
    other_guidance=("dual_use",),
    sources=("apk pull", "signatures"),
)
def known_by_certificate(
    snapshot: DeviceSnapshot, ctx: CheckContext, me: Check
) -> Iterator[Finding]:
    """An APK signed by a certificate the database lists: catches renamed builds.

    A key from the app's rotation history counts too: a vendor that rotated its key still
    ships builds whose lineage names the old, listed one.
    """
    index = _index(ctx)
    if index is None:
        return
    for package, apk in sorted(ctx.apks.items()):
        found = _certificate_matches(index, apk)
        spy = [(m, what) for m, what in found if m.family.kind is Kind.STALKERWARE]
        dual = [(m, what) for m, what in found if m.family.kind is Kind.DUAL_USE]
        chosen = spy or dual
        if not chosen:
            continue
        family = chosen[0][0].family
        evidence = [
            _file_evidence(apk),
            *(
                said(
                    "apk signature",
                    "checks.certificate_match",
                    what=words("checks.signing_certificate") if what == SIGNER else what,
                    field=m.field,
                    value=m.value,
                )
                for m, what in chosen
            ),
            _source_note(family),
        ]
        yield me.finding(
            title=words(
                "checks.signed_like_stalkerware" if spy else "checks.signed_like_monitoring",
                app=app_name(snapshot, package),
                family=family.name,
            ),
            evidence=evidence,
            package=package,
            family=family.name,
            severity=Severity.STALKERWARE if spy else Severity.REVIEW,
            guidance=None if spy else "dual_use",
            capabilities=_what_it_can_do(family),
        )


@check(
    id="KNOWN-003",
    title="Known stalkerware (APK file hash)",
    name="check_names.known_file_hash",
    severity=Severity.STALKERWARE,
    guidance="known_sample",
    other_guidance=("dual_use",),
    sources=("apk pull", "signatures"),
)
def known_by_sample(snapshot: DeviceSnapshot, ctx: CheckContext, me: Check) -> Iterator[Finding]:
    """An app file (the APK, or one of its splits) whose SHA-256 is a known sample."""
    index = _index(ctx)
    if index is None:
        return
    for package, apk in sorted(ctx.apks.items()):
        digests = [d for d in (apk.sha256, *apk.split_sha256) if d]
        hits = [(d, m) for d in digests for m in index.by_sample_sha256(d)]
        spy, dual = _split(m for _, m in hits)
        chosen = spy or dual
        if not chosen:
            continue
        family = chosen[0].family
        known = sorted({d for d, m in hits if m in chosen})
        yield me.finding(
            title=words("checks.known_copy", app=app_name(snapshot, package), family=family.name),
            evidence=[
                _file_evidence(apk),
                *(said("apk hash", "checks.known_sample", sha256=d) for d in known),
                _source_note(family),
            ],
            package=package,
            family=family.name,
            severity=Severity.STALKERWARE if spy else Severity.REVIEW,
            guidance=None if spy else "dual_use",
            capabilities=_what_it_can_do(family),
        )
