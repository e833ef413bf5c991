"""Calibration phones for the behaviour score (SPY-001), generated from seeds.

Two kinds of phone, each rendered in the real command formats by ``render_outputs``:

* ordinary phones: the Pixel (Android 14) or Samsung (Android 13) system apps of the
  ``clean`` and ``infected`` profiles, plus 150-300 apps in all: the mainstream apps of
  ``MAINSTREAM`` (keyboards, password managers, automation apps, watch and car companions,
  Family Link, a work-profile agent, messengers, Google's own apps from Play) with the
  access their purpose needs, and filler store apps with the permissions ordinary apps hold;
* spy phones: an ordinary phone plus unknown spy apps with random package ids and labels
  and spy behaviour of random strength, from a store, sideloaded, by adb, or with a false
  Play claim (the initiator is rewritten to the shell, as ``adb install -i`` leaves it).

A ``Split`` names the seeds and the word pool for package ids and labels; the development
and held-back splits share neither. Every spy app carries the signals it was given, so a
caller can tell which apps have four or more.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Final

from scanner.apks import apk_file, check_app_files, with_apk_labels
from scanner.checks.registry import CheckContext, run_checks
from scanner.commands import DUMPSYS_PACKAGE
from scanner.labels import with_catalogue_labels
from scanner.model import ApkFacts, CommandResult, DeviceSnapshot, Finding, RawCapture, Severity
from scanner.parse.snapshot import build_snapshot
from scanner.pipeline import analyse, phone_now
from scanner.sigdb.index import SignatureIndex
from scanner.sigdb.model import SignatureDB
from scanner.simulator import Profile
from scanner.simulator.apk_builder import build_apk
from scanner.simulator.shell import shell_output
from scanner.store_labels import apps_to_name, name_store_apps
from tools.fabricate.catalog import base_global, store_app
from tools.fabricate.clean import clean_phone
from tools.fabricate.infected import infected_phone
from tools.fabricate.render import render_outputs
from tools.fabricate.spec import TIME_FORMAT, AppSpec, PhoneSpec, long_component, parse_time

P = "android.permission."
LOCATION = (P + "ACCESS_FINE_LOCATION", P + "ACCESS_COARSE_LOCATION")
BACKGROUND = (P + "ACCESS_BACKGROUND_LOCATION",)
SMS = (P + "READ_SMS", P + "RECEIVE_SMS")
CALL_LOG = (P + "READ_CALL_LOG",)
MIC = (P + "RECORD_AUDIO",)
CAMERA = (P + "CAMERA",)
CONTACTS = (P + "READ_CONTACTS",)
WATCH = (P + "REQUEST_COMPANION_PROFILE_WATCH", P + "REQUEST_OBSERVE_COMPANION_DEVICE_PRESENCE")
CAR = (P + "REQUEST_COMPANION_PROFILE_AUTOMOTIVE_PROJECTION",)

SPY_TRAITS: Final[Mapping[str, tuple[str, ...]]] = {
    "location": LOCATION,
    "background location": BACKGROUND,
    "sms": SMS,
    "call log": CALL_LOG,
    "microphone": MIC,
    "camera": CAMERA,
    "contacts": CONTACTS,
    "accessibility": (),
    "notification access": (),
    "device admin": (),
    "hidden": (),
    "usage access": (),
    "imitation": (),
}
"""Spy signals a generated spy app may get (runtime permissions for the data kinds);
besides these, installing from outside a store counts as one."""


@dataclass(frozen=True, slots=True)
class Split:
    name: str
    seeds: tuple[int, ...]
    words: tuple[str, ...]


DEVELOPMENT: Final = Split(
    "development",
    tuple(range(0, 12)),
    (
        "amber", "birch", "cobalt", "dune", "echo", "fjord", "gale", "hazel", "iris",
        "juniper", "koi", "lotus", "mosaic", "nimbus", "onyx", "prism", "quill", "rune",
    ),
)  # fmt: skip
HELD_BACK: Final = Split(
    "held-back",
    tuple(range(5000, 5012)),
    (
        "acorn", "basalt", "cinder", "delphi", "elm", "flint", "grove", "heron", "ivory",
        "jasper", "kelp", "lagoon", "marble", "nectar", "opal", "poppy", "quarry", "reef",
    ),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SpyApp:
    package: str
    label: str
    signals: frozenset[str]
    """The spy signals it was given (``SPY_TRAITS`` keys, and ``outside a store``)."""
    how: str
    """``store``, ``package installer``, ``adb`` or ``false Play claim``."""


@dataclass(frozen=True, slots=True)
class CalibrationPhone:
    spec: PhoneSpec
    outputs: Mapping[str, bytes]
    spies: tuple[SpyApp, ...] = ()
    explained: tuple[str, ...] = ()
    """Mainstream apps whose access their purpose explains: each must stay silent."""


# ----------------------------------------------------------------- mainstream apps


@dataclass(frozen=True, slots=True)
class Mainstream:
    """A well-known app as it sits on an ordinary phone, with the access it needs."""

    package: str
    label: str
    granted: tuple[str, ...] = ()
    perms: tuple[str, ...] = ()
    accessibility: bool = False
    listener: bool = False
    admin: bool = False
    usage: bool = False
    hidden: bool = False
    keyboard: str = ""
    """Its input-method service class, when it is an enabled keyboard."""
    autofill: str = ""
    """Its autofill service class, when it is the phone's autofill provider."""
    installer: str = "com.android.vending"
    shapes: tuple[str, ...] = ("pixel", "samsung")


