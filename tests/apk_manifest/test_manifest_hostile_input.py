"""``read_manifest`` never raises and stays bounded on random, damaged or hostile bytes;
``read_app_identity`` gets the same bytes, never raises either, and gives the same package
and label (it reads less, so it must fail at the same places, not merely not crash)."""

from __future__ import annotations

import struct

from axml_encoder import Ref, StringResource, TableOptions, apk, manifest, resource_table, string_id
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.apk.manifest import MAX_LABEL_CHARS, ApkManifest, read_app_identity, read_manifest
from scanner.simulator.apk_builder import build_apk

UNEXPECTED = "failed unexpectedly"

_XML = manifest("com.systemservice", Ref(string_id(1)), permissions=["android.permission.READ_SMS"])
_ARSC = resource_table([StringResource(0, "Zero"), StringResource(1, "System Service")])
_UTF8_XML = manifest("com.systemservice", Ref(string_id(1)), utf8=True)
_UTF8_ARSC = resource_table(
    [StringResource(1, "System Service", locale="fr"), StringResource(1, "Default")],
    TableOptions(utf8=True, compact=True),
)
_BUILT = build_apk("com.systemservice", label="System Service")

_settings = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_sane(result: ApkManifest) -> None:
    assert not any(UNEXPECTED in p for p in result.problems), result.problems
    assert result.label is None or len(result.label) <= MAX_LABEL_CHARS
    assert len(result.problems) <= 31
    assert len(result.permissions) <= 1000


def read_both(data: bytes) -> ApkManifest:
    """``read_manifest(data)``, after checking ``read_app_identity`` agrees with it."""
    result = read_manifest(data)
    identity = read_app_identity(data)
    assert (identity.package, identity.label) == (result.package, result.label)
    assert not any(UNEXPECTED in p for p in identity.problems), identity.problems
    # What it says, read_manifest says too (unless read_manifest's list was cut at 30):
    # the store-label reasons rely on "a problem here means a problem there".
    assert not identity.problems or result.problems
    if len(result.problems) <= 30:
        assert set(identity.problems) <= set(result.problems)
    return result


def mutate(data: bytes, changes: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for position, value in changes:
        out[position % len(out)] = value
    return bytes(out)


_changes = st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), max_size=12)


@_settings
@given(st.binary(max_size=4096))
def test_random_bytes_never_raise(data):
    assert_sane(read_both(data))


@_settings
@given(st.binary(max_size=2048))
def test_random_bytes_after_a_zip_magic_never_raise(data):
    assert_sane(read_both(b"PK\x03\x04" + data + b"PK\x05\x06" + bytes(18)))


@_settings
@given(_changes, _changes, st.booleans())
def test_damaged_manifest_and_table_inside_a_good_zip_never_raise(xml_changes, arsc_changes, utf8):
    xml, arsc = (_UTF8_XML, _UTF8_ARSC) if utf8 else (_XML, _ARSC)
    files = {
        "AndroidManifest.xml": mutate(xml, xml_changes),
        "resources.arsc": mutate(arsc, arsc_changes),
    }
    assert_sane(read_both(apk(files)))


@_settings
@given(st.integers(0, 0xFFFFFFFF), st.sampled_from([8, 12, 16, 20, 24, 28, 32, 36, 40]))
def test_any_value_in_any_header_field_never_raises(value, offset):
    # Header fields of the manifest's first chunks: sizes, counts, string offsets.
    xml = bytearray(_XML)
    struct.pack_into("<I", xml, offset, value)
    arsc = bytearray(_ARSC)
    struct.pack_into("<I", arsc, offset, value)
    assert_sane(read_both(apk({"AndroidManifest.xml": bytes(xml), "resources.arsc": bytes(arsc)})))


@_settings
@given(st.integers(0, len(_BUILT)))
def test_truncated_apk_never_raises(length):
    assert_sane(read_both(_BUILT[:length]))


@_settings
@given(_changes)
def test_damaged_signed_apk_never_raises(changes):
    assert_sane(read_both(mutate(_BUILT, changes)))


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=400), st.booleans())
def test_any_label_text_comes_back_as_written_up_to_the_cap(text, utf8):
    files = {"AndroidManifest.xml": manifest("com.x", text, utf8=utf8)}
    result = read_both(apk(files))
    assert result.label == text[:MAX_LABEL_CHARS]


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1, max_size=300), st.booleans())
def test_any_referenced_label_text_comes_back_as_written_up_to_the_cap(text, utf8):
    options = TableOptions(utf8=utf8)
    files = {
        "AndroidManifest.xml": manifest("com.x", Ref(string_id(0)), utf8=utf8),
        "resources.arsc": resource_table([StringResource(0, text)], options),
    }
    assert read_both(apk(files)).label == text[:MAX_LABEL_CHARS]
