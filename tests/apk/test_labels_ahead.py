"""Store apps' names read early (``store_labels.LabelsAhead``), on the scan's worker while
the link is busy: only the apps the label pass wants by their score, only when no more
bytes are needed, and always what the pass itself would read."""

from __future__ import annotations

from dataclasses import replace

from scanner.apk.partial import KnownBytes, directory_only, kept_for_label
from scanner.apk_remote.fetch import Target, label_held, read_labels
from scanner.checks.registry import CheckContext
from scanner.checks.spy_behaviour import package_signals, score_package
from scanner.labels import with_catalogue_labels
from scanner.model import CommandResult, DeviceSnapshot, RawCapture
from scanner.parse.snapshot import build_snapshot
from scanner.phrases import words
from scanner.simulator.apk_builder import build_apk
from scanner.store_labels import LabelsAhead, _label, apps_to_name, name_store_apps
from tests.apk.test_store_labels import BROAD, on_play
from tests.checks.phone import NOW
from tools.fabricate.clean import clean_phone
from tools.fabricate.render import render_outputs
from tools.fabricate.spec import AppSpec

PATH = "/data/app/~~QkxYz==/com.example.{}-Zm9v_-==/base.apk"


def held_whole(data: bytes) -> KnownBytes:
    known = KnownBytes(len(data))
    known.add(0, data)
    kept = kept_for_label(known)
    assert kept is not None
    return kept


def store_target(package: str) -> Target:
    return Target(package, PATH.format(package), hash_wanted=False, label_wanted=False)


def no_command(command: str) -> bytes:
    raise AssertionError(f"the pass read again a label already in hand: {command[:60]}")


def the_pass_reads(target: Target, kept: KnownBytes) -> tuple[str, object]:
    """What the label pass makes of the same kept bytes, with no command to spare."""
    outcomes, _ = read_labels(no_command, [(target, kept)])
    return _label(outcomes[0])


def test_a_chosen_apps_name_held_whole_is_read_early_as_the_pass_reads_it() -> None:
    package = "com.example.smalltail"
    data = build_apk(package, label="Small Tail", label_in_resources=True)
    early = LabelsAhead(wanted=frozenset({package}))
    assert early.offer(store_target(package), held_whole(data))
    assert early.read == {package: ("Small Tail", None)}
    assert early.read[package] == the_pass_reads(store_target(package), held_whole(data))


def test_a_file_of_another_package_is_refused_early_with_the_pass_reason() -> None:
    package = "com.example.renamed"
    data = build_apk("com.example.other", label="Calculator", label_in_resources=True)
    early = LabelsAhead(wanted=frozenset({package}))
    assert early.offer(store_target(package), held_whole(data))
    assert early.read[package] == ("", words("labels.other_package"))
    assert early.read[package] == the_pass_reads(store_target(package), held_whole(data))


def test_an_app_not_chosen_is_left_to_the_pass() -> None:
    package = "com.example.notchosen"
    data = build_apk(package, label="Not Chosen", label_in_resources=True)
    early = LabelsAhead(wanted=frozenset({"com.example.someoneelse"}))
    assert not early.offer(store_target(package), held_whole(data))
    assert early.read == {}


def test_an_app_whose_name_needs_more_bytes_is_left_to_the_pass() -> None:
    """Only its directory is held: the name needs a read on the phone, which only the pass
    makes (one budget for the scan, in the order of importance)."""
    package = "com.example.dironly"
    data = build_apk(package, label="Dir Only", label_in_resources=True)
    whole = KnownBytes(len(data))
    whole.add(0, data)
    directory = directory_only(whole)
    assert directory is not None
    assert label_held(store_target(package), directory) is None
    early = LabelsAhead(wanted=frozenset({package}))
    assert not early.offer(store_target(package), directory)
    assert early.read == {}


def a_phone_with(*apps: AppSpec) -> DeviceSnapshot:
    """The clean phone's snapshot with ``apps`` installed as well."""
    base = clean_phone()
    outputs = render_outputs(replace(base, apps=(*base.apps, *apps)))
    return build_snapshot(RawCapture(tuple(CommandResult(c, o) for c, o in outputs.items())))


def test_the_apps_chosen_are_those_the_pass_wants_by_score() -> None:
    """With no finding yet, the pass wants the unnamed apps near the review line: those
    are chosen, and an app with a plain set of permissions is not."""
    broad = ("com.example.broadone", "com.example.broadtwo")
    plain = on_play("com.example.plainapp", granted=())
    snapshot = a_phone_with(*(on_play(p, BROAD) for p in broad), plain)
    labelled = with_catalogue_labels(snapshot)
    context = CheckContext(now=NOW)
    early = LabelsAhead()
    early.choose(labelled, context)
    assert set(broad) <= early.wanted
    assert "com.example.plainapp" not in early.wanted
    assert early.wanted == set(apps_to_name(labelled, [], context))


def test_the_pass_uses_early_names_only_for_the_apps_it_wants() -> None:
    """A name read early for an app the pass wants is applied without a command; one read
    for an app it does not want (nothing names it, its score is low) is left unused."""
    plain = on_play("com.example.plainapp", granted=())
    snapshot = a_phone_with(on_play("com.example.broadone", BROAD), plain)
    early = {
        "com.example.broadone": ("Broad One", None),
        "com.example.plainapp": ("Plain App", None),
    }
    named = name_store_apps(no_command, snapshot, {}, {}, CheckContext(now=NOW), early=early)
    labels = {p.package: (p.label, p.label_source) for p in named.snapshot.packages}
    assert labels["com.example.broadone"] == ("Broad One", "apk")
    assert labels["com.example.plainapp"][0] in (None, "")
    assert named.asked == ("com.example.broadone",)
    assert named.problems == ()


def test_an_app_named_early_is_scored_with_its_name_for_the_final_run() -> None:
    """The name read early is scored on the worker too: the final run of the checks, which
    sees the app named, finds that score made (the same memo)."""
    package = "com.example.flashtorch"
    labelled = with_catalogue_labels(a_phone_with(on_play(package, BROAD)))
    context = CheckContext(now=NOW)
    early = LabelsAhead()
    early.choose(labelled, context)
    assert package in early.wanted
    data = build_apk(package, label="Flash Torch", label_in_resources=True)
    assert early.offer(store_target(package), held_whole(data))
    pkg = labelled.package(package)
    assert pkg is not None
    named = replace(pkg, label="Flash Torch", label_source="apk")
    (held,) = context.memo.values()
    versions = held.by_package[package]  # type: ignore[attr-defined]
    assert [p.label for p, _ in versions] == ["Flash Torch", pkg.label]
    assert package_signals(named, labelled, context) is versions[0][1]
    assert versions[0][1] == tuple(score_package(named, labelled, context))


def test_a_name_read_early_is_kept_when_scoring_it_fails() -> None:
    """Scoring the named app is work done early only: if it fails, the name read stays
    (the final run of the checks scores the app in turn)."""
    package = "com.example.clockless"
    labelled = with_catalogue_labels(a_phone_with(on_play(package, BROAD)))
    # No clock: scoring an app with an install date raises (its "installed recently" test).
    broken = CheckContext(now=None)  # type: ignore[arg-type]
    early = LabelsAhead(wanted=frozenset({package}), labelled=labelled, context=broken)
    data = build_apk(package, label="Clock Less", label_in_resources=True)
    assert early.offer(store_target(package), held_whole(data))
    assert early.read == {package: ("Clock Less", None)}
    (held,) = broken.memo.values()
    assert package not in held.by_package  # type: ignore[attr-defined]  # (it failed)