_EVERYTHING = (*LOCATION, *BACKGROUND, *SMS, *CALL_LOG, *MIC, *CAMERA, *CONTACTS)
MAINSTREAM: Final[tuple[Mainstream, ...]] = (
    Mainstream(
        "com.google.android.inputmethod.latin",
        "Gboard",
        (*MIC, *CONTACTS),
        keyboard="com.android.inputmethod.latin.LatinIME",
        shapes=("samsung",),
    ),
    Mainstream(
        "com.touchtype.swiftkey",
        "Microsoft SwiftKey Keyboard",
        (*MIC, *CONTACTS, *LOCATION),
        keyboard="com.touchtype.KeyboardService",
    ),
    Mainstream(
        "com.x8bit.bitwarden",
        "Bitwarden",
        CAMERA,
        accessibility=True,
        autofill="com.x8bit.bitwarden.Autofill.AutofillService",
    ),
    Mainstream("com.onepassword.android", "1Password", CAMERA),
    Mainstream(
        "net.dinglisch.android.taskerm",
        "Tasker",
        _EVERYTHING,
        accessibility=True,
        listener=True,
        admin=True,
        usage=True,
    ),
    Mainstream(
        "com.arlosoft.macrodroid",
        "MacroDroid",
        _EVERYTHING,
        accessibility=True,
        listener=True,
        admin=True,
        usage=True,
    ),
    Mainstream(
        "com.google.android.wearable.app",
        "Wear OS by Google",
        (*LOCATION, *SMS, *CALL_LOG, *CONTACTS, *MIC),
        WATCH,
        listener=True,
    ),
    Mainstream(
        "com.samsung.android.app.watchmanager",
        "Galaxy Wearable",
        (*LOCATION, *CONTACTS),
        WATCH,
        listener=True,
    ),
    Mainstream(
        "com.samsung.android.waterplugin",
        "Galaxy Watch4 Plugin",
        (*LOCATION, *BACKGROUND, *SMS, *CALL_LOG, *CONTACTS, *MIC),
        WATCH,
        listener=True,
        hidden=True,
        installer="com.sec.android.app.samsungapps",
        shapes=("samsung",),
    ),
    Mainstream(
        "com.huami.watch.hmwatchmanager",  # Zepp: a watch companion on no list of ours
        "Zepp",
        (*LOCATION, *BACKGROUND, *SMS, *CALL_LOG, *CONTACTS),
        WATCH,
        listener=True,
    ),
    Mainstream(
        "com.google.android.projection.gearhead",
        "Android Auto",
        (*LOCATION, *SMS, *CALL_LOG, *CONTACTS, *MIC),
        CAR,
        listener=True,
    ),
    Mainstream(
        "com.google.android.apps.kids.familylinkhelper",
        "Google Family Link for children & teens",
        (*LOCATION, *BACKGROUND),
        admin=True,
        usage=True,
        accessibility=True,
    ),
    Mainstream(
        "com.google.android.apps.work.clouddpc",
        "Android Device Policy",
        (*LOCATION, *CAMERA),
        admin=True,
        hidden=True,
    ),
    Mainstream("com.whatsapp", "WhatsApp", (*CONTACTS, *CAMERA, *MIC, *LOCATION)),
    Mainstream("org.telegram.messenger", "Telegram", (*CONTACTS, *CAMERA, *MIC, *LOCATION)),
    Mainstream("com.facebook.orca", "Messenger", (*CONTACTS, *CAMERA, *MIC, *LOCATION)),
    Mainstream("com.instagram.android", "Instagram", (*CAMERA, *MIC, *CONTACTS, *LOCATION)),
    Mainstream("com.google.android.apps.chromecast.app", "Google Home", (*LOCATION, *CAMERA, *MIC)),
    Mainstream("com.google.android.apps.authenticator2", "Google Authenticator", CAMERA),
    Mainstream("com.google.android.apps.fitness", "Google Fit", (*LOCATION, *BACKGROUND)),
    Mainstream("com.teslacoilsw.launcher", "Nova Launcher", (), listener=True, usage=True),
    Mainstream(
        "com.google.android.apps.accessibility.voiceaccess",
        "Voice Access",
        MIC,
        accessibility=True,
        shapes=("samsung",),
    ),
)

