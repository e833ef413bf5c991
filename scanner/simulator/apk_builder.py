"""Build small, structurally real, signed APKs for tests and the simulated phone.

What is real: the ZIP layout, a binary ``AndroidManifest.xml`` (Android's compiled XML
format, holding the package name, label and ``minSdkVersion`` 24), a v1 JAR signature
(``META-INF/MANIFEST.MF``, ``CERT.SF``, ``CERT.RSA``), and an APK Signing Block with v2 and,
optionally, v3 signatures whose content digests and RSA PKCS#1 v1.5 SHA-256 signatures
(algorithm 0x0103) are computed as the AOSP specification describes, so ``apksigner verify``
accepts the result. What is not: ``classes.dex`` is the dex magic followed by zeros (no
code) and ``resources.arsc`` is an empty resource table, so the APK would not run.

Keys are generated at run time (``make_signing_identity``); no key is stored in the repo.
"""

from __future__ import annotations

import base64
import datetime
import functools
import hashlib
import io
import struct
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import NoReturn

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, pkcs7
from cryptography.x509.oid import NameOID

from scanner.apk.signing import SIGNING_BLOCK_MAGIC, central_directory
from scanner.errors import ProfileError
from scanner.simulator.profile import FILE_GENERATORS

V2_BLOCK_ID = 0x7109871A
V3_BLOCK_ID = 0xF05368C0
_PADDING_BLOCK_ID = 0x42726577  # apksigner pads the block to a 4096-byte multiple.
_STRIPPING_PROTECTION_ATTR_ID = 0xBEEFF00D  # In v2 signed data: "v3 was also present".
_RSA_PKCS1_SHA256 = 0x0103
_CHUNK_BYTES = 1024 * 1024
MIN_SDK = 24
"""minSdkVersion written into the manifest: SHA-256 JAR digests need API 18 or newer."""
_TARGET_SDK = 33
_V3_MAX_SDK = 0x7FFFFFFF
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # Fixed so equal inputs give equal ZIP bytes.
_CREATED_BY = "1.0 (phone-check simulator)"
_JAR_LINE_BYTES = 72
_DEMO_SIGNER = "phone-check demo"


def make_signing_identity(
    common_name: str, organization: str = "", key: RSAPrivateKey | None = None
) -> tuple[RSAPrivateKey, x509.Certificate]:
    """A self-signed certificate for ``key`` (else a fresh RSA-2048 key, as Android apps
    use). Passing one key makes many distinct certificates quickly (a key takes ~0.1 s)."""
    key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    name = x509.Name(attributes)
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * 25))
        .sign(key, hashes.SHA256())
    )
    return key, cert


def demo_identity(common_name: str = _DEMO_SIGNER) -> tuple[RSAPrivateKey, x509.Certificate]:
    """A signing identity generated once per process and name (key generation is slow)."""
    return _cached_identity(common_name)


@functools.cache
def _cached_identity(common_name: str) -> tuple[RSAPrivateKey, x509.Certificate]:
    # One positional key, so demo_identity() and demo_identity(name) share entries.
    return make_signing_identity(common_name, "phone-check simulator")


def build_apk(
    package: str,
    *,
    label: str = "",
    key: RSAPrivateKey | None = None,
    cert: x509.Certificate | None = None,
    v1: bool = True,
    v2: bool = True,
    v3: bool = False,
    extra_files: Mapping[str, bytes] = MappingProxyType({}),
    label_in_resources: bool = False,
) -> bytes:
    """Build a signed APK for ``package``; with no key and cert, the demo identity signs.

    ``label_in_resources``: the manifest's label is ``@string/app_name``, a reference into
    ``resources.arsc``, as apps built by aapt2 write it (else the text is in the manifest).

    All of ``v1``, ``v2``, ``v3`` false gives an unsigned APK. ``extra_files`` are added
    to the ZIP (and covered by the v1 manifest) and must not reuse a name we write.
    """
    if (key is None) != (cert is None):
        raise ValueError("build_apk needs both key and cert, or neither")
    if key is None or cert is None:
        key, cert = demo_identity()
    if cert.public_key() != key.public_key():
        raise ValueError("the certificate does not belong to the key")

    entries: dict[str, bytes] = {
        "AndroidManifest.xml": binary_manifest(
            package, label or package, label_resource=LABEL_RESOURCE if label_in_resources else 0
        ),
        "classes.dex": b"dex\n035\x00" + bytes(0x70 - 8),
        "resources.arsc": (
            label_resource_table(package, label or package)
            if label_in_resources
            else _empty_resource_table()
        ),
    }
    for name, content in extra_files.items():
        if name in entries or name.upper().startswith("META-INF/CERT."):
            raise ValueError(f"extra file name {name!r} is reserved")
        entries[name] = content
    if v1:
        entries.update(_jar_signature(entries, key, cert, v2=v2, v3=v3))
    apk = _zip(entries)
    if v2 or v3:
        apk = _insert_signing_block(apk, key, cert, v2=v2, v3=v3)
    return apk


