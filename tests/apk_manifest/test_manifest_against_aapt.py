"""Cross-check: Google's ``aapt dump badging`` reads the same package and label we do."""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import pytest
from axml_encoder import Ref, StringResource, TableOptions, apk, manifest, resource_table, string_id

from scanner.apk.manifest import read_manifest
from scanner.simulator.apk_builder import build_apk


@pytest.fixture
def aapt() -> str:
    path = shutil.which("aapt")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install aapt (Debian: apt-get install aapt), but it is missing")
        pytest.skip(
            "aapt is not installed (Debian: apt-get install aapt); the manifest reader is "
            "not checked against Google's tool in this run"
        )
    return path


def badging(aapt: str, data: bytes, folder: Path) -> str:
    target = folder / "check.apk"
    target.write_bytes(data)
    done = subprocess.run(
        [aapt, "dump", "badging", str(target)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def badging_package(output: str) -> str:
    match = re.search(r"^package: name='([^']*)'", output, re.MULTILINE)
    assert match, output
    return match[1]


def badging_label(output: str) -> str:
    match = re.search(r"^application-label:'([^']*)'", output, re.MULTILINE)
    assert match, output
    return match[1]


@pytest.mark.parametrize(
    "options",
    [TableOptions(), TableOptions(utf8=True), TableOptions(sparse=True)],
    ids=["utf16", "utf8", "sparse"],
)
def test_aapt_reads_the_same_package_and_label_from_a_referenced_label(aapt, tmp_path, options):
    resources = [
        StringResource(0, "Other"),
        StringResource(2, "Service Système", locale="fr"),
        StringResource(2, "System Service"),
    ]
    files = {
        "AndroidManifest.xml": manifest(
            "com.systemservice", Ref(string_id(2, options)), utf8=options.utf8
        ),
        "resources.arsc": resource_table(resources, options),
    }
    data = apk(files)
    ours = read_manifest(data)
    output = badging(aapt, data, tmp_path)
    assert ours.package == badging_package(output) == "com.systemservice"
    assert ours.label == badging_label(output) == "System Service"


def test_aapt_reads_the_same_package_from_a_builder_apk(aapt, tmp_path):
    data = build_apk("com.systemservice", label="System Service")
    ours = read_manifest(data)
    output = badging(aapt, data, tmp_path)
    assert ours.package == badging_package(output)
    # aapt prints labels only per locale of resources.arsc, and the builder's table is
    # empty, so its badging shows no label; compare with the manifest tree dump instead.
    tree = subprocess.run(
        [aapt, "dump", "xmltree", str(tmp_path / "check.apk"), "AndroidManifest.xml"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    match = re.search(r'android:label\(0x01010001\)="([^"]*)"', tree)
    assert match, tree
    assert ours.label == match[1] == "System Service"


def hidden_app(first_chunk_type: int | None = None) -> dict[str, bytes]:
    """Manifest and table of an app labelled "Hidden", optionally with a wrong outer type."""
    document = bytearray(manifest("com.hidden.spy", Ref(string_id(0))))
    if first_chunk_type is not None:
        struct.pack_into("<H", document, 0, first_chunk_type)
    return {
        "AndroidManifest.xml": bytes(document),
        "resources.arsc": resource_table([StringResource(0, "Hidden")], TableOptions()),
    }


@pytest.mark.parametrize("chunk_type", [0x0000, 0x0001, 0x0002, 0x0180, 0xFFFF])
def test_a_manifest_whose_outer_chunk_type_is_wrong_is_read_as_android_reads_it(
    aapt, tmp_path, chunk_type
):
    # Android checks the outer chunk's sizes, not its type: malware uses this to stop tools.
    data = apk(hidden_app(first_chunk_type=chunk_type))

    ours = read_manifest(data)

    output = badging(aapt, data, tmp_path)
    assert ours.package == badging_package(output) == "com.hidden.spy"
    assert ours.label == badging_label(output) == "Hidden"
    assert ours.problems == ()


def with_compression_method(data: bytes, name: str, method: int) -> bytes:
    """``data`` with ``name``'s method field set to ``method`` in both of its ZIP headers."""
    patched = bytearray(data)
    encoded = name.encode()
    for signature, method_at, name_length_at, header in (
        (b"PK\x01\x02", 10, 28, 46),
        (b"PK\x03\x04", 8, 26, 30),
    ):
        at = patched.find(signature)
        while at >= 0:
            length = struct.unpack_from("<H", patched, at + name_length_at)[0]
            if patched[at + header : at + header + length] == encoded:
                struct.pack_into("<H", patched, at + method_at, method)
            at = patched.find(signature, at + 4)
    return bytes(patched)


@pytest.mark.parametrize("method", [1, 6, 99, 0xFFFF])
def test_a_manifest_marked_with_an_unknown_compression_method_is_inflated_like_android(
    aapt, tmp_path, method
):
    # Android reads every method but 0 (stored) as deflate; Python's zipfile refuses them,
    # so a tool built on it would see no manifest at all.
    data = with_compression_method(apk(hidden_app()), "AndroidManifest.xml", method)
    with zipfile.ZipFile(io.BytesIO(data)) as archive, pytest.raises(NotImplementedError):
        archive.read("AndroidManifest.xml")

    ours = read_manifest(data)

    output = badging(aapt, data, tmp_path)
    assert ours.package == badging_package(output) == "com.hidden.spy"
    assert ours.label == badging_label(output) == "Hidden"
