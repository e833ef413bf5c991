"""A store app's certificate on Android 7 and later: the signing block alone is read when
it gives a signer the phone uses (``partial.v1_needed``); the central directory, and so
the v1 signature, only when it does not, or when the label is wanted too.

Each file is read only through ``plan_reads`` (ranges in 512-byte blocks, as the phone's
dd gives them), then compared with the whole-file readers.
"""

from __future__ import annotations

import os
import tracemalloc

from scanner.apk.partial import KnownBytes, Plan, kept_for_label, plan_label_reads, plan_reads
from scanner.apk.partial import read_known as read_parts
from scanner.apk.signing import read_apk_signers, read_signers
from scanner.apk.zipread import central_directory
from scanner.simulator.apk_builder import build_apk

ANDROID_13 = 33
ANDROID_6 = 23


def many_files(count: int = 600) -> dict[str, bytes]:
    """A real app's file list: hundreds of resources (a directory of tens of kilobytes)."""
    return {
        f"res/drawable-xhdpi/icon_{n:04d}_background.png": bytes([n % 251]) * 40
        for n in range(count)
    }


def read_in_rounds(
    data: bytes, labels: bool, sdk: int | None, rounds: int = 4
) -> tuple[KnownBytes, Plan, list[tuple[int, int]]]:
    """Reads as the scan does: the last 8 KB, then each plan's ranges in whole blocks."""
    known = KnownBytes(len(data))
    known.add(len(data) - 8192, data[-8192:])
    plan = plan_reads(known, labels, sdk)
    asked: list[tuple[int, int]] = []
    for _ in range(rounds - 1):
        if plan.done or plan.too_big:
            break
        for start, end in plan.ranges:
            asked.append((start, end))
            first, last = start // 512 * 512, min(len(data), -(-end // 512) * 512)
            known.add(first, data[first:last])
        plan = plan_reads(known, labels, sdk)
    return known, plan, asked


def directory_of(data: bytes) -> tuple[int, int]:
    trailer = central_directory(memoryview(data))
    assert trailer is not None
    _, offset, size = trailer
    return offset, offset + size


def touches(asked: list[tuple[int, int]], span: tuple[int, int]) -> bool:
    return any(start < span[1] and end > span[0] for start, end in asked)


def test_a_store_apps_signing_block_alone_gives_the_signer_android_13_uses() -> None:
    data = build_apk("com.example.bigstore", extra_files=many_files())
    directory = directory_of(data)
    assert directory[1] - directory[0] > 40_000  # far more than the first 8 KB

    known, plan, asked = read_in_rounds(data, labels=False, sdk=ANDROID_13)

    assert plan.done
    assert not touches(asked, directory)  # the file list is not read
    assert known.known_bytes() <= 8192 + 8192 + 512
    signers, manifest, v1_read = read_parts(known, "", False, ANDROID_13)
    whole = read_apk_signers(data)
    assert not v1_read and manifest is None
    assert signers.current_signers(ANDROID_13) == whole.current_signers(ANDROID_13)
    assert "v1" in whole.schemes and "v1" not in signers.schemes
    # What a whole pull gives with v1 left out, exactly.
    assert signers == read_signers(memoryview(data), "", len(data), v1=False)


def test_on_android_6_the_v1_signature_is_read_as_the_phone_uses_it() -> None:
    data = build_apk("com.example.bigstore", extra_files=many_files())

    known, plan, asked = read_in_rounds(data, labels=False, sdk=ANDROID_6)

    assert plan.done and touches(asked, directory_of(data))
    signers, _, v1_read = read_parts(known, "", False, ANDROID_6)
    whole = read_apk_signers(data)
    assert v1_read
    assert signers.certificates == whole.certificates and signers.problems == whole.problems


def test_an_app_signed_with_v1_only_still_has_its_file_list_read() -> None:
    data = build_apk("com.example.oldstore", v2=False, extra_files=many_files())

    known, plan, asked = read_in_rounds(data, labels=False, sdk=ANDROID_13)

    assert plan.done and touches(asked, directory_of(data))
    signers, _, v1_read = read_parts(known, "", False, ANDROID_13)
    assert v1_read
    assert signers.certificates == read_apk_signers(data).certificates
    assert signers.current_signers(ANDROID_13)[0].scheme == "v1"


