"""The vocabulary shared by every stage: frozen dataclasses, no behaviour.

Data flows one way: device -> collect (RawCapture) -> parse (DeviceSnapshot) -> checks
(Finding) -> report. Nothing here talks to a phone or prints.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from scanner.commands import DUMPSYS_PACKAGE


@dataclass(frozen=True, slots=True)
class CollectionWarning:
    """Something the scanner read but could not fully understand, or could not read.

    Never dropped silently: every warning reaches the report so a reader knows what the
    scan could not see.
    """

    source: str
    """The command (or section) the text came from, e.g. ``dumpsys package``."""
    message: str
    """Plain description of what was not understood."""
    line: int | None = None
    """1-based line number in the source text, where one applies."""
    excerpt: str = ""
    """A short quote of the text that was not understood (bounded in length)."""
    not_understood: bool = True
    """False when nothing was misread: the phone said plainly that the data is not there
    (no such service, an empty answer). That part of the phone is still unread."""
    words: Words | None = None
    """``message`` as a catalogue message, so a report says it in the reader's language."""


CUT_AT_LIMIT = "output was cut at the size limit"
"""``CommandResult.error`` of an output cut at the per-command size limit."""

STOPPED_BY_PERSON = "the scan was stopped with Ctrl-C before it had read everything"
"""``RawCapture.interrupted`` when the person stopped the scan: what was read is kept."""

APP_LIST_SOURCE = DUMPSYS_PACKAGE
"""The command whose output is the list of apps: only when it was read whole and
understood can a report say that no known stalkerware was found."""


@dataclass(frozen=True, slots=True)
class CommandResult:
    """The raw output of one allowlisted command, or why there is none."""

    command: str
    output: bytes | None
    """Raw bytes as the phone sent them; ``None`` when the command could not run."""
    error: str = ""
    """Why there is no output (plain words), empty when the command ran."""
    duration_s: float = 0.0
    truncated: bool = False
    """True when the output is incomplete: cut at the size limit (``CUT_AT_LIMIT``), or
    interrupted by a fault (``error`` says which); what arrived is in ``output``."""
    error_words: Words | None = None
    """``error`` as a catalogue message (None when it has none, e.g. a saved capture's)."""

    @property
    def ok(self) -> bool:
        return self.output is not None

    def text(self) -> str:
        """The output decoded as UTF-8, undecodable bytes replaced (never raises)."""
        return (self.output or b"").decode("utf-8", errors="replace")


APK_FILES = "apk files"
"""``NotApplicable.source`` for the apps' own files (signing certificates, file hashes)."""


@dataclass(frozen=True, slots=True)
class NotApplicable:
    """A part of the scan that this kind of input cannot hold (a bug report has no launcher
    list, a capture no APK files). Named in the report, never counted as a part not read."""

    source: str
    """A scan command, or ``APK_FILES``."""
    reason: str
    """Plain words, e.g. ``a bug report does not hold the list of apps with an icon``."""
    words: Words | None = None
    """``reason`` as a catalogue message."""


@dataclass(frozen=True, slots=True)
class RawCapture:
    """Every command output collected from one phone, in the order sent."""

    results: tuple[CommandResult, ...]
    serial: str = ""
    transport: str = ""
    """``tcp``, ``usb``, or the offline source (``bugreport``, ``androidqf``, ``capture``)."""
    banner: str = ""
    """The device banner from the ADB CNXN message, where there was one."""
    interrupted: str = ""
    """Why collection stopped before the end (plain words); empty when it ran to the end."""
    not_applicable: tuple[NotApplicable, ...] = ()
    """What this kind of input cannot hold; empty for a live scan."""
    interrupted_words: Words | None = None
    """``interrupted`` as a catalogue message."""

    def get(self, command: str) -> CommandResult | None:
        for result in self.results:
            if result.command == command:
                return result
        return None

    def not_held(self, source: str) -> bool:
        """True when this kind of input cannot hold ``source`` (a command or ``APK_FILES``)."""
        return any(part.source == source for part in self.not_applicable)


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """Who the phone is, from ``getprop``."""

    manufacturer: str = ""
    model: str = ""
    brand: str = ""
    device: str = ""
    android_version: str = ""
    sdk: int | None = None
    security_patch: str = ""
    """``YYYY-MM-DD`` as the phone reports it, empty when unknown."""
    fingerprint: str = ""
    serial: str = ""
    build_type: str = ""
    build_tags: str = ""
    debuggable: bool | None = None
    timezone: str = ""