_FILLER_PROFILES: Final[tuple[tuple[float, tuple[str, ...]], ...]] = (
    # (weight, runtime permissions granted): what ordinary store apps hold.
    (40, ()),
    (20, LOCATION),
    (10, CAMERA),
    (9, (*LOCATION, *CAMERA)),
    (5, CONTACTS),
    (5, (*CAMERA, *MIC)),
    (5, (*LOCATION, *BACKGROUND)),
    (4, (*LOCATION, *CAMERA, *CONTACTS)),
    # Social and dating apps not on our list: these reach review, as a calculator vault does.
    (0.5, (*LOCATION, *CAMERA, *MIC, *CONTACTS)),
)

_FILLER_LABELS: Final = (
    "Weather", "Recipes", "Bank", "Shop", "Train Times", "News", "Podcasts", "Budget",
    "Notes", "Scanner", "Radio", "Yoga", "Chess", "Puzzle", "Parking", "Pharmacy",
)  # fmt: skip
_SPY_LABELS: Final = (
    "Photo Editor", "Calculator", "Calculator Vault", "Notes", "Battery Saver",
    "System Update", "Wi-Fi Service", "Sync Service", "Flashlight", "Music",
    "Device Health", "Cleaner", "Gallery", "Weather",
)  # fmt: skip
_IMITATED: Final = ("com.google.android.", "com.android.", "com.samsung.android.", "com.sec.")
_VENDORS: Final = ("com", "org", "net", "io", "app", "de")


def _name(rng: random.Random, words: Sequence[str], taken: set[str], prefix: str = "") -> str:
    while True:
        a, b, c = rng.sample(list(words), 3)
        package = f"{prefix}{a}{b}.{c}" if prefix else f"{rng.choice(_VENDORS)}.{a}{b}.{c}"
        if package not in taken:
            taken.add(package)
            return package


def _when(now: datetime, rng: random.Random, low: int, high: int) -> str:
    moment = now - timedelta(days=rng.randint(low, high), seconds=rng.randint(0, 86399))
    return moment.strftime(TIME_FORMAT)


def _base(shape: str) -> PhoneSpec:
    if shape == "pixel":
        return clean_phone()
    # The infected profile's Galaxy A52 without what was done to it: its system apps with
    # no install rights granted, a current patch, Play Protect on, no proxy.
    samsung = infected_phone()
    props = {**samsung.props, "ro.build.version.security_patch": "2026-10-01"}
    settings = base_global("Galaxy A52", props["ro.build.id"])
    settings.update({"package_verifier_enable": "1", "package_verifier_user_consent": "1"})
    return replace(
        samsung,
        props=props,
        apps=tuple(replace(app, appops=()) for app in samsung.apps if app.system),
        accounts=samsung.accounts[:1],
        global_settings=settings,
        removed_apps=(),
        trusted_computers=(),
        running=(),
    )