def generated_apk(spec: Mapping[str, object]) -> bytes:
    """Build the APK a simulator profile entry ``{generated: apk, package: ...}`` describes.

    Recognised keys: ``package`` (required), ``label``, ``signer`` (a certificate common
    name; each name gets its own key, generated once per process), and ``v1``/``v2``/``v3``
    booleans. Anything else raises ``ScannerError``, so a typo in a profile is loud.
    """
    unknown = sorted(map(str, set(spec) - _SPEC_KEYS))  # YAML keys need not be text
    if unknown:
        _bad_spec(f"unknown keys: {', '.join(unknown)} (known: {', '.join(sorted(_SPEC_KEYS))})")
    if spec.get("generated", "apk") != "apk":
        _bad_spec(f"not an APK entry: generated={spec.get('generated')!r}")
    package = spec.get("package")
    label = spec.get("label", "")
    signer = spec.get("signer", _DEMO_SIGNER)
    if not isinstance(package, str) or not package:
        _bad_spec("'package' must be a non-empty string")
    if not isinstance(label, str) or not isinstance(signer, str) or not signer:
        _bad_spec("'label' and 'signer' must be strings")
    flags = {name: spec.get(name, name != "v3") for name in ("v1", "v2", "v3")}
    if not all(isinstance(value, bool) for value in flags.values()):
        _bad_spec("'v1', 'v2' and 'v3' must be true or false")
    key, cert = demo_identity(signer)
    return build_apk(
        package,
        label=label,
        key=key,
        cert=cert,
        v1=bool(flags["v1"]),
        v2=bool(flags["v2"]),
        v3=bool(flags["v3"]),
    )


_SPEC_KEYS = frozenset({"generated", "package", "label", "signer", "v1", "v2", "v3"})


def _bad_spec(detail: str) -> NoReturn:
    raise ProfileError("A generated APK in the simulator profile is not valid.", detail)


# The profile loader looks builders up by kind; this module provides ``generated: apk``.
FILE_GENERATORS["apk"] = generated_apk


# --- ZIP ----------------------------------------------------------------------------------


def _zip(entries: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            # Android 11+ wants resources.arsc stored uncompressed; the rest is deflated.
            stored = name == "resources.arsc"
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


# --- v1: JAR signing ----------------------------------------------------------------------


def _jar_signature(
    entries: Mapping[str, bytes], key: RSAPrivateKey, cert: x509.Certificate, *, v2: bool, v3: bool
) -> dict[str, bytes]:
    """MANIFEST.MF, CERT.SF and CERT.RSA for the given entries."""
    main = _jar_section([("Manifest-Version", "1.0"), ("Created-By", _CREATED_BY)])
    sections = {
        name: _jar_section([("Name", name), ("SHA-256-Digest", _b64_sha256(content))])
        for name, content in entries.items()
    }
    manifest = main + b"".join(sections.values())

    sf_main: list[tuple[str, str]] = [
        ("Signature-Version", "1.0"),
        ("Created-By", _CREATED_BY),
        ("SHA-256-Digest-Manifest", _b64_sha256(manifest)),
    ]
    # Tells a v1-only verifier that newer schemes were stripped if it cannot find them.
    newer = [str(n) for n, on in ((2, v2), (3, v3)) if on]
    if newer:
        sf_main.append(("X-Android-APK-Signed", ", ".join(newer)))
    signature_file = _jar_section(sf_main) + b"".join(
        _jar_section([("Name", name), ("SHA-256-Digest", _b64_sha256(section))])
        for name, section in sections.items()
    )
    # JAR signatures sign the .SF bytes directly: no signed attributes, detached content.
    signature_block = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(signature_file)
        .add_signer(cert, key, hashes.SHA256())
        .sign(
            Encoding.DER,
            [
                pkcs7.PKCS7Options.DetachedSignature,
                pkcs7.PKCS7Options.Binary,
                pkcs7.PKCS7Options.NoAttributes,
            ],
        )
    )
    return {
        "META-INF/MANIFEST.MF": manifest,
        "META-INF/CERT.SF": signature_file,
        "META-INF/CERT.RSA": signature_block,
    }