@dataclass(frozen=True, slots=True)
class PermissionGrant:
    """One permission a package holds (runtime or install-time)."""

    name: str
    granted: bool
    runtime: bool
    """True for runtime (dangerous) permissions the user grants; False for install-time."""
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Package:
    """One installed package, merged from every source that mentions it."""

    package: str
    label: str | None = None
    label_source: str | None = None
    """Where ``label`` came from: ``apk`` (the app's own file) or ``catalogue`` (the
    app-name catalogue shipped with the scanner); None when there is no label."""
    apk_path: str | None = None
    installer: str | None = None
    """Who installed it, as best the phone says: ``installerPackageName``, else the
    initiating installer; None when not recorded."""
    installer_package_name: str | None = None
    """``installerPackageName`` exactly as printed: a claim any installing app can set."""
    initiating_installer: str | None = None
    """``initiatingPackageName``: the app that really asked for the install (Android 14+
    prints it), e.g. ``com.android.shell`` for ``adb install``."""
    originating_installer: str | None = None
    """``originatingPackageName``: the app the initiator installed for (a browser...)."""
    installer_attribution_tag: str | None = None
    """``installerAttributionTag`` (Android 12+, printed when set)."""
    package_source: int | None = None
    """``packageSource``: ``PackageInstaller.PACKAGE_SOURCE_*`` as the installing app set it
    (0 unspecified, 1 other, 2 store, 3 local file, 4 downloaded file)."""
    uid: int | None = None
    version_name: str | None = None
    version_code: int | None = None
    first_install: datetime | None = None
    """Phone-local time, as ``dumpsys package`` prints it (no time zone)."""
    last_update: datetime | None = None
    enabled: bool = True
    system: bool = False
    updated_system: bool = False
    has_launcher: bool | None = None
    """``None`` when the launcher query could not be read."""
    installed: bool = True
    """False when the package is known but not installed for the phone's main user."""
    permissions: tuple[PermissionGrant, ...] = ()
    requested_permissions: tuple[str, ...] = ()
    partial: bool = False
    """True when the phone's answer stopped inside this app's entry: only its package id
    is known (its other fields keep their defaults, which say nothing)."""
    splits: tuple[str, ...] = ()
    """Names of the app's split APKs (``split_<name>.apk`` beside ``base.apk``)."""

    def granted(self) -> frozenset[str]:
        """Names of every permission this package holds."""
        return frozenset(p.name for p in self.permissions if p.granted)


@dataclass(frozen=True, slots=True)
class AccessibilityService:
    """An accessibility service that is switched on."""

    component: str
    """``package/class`` as Android prints it (class may be short, ``.Foo``)."""
    package: str
    bound: bool | None = None
    """True when the system reports it bound (running); None when not reported."""


@dataclass(frozen=True, slots=True)
class DeviceAdmin:
    """An active device administrator, or the device/profile owner."""

    component: str
    package: str
    role: str = "admin"
    """``admin``, ``device_owner`` or ``profile_owner``."""
    user: int = 0
    policies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NotificationListener:
    """An app allowed to read every notification."""

    component: str
    package: str


@dataclass(frozen=True, slots=True)
class Account:
    """An account signed in on the phone."""

    type: str
    name: str
    user: int = 0


@dataclass(frozen=True, slots=True)
class AppOp:
    """A special access an app holds through app-ops (usage access, draw over apps...)."""

    package: str
    op: str
    mode: str
    uid: int | None = None


@dataclass(frozen=True, slots=True)
class TrustedComputer:
    """A computer the phone trusts for USB debugging, from ``dumpsys adb``."""

    key: str
    """The key material as the phone stores it: base64 of Android's RSA public key struct."""
    comment: str
    """The name the computer gave itself (``user@laptop``): phone text, with control and
    format characters removed; the computer chose it, so it proves nothing."""
    fingerprint: str
    """MD5 of the key material as ``AA:BB:…``, the form Android shows in its settings."""
    last_connection: datetime | None = None
    """When it last connected (UTC, time-zone aware), where the phone's keystore says."""
    last_connection_unreadable: bool = False
    """The phone keeps that time in a binary file (Android 12+) that ``dumpsys`` cannot
    show as text, so it is unknown, not absent."""
    last_to_ask: bool = False
    """The last computer that asked the phone for permission (``last_key_received``)."""