def _mainstream_app(app: Mainstream, now: datetime, rng: random.Random) -> AppSpec:
    appops = (("GET_USAGE_STATS", "allow"),) if app.usage else ()
    spec = store_app(
        app.package,
        app.label,
        f"{rng.randint(1, 20)}.{rng.randint(0, 99)}",
        rng.randint(1000, 99_999_999),
        _when(now, rng, 60, 1200),
        launcher="" if app.hidden else ".MainActivity",
        granted=app.granted,
        perms=app.perms,
        installer=app.installer,
        appops=appops,
    )
    return replace(
        spec,
        accessibility=".AccessibilityService" if app.accessibility else "",
        accessibility_enabled=app.accessibility,
        notification_listener=".NotificationListener" if app.listener else "",
        listener_enabled=app.listener,
        device_admin=".AdminReceiver" if app.admin else "",
        admin_active=app.admin,
    )


def ordinary_phone(seed: int, split: Split) -> CalibrationPhone:
    """An ordinary phone: 150-300 apps, nothing planted."""
    spec, explained = ordinary_spec(seed, split)
    return CalibrationPhone(spec, render_outputs(spec), explained=explained)


def ordinary_spec(seed: int, split: Split) -> tuple[PhoneSpec, tuple[str, ...]]:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    shape = "pixel" if seed % 2 == 0 else "samsung"
    base = _base(shape)
    now = parse_time(base.now)
    preinstalled = {app.package for app in base.apps}
    mainstream = [m for m in MAINSTREAM if shape in m.shapes and m.package not in preinstalled]
    apps = list(base.apps)
    apps += [_mainstream_app(m, now, rng) for m in mainstream]
    taken = {a.package for a in apps}
    total = rng.randint(150, 300)
    weights = [w for w, _ in _FILLER_PROFILES]
    while len(apps) < total:
        (granted,) = rng.choices([g for _, g in _FILLER_PROFILES], weights)
        hidden = rng.random() < 0.05  # a plugin or widget pack: no icon, no personal data
        words = rng.sample(list(split.words), 2)
        recent = rng.random() < 0.1
        apps.append(
            store_app(
                _name(rng, split.words, taken),
                f"{' '.join(w.capitalize() for w in words)} {rng.choice(_FILLER_LABELS)}",
                f"{rng.randint(1, 30)}.{rng.randint(0, 9)}",
                rng.randint(1000, 9_999_999),
                _when(now, rng, 1, 29) if recent else _when(now, rng, 31, 1500),
                launcher="" if hidden else ".MainActivity",
                granted=() if hidden else granted,
                appops=(("SYSTEM_ALERT_WINDOW", "allow"),) if rng.random() < 0.05 else (),
            )
        )
    secure = dict(base.secure_settings)
    keyboards = [secure["enabled_input_methods"]]
    keyboards += [long_component(m.package, m.keyboard) for m in mainstream if m.keyboard]
    secure["enabled_input_methods"] = ":".join(keyboards)
    (autofill,) = [m for m in mainstream if m.autofill]
    secure["autofill_service"] = long_component(autofill.package, autofill.autofill)
    spec = replace(
        base,
        name=f"ordinary-{shape}-{seed}",
        description=f"An ordinary {shape} phone with {len(apps)} apps (seed {seed}).",
        apps=tuple(apps),
        secure_settings=secure,
        users=(0, 10),  # a work profile beside the owner
    )
    return spec, tuple(m.package for m in mainstream)