def test_a_v3_signer_android_8_does_not_check_leaves_v1_to_be_read() -> None:
    # v3 is checked from Android 9 (API 28): on Android 8 this app is known by v1.
    data = build_apk("com.example.v3store", v2=False, v3=True, extra_files=many_files())

    known, plan, _ = read_in_rounds(data, labels=False, sdk=26)
    signers, _, v1_read = read_parts(known, "", False, 26)

    assert plan.done and v1_read
    assert signers.current_signers(26) == read_apk_signers(data).current_signers(26)
    assert signers.current_signers(26)[0].scheme == "v1"


def test_an_app_whose_label_is_wanted_has_everything_read() -> None:
    data = build_apk("com.example.sideloaded", label="Notes", extra_files=many_files())

    known, plan, asked = read_in_rounds(data, labels=True, sdk=ANDROID_13)
    signers, manifest, v1_read = read_parts(known, "", True, ANDROID_13)

    assert plan.done and touches(asked, directory_of(data)) and v1_read
    assert signers.certificates == read_apk_signers(data).certificates
    assert manifest is not None and manifest.label == "Notes"


def test_a_store_apps_label_read_later_starts_with_its_file_list() -> None:
    data = build_apk("com.example.bigstore", label="Big Store", extra_files=many_files())
    known, _, _ = read_in_rounds(data, labels=False, sdk=ANDROID_13)
    directory = directory_of(data)

    kept = kept_for_label(known)
    assert kept is not None
    assert kept.known_bytes() < 100  # the trailer alone, which locates the list
    first = plan_label_reads(kept)
    assert first.directory and first.ranges == (directory,)
    assert first.cost == directory[1] - directory[0]
    for start, end in first.ranges:
        kept.add(start, data[start:end])
    second = plan_label_reads(kept)
    assert not second.directory and second.ranges  # now the manifest and table
    assert not touches(list(second.ranges), directory)


def test_a_file_list_past_the_labels_limit_is_refused_with_why() -> None:
    data = build_apk("com.example.bigstore", extra_files=many_files())
    known, _, _ = read_in_rounds(data, labels=False, sdk=ANDROID_13)
    kept = kept_for_label(known)
    assert kept is not None

    plan = plan_label_reads(kept, max_bytes=10_000)

    assert plan.refused is not None and plan.refused.key == "labels.file_list_too_big"
    assert not plan.ranges


def test_no_file_sized_view_is_held_for_the_apps_of_a_round_once_they_are_planned() -> None:
    # Each app's plan looks at a file-sized view; held until the next round (or until a
    # worker reads the app) it would be all of every file at once: 2,000 apps of a real
    # phone filled hundreds of MB that way.
    data = build_apk("com.example.bigstore", extra_files=many_files())
    apps = 200
    tracemalloc.start()
    try:
        held = []
        for _ in range(apps):
            known, plan, _ = read_in_rounds(data, labels=False, sdk=ANDROID_13)
            assert plan.done
            held.append(known)
        in_use = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    read = sum(k.known_bytes() for k in held)
    assert read <= apps * 17_000
    assert in_use < read + apps * len(data) // 4, (in_use, read)


def test_what_is_kept_for_a_name_holds_no_file_sized_view() -> None:
    # A store app whose file list came with its tail: the list is kept until the label
    # pass, and nothing file-sized may stay with it.
    data = build_apk("com.example.midstore", extra_files={"assets/pad.bin": os.urandom(120_000)})
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        known, plan, _ = read_in_rounds(data, labels=False, sdk=ANDROID_13)
        read_parts(known, "", False, ANDROID_13)
        kept = kept_for_label(known)
        del known
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert plan.done and kept is not None and kept.known_bytes() < 4_000
    assert held < len(data) // 4, held