class TraceKind(enum.StrEnum):
    """What a record about an app says happened to it."""

    INSTALLED_OR_UPDATED = "installed_or_updated"
    """Battery stats write ``Update`` for a new install and for an update alike."""
    REMOVED = "removed"
    USED_DATABASE = "used_database"
    APP_OPS = "app_ops"
    """App-op records (permissions it used) are still kept for it."""


@dataclass(frozen=True, slots=True)
class AppTrace:
    """One record the phone keeps that names an app, and when it happened.

    These outlive the app: they are how a scan can tell that an app was on the phone after
    it was removed. Times are phone-local and naive, as ``dumpsys`` prints them.
    """

    package: str
    kind: TraceKind
    source: str
    """The command the record was read from."""
    earliest: datetime | None = None
    latest: datetime | None = None
    """It happened between ``earliest`` and ``latest`` (a day's battery record; ``latest``
    None means "since ``earliest``, up to the scan"), or last at ``latest`` (a last use).
    Both None where the phone gives no time."""
    detail: str = ""
    """The phone's own words for it, e.g. ``Update com.example vers=31`` (phone text)."""


@dataclass(frozen=True, slots=True)
class SafetySettings:
    """Settings that matter for safety. ``None`` means the phone did not say."""

    unknown_sources: bool | None = None
    """Legacy global switch allowing installs from outside the store (Android <= 7)."""
    package_verifier: bool | None = None
    """Play Protect / package verifier scanning apps on install."""
    verify_adb_installs: bool | None = None
    """Whether apps installed over USB (adb) are verified too (``verifier_verify_adb_installs``)."""
    adb_enabled: bool | None = None
    development_settings: bool | None = None
    adb_wifi_enabled: bool | None = None
    location_mode: int | None = None
    """0 off, 1 sensors only, 2 battery saving, 3 high accuracy."""
    http_proxy: str = ""
    private_dns_mode: str = ""
    private_dns_host: str = ""
    enabled_accessibility_services: tuple[str, ...] = ()
    enabled_notification_listeners: tuple[str, ...] = ()
    raw_global: tuple[tuple[str, str], ...] = ()
    raw_secure: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class RootIndicators:
    """Signs that the phone is rooted."""

    su_paths: tuple[str, ...] = ()
    root_packages: tuple[str, ...] = ()
    test_keys: bool = False
    debuggable_build: bool = False
    ro_secure_off: bool = False

    @property
    def rooted(self) -> bool:
        return bool(self.su_paths or self.root_packages or self.ro_secure_off)


@dataclass(frozen=True, slots=True)
class DeviceSnapshot:
    """Everything the scanner knows about one phone at one moment."""

    device: DeviceInfo
    packages: tuple[Package, ...] = ()
    accessibility: tuple[AccessibilityService, ...] = ()
    device_admins: tuple[DeviceAdmin, ...] = ()
    notification_listeners: tuple[NotificationListener, ...] = ()
    accounts: tuple[Account, ...] = ()
    appops: tuple[AppOp, ...] = ()
    settings: SafetySettings = field(default_factory=SafetySettings)
    root: RootIndicators = field(default_factory=RootIndicators)
    warnings: tuple[CollectionWarning, ...] = ()
    sources_read: tuple[str, ...] = ()
    """Commands whose output was read and parsed (so checks know what they can trust)."""
    trusted_computers: tuple[TrustedComputer, ...] = ()
    """Computers trusted for USB debugging; meaningful only when ``dumpsys adb`` is in
    ``sources_read``."""
    app_traces: tuple[AppTrace, ...] = ()
    """Every record that names an app, installed or not, with its dates: installs, updates
    and removals (battery stats), recent database use, app-op records. The timeline of an
    evidence pack can be built from these."""
    phone_clock: datetime | None = None
    """What the phone's clock said (UTC, aware) when read at the start of the scan; None
    when it was not read."""
    _by_package: dict[str, Package] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    """``packages`` by id, made on the first look-up: a run of the checks on a 500-app
    phone looks up about 140 apps, and each look-up walked the list."""

    def package(self, package: str) -> Package | None:
        """The first entry for ``package``, or None."""
        index = self._by_package
        if index is None:
            index = {}
            for pkg in self.packages:
                index.setdefault(pkg.package, pkg)
            object.__setattr__(self, "_by_package", index)  # a cache, not a change
        return index.get(package)