def spy_phone(seed: int, split: Split, count: int = 8) -> CalibrationPhone:
    """An ordinary phone with ``count`` unknown spy apps on it (the first two of seed 0 of
    each split are the sideloaded photo editor and the calculator vault from Play)."""
    spec, _ = ordinary_spec(seed, split)
    rng = random.Random(seed * 7919 + 1)  # noqa: S311 - reproducible test data
    now = parse_time(spec.now)
    taken = {a.package for a in spec.apps}
    spies: list[SpyApp] = []
    apps = list(spec.apps)
    for index in range(count):
        if index == 0 and seed == split.seeds[0]:
            traits, how, label = {"camera", "location"}, "package installer", "Photo Editor"
        elif index == 1 and seed == split.seeds[0]:
            traits = {"camera", "microphone", "location", "contacts"}
            how, label = "store", "Calculator Vault"
        else:
            strength = rng.randint(2, 9)
            traits = set(rng.sample(list(SPY_TRAITS), strength))
            how = rng.choice(
                ("store", "store", "package installer", "package installer", "adb", "false claim")
            )
            label = rng.choice(_SPY_LABELS)
        prefix = rng.choice(_IMITATED) if "imitation" in traits else ""
        package = _name(rng, split.words, taken, prefix)
        granted = tuple(p for t in sorted(traits) for p in SPY_TRAITS[t])
        installer = {
            "store": "com.android.vending",
            "false claim": "com.android.vending",
            "package installer": "com.google.android.packageinstaller",
            "adb": None,
        }[how]
        app = store_app(
            package,
            label,
            "1.0",
            1,
            _when(now, rng, 1, 25) if rng.random() < 0.6 else _when(now, rng, 40, 400),
            launcher="" if "hidden" in traits else ".MainActivity",
            granted=granted,
            installer=installer,
            appops=(("GET_USAGE_STATS", "allow"),) if "usage access" in traits else (),
        )
        app = replace(
            app,
            accessibility=".A11y" if "accessibility" in traits else "",
            accessibility_enabled="accessibility" in traits,
            notification_listener=".Listener" if "notification access" in traits else "",
            listener_enabled="notification access" in traits,
            device_admin=".Admin" if "device admin" in traits else "",
            admin_active="device admin" in traits,
        )
        apps.append(app)
        if how != "store":
            traits.add("outside a store")
        spies.append(SpyApp(package, label, frozenset(traits), how))
    spec = replace(spec, name=f"spy-{seed}", apps=tuple(apps))
    false_claims = [spy.package for spy in spies if spy.how == "false claim"]
    return CalibrationPhone(spec, render(spec, false_claims), spies=tuple(spies))


def render(spec: PhoneSpec, false_claims: Sequence[str] = ()) -> dict[str, bytes]:
    """Every command's output; the apps in ``false_claims`` claim Play but were installed
    by adb."""
    outputs = render_outputs(spec)
    for package in false_claims:
        outputs = _claim_play_falsely(outputs, package)
    return outputs


def _claim_play_falsely(outputs: Mapping[str, bytes], package: str) -> dict[str, bytes]:
    """``adb install -i com.android.vending``: the claim says Play, the initiator is the
    shell (rewritten in that app's ``dumpsys package`` entry only)."""
    text = outputs[DUMPSYS_PACKAGE].decode("utf-8")
    start = text.index(f"  Package [{package}]")
    end = re.compile(r"\n(?!    )").search(text, start + 1)
    if end is None:
        raise ValueError(f"no end to the entry of {package}")
    block = re.sub(
        r"initiatingPackageName=\S+",
        "initiatingPackageName=com.android.shell",
        text[start : end.start()],
    )
    return {
        **outputs,
        DUMPSYS_PACKAGE: (text[:start] + block + text[end.start() :]).encode("utf-8"),
    }


# ------------------------------------------------------------------------ measuring


@dataclass(frozen=True, slots=True)
class Figures:
    """What the whole scan (every check) says on one split's phones."""

    split: str
    spies: int
    spies_flagged: int
    """At review or above (SPY-001 or any other check naming the app)."""
    strong: int
    """Spy apps with four or more spy signals."""
    strong_serious: int
    missed: tuple[str, ...]
    """``package (how, signals)`` of every spy app not flagged."""
    ordinary_phones: int
    app_counts: tuple[int, ...]
    stalkerware: int
    serious: int
    reviews: tuple[int, ...]
    """Review findings about apps, per ordinary phone, from every check."""
    spy_reviews: tuple[int, ...]
    """Of those, SPY-001's."""
    explained_named: tuple[str, ...]
    """Mainstream apps whose purpose explains their access, named by SPY-001 anyway."""


