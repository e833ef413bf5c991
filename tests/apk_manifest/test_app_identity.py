"""``read_app_identity``: the package and label alone, exactly as ``read_manifest`` reads them.

It reads less (the elements up to ``<application>``'s start tag, the attributes of two
elements, the label's resource only), so each test here is one place where reading less
could have changed the answer: damage found at the same element, the whole ZIP directory
still walked, the same bounds. Hostile and random bytes are in
``test_manifest_hostile_input.py`` (every input there goes to both readers).
"""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from axml_encoder import (
    Element,
    Ref,
    StringResource,
    Typed,
    apk,
    binary_xml,
    manifest,
    resource_table,
    string_id,
)

from scanner.apk.manifest import MAX_LABEL_CHARS, read_app_identity, read_manifest
from scanner.apk.zipread import BadZip, iter_entries, iter_named_entries, iter_signature_entries
from scanner.simulator.apk_builder import binary_manifest, build_apk

LABEL_ID = string_id(3)
TABLE = resource_table([StringResource(0, "First"), StringResource(3, "System Service")])


def same_as_manifest(data: bytes) -> tuple[str | None, str | None]:
    """Package and label from the fast reader, checked against ``read_manifest``."""
    identity = read_app_identity(data)
    whole = read_manifest(data)
    assert (identity.package, identity.label) == (whole.package, whole.label)
    assert not identity.problems or whole.problems
    return identity.package, identity.label