class Severity(enum.StrEnum):
    """How worried the reader should be; ordered most severe first."""

    STALKERWARE = "stalkerware"
    HIGH = "high"
    REVIEW = "review"
    INFO = "info"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class Confidence(enum.StrEnum):
    """How sure the check is, separate from how bad it would be."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True, slots=True)
class Words:
    """A catalogue message by id with its named values, so a report can say it in the
    reader's language (``scanner.phrases`` renders it).

    A value is a raw fact quoted from the phone or the database (never translated), a
    nested message, or a tuple of messages (a list, joined the language's way). A value
    named ``count`` picks the plural form.
    """

    key: str
    values: tuple[tuple[str, WordValue], ...] = ()


WordValue = str | Words | tuple[Words, ...]


@dataclass(frozen=True, slots=True)
class Evidence:
    """One fact that made a check fire, quoting where it came from."""

    source: str
    """The command or data the fact was read from."""
    excerpt: str
    """The fact itself in English, e.g. ``accessibility service com.x/.Spy is enabled``."""
    words: Words | None = None
    """The same fact as a catalogue message, for reports in other languages."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a check found."""

    id: str
    """Stable within a report, e.g. ``KNOWN-001:com.example``."""
    check: str
    severity: Severity
    title: str
    evidence: tuple[Evidence, ...]
    guidance: str
    """Key of the guidance text in ``guidance/``."""
    package: str | None = None
    confidence: Confidence = Confidence.HIGH
    family: str | None = None
    """Known stalkerware family name, where one matched."""
    capabilities: tuple[str, ...] = ()
    """What the app can do, in plain words (from the signature database)."""
    kinds: tuple[str, ...] = ()
    """Every kind the databases list the app under (``stalkerware``, ``dual_use``), for a
    database finding; empty otherwise."""
    title_words: Words | None = None
    """``title`` as a catalogue message, for reports in other languages."""


@dataclass(frozen=True, slots=True)
class ApkCertificate:
    """A certificate in a pulled APK other than the one Android uses as its signer."""

    sha1: str
    sha256: str
    organization: str = ""
    common_name: str = ""
    where: str = ""
    """Plain words: what this certificate is to the app, e.g. "an earlier signing key of this
    app, from its key-rotation history (v3 lineage)"."""


@dataclass(frozen=True, slots=True)
class ApkFacts:
    """What is known of an app's APK files: read from a pulled APK, or as an offline
    input recorded them."""

    package: str
    path: str
    sha256: str
    cert_sha1: tuple[str, ...] = ()
    """The signer's certificate as Android picks it for this phone (SHA-1, upper-case hex)."""
    cert_sha256: tuple[str, ...] = ()
    cert_subjects: tuple[str, ...] = ()
    cert_organizations: tuple[str, ...] = ()
    cert_common_names: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    label: str | None = None
    """The app name from the APK's manifest (``android:label``), None when unreadable."""
    manifest_package: str | None = None
    """The package the APK's manifest declares; it should equal ``package``."""
    source: str = "apk pull"
    """Where these facts come from, quoted as the evidence source: ``apk pull`` (read from
    the pulled file) or an offline record such as ``androidqf packages.json``."""
    split_sha256: tuple[str, ...] = ()
    """SHA-256 of the app's other files (split APKs), where the source lists them."""
    signing_scheme: str = ""
    """The scheme the signer comes from (``v1``, ``v2``, ``v3``, ``v3.1``), empty if unknown."""
    rotation_certificates: tuple[ApkCertificate, ...] = ()
    """The app's other keys from its v3/v3.1 key-rotation lineage: the same app identity,
    so they are matched against known certificates like the signer's."""
    other_certificates: tuple[ApkCertificate, ...] = ()
    """Other certificates in the file, not the signer's (extra PKCS#7 certificates, a
    signature block Android ignores, the v1 signer when a newer scheme is used...): never
    matched as the signer."""


@dataclass(frozen=True, slots=True)
class PullRecord:
    """One file read from the phone over sync, for the report's command list."""

    package: str
    path: str
    ok: bool
    size_bytes: int = 0
    sha256: str = ""
    error: str = ""
    duration_s: float = 0.0
    error_words: Words | None = None
    """``error`` as a catalogue message."""


@dataclass(frozen=True, slots=True)
class AppFileCheck:
    """Whether one app's signing certificate and file hash were checked, how, or why not."""

    package: str
    path: str
    certificate: str = ""
    """How the certificate was read (``CHECKED_IN_PARTS``, ``CHECKED_SIGNING_BLOCK``,
    ``CHECKED_WHOLE``), "" if not."""
    certificate_not_checked: str = ""
    """Why not, in plain words ("" when it was checked)."""
    sha256: str = ""
    """How the hash was made (``HASHED_ON_PHONE``, ``HASHED_WHOLE``), "" if not."""
    sha256_not_checked: str = ""
    splits: str = ""
    """What was checked of the app's split APKs, in plain words ("" when it has none)."""
    certificate_words: Words | None = None
    """``certificate_not_checked`` as a catalogue message."""


@dataclass(frozen=True, slots=True)
class EvidenceApk:
    """An app's whole APK copied for an evidence pack, or why it was not."""

    package: str
    path: str
    why_chosen: str
    """The most serious finding that made this app matter (e.g. "known stalkerware")."""
    data: bytes | None = field(default=None, repr=False)
    """The file's bytes as the phone sent them; None when not pulled."""
    sha256: str = ""
    phone_sha256: str = ""
    """The hash the scan had for this file (made on the phone or from a pull), "" if none."""
    not_pulled: str = ""
    """Why it is not in the pack, in plain words ("" when it is)."""
    not_pulled_words: Words | None = None
    why_chosen_words: Words | None = None
    """``not_pulled`` and ``why_chosen`` as catalogue messages, to say them in the pack's
    language."""


CHECKED_IN_PARTS = "read on the phone in parts (signing block, signature files, manifest)"
CHECKED_SIGNING_BLOCK = (
    "read on the phone in parts (signing block only: Android 7 and later know the app by "
    "its v2/v3 signer, so its older v1 signature files were not read)"
)
CHECKED_WHOLE = "read from the whole file, pulled"
HASHED_ON_PHONE = "hashed on the phone (sha256sum)"
HASHED_WHOLE = "hashed from the whole file, pulled"


@dataclass(frozen=True, slots=True)
class DatabaseSummary:
    """What a report says about the stalkerware database a scan used."""

    source: str
    source_version: str
    date: str
    sha256: str
    """The database file's fingerprint, shown in every report so it can be compared."""
    families: int
    stalkerware: int
    dual_use: int
    packages: int
    certificates: int
    samples: int
    licence: str = ""
    attribution: str = ""
    warning: str = ""


@dataclass(frozen=True, slots=True)
class ScanProblem:
    """Something that stopped part of the scan, in plain words."""

    message: str
    source: str = ""
    detail: str = ""
    not_understood: bool = False
    words: Words | None = None
    """``message`` as a catalogue message, so a report says it in the reader's language."""
    """The output arrived in full but was not (all) understood: garbled, or a format the
    scanner does not know. Anything else (cut, lost, not run) is a part not read."""


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Everything a report needs about one scan."""

    started_at: datetime
    finished_at: datetime
    capture: RawCapture
    snapshot: DeviceSnapshot
    findings: tuple[Finding, ...] = ()
    signatures: DatabaseSummary | None = None
    """The database used; None when none could be used (the known-stalkerware check did
    not run)."""
    problems: tuple[ScanProblem, ...] = ()
    pulls: tuple[PullRecord, ...] = ()
    link: Mapping[str, int] = field(default_factory=dict)
    apks: Mapping[str, ApkFacts] = field(default_factory=dict)
    """The apps whose files (signing certificate, hash) were checked, by package."""
    demo: bool = False
    """The scan was of the built-in simulated phone: every report, case file and evidence
    pack made from it says DEMO, so it never passes for a real phone's."""
    app_checks: tuple[AppFileCheck, ...] = ()
    """For every app: whether its certificate and hash were checked, and if not, why."""
    evidence_apks: tuple[EvidenceApk, ...] = ()
    """Whole APKs of the apps that matter, for an evidence pack (only with ``--evidence``)."""

    @property
    def complete(self) -> bool:
        """True only when every part this kind of input can hold was read in full (every
        command ran and returned its output, every pull worked). What the input cannot
        hold is in ``not_applicable``, not here."""
        return not self.problems

    @property
    def stopped_by_person(self) -> bool:
        """The person pressed Ctrl-C: the reports they asked for are still written."""
        return self.capture.interrupted == STOPPED_BY_PERSON

    @property
    def not_applicable(self) -> tuple[NotApplicable, ...]:
        """What this kind of input cannot hold: named in the report, never a problem."""
        return self.capture.not_applicable

    @property
    def apps_unread(self) -> bool:
        """No app could be read (every phone has apps): no finding can rule out a spy app."""
        return not self.snapshot.packages

    @property
    def app_list_complete(self) -> bool:
        """Every app on the phone was read: the package list arrived in full, was
        understood, and no app was left out because its lines were cut or garbled."""
        return (
            not self.apps_unread
            and APP_LIST_SOURCE in self.snapshot.sources_read
            and not any(p.source == APP_LIST_SOURCE for p in self.problems)
        )

    @property
    def known_check_ran(self) -> bool:
        """A stalkerware database was used, so known stalkerware could be recognised."""
        return self.signatures is not None

    @property
    def known_ruled_out(self) -> bool:
        """ "No known stalkerware" may be said: every app was compared with a database."""
        return (
            self.app_list_complete
            and self.known_check_ran
            and not any(f.severity is Severity.STALKERWARE for f in self.findings)
        )

    @property
    def nothing_found(self) -> bool:
        """Nothing worth a closer look was found (``info`` findings at most), in a scan
        that read every app and compared them with a database."""
        return self.known_ruled_out and all(f.severity is Severity.INFO for f in self.findings)

    @property
    def warnings(self) -> tuple[CollectionWarning, ...]:
        return self.snapshot.warnings


class ChangeKind(enum.StrEnum):
    """The kinds of change history reports."""

    APP_ADDED = "app_added"
    APP_REMOVED = "app_removed"
    APP_REINSTALLED = "app_reinstalled"
    APP_UPDATED = "app_updated"
    PERMISSION_GRANTED = "permission_granted"
    PERMISSION_REVOKED = "permission_revoked"
    ACCESSIBILITY_ON = "accessibility_on"
    ACCESSIBILITY_OFF = "accessibility_off"
    DEVICE_ADMIN_ADDED = "device_admin_added"
    DEVICE_ADMIN_REMOVED = "device_admin_removed"
    NOTIFICATION_LISTENER_ON = "notification_listener_on"
    NOTIFICATION_LISTENER_OFF = "notification_listener_off"
    ACCOUNT_ADDED = "account_added"
    ACCOUNT_REMOVED = "account_removed"
    SETTING_CHANGED = "setting_changed"


@dataclass(frozen=True, slots=True)
class HistoryChange:
    """One change between two scans."""

    kind: ChangeKind
    package: str | None
    """The Android package concerned; None for settings and accounts."""
    description: str
    """One plain sentence; contains phone-supplied text, so escape it before display."""
    when: datetime | None
    """When the phone says it happened (install/update time, phone-local, no time zone);
    None when only the scan window is known."""
    earlier_scan: datetime | None = None
    later_scan: datetime | None = None
    """The change happened between these two scans."""


@dataclass(frozen=True, slots=True)
class HistoryDiff:
    """Every change between two consecutive scans of one phone."""

    earlier_time: datetime
    later_time: datetime
    device: str
    """Plain name of the phone, e.g. ``Google Pixel 7 (serial 1A2B)``."""
    changes: tuple[HistoryChange, ...]
    not_compared: tuple[str, ...] = ()
    """What could not be compared because one of the scans could not read it."""
