"""Store apps the report is about are named by the label in their own APK, read on the
phone after their certificate, judged against ``aapt dump badging`` on the real APKs of
../shared/real-apks served by a simulated phone as apps installed from Play.

Each real APK sits under the package id it declares, with camera, microphone, location
and contacts granted: the behaviour score puts such an app at the review line, so its
name is wanted. The phone is an ordinary Pixel in the real formats (``tools/fabricate``).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pytest

from scanner.apk.manifest import read_app_identity, read_manifest
from scanner.apk.partial import KnownBytes, directory_only, kept_for_label, plan_label_reads
from scanner.apk.zipread import central_directory
from scanner.apk_remote.fetch import LABEL_ROUNDS, MAX_ROUNDS, Outcome, Target, read_labels
from scanner.apks import apk_file
from scanner.checks.registry import CheckContext, run_checks
from scanner.device.apk_commands import is_apk_read_command
from scanner.device.connection import PhoneConnection
from scanner.device.keys import ephemeral_signer
from scanner.labels import with_catalogue_labels
from scanner.model import CHECKED_SIGNING_BLOCK, CommandResult, RawCapture, ScanResult, Severity
from scanner.parse.snapshot import build_snapshot
from scanner.pipeline import scan_phone
from scanner.sigdb.commands import load_shipped_db
from scanner.simulator import Profile, SimulatedPhone
from scanner.simulator.apk_builder import build_apk
from scanner.simulator.shell import shell_output
from scanner.sources import SCAN_COMMANDS
from scanner.store_labels import _label, apps_to_name
from tests.apk.real_tools import Tools, badging
from tests.apk_manifest.axml_encoder import Element, Typed, apk, binary_xml
from tests.checks.phone import NOW
from tests.conftest import shared_path
from tools.fabricate.catalog import store_app
from tools.fabricate.clean import clean_phone
from tools.fabricate.render import render_outputs
from tools.fabricate.spec import AppSpec

P = "android.permission."
BROAD = (P + "CAMERA", P + "RECORD_AUDIO", P + "ACCESS_FINE_LOCATION", P + "READ_CONTACTS")


def on_play(package: str, granted: tuple[str, ...] = BROAD) -> AppSpec:
    return store_app(package, "", "1.0", 1, "2025-03-02 10:00:00", granted=granted)


def phone(apps: dict[str, bytes], extra: tuple[AppSpec, ...] = ()) -> Profile:
    """An ordinary Pixel with each of ``apps`` (package -> APK bytes) installed from Play."""
    base = clean_phone()
    spec = replace(base, apps=(*base.apps, *(on_play(p) for p in apps), *extra))
    outputs = render_outputs(spec)
    snapshot = build_snapshot(RawCapture(tuple(CommandResult(c, o) for c, o in outputs.items())))
    files = {}
    for pkg in snapshot.packages:
        path = apk_file(pkg)
        if pkg.package in apps and path:
            files[path] = apps[pkg.package]
    assert len(files) == len(apps)
    return Profile(name="store-labels", commands=outputs, files=files)


def scan(profile: Profile) -> tuple[ScanResult, list[str]]:
    with SimulatedPhone(profile) as simulated:
        connection = PhoneConnection.connect_tcp("127.0.0.1", simulated.port, ephemeral_signer())
        try:
            result = scan_phone(connection, signatures=load_shipped_db())
        finally:
            connection.close()
        return result, [r.command for r in simulated.received if r.service == "shell"]


@cache
def real_store_apks() -> dict[str, tuple[bytes, str]]:
    """package -> (APK bytes, aapt's label), one APK per declared package, for the real
    APKs aapt reads a package and a label from."""
    aapt = shutil.which("aapt")
    if aapt is None:
        pytest.skip("aapt is not installed")
    tools = Tools(apksigner="", aapt=aapt)
    folder: Path = shared_path("real-apks")
    found: dict[str, tuple[bytes, str]] = {}
    for path in sorted(folder.rglob("*.apk")):
        said = badging(tools, str(path))
        if said.package and said.label and said.package not in found:
            found[said.package] = (path.read_bytes(), said.label)
    return found


def test_real_store_apps_named_by_a_finding_get_the_label_aapt_reads() -> None:
    apks = real_store_apks()
    assert len(apks) >= 5, "too few real APKs with a label to judge"
    result, shell = scan(phone({p: data for p, (data, _) in apks.items()}))
    assert all(is_apk_read_command(c) for c in shell[len(SCAN_COMMANDS) :])
    assert result.link["apk_read_rounds"] <= MAX_ROUNDS + LABEL_ROUNDS
    named = 0
    print(f"{len(apks)} real APKs as store apps")
    for package, (_, label) in apks.items():
        pkg = result.snapshot.package(package)
        assert pkg is not None
        if pkg.label_source == "apk":
            assert pkg.label == label, package
            named += 1
        else:
            # Not read: the scan says which app and why.
            assert any(package in p.message for p in result.problems), package
    print(f"named from their APK: {named}; label rounds: {result.link['apk_read_rounds']}")
    assert named >= len(apks) - 1, f"{named} of {len(apks)} named from their APK"
    # With their names read, plain names from Play holding broad access stay silent.
    assert not [f for f in result.findings if f.check == "SPY-001" and f.package in apks]


def test_a_calculator_from_play_asking_for_personal_data_is_flagged_by_its_read_name() -> None:
    vault = "com.example.vaultcalc"
    chess = "com.example.amberchess"
    apks = {
        vault: build_apk(vault, label="Calculator Vault", label_in_resources=True),
        chess: build_apk(chess, label="Amber Chess", label_in_resources=True),
    }
    result, _ = scan(phone(apks))
    assert result.snapshot.package(vault).label == "Calculator Vault"  # type: ignore[union-attr]
    assert result.snapshot.package(chess).label == "Amber Chess"  # type: ignore[union-attr]
    spy = {f.package: f for f in result.findings if f.check == "SPY-001"}
    assert spy[vault].severity is Severity.REVIEW
    assert "Calculator Vault" in str(spy[vault].title)
    # The same access under a plain name from a real store: breadth alone earns nothing.
    assert chess not in spy


def test_a_big_store_apps_name_is_read_after_its_file_list_which_its_certificate_skipped() -> None:
    vault = "com.example.vaultcalc"
    files = {f"res/raw/clip_{n:04d}.ogg": bytes([n % 251]) * 60 for n in range(600)}
    data = build_apk(vault, label="Calculator Vault", label_in_resources=True, extra_files=files)
    result, _ = scan(phone({vault: data}))
    (check,) = [c for c in result.app_checks if c.package == vault]
    assert check.certificate == CHECKED_SIGNING_BLOCK  # its file list was not read then
    assert result.snapshot.package(vault).label == "Calculator Vault"  # type: ignore[union-attr]
    assert result.link["apk_read_rounds"] <= MAX_ROUNDS + LABEL_ROUNDS
    spy = {f.package: f for f in result.findings if f.check == "SPY-001"}
    assert "Calculator Vault" in str(spy[vault].title)


def test_a_store_app_no_finding_names_is_not_read_for_its_label() -> None:
    quiet = "com.example.quietweather"
    apks = {quiet: build_apk(quiet, label="Quiet Weather", label_in_resources=True)}
    result, _ = scan(_quiet_phone(quiet, apks[quiet]))
    assert result.snapshot.package(quiet).label is None  # type: ignore[union-attr]
    assert result.link["apk_read_rounds"] <= MAX_ROUNDS


def _quiet_phone(package: str, data: bytes) -> Profile:
    base = clean_phone()
    spec = replace(base, apps=(*base.apps, on_play(package, granted=())))
    outputs = render_outputs(spec)
    snapshot = build_snapshot(RawCapture(tuple(CommandResult(c, o) for c, o in outputs.items())))
    pkg = snapshot.package(package)
    assert pkg is not None
    path = apk_file(pkg)
    assert path
    return Profile(name="quiet", commands=outputs, files={path: data})


def _read_from_directory(data: bytes) -> KnownBytes:
    """What reading an APK from its central directory to its end knows of it."""
    found = central_directory(memoryview(data))
    assert found is not None
    known = KnownBytes(len(data))
    known.add(found[1], data[found[1] :])
    return known


def _directory(profile: Profile, path: str) -> KnownBytes:
    """The central directory and trailer alone, as kept from the certificate's reads."""
    kept = directory_only(_read_from_directory(profile.files[path]))
    assert kept is not None
    return kept


def test_a_resource_table_past_the_budget_is_refused_with_the_reason() -> None:
    package = "com.example.bigtable"
    data = build_apk(
        package,
        label="Big Table",
        label_in_resources=True,
        extra_files={"assets/pad.bin": bytes(range(256)) * 64},
    )
    path = "/data/app/~~QkxYz==/com.example.bigtable-Zm9v_-==/base.apk"
    profile = Profile(name="budget", files={path: data})

    def run(command: str) -> bytes:
        return shell_output(profile, command)

    target = Target(package, path, hash_wanted=False, label_wanted=False)
    small, _ = read_labels(run, [(target, _directory(profile, path))], per_app=64)
    assert small[0].error_words is not None and small[0].error_words.key == "labels.too_big"
    assert "read for an app's name" in small[0].error
    spent, _ = read_labels(run, [(target, _directory(profile, path))], per_scan=64)
    assert spent[0].error_words is not None
    assert spent[0].error_words.key == "labels.budget_spent"
    assert "were spent" in spent[0].error
    done, stats = read_labels(run, [(target, _directory(profile, path))])
    assert not done[0].error
    assert stats.rounds <= LABEL_ROUNDS


class BigStoreApp(NamedTuple):
    """A store app of 600 files, as the names pass finds it."""

    target: Target
    data: bytes
    trailer: KnownBytes
    """What a certificate read from its signing block alone keeps: the trailer."""
    directory: KnownBytes
    """What a certificate read that read its file list keeps."""
    list_cost: int
    manifest_and_table_cost: int


def big_store_app(name: str) -> BigStoreApp:
    package = f"com.example.{name}"
    path = f"/data/app/~~QkxYz==/{package}-Zm9v_-==/base.apk"
    files = {f"res/raw/clip_{n:04d}.ogg": bytes([n % 251]) * 60 for n in range(600)}
    data = build_apk(package, label=name.title(), label_in_resources=True, extra_files=files)
    trailer = KnownBytes(len(data))
    trailer.add(len(data) - 22, data[-22:])
    directory = _directory(Profile("x", files={path: data}), path)
    found = central_directory(memoryview(data))
    assert found is not None
    target = Target(package, path, hash_wanted=False, label_wanted=False)
    cost = plan_label_reads(directory).cost
    return BigStoreApp(target, data, trailer, directory, found[2], cost)


def shell_of(*apps: BigStoreApp) -> Callable[[str], bytes]:
    profile = Profile(name="budget", files={app.target.path: app.data for app in apps})
    return lambda command: shell_output(profile, command)


def test_a_file_list_read_first_counts_against_the_names_budget_with_what_it_locates() -> None:
    first, second = big_store_app("first"), big_store_app("second")
    run = shell_of(first, second)
    targets = [(first.target, first.trailer), (second.target, second.trailer)]

    # Room for both file lists and the first app's manifest and table, not the second's.
    budget = first.list_cost + second.list_cost + first.manifest_and_table_cost
    budget += second.manifest_and_table_cost // 2
    (one, two), stats = read_labels(run, targets, per_scan=budget)

    assert not one.error and one.known is not None
    assert read_app_identity(one.known.view()).label == "First"
    assert two.error_words is not None and two.error_words.key == "labels.budget_spent"
    assert stats.rounds <= LABEL_ROUNDS
    # With room for all of it, both are named.
    outcomes, _ = read_labels(run, targets)
    named = [read_app_identity(o.known.view()).label for o in outcomes if o.known is not None]
    assert named == ["First", "Second"]


def test_the_names_budget_goes_to_the_more_important_app_even_when_its_list_is_read_first() -> None:
    important, lesser = big_store_app("important"), big_store_app("lesser")
    # The important app's certificate kept only its trailer; the lesser one's, its list.
    kept = [(important.target, important.trailer), (lesser.target, lesser.directory)]

    # Room for the important app's list, manifest and table, and not the lesser one's too.
    budget = important.list_cost + important.manifest_and_table_cost
    budget += lesser.manifest_and_table_cost // 2
    (first, second), _ = read_labels(shell_of(important, lesser), kept, per_scan=budget)

    assert not first.error and first.known is not None
    assert read_app_identity(first.known.view()).label == "Important"
    assert second.error_words is not None and second.error_words.key == "labels.budget_spent"


def test_apps_to_name_puts_the_app_a_finding_names_before_one_only_near_the_line() -> None:
    near = on_play("com.example.nearline", granted=BROAD[:3])  # 3 points: near the line
    named = on_play("com.example.named")  # 5 points: a review finding names it
    quiet = on_play("com.example.quiet", granted=())
    base = clean_phone()
    spec = replace(base, apps=(*base.apps, near, named, quiet))
    outputs = render_outputs(spec)
    snapshot = with_catalogue_labels(
        build_snapshot(RawCapture(tuple(CommandResult(c, o) for c, o in outputs.items())))
    )
    context = CheckContext(now=NOW)
    wanted = apps_to_name(snapshot, run_checks(snapshot, context), context)
    assert wanted.index("com.example.named") < wanted.index("com.example.nearline")
    assert "com.example.quiet" not in wanted


def test_a_store_apk_of_another_package_does_not_rename_the_app_and_the_scan_says_why() -> None:
    renamed = "com.example.renamed"
    apks = {renamed: build_apk("com.example.other", label="Calculator", label_in_resources=True)}
    result, _ = scan(phone(apks))
    assert result.snapshot.package(renamed).label is None  # type: ignore[union-attr]
    (problem,) = [p for p in result.problems if p.source == "app names"]
    assert f"{renamed}: its file declares another package" in problem.message


def test_why_a_store_apps_name_was_not_read_is_said_in_the_readers_language() -> None:
    from scanner.i18n import catalogue
    from scanner.phrases import render

    renamed = "com.example.renamed"
    apks = {renamed: build_apk("com.example.other", label="Calculator", label_in_resources=True)}
    result, _ = scan(phone(apks))
    (problem,) = [p for p in result.problems if p.source == "app names"]
    assert problem.words is not None
    polish = render(problem.words, catalogue("pl"))
    assert f"{renamed}: jej plik podaje inny pakiet" in polish
    assert "declares another package" not in polish


def test_a_small_store_apps_name_is_read_from_its_tail_with_no_more_commands() -> None:
    """A store app whose whole file came with its certificate's tail keeps its manifest and
    resource table: its name then costs no command, and it is the one the file holds."""
    package = "com.example.smalltail"
    data = build_apk(package, label="Small Tail", label_in_resources=True)
    whole = KnownBytes(len(data))
    whole.add(0, data)
    kept = kept_for_label(whole)
    assert kept is not None
    path = "/data/app/~~QkxYz==/com.example.smalltail-Zm9v_-==/base.apk"
    target = Target(package, path, hash_wanted=False, label_wanted=False)

    def no_command(command: str) -> bytes:
        raise AssertionError(f"a label already in hand was read again: {command[:60]}")

    outcomes, stats = read_labels(no_command, [(target, kept)])
    assert not outcomes[0].error
    assert stats.commands == 0 and stats.rounds == 0
    assert outcomes[0].known is not None
    assert read_manifest(outcomes[0].known.view()).label == "Small Tail"
    assert read_app_identity(outcomes[0].known.view()).label == "Small Tail"


def test_only_bytes_read_from_the_phone_are_kept_for_a_label() -> None:
    """With only the directory read, nothing of the manifest is kept (the view's unknown
    bytes are zeros, never taken for the file's), and the label is read on the phone."""
    package = "com.example.bigtable"
    data = build_apk(package, label="Dir Only", label_in_resources=True)
    path = "/data/app/~~QkxYz==/com.example.bigtable-Zm9v_-==/base.apk"
    profile = Profile(name="dir-only", files={path: data})
    known = _read_from_directory(data)
    kept = kept_for_label(known)
    assert kept is not None
    assert kept.known_bytes() == known.known_bytes() < len(data)
    sent: list[str] = []

    def run(command: str) -> bytes:
        sent.append(command)
        return shell_output(profile, command)

    target = Target(package, path, hash_wanted=False, label_wanted=False)
    outcomes, stats = read_labels(run, [(target, kept)])
    assert not outcomes[0].error and stats.commands == len(sent) >= 1
    assert outcomes[0].known is not None
    assert read_manifest(outcomes[0].known.view()).label == "Dir Only"
    assert read_app_identity(outcomes[0].known.view()).label == "Dir Only"


def test_every_real_apks_parts_as_the_scan_reads_them_give_the_same_package_and_label() -> None:
    """The label is read from a view holding only what was read on the phone (the kept
    directory, then the manifest and table): there, the fast reader and the whole manifest
    reader agree, and both agree with the whole file."""
    folder: Path = shared_path("real-apks")
    path = "/data/app/~~QkxYz==/com.example.real-Zm9v_-==/base.apk"
    compared = 0
    for file in sorted(folder.rglob("*.apk")):
        data = file.read_bytes()
        if central_directory(memoryview(data)) is None:
            continue
        kept = directory_only(_read_from_directory(data))
        if kept is None:
            continue
        profile = Profile(name="real", files={path: data})
        target = Target("com.example.real", path, hash_wanted=False, label_wanted=False)
        outcomes, _ = read_labels(lambda c, p=profile: shell_output(p, c), [(target, kept)])
        if outcomes[0].error or outcomes[0].known is None:
            continue
        view = outcomes[0].known.view()
        identity, whole = read_app_identity(view), read_manifest(view)
        assert (identity.package, identity.label) == (whole.package, whole.label), file.name
        on_disk = read_manifest(data)
        assert (identity.package, identity.label) == (on_disk.package, on_disk.label), file.name
        compared += 1
    assert compared >= 300


def _outcome(package: str, data: bytes) -> Outcome:
    whole = KnownBytes(len(data))
    whole.add(0, data)
    return Outcome(Target(package, "/data/app/x/base.apk", False, False), known=whole)


def _manifest_apk(label: str | Typed | None, after: tuple[Element, ...] = ()) -> bytes:
    """An APK of com.x whose <application> has ``label`` (none when None), with ``after``
    following <application> in <manifest>."""
    application = Element("application", [("android:label", label)] if label is not None else [])
    root = Element("manifest", [("package", "com.x")], [application, *after])
    return apk({"AndroidManifest.xml": binary_xml(root)})


@pytest.mark.parametrize(
    ("package", "data", "why"),
    [
        ("com.x", _manifest_apk("Named"), None),
        ("com.y", _manifest_apk("Named"), "labels.other_package"),
        ("com.x", _manifest_apk(None), "labels.no_name"),
        ("com.x", _manifest_apk(""), "labels.no_name"),
        ("com.x", _manifest_apk(Typed(0x10, 7)), "labels.manifest_unreadable"),
        # Found only by reading past <application>, as the whole manifest reader does.
        ("com.x", _manifest_apk(None, (Element("uses-permission"),)), "labels.manifest_unreadable"),
        ("com.x", b"not a zip", "labels.other_package"),
    ],
    ids=["named", "other", "no-label", "empty", "not-text", "problem-after-app", "not-zip"],
)
def test_why_a_name_was_not_read_is_decided_as_the_whole_manifest_decides_it(
    package: str, data: bytes, why: str | None
) -> None:
    outcome = _outcome(package, data)
    label, said = _label(outcome)
    assert (said.key if said is not None else None) == why
    assert label == ("Named" if why is None else "")
    assert outcome.known is None  # the parts are let go once read
