"""build_apk: real ZIP, real v1/v2/v3 signatures (checked by apksigner where installed)."""

from __future__ import annotations

import base64
import hashlib
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from apk_helpers import Apksigner, Identity
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

from scanner.apk.signing import SIGNING_BLOCK_MAGIC, central_directory, read_apk_signers
from scanner.errors import ScannerError
from scanner.simulator.apk_builder import (
    binary_manifest,
    build_apk,
    demo_identity,
    generated_apk,
    make_signing_identity,
)
from scanner.simulator.profile import FILE_GENERATORS

CORE_ENTRIES = ["AndroidManifest.xml", "classes.dex", "resources.arsc"]
V1_ENTRIES = ["META-INF/MANIFEST.MF", "META-INF/CERT.SF", "META-INF/CERT.RSA"]


def entries(apk: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(apk)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def manifest_digests(manifest: bytes) -> dict[str, str]:
    """Name -> SHA-256-Digest from a JAR manifest, joining 72-byte continuation lines."""
    text = manifest.decode().replace("\r\n ", "")
    digests: dict[str, str] = {}
    for section in text.split("\r\n\r\n"):
        fields = dict(line.split(": ", 1) for line in section.split("\r\n") if line)
        if "Name" in fields:
            digests[fields["Name"]] = fields["SHA-256-Digest"]
    return digests


def test_zipfile_lists_the_entries_of_a_v1_apk(vendor: Identity) -> None:
    apk = build_apk("com.example.app", key=vendor.key, cert=vendor.cert, v2=False)

    assert list(entries(apk)) == CORE_ENTRIES + V1_ENTRIES


def test_zipfile_opens_an_apk_with_a_signing_block(vendor: Identity) -> None:
    apk = build_apk("com.example.app", key=vendor.key, cert=vendor.cert, v1=False, v3=True)

    assert list(entries(apk)) == CORE_ENTRIES
    trailer = central_directory(memoryview(apk))
    assert trailer is not None
    assert apk[trailer[1] - 16 : trailer[1]] == SIGNING_BLOCK_MAGIC


def test_signing_block_is_padded_to_4096_bytes(vendor: Identity) -> None:
    apk = build_apk("com.example.app", key=vendor.key, cert=vendor.cert)
    trailer = central_directory(memoryview(apk))
    assert trailer is not None
    cd_offset = trailer[1]
    size = int.from_bytes(apk[cd_offset - 24 : cd_offset - 16], "little")

    assert (size + 8) % 4096 == 0


def test_resources_are_stored_and_code_is_deflated(vendor: Identity) -> None:
    apk = build_apk("com.example.app", key=vendor.key, cert=vendor.cert)

    with zipfile.ZipFile(io.BytesIO(apk)) as archive:
        assert archive.getinfo("resources.arsc").compress_type == zipfile.ZIP_STORED
        assert archive.getinfo("classes.dex").compress_type == zipfile.ZIP_DEFLATED


def test_v1_manifest_digests_every_entry(vendor: Identity) -> None:
    apk = build_apk(
        "com.example.app",
        key=vendor.key,
        cert=vendor.cert,
        extra_files={"assets/config.json": b"{}"},
    )
    files = entries(apk)

    digests = manifest_digests(files["META-INF/MANIFEST.MF"])

    assert set(digests) == {*CORE_ENTRIES, "assets/config.json"}
    for name, digest in digests.items():
        assert digest == base64.b64encode(hashlib.sha256(files[name]).digest()).decode()


def test_long_entry_names_are_wrapped_at_72_bytes(vendor: Identity) -> None:
    long_name = "assets/" + "very-long-directory-name/" * 5 + "file.bin"
    apk = build_apk("com.x", key=vendor.key, cert=vendor.cert, extra_files={long_name: b"1"})
    files = entries(apk)

    for name in ("META-INF/MANIFEST.MF", "META-INF/CERT.SF"):
        assert max(len(line) for line in files[name].split(b"\r\n")) <= 72
    assert long_name in manifest_digests(files["META-INF/MANIFEST.MF"])


def test_v1_signature_block_is_a_detached_signature_over_the_sf(vendor: Identity) -> None:
    files = entries(build_apk("com.example.app", key=vendor.key, cert=vendor.cert))

    (cert,) = pkcs7.load_der_pkcs7_certificates(files["META-INF/CERT.RSA"])
    assert cert == vendor.cert
    assert files["META-INF/CERT.SF"] not in files["META-INF/CERT.RSA"]  # Detached.
    assert b"X-Android-APK-Signed: 2\r\n" in files["META-INF/CERT.SF"]


def test_sf_announces_v3_when_v3_is_present(vendor: Identity) -> None:
    files = entries(build_apk("com.x", key=vendor.key, cert=vendor.cert, v3=True))

    assert b"X-Android-APK-Signed: 2, 3\r\n" in files["META-INF/CERT.SF"]


def test_binary_manifest_carries_package_and_label_in_utf16() -> None:
    manifest = binary_manifest("com.example.spy", "Späy")

    assert manifest[:2] == b"\x03\x00"  # RES_XML_TYPE
    assert int.from_bytes(manifest[4:8], "little") == len(manifest)
    assert "com.example.spy".encode("utf-16-le") in manifest
    assert "Späy".encode("utf-16-le") in manifest


def test_make_signing_identity_is_self_signed_rsa_2048() -> None:
    key, cert = make_signing_identity("Test Signer", "Test Org")
    public_key = cert.public_key()

    assert isinstance(public_key, RSAPublicKey)
    assert public_key.key_size == 2048
    assert cert.subject == cert.issuer
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Test Signer"
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Test Org"
    assert cert.signature_hash_algorithm is not None
    public_key.verify(
        cert.signature,
        cert.tbs_certificate_bytes,
        padding.PKCS1v15(),
        cert.signature_hash_algorithm,
    )
    assert key.public_key() == public_key


def test_key_without_certificate_is_refused(vendor: Identity) -> None:
    with pytest.raises(ValueError, match="both key and cert"):
        build_apk("com.x", key=vendor.key)


def test_certificate_of_another_key_is_refused(vendor: Identity, other_vendor: Identity) -> None:
    with pytest.raises(ValueError, match="does not belong to the key"):
        build_apk("com.x", key=vendor.key, cert=other_vendor.cert)


def test_extra_file_may_not_replace_a_built_in_entry(vendor: Identity) -> None:
    with pytest.raises(ValueError, match="reserved"):
        build_apk("com.x", key=vendor.key, cert=vendor.cert, extra_files={"classes.dex": b""})


def test_generated_apk_is_signed_by_the_cached_demo_identity() -> None:
    apk = generated_apk({"generated": "apk", "package": "com.demo.spy", "label": "Spy"})
    _, cert = demo_identity()

    result = read_apk_signers(apk)

    assert result.schemes == ("v1", "v2")
    assert result.sha1_fingerprints == {cert.fingerprint(hashes.SHA1()).hex().upper()}  # noqa: S303
    assert "com.demo.spy".encode("utf-16-le") in entries(apk)["AndroidManifest.xml"]


def test_generated_apk_signer_name_picks_a_separate_identity() -> None:
    first = read_apk_signers(generated_apk({"package": "com.a", "signer": "Vendor A"}))
    again = read_apk_signers(generated_apk({"package": "com.b", "signer": "Vendor A"}))
    other = read_apk_signers(generated_apk({"package": "com.c", "signer": "Vendor B"}))

    assert first.sha1_fingerprints == again.sha1_fingerprints
    assert first.sha1_fingerprints.isdisjoint(other.sha1_fingerprints)
    assert first.certificates[0].subject_cn == "Vendor A"


def test_generated_apk_honours_scheme_flags() -> None:
    apk = generated_apk({"package": "com.a", "v1": False, "v3": True})

    assert read_apk_signers(apk).schemes == ("v2", "v3")


@pytest.mark.parametrize(
    ("spec", "detail"),
    [
        ({"generated": "apk"}, "'package' must be a non-empty string"),
        ({"package": "com.a", "lable": "typo"}, "unknown keys: lable"),
        ({"package": "com.a", 7: "x", "zz": "y"}, "unknown keys: 7, zz"),  # YAML number key
        ({"generated": "text", "package": "com.a"}, "not an APK entry"),
        ({"package": "com.a", "label": 3}, "must be strings"),
        ({"package": "com.a", "v2": "yes"}, "must be true or false"),
        ({"package": "com.a", "v2": 1}, "must be true or false"),
    ],
)
def test_generated_apk_rejects_bad_profile_entries(spec: dict[str, object], detail: str) -> None:
    with pytest.raises(ScannerError, match="simulator profile is not valid") as caught:
        generated_apk(spec)

    assert detail in caught.value.detail


def test_apk_is_a_registered_profile_generator() -> None:
    assert FILE_GENERATORS["apk"] is generated_apk


# --- Google's verifier ---------------------------------------------------------------------

VERIFY_CASES = [
    # v1 is only checked by apksigner below API 24, and a v1-only APK only verifies up to
    # API 29 (targetSdkVersion 33 asks for v2 from Android 11): hence the SDK ranges.
    pytest.param(
        {"v1": True, "v2": False},
        ["--min-sdk-version", "18", "--max-sdk-version", "23"],
        ["v1"],
        id="v1",
    ),
    pytest.param({"v1": False, "v2": True}, [], ["v2"], id="v2"),
    pytest.param({"v1": True, "v2": True}, ["--min-sdk-version", "18"], ["v1", "v2"], id="v1-v2"),
    pytest.param(
        {"v1": True, "v2": True, "v3": True},
        ["--min-sdk-version", "18"],
        ["v1", "v2", "v3"],
        id="v1-v2-v3",
    ),
    pytest.param({"v1": False, "v2": False, "v3": True}, [], ["v3"], id="v3"),
]
SCHEME_LINES = {
    "v1": "Verified using v1 scheme (JAR signing): true",
    "v2": "Verified using v2 scheme (APK Signature Scheme v2): true",
    "v3": "Verified using v3 scheme (APK Signature Scheme v3): true",
}


@pytest.mark.parametrize(("flags", "args", "schemes"), VERIFY_CASES)
def test_apksigner_verifies_our_apk(
    apksigner: Apksigner,
    vendor: Identity,
    flags: dict[str, bool],
    args: list[str],
    schemes: list[str],
) -> None:
    apk = build_apk(
        "com.example.spy",
        label="Spy",
        key=vendor.key,
        cert=vendor.cert,
        extra_files={"assets/" + "long-name-" * 10 + ".txt": b"wrapped in the manifest"},
        **flags,
    )

    verdict = apksigner.verify(apk, *args)

    assert verdict.returncode == 0, verdict.stdout + verdict.stderr
    assert verdict.stdout.startswith("Verifies")
    for scheme in schemes:
        assert SCHEME_LINES[scheme] in verdict.stdout
    expected = vendor.cert.fingerprint(hashes.SHA256()).hex()
    assert f"Signer #1 certificate SHA-256 digest: {expected}" in verdict.stdout
    assert "WARNING" not in verdict.stdout + verdict.stderr


def test_apksigner_rejects_our_apk_after_a_byte_changes(
    apksigner: Apksigner, vendor: Identity
) -> None:
    """Proves the check above is real: a changed entry must break the v2 digest."""
    apk = bytearray(build_apk("com.example.spy", key=vendor.key, cert=vendor.cert, v1=False))
    apk[10] ^= 0x01  # First local header's modification time: the ZIP stays valid.

    verdict = apksigner.verify(bytes(apk))

    assert verdict.returncode != 0
    assert "DOES NOT VERIFY" in verdict.stdout + verdict.stderr


def test_aapt_reads_our_binary_manifest(vendor: Identity, tmp_path: Path) -> None:
    aapt = shutil.which("aapt")
    if aapt is None:
        pytest.skip("aapt is not installed (Debian: apt-get install aapt); manifest not checked")
    target = tmp_path / "app.apk"
    target.write_bytes(build_apk("com.example.spy", label="Spy", key=vendor.key, cert=vendor.cert))

    tree = subprocess.run(
        [aapt, "dump", "xmltree", str(target), "AndroidManifest.xml"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout

    assert 'A: package="com.example.spy"' in tree
    assert 'A: android:label(0x01010001)="Spy"' in tree
    assert "A: android:minSdkVersion(0x0101020c)=(type 0x10)0x18" in tree