def _jar_section(attributes: Iterable[tuple[str, str]]) -> bytes:
    """One manifest section: ``Name: value`` lines wrapped at 72 bytes, then a blank line."""
    out = bytearray()
    for attribute, value in attributes:
        line = f"{attribute}: {value}".encode()
        out += line[:_JAR_LINE_BYTES] + b"\r\n"
        rest = line[_JAR_LINE_BYTES:]
        # Continuation lines start with one space, which counts towards the 72 bytes.
        while rest:
            out += b" " + rest[: _JAR_LINE_BYTES - 1] + b"\r\n"
            rest = rest[_JAR_LINE_BYTES - 1 :]
    return bytes(out + b"\r\n")


def _b64_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


# --- v2 / v3: APK Signing Block -----------------------------------------------------------


def _u32(value: int) -> bytes:
    return struct.pack("<I", value)


def _lp(data: bytes) -> bytes:
    """uint32-length-prefixed bytes, the unit of every v2/v3 structure."""
    return _u32(len(data)) + data


def _lp_sequence(items: Iterable[bytes]) -> bytes:
    return _lp(b"".join(_lp(item) for item in items))


def _content_digest(sections: Sequence[bytes]) -> bytes:
    """SHA-256 over 1 MiB chunk digests of the ZIP sections, as v2 and v3 define it."""
    chunk_digests = bytearray()
    count = 0
    for section in sections:
        for start in range(0, len(section), _CHUNK_BYTES):
            chunk = section[start : start + _CHUNK_BYTES]
            chunk_digests += hashlib.sha256(b"\xa5" + _u32(len(chunk)) + chunk).digest()
            count += 1
    return hashlib.sha256(b"\x5a" + _u32(count) + bytes(chunk_digests)).digest()


def _signer(
    digest: bytes,
    key: RSAPrivateKey,
    cert: x509.Certificate,
    *,
    v3: bool,
    attributes: Sequence[tuple[int, bytes]] = (),
) -> bytes:
    """One encoded signer: signed data, (v3: SDK range), signatures, public key."""
    digests = _lp_sequence([_u32(_RSA_PKCS1_SHA256) + _lp(digest)])
    certificates = _lp_sequence([cert.public_bytes(Encoding.DER)])
    sdk_range = _u32(MIN_SDK) + _u32(_V3_MAX_SDK) if v3 else b""
    extra = _lp_sequence([_u32(attr_id) + value for attr_id, value in attributes])
    signed_data = digests + certificates + sdk_range + extra
    signature = key.sign(signed_data, padding.PKCS1v15(), hashes.SHA256())
    public_key = key.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return (
        _lp(signed_data)
        + sdk_range
        + _lp_sequence([_u32(_RSA_PKCS1_SHA256) + _lp(signature)])
        + _lp(public_key)
    )