def zip_of(*files: tuple[str, bytes]) -> bytes:
    """A ZIP holding ``files`` in order (names may repeat)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), content)
    return buffer.getvalue()


def start_elements(xml: bytes) -> list[int]:
    """Offsets of the start element chunks of a compiled XML document, in order."""
    offsets, at = [], 8
    while at < len(xml):
        chunk_type, _, size = struct.unpack_from("<HHI", xml, at)
        if chunk_type == 0x0102:
            offsets.append(at)
        at += size
    return offsets


def with_bad_attribute_name(xml: bytes, element: int) -> bytes:
    """``xml`` with the first attribute of start element number ``element`` naming a string
    past the end of the pool (a damaged name index, as a hostile file can hold)."""
    damaged = bytearray(xml)
    at = start_elements(xml)[element] + 16 + 20  # chunk header, element extension
    struct.pack_into("<I", damaged, at + 4, 0xFFFF)
    return bytes(damaged)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"AndroidManifest.xml": manifest("com.x", "Literal")}, ("com.x", "Literal")),
        (
            {"AndroidManifest.xml": manifest("com.x", Ref(LABEL_ID)), "resources.arsc": TABLE},
            ("com.x", "System Service"),
        ),
        (
            {
                "AndroidManifest.xml": manifest("com.x", Ref(LABEL_ID)),
                "resources.arsc": resource_table(
                    [StringResource(3, "Français", locale="fr"), StringResource(3, "Default")]
                ),
            },
            ("com.x", "Default"),
        ),
        ({"AndroidManifest.xml": manifest("com.x", Ref(LABEL_ID))}, ("com.x", None)),
        (
            {"AndroidManifest.xml": manifest("com.x", Ref(string_id(42))), "resources.arsc": TABLE},
            ("com.x", None),
        ),
        ({"AndroidManifest.xml": manifest("com.x", "")}, ("com.x", None)),
        ({"AndroidManifest.xml": manifest("com.x")}, ("com.x", None)),
        ({"AndroidManifest.xml": manifest("com.x", Typed(0x10, 7))}, ("com.x", None)),
        ({"AndroidManifest.xml": manifest("com.x", "é" * 300)}, ("com.x", "é" * MAX_LABEL_CHARS)),
        ({"AndroidManifest.xml": manifest("com.x", "Utf8", utf8=True)}, ("com.x", "Utf8")),
        ({"resources.arsc": TABLE}, (None, None)),
    ],
    ids=[
        "literal",
        "referenced",
        "default-config-wins",
        "no-table",
        "missing-entry",
        "empty",
        "no-label",
        "number",
        "too-long",
        "utf8",
        "no-manifest",
    ],
)
def test_package_and_label_are_the_ones_read_manifest_gives(
    files: dict[str, bytes], expected: tuple[str | None, str | None]
) -> None:
    assert same_as_manifest(apk(files)) == expected


def test_application_outside_the_manifest_root_is_not_read_either() -> None:
    nested = Element("queries", [], [Element("application", [("android:label", "Nested")])])
    root = Element("manifest", [("package", "com.x")], [nested])
    assert same_as_manifest(apk({"AndroidManifest.xml": binary_xml(root)})) == ("com.x", None)


def test_a_second_root_hides_its_application_as_it_does_from_read_manifest() -> None:
    first = Element("manifest", [("package", "com.x")])
    xml = binary_xml(Element("wrapper", [], [first]))
    assert same_as_manifest(apk({"AndroidManifest.xml": xml})) == (None, None)


def test_the_first_manifest_entry_is_the_one_read() -> None:
    with pytest.warns(UserWarning, match="Duplicate name"):
        data = zip_of(
            ("AndroidManifest.xml", binary_manifest("com.first", "First")),
            ("AndroidManifest.xml", binary_manifest("com.second", "Second")),
        )
    assert same_as_manifest(data) == ("com.first", "First")
    assert any("more than once" in p for p in read_app_identity(data).problems)


def test_reading_stops_at_the_application_start_tag() -> None:
    """Damage after ``<application>``'s start tag changes neither the package nor the label:
    the fast reader does not read that far, so it does not report it."""
    root = Element(
        "manifest",
        [("package", "com.x")],
        [
            Element("application", [("android:label", "Kept")]),
            Element("uses-permission", [("android:name", "p.AFTER")]),
        ],
    )
    data = apk({"AndroidManifest.xml": with_bad_attribute_name(binary_xml(root), 2)})
    assert same_as_manifest(data) == ("com.x", "Kept")
    assert any("damaged" in p for p in read_manifest(data).problems)
    assert read_app_identity(data).problems == ()


def test_the_version_is_not_read() -> None:
    files = {"AndroidManifest.xml": manifest("com.x", "Named", version_name=Ref(string_id(9)))}
    data = apk(files)
    assert same_as_manifest(data) == ("com.x", "Named")
    assert any("versionName" in p for p in read_manifest(data).problems)
    assert read_app_identity(data).problems == ()


@pytest.mark.parametrize("element", [1, 2], ids=["uses-sdk", "uses-permission"])
def test_damage_in_an_element_before_application_stops_both_readers_there(element: int) -> None:
    """Attributes of ``<uses-sdk>`` and permissions are not decoded, but their names are
    still checked: read_manifest stops at such damage, so the label is never reached."""
    xml = manifest("com.x", "Unreached", permissions=["p.BEFORE"])
    data = apk({"AndroidManifest.xml": with_bad_attribute_name(xml, element)})
    assert same_as_manifest(data) == ("com.x", None)
    assert any("damaged" in p for p in read_app_identity(data).problems)


def test_a_damaged_directory_entry_after_the_manifest_is_still_found() -> None:
    """read_manifest walks the whole central directory; a damaged entry anywhere means no
    manifest, so the fast reader cannot stop once it has found its two entries."""
    data = bytearray(
        zip_of(
            ("AndroidManifest.xml", binary_manifest("com.x", "X")),
            ("resources.arsc", TABLE),
            ("classes.dex", b"dex\n"),
        )
    )
    last = data.rfind(b"PK\x01\x02")
    data[last : last + 4] = b"PK\x09\x09"
    assert same_as_manifest(bytes(data)) == (None, None)


def test_the_named_entries_are_those_of_the_whole_walk_for_every_bound() -> None:
    data = memoryview(build_apk("com.x", label="X", extra_files={"assets/a": b"a"}))
    names = (b"AndroidManifest.xml", b"resources.arsc", b"missing")
    every = list(iter_entries(data, 1000))
    assert sum(e.name in names for e in every) == 2
    for bound in range(len(every) + 2):
        # Only the first ``bound`` entries are looked at, the wanted ones among them built.
        assert list(iter_entries(data, bound)) == every[:bound]
        wanted = [e for e in every[:bound] if e.name in names]
        assert list(iter_named_entries(data, names, bound)) == wanted


def test_the_filtered_walks_fail_where_the_whole_walk_fails() -> None:
    data = bytearray(build_apk("com.x", label="X"))
    last = data.rfind(b"PK\x01\x02")
    data[last : last + 4] = b"PK\x09\x09"
    for walk in (
        lambda: list(iter_entries(memoryview(data), 1000)),
        lambda: list(iter_named_entries(memoryview(data), (b"AndroidManifest.xml",), 1000)),
        lambda: list(iter_signature_entries(memoryview(data), (), 1000)),
    ):
        with pytest.raises(BadZip, match=f"entry at offset {last} has a wrong signature"):
            walk()