def _findings(phone: CalibrationPhone, signatures: SignatureDB) -> list[Finding]:
    """Every check's findings, after the store apps' names are read as a scan reads them."""
    capture = RawCapture(tuple(CommandResult(cmd, out) for cmd, out in phone.outputs.items()))
    snapshot, apks = with_read_labels(phone.spec, build_snapshot(capture), signatures)
    return analyse(
        capture, datetime.now(UTC), signatures=signatures, snapshot=snapshot, apks=apks
    ).findings


def with_read_labels(
    spec: PhoneSpec, snapshot: DeviceSnapshot, signatures: SignatureDB
) -> tuple[DeviceSnapshot, dict[str, ApkFacts]]:
    """The snapshot with the labels a scan reads: the apps the first findings are about
    (``store_labels.apps_to_name``) get an APK with their label in the real format (a
    reference into ``resources.arsc``), served by the simulator's shell and read by the
    scan's own readers (certificate parts, then the label)."""
    context = CheckContext(now=phone_now(snapshot), signatures=SignatureIndex.from_db(signatures))
    first = with_catalogue_labels(snapshot)
    wanted = set(apps_to_name(first, run_checks(first, context), context))
    labels = {app.package: app.label for app in spec.apps}
    files: dict[str, bytes] = {}
    for pkg in snapshot.packages:
        path = apk_file(pkg)
        if pkg.package in wanted and path:
            files[path] = build_apk(
                pkg.package, label=labels.get(pkg.package, ""), label_in_resources=True
            )
    if not files:
        return snapshot, {}
    profile = Profile(name=spec.name, files=files)

    def run(command: str) -> bytes:
        return shell_output(profile, command)

    only = replace(snapshot, packages=tuple(p for p in snapshot.packages if p.package in wanted))
    checked = check_app_files(run, files.__getitem__, only)
    apks = dict(checked.facts)
    named = name_store_apps(
        run, with_apk_labels(snapshot, apks), apks, checked.directories, context
    )
    return named.snapshot, named.apks


def measure(split: Split, signatures: SignatureDB) -> Figures:
    """Ordinary phones and spy phones for every seed of ``split``, scanned whole."""
    spies = flagged = strong = strong_serious = stalkerware = serious = 0
    missed: list[str] = []
    counts: list[int] = []
    reviews: list[int] = []
    spy_reviews: list[int] = []
    named: list[str] = []
    for seed in split.seeds:
        ordinary = ordinary_phone(seed, split)
        found = _findings(ordinary, signatures)
        counts.append(len(ordinary.spec.apps))
        stalkerware += sum(f.severity is Severity.STALKERWARE for f in found)
        serious += sum(f.severity is Severity.HIGH for f in found)
        about_apps = [f for f in found if f.severity is Severity.REVIEW and f.package]
        reviews.append(len(about_apps))
        spy_reviews.append(sum(f.check == "SPY-001" for f in about_apps))
        named += [
            f.package for f in found if f.check == "SPY-001" and f.package in ordinary.explained
        ]
        phone = spy_phone(seed, split)
        found = _findings(phone, signatures)
        for spy in phone.spies:
            levels = {f.severity for f in found if f.package == spy.package}
            raised = levels & {Severity.STALKERWARE, Severity.HIGH, Severity.REVIEW}
            spies += 1
            flagged += bool(raised)
            if not raised:
                missed.append(f"{spy.package} ({spy.how}: {', '.join(sorted(spy.signals))})")
            if len(spy.signals) >= 4:
                strong += 1
                strong_serious += bool(levels & {Severity.STALKERWARE, Severity.HIGH})
    return Figures(
        split.name,
        spies,
        flagged,
        strong,
        strong_serious,
        tuple(missed),
        len(split.seeds),
        tuple(counts),
        stalkerware,
        serious,
        tuple(reviews),
        tuple(spy_reviews),
        tuple(named),
    )