def _insert_signing_block(
    apk: bytes, key: RSAPrivateKey, cert: x509.Certificate, *, v2: bool, v3: bool
) -> bytes:
    trailer = central_directory(memoryview(apk))
    if trailer is None:  # pragma: no cover - zipfile always writes a consistent trailer
        raise ValueError("the ZIP we wrote has no usable central directory")
    eocd, cd_offset, _ = trailer
    entries, cd, end = apk[:cd_offset], apk[cd_offset:eocd], apk[eocd:]
    # Digested EOCD must point at the signing block's start, which is where the
    # central directory starts now, before the block is inserted.
    digest = _content_digest([entries, cd, end])

    pairs: list[tuple[int, bytes]] = []
    if v2:
        stripping = [(_STRIPPING_PROTECTION_ATTR_ID, _u32(3))] if v3 else []
        pairs.append(
            (
                V2_BLOCK_ID,
                _lp_sequence([_signer(digest, key, cert, v3=False, attributes=stripping)]),
            )
        )
    if v3:
        pairs.append((V3_BLOCK_ID, _lp_sequence([_signer(digest, key, cert, v3=True)])))
    block = _signing_block(pairs)

    new_end = bytearray(end)
    struct.pack_into("<I", new_end, 16, cd_offset + len(block))
    return entries + block + cd + bytes(new_end)


def _signing_block(pairs: Sequence[tuple[int, bytes]]) -> bytes:
    def encode(pair_id: int, value: bytes) -> bytes:
        return struct.pack("<QI", len(value) + 4, pair_id) + value

    body = b"".join(encode(pair_id, value) for pair_id, value in pairs)
    total = 8 + len(body) + 8 + len(SIGNING_BLOCK_MAGIC)
    if total % 4096:
        missing = 4096 - total % 4096
        if missing < 12:  # A pair needs 12 bytes of header.
            missing += 4096
        body += encode(_PADDING_BLOCK_ID, bytes(missing - 12))
    size = len(body) + 8 + len(SIGNING_BLOCK_MAGIC)
    return struct.pack("<Q", size) + body + struct.pack("<Q", size) + SIGNING_BLOCK_MAGIC


# --- AndroidManifest.xml in Android's binary XML ------------------------------------------

_ANDROID_NS = "http://schemas.android.com/apk/res/android"
# Resource ids of the android: attributes we write (from android.R.attr).
_ATTR_RES_IDS = {
    "label": 0x01010001,
    "minSdkVersion": 0x0101020C,
    "versionCode": 0x0101021B,
    "versionName": 0x0101021C,
    "targetSdkVersion": 0x01010270,
}
_NO_INDEX = 0xFFFFFFFF
_TYPE_STRING = 0x03
_TYPE_REFERENCE = 0x01
LABEL_RESOURCE = 0x7F010000
"""``@string/app_name`` in ``label_resource_table``: package 0x7f, type 1, entry 0."""
_TYPE_INT_DEC = 0x10


