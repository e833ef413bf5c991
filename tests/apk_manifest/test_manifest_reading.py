"""Reading package, version, label and permissions from APKs built in the test."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from axml_encoder import (
    Element,
    Ref,
    StringResource,
    TableOptions,
    Typed,
    apk,
    binary_xml,
    manifest,
    resource_table,
    string_id,
)

from scanner.apk.manifest import MAX_LABEL_CHARS, ApkManifest, read_manifest
from scanner.simulator.apk_builder import binary_manifest, build_apk

LABEL_ID = string_id(3)
DEFAULT_TABLE = TableOptions()


def referenced(
    label: object = Ref(LABEL_ID),
    resources: list[StringResource] | None = None,
    options: TableOptions = DEFAULT_TABLE,
    **kwargs: object,
) -> ApkManifest:
    """Read an APK whose manifest label refers into a table of the given resources."""
    if resources is None:
        resources = [StringResource(0, "First"), StringResource(3, "System Service")]
    files = {
        "AndroidManifest.xml": manifest("com.systemservice", label, utf8=options.utf8, **kwargs),
        "resources.arsc": resource_table(resources, options),
    }
    return read_manifest(apk(files))


# --- APKs from the simulator's builder --------------------------------------------------


def test_builder_apk_gives_package_version_and_literal_label():
    result = read_manifest(build_apk("com.systemservice", label="System Service"))
    assert result.package == "com.systemservice"
    assert result.label == "System Service"
    assert result.label_resource is None  # binary_manifest writes the label as literal text
    assert result.version_name == "1.0"
    assert result.version_code == 1
    assert result.problems == ()


def test_builder_apk_without_label_uses_the_package_name_it_writes():
    result = read_manifest(build_apk("com.example.notes"))
    assert result.label == "com.example.notes"


def test_builder_apk_with_v3_only_signature_is_read_the_same():
    result = read_manifest(build_apk("com.x", label="X", v1=False, v2=False, v3=True))
    assert (result.package, result.label, result.problems) == ("com.x", "X", ())


# --- label references into resources.arsc ----------------------------------------------


@pytest.mark.parametrize("utf8", [False, True], ids=["utf16-pools", "utf8-pools"])
def test_label_reference_is_resolved_through_resources_arsc(utf8):
    result = referenced(
        options=TableOptions(utf8=utf8), permissions=["android.permission.READ_SMS"]
    )
    assert result.label == "System Service"
    assert result.label_resource == LABEL_ID
    assert result.package == "com.systemservice"
    assert result.permissions == ("android.permission.READ_SMS",)
    assert result.problems == ()


@pytest.mark.parametrize(
    "options",
    [TableOptions(offset16=True), TableOptions(sparse=True), TableOptions(compact=True)],
    ids=["offset16", "sparse", "compact"],
)
def test_label_is_resolved_with_every_entry_layout(options):
    result = referenced(options=options)
    assert result.label == "System Service"
    assert result.problems == ()


def test_default_configuration_wins_over_an_earlier_locale():
    resources = [
        StringResource(3, "Service Système", locale="fr"),
        StringResource(3, "System Service"),
        StringResource(3, "Systemdienst", locale="de"),
    ]
    assert referenced(resources=resources).label == "System Service"


def test_first_configuration_is_taken_when_there_is_no_default():
    resources = [
        StringResource(3, "Service Système", locale="fr"),
        StringResource(3, "Systemdienst", locale="de"),
    ]
    assert referenced(resources=resources).label == "Service Système"


def test_reference_to_a_reference_is_followed():
    resources = [StringResource(3, Ref(string_id(7))), StringResource(7, "Alias Target")]
    result = referenced(resources=resources)
    assert result.label == "Alias Target"
    assert result.label_resource == LABEL_ID


def test_reference_loop_gives_no_label_and_a_problem():
    resources = [StringResource(3, Ref(string_id(4))), StringResource(4, Ref(string_id(3)))]
    result = referenced(resources=resources)
    assert result.label is None
    assert result.label_resource == LABEL_ID
    assert any("loop" in p for p in result.problems)


def test_reference_to_a_missing_entry_keeps_the_id_and_says_why():
    result = referenced(label=Ref(string_id(42)))
    assert result.label is None
    assert result.label_resource == string_id(42)
    assert any("0x7f01002a" in p and "not in resources.arsc" in p for p in result.problems)


def test_reference_without_resources_arsc_keeps_the_id():
    files = {"AndroidManifest.xml": manifest("com.x", Ref(LABEL_ID))}
    result = read_manifest(apk(files))
    assert (result.package, result.label, result.label_resource) == ("com.x", None, LABEL_ID)
    assert any("no resources.arsc" in p for p in result.problems)


def test_damaged_resources_arsc_keeps_the_rest_of_the_manifest():
    files = {
        "AndroidManifest.xml": manifest("com.x", Ref(LABEL_ID), permissions=["p.ONE"]),
        "resources.arsc": b"\x02\x00\x0c\x00\xff\xff\x00\x00",
    }
    result = read_manifest(apk(files))
    assert result.package == "com.x"
    assert result.permissions == ("p.ONE",)
    assert result.label is None and result.label_resource == LABEL_ID
    assert any("resources.arsc could not be read" in p for p in result.problems)


def test_version_name_reference_is_resolved_too():
    resources = [StringResource(3, "Label"), StringResource(5, "2.1.8")]
    result = referenced(resources=resources, version_name=Ref(string_id(5)))
    assert result.version_name == "2.1.8"


# --- label text -----------------------------------------------------------------------


def test_label_with_control_and_bidi_characters_is_returned_as_written():
    sneaky = "Sys\u202etem\x07 Service\u200f"
    for utf8 in (False, True):
        files = {"AndroidManifest.xml": manifest("com.x", sneaky, utf8=utf8)}
        assert read_manifest(apk(files)).label == sneaky


@pytest.mark.parametrize("utf8", [False, True], ids=["utf16", "utf8"])
def test_long_label_is_cut_at_the_cap_with_a_problem(utf8):
    files = {"AndroidManifest.xml": manifest("com.x", "é" * 5000, utf8=utf8)}
    result = read_manifest(apk(files))
    assert result.label == "é" * MAX_LABEL_CHARS
    assert any("longer than 200" in p for p in result.problems)


def test_long_referenced_label_is_cut_at_the_cap():
    result = referenced(resources=[StringResource(3, "x" * 40_000)])
    assert result.label is not None and len(result.label) == MAX_LABEL_CHARS


def test_empty_label_counts_as_no_label():
    files = {"AndroidManifest.xml": manifest("com.x", "")}
    assert read_manifest(apk(files)).label is None


def test_label_that_is_a_number_is_not_guessed():
    files = {"AndroidManifest.xml": manifest("com.x", Typed(0x10, 7))}
    result = read_manifest(apk(files))
    assert result.label is None
    assert any("label is not text" in p for p in result.problems)


# --- how attributes are matched ---------------------------------------------------------


def test_attribute_named_label_without_resource_id_is_ignored_as_android_ignores_it():
    root = Element(
        "manifest", [("package", "com.x")], [Element("application", [("android:label", "Fake")])]
    )
    files = {"AndroidManifest.xml": binary_xml(root, resource_map=False)}
    result = read_manifest(apk(files))
    assert result.package == "com.x"
    assert result.label is None


def test_obfuscated_attribute_names_still_give_the_label():
    # Obfuscators rename attribute strings; Android (and we) go by the resource map.
    xml = bytearray(manifest("com.x", "Real Label"))
    xml = xml.replace("label".encode("utf-16-le"), "zzzzz".encode("utf-16-le"))
    result = read_manifest(apk({"AndroidManifest.xml": bytes(xml)}))
    assert result.label == "Real Label"


def test_application_outside_manifest_root_is_not_read():
    root = Element(
        "manifest",
        [("package", "com.x")],
        [Element("queries", [], [Element("application", [("android:label", "Nested")])])],
    )
    result = read_manifest(apk({"AndroidManifest.xml": binary_xml(root)}))
    assert result.label is None


def test_permissions_keep_order_and_drop_repeats():
    names = [
        "android.permission.READ_SMS",
        "android.permission.CAMERA",
        "android.permission.READ_SMS",
    ]
    files = {"AndroidManifest.xml": manifest("com.x", "X", permissions=names)}
    result = read_manifest(apk(files))
    assert result.permissions == ("android.permission.READ_SMS", "android.permission.CAMERA")


def test_version_code_major_is_combined_as_android_does():
    root = Element(
        "manifest",
        [("package", "com.x"), ("android:versionCode", 5), ("android:versionCodeMajor", 2)],
        [Element("application")],
    )
    result = read_manifest(apk({"AndroidManifest.xml": binary_xml(root)}))
    assert result.version_code == (2 << 32) | 5


def test_utf8_manifest_pool_is_read():
    files = {"AndroidManifest.xml": manifest("com.x", "Notizen ✓", utf8=True)}
    result = read_manifest(apk(files))
    assert (result.package, result.label) == ("com.x", "Notizen ✓")


# --- ZIP and container damage -----------------------------------------------------------


def test_apk_without_manifest_says_so():
    result = read_manifest(apk({"classes.dex": b"dex\n035\x00"}))
    assert result == ApkManifest(problems=("the APK has no AndroidManifest.xml",))


def test_not_a_zip_says_so():
    result = read_manifest(b"\x00" * 100)
    assert result.package is None
    assert "not a ZIP file" in result.problems[0]


def test_stored_manifest_is_read_as_well_as_deflated():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("AndroidManifest.xml", binary_manifest("com.x", "Stored"))
    assert read_manifest(buffer.getvalue()).label == "Stored"


def test_zip_bomb_manifest_is_refused_without_inflating_it_all():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("AndroidManifest.xml", bytes(64 * 1024 * 1024))
    result = read_manifest(buffer.getvalue())
    assert result.package is None
    assert any("more than the 4194304 bytes" in p for p in result.problems)


def test_second_manifest_entry_is_reported_and_the_first_is_used():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("AndroidManifest.xml", binary_manifest("com.first", "First"))
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("AndroidManifest.xml", binary_manifest("com.second", "Second"))
    result = read_manifest(buffer.getvalue())
    assert result.package == "com.first"
    assert any("more than once" in p for p in result.problems)


def test_encrypted_flag_is_ignored_as_android_ignores_it():
    # Some malware sets the "encrypted" bit to break analysis tools; Android reads on.
    data = bytearray(build_apk("com.x", label="Still Read"))
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        struct.pack_into(
            "<H", data, position + 8, struct.unpack_from("<H", data, position + 8)[0] | 1
        )
        position = data.find(b"PK\x01\x02", position + 4)
    assert read_manifest(bytes(data)).label == "Still Read"


def test_truncated_manifest_keeps_what_came_before_the_damage():
    xml = manifest("com.x", "Label", permissions=["p.ONE", "p.TWO"])
    # Cut inside the last element; the outer chunk size now lies, so fix it to the new end.
    cut = bytearray(xml[: len(xml) - 60])
    struct.pack_into("<I", cut, 4, len(cut))
    result = read_manifest(apk({"AndroidManifest.xml": bytes(cut)}))
    assert result.package == "com.x"
    assert result.permissions[:1] == ("p.ONE",)
    assert any("damaged" in p for p in result.problems)


def test_permission_list_is_capped_with_one_problem():
    names = [f"p.N{i}" for i in range(1100)]
    result = read_manifest(apk({"AndroidManifest.xml": manifest("com.x", "X", permissions=names)}))
    assert result.permissions == tuple(names[:1000])
    assert [p for p in result.problems if "permissions" in p] == [
        "more than 1000 permissions; the rest were not listed"
    ]
