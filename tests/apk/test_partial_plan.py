"""Planning the parts of an APK to read: unusual shapes still read the same as whole.

Each file is read only through ``plan_reads`` (ranges in 512-byte blocks, as the phone's
dd gives them) and then compared with the whole-file readers.
"""

from __future__ import annotations

import os
import struct
import zipfile
from io import BytesIO

from scanner.apk.manifest import read_manifest
from scanner.apk.partial import (
    MAX_PARTIAL_BYTES,
    KnownBytes,
    Plan,
    directory_only,
    label_entries,
    plan_reads,
    read_known,
)
from scanner.apk.signing import read_apk_signers
from scanner.model import Words
from scanner.simulator.apk_builder import build_apk


def read_in_parts(data: bytes, labels: bool = True, rounds: int = 4) -> tuple[KnownBytes, Plan]:
    known = KnownBytes(len(data))
    tail = data[-8192:]
    known.add(len(data) - len(tail), tail)
    plan = plan_reads(known, labels)
    for _ in range(rounds - 1):
        if plan.done or plan.too_big:
            break
        for start, end in plan.ranges:
            first, last = start // 512 * 512, min(len(data), -(-end // 512) * 512)
            known.add(first, data[first:last])
        plan = plan_reads(known, labels)
    return known, plan


def assert_same_as_whole(data: bytes, known: KnownBytes) -> None:
    signers, manifest, _ = read_known(known, "", True)
    whole = read_apk_signers(data)
    assert signers.certificates == whole.certificates
    assert signers.problems == whole.problems
    assert manifest == read_manifest(data)


def test_a_zip_comment_longer_than_the_first_tail_is_searched_back() -> None:
    apk = build_apk("com.example.comment", label="Comment")
    comment = os.urandom(20_000)
    # The comment's length is the last field of the trailer, then the comment itself.
    data = apk[:-2] + struct.pack("<H", len(comment)) + comment
    known, plan = read_in_parts(data)
    assert plan.done
    assert_same_as_whole(data, known)
    assert read_apk_signers(data).certificates  # still found past the comment


def test_a_large_apk_is_read_in_a_small_share_of_its_bytes() -> None:
    data = build_apk("com.example.big", label="Big", extra_files={"a.bin": os.urandom(3_000_000)})
    known, plan = read_in_parts(data)
    assert plan.done
    assert known.known_bytes() < len(data) // 50
    assert_same_as_whole(data, known)


def test_parts_past_the_cap_ask_for_the_whole_file() -> None:
    # A v1 signature file as big as the cap: reading "parts" would be reading it all.
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("META-INF/HUGE.RSA", os.urandom(MAX_PARTIAL_BYTES + 1))
    known, plan = read_in_parts(buffer.getvalue())
    assert plan.too_big and not plan.done
    assert known.known_bytes() < MAX_PARTIAL_BYTES


def test_bytes_that_are_not_a_zip_say_so_as_the_whole_reader_does() -> None:
    data = os.urandom(100_000)
    known, plan = read_in_parts(data)
    assert plan.done
    assert_same_as_whole(data, known)
    assert any("not a ZIP" in p for p in read_known(known, "", False)[0].problems)


def test_known_bytes_merge_overlapping_and_touching_pieces() -> None:
    known = KnownBytes(100)
    known.add(10, b"a" * 10)
    known.add(30, b"c" * 10)
    known.add(15, b"b" * 15)  # overlaps the first, touches the second
    assert known.has(10, 40) and not known.has(5, 12) and not known.has(39, 41)
    assert bytes(known.view()[10:40]) == b"a" * 5 + b"b" * 15 + b"c" * 10
    assert known.has(95, 200) is False
    known.add(90, b"z" * 10)
    assert known.has(95, 200)  # past the end of the file counts as known


def test_the_label_entries_are_found_once_and_stay_what_a_fresh_read_finds() -> None:
    data = build_apk("com.example.entries", label="Entries", extra_files={"a.bin": b"x" * 9000})
    tail = data[-8192:]
    early = KnownBytes(len(data))
    assert isinstance(label_entries(early), Words)  # nothing known yet: not kept as found
    early.add(len(data) - len(tail), tail)
    found = label_entries(early)
    assert isinstance(found, tuple)
    assert [e.name for e in found] == [b"AndroidManifest.xml", b"resources.arsc"]
    early.add(0, data[:4096])  # more bytes known: the directory, and so the entries, stay
    assert label_entries(early) is found
    fresh = KnownBytes(len(data))
    fresh.add(0, data)
    assert label_entries(fresh) == found


def test_a_big_directory_is_walked_once_and_plans_as_a_fresh_walk_does() -> None:
    """A real app's directory lists thousands of files: the entries the plan needs are
    found once per file read, kept (for the later rounds and the label's own read), and
    every round plans what a file read afresh plans."""
    files = {f"res/drawable/icon_{i:04d}.png": os.urandom(32) for i in range(1500)}
    data = build_apk("com.example.manyfiles", label="Many Files", extra_files=files)
    known, plan = read_in_parts(data, labels=False)
    assert plan.done
    signers, _, _ = read_known(known, "", False)
    assert signers.certificates == read_apk_signers(data).certificates
    assert signers.problems == ()
    kept_entries = known.directory_entries
    assert kept_entries is not None
    names = [e.name for e in kept_entries]
    assert names[-2:] == [b"AndroidManifest.xml", b"resources.arsc"]  # for a label later
    assert all(n.upper().startswith(b"META-INF/") for n in names[:-2]) and names[:-2]
    directory = directory_only(known)
    assert directory is not None and directory.directory_entries is kept_entries
    fresh = KnownBytes(len(data))
    fresh.add(0, data)
    assert label_entries(directory) == label_entries(fresh)
    # The same bytes with nothing kept: the label's own plan is the same.
    again, _ = read_in_parts(data, labels=False)
    again.directory_entries = None
    label_plan = plan_reads(known, labels=True)
    assert label_plan.ranges and label_plan == plan_reads(again, labels=True)