class _StringPool:
    def __init__(self, first: Sequence[str]) -> None:
        self.strings: list[str] = list(first)

    def index(self, value: str) -> int:
        if value not in self.strings:
            self.strings.append(value)
        return self.strings.index(value)

    def encode(self) -> bytes:
        """UTF-16 string pool chunk (type 0x0001)."""
        offsets, data = bytearray(), bytearray()
        for value in self.strings:
            units = value.encode("utf-16-le")
            if len(units) // 2 > 0x7FFF:
                raise ValueError("manifest string too long")
            offsets += _u32(len(data))
            data += struct.pack("<H", len(units) // 2) + units + b"\x00\x00"
        data += bytes(-len(data) % 4)
        header_size = 28
        strings_start = header_size + len(offsets)
        size = strings_start + len(data)
        header = struct.pack(
            "<HHIIIIII", 0x0001, header_size, size, len(self.strings), 0, 0, strings_start, 0
        )
        return header + bytes(offsets) + bytes(data)


def binary_manifest(
    package: str, label: str, *, version_name: str = "1.0", label_resource: int = 0
) -> bytes:
    """A compiled ``AndroidManifest.xml`` with package, version, SDK levels and label
    (a reference to resource ``label_resource`` when it is not 0)."""
    # The resource map pairs the first strings with attribute resource ids, so the
    # android: attribute names go first, in map order.
    names = list(_ATTR_RES_IDS)
    pool = _StringPool(names)
    ns = pool.index(_ANDROID_NS)
    prefix = pool.index("android")

    def attr(name: str, value: str | int) -> bytes:
        in_android = name in _ATTR_RES_IDS
        ns_index = ns if in_android else _NO_INDEX
        if isinstance(value, str):
            raw = pool.index(value)
            typed = struct.pack("<HBBI", 8, 0, _TYPE_STRING, raw)
        else:
            raw = _NO_INDEX
            typed = struct.pack("<HBBI", 8, 0, _TYPE_INT_DEC, value)
        return struct.pack("<III", ns_index, pool.index(name), raw) + typed

    def start(name: str, attributes: Sequence[bytes], line: int) -> bytes:
        body = struct.pack(
            "<IIHHHHHH", _NO_INDEX, pool.index(name), 0x14, 0x14, len(attributes), 0, 0, 0
        )
        size = 16 + len(body) + 20 * len(attributes)
        return (
            struct.pack("<HHIII", 0x0102, 16, size, line, _NO_INDEX) + body + b"".join(attributes)
        )

    def end(name: str, line: int) -> bytes:
        return struct.pack("<HHIIIII", 0x0103, 16, 24, line, _NO_INDEX, _NO_INDEX, pool.index(name))

    label_attr = struct.pack(
        "<IIIHBBI", ns, pool.index("label"), _NO_INDEX, 8, 0, _TYPE_REFERENCE, label_resource
    )
    nodes = b"".join(
        [
            struct.pack("<HHIIIII", 0x0100, 16, 24, 1, _NO_INDEX, prefix, ns),
            start(
                "manifest",
                [
                    attr("versionCode", 1),
                    attr("versionName", version_name),
                    attr("package", package),
                ],
                1,
            ),
            start(
                "uses-sdk",
                [attr("minSdkVersion", MIN_SDK), attr("targetSdkVersion", _TARGET_SDK)],
                2,
            ),
            end("uses-sdk", 2),
            start("application", [label_attr if label_resource else attr("label", label)], 3),
            end("application", 3),
            end("manifest", 4),
            struct.pack("<HHIIIII", 0x0101, 16, 24, 4, _NO_INDEX, prefix, ns),
        ]
    )
    resource_map = b"".join(_u32(_ATTR_RES_IDS[name]) for name in names)
    chunks = (
        pool.encode() + struct.pack("<HHI", 0x0180, 8, 8 + len(resource_map)) + resource_map + nodes
    )
    return struct.pack("<HHI", 0x0003, 8, 8 + len(chunks)) + chunks


def _empty_resource_table() -> bytes:
    """A resource table (type 0x0002) with an empty global string pool and no packages."""
    pool = _StringPool([]).encode()
    return struct.pack("<HHII", 0x0002, 12, 12 + len(pool), 0) + pool


def label_resource_table(package: str, label: str) -> bytes:
    """A resource table as aapt2 compiles one string: package 0x7f named ``package``, type
    ``string`` (id 1) with the entry ``app_name`` = ``label`` in the default configuration."""
    values = _StringPool([label]).encode()
    types = _StringPool(["string"]).encode()
    keys = _StringPool(["app_name"]).encode()
    spec = struct.pack("<HHIBBHI", 0x0202, 16, 16 + 4, 1, 0, 0, 1) + _u32(0)
    config = _u32(64) + bytes(60)
    entry = struct.pack("<HHI", 8, 0, 0) + struct.pack("<HBBI", 8, 0, _TYPE_STRING, 0)
    type_header = 20 + len(config)
    entries_start = type_header + 4
    body = _u32(0) + entry
    chunk = struct.pack(
        "<HHIBBHII", 0x0201, type_header, type_header + len(body), 1, 0, 0, 1, entries_start
    )
    resource_type = chunk + config + body
    header_size = 288
    name = package.encode("utf-16-le")[:254].ljust(256, b"\x00")
    type_strings = header_size
    key_strings = header_size + len(types)
    package_header = (
        struct.pack("<HHI", 0x0200, header_size, 0)
        + _u32(0x7F)
        + name
        + struct.pack("<IIIII", type_strings, 1, key_strings, 1, 0)
    )
    content = types + keys + spec + resource_type
    package_chunk = (
        package_header[:4] + _u32(header_size + len(content)) + package_header[8:] + content
    )
    table = values + package_chunk
    return struct.pack("<HHII", 0x0002, 12, 12 + len(table), 1) + table
