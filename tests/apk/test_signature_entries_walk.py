"""``zipread.iter_signature_entries``: the walk the v1 reader and the parts planner use to
find ``META-INF`` files in a directory of thousands. It may keep more entries than the
callers want, never fewer, and it walks as ``iter_entries`` does (that it fails where that
walk fails is tested beside the other filtered walk, in ``tests/apk_manifest``)."""

from __future__ import annotations

import io
import warnings
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.apk.jar import _meta_inf_entries
from scanner.apk.zipread import (
    BadZip,
    _may_be_meta_inf,
    iter_entries,
    iter_signature_entries,
)
from tests.conftest import shared_path


def meta_inf_by_text(name: bytes) -> bool:
    """The callers' own test, as Android makes it: the upper-cased text's start."""
    return name.decode("utf-8", errors="replace").upper().startswith("META-INF/")


def zip_of(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as archive:
        warnings.simplefilter("ignore", UserWarning)  # a repeated name, on purpose
        for name in names:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), b"x")
    return buffer.getvalue()


@given(st.binary(max_size=24))
def test_no_name_that_reads_meta_inf_is_left_out(name: bytes) -> None:
    if meta_inf_by_text(name):
        assert _may_be_meta_inf(name)


@given(st.text(max_size=16))
def test_no_text_name_that_reads_meta_inf_is_left_out(text: str) -> None:
    for name in (text.encode(), ("META-INF/" + text).encode(), ("meta-" + text).encode()):
        if meta_inf_by_text(name):
            assert _may_be_meta_inf(name)


def test_names_android_upper_cases_to_meta_inf_are_kept() -> None:
    # "ı" (dotless i) upper-cases to "I", as Java's toUpperCase does too.
    names = ["meta-inf/CERT.RSA", "META-ınf/EVIL.RSA", "Meta-Inf/x.SF"]
    for name in names:
        assert meta_inf_by_text(name.encode()) and _may_be_meta_inf(name.encode())
    assert not _may_be_meta_inf(b"res/drawable/icon.png")
    assert not _may_be_meta_inf(b"META-INF")  # no slash: not in the folder


def test_the_walk_keeps_every_meta_inf_entry_and_the_named_ones_in_order() -> None:
    names = [
        "AndroidManifest.xml",
        *(f"res/raw/file_{i:04d}.bin" for i in range(300)),
        "META-INF/CERT.SF",
        "meta-inf/cert.rsa",
        "META-ınf/OTHER.RSA",
        "resources.arsc",
        "META-INF/sub/deeper.RSA",
        "META-INF/CERT.SF",  # a repeat: the first wins in the callers
    ]
    data = memoryview(zip_of(names))
    every = list(iter_entries(data, 10_000))
    wanted = {b"resources.arsc"}
    kept = list(iter_signature_entries(data, wanted, 10_000))
    assert kept == [e for e in every if meta_inf_by_text(e.name) or e.name in wanted]
    assert len(kept) == 6


@pytest.mark.parametrize("bound", [0, 1, 150, 301, 302, 10_000])
def test_the_walk_stops_after_as_many_entries_as_iter_entries(bound: int) -> None:
    names = [*(f"res/{i}.png" for i in range(300)), "META-INF/CERT.RSA", "META-INF/CERT.SF"]
    data = memoryview(zip_of(names))
    every = list(iter_entries(data, bound))
    kept = list(iter_signature_entries(data, (), bound))
    assert kept == [e for e in every if meta_inf_by_text(e.name)]


def test_the_v1_reader_finds_the_same_files_in_every_real_apk() -> None:
    """On the real APKs, the signature files found are those a whole walk finds."""
    folder = shared_path("real-apks")
    checked = 0
    for path in sorted(folder.rglob("*.apk")):
        data = memoryview(path.read_bytes())
        try:
            every = list(iter_entries(data, 500_000))
        except BadZip:
            continue
        by_text: dict[str, object] = {}
        for entry in every:
            name = entry.text_name.upper()
            if name.startswith("META-INF/") and "/" not in name[len("META-INF/") :]:
                by_text.setdefault(name, entry)
        assert _meta_inf_entries(data) == by_text, path.name
        checked += 1
    assert checked > 100
