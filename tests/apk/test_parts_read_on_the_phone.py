"""Certificates, lineage, labels and hashes read from APK parts on the phone equal those
from the whole file, for every real APK in ../shared/real-apks served by a simulated phone.

The phone holds all of them as sideloaded apps (so each is hashed and labelled too). The
reference is the full-file reader (``facts_from_apk``) over the bytes on disk, and
``hashlib`` for the hash; the phone's answers come from the simulator's toybox over the
real ADB wire protocol. About 15 s here (331 APKs, 16 MB).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes

from scanner.apk.signing import read_signers
from scanner.apks import SOURCE_PARTS, facts_from_apk, facts_from_signers
from scanner.device.apk_commands import is_apk_read_command
from scanner.device.connection import PhoneConnection
from scanner.device.keys import ephemeral_signer
from scanner.model import CHECKED_IN_PARTS, CHECKED_SIGNING_BLOCK, HASHED_ON_PHONE, ScanResult
from scanner.pipeline import scan_phone
from scanner.sigdb.commands import load_shipped_db
from scanner.sigdb.model import Family, Kind
from scanner.simulator import Profile, SimulatedPhone
from scanner.simulator.apk_builder import build_apk, make_signing_identity
from scanner.sources import SCAN_COMMANDS
from tests.conftest import shared_path

SDK = 33
GETPROP = f"[ro.build.version.sdk]: [{SDK}]\n[ro.build.version.release]: [13]\n"
USER_0 = "User 0: ceDataInode=1 installed=true hidden=false suspended=false stopped=false"


SIDELOADED = "com.google.android.packageinstaller"


def package_block(package: str, code_path: str, app_id: int, installer: str = SIDELOADED) -> str:
    """One app installed by ``installer``, as ``dumpsys package`` prints it on Android 13."""
    return (
        f"  Package [{package}] (f8c51eb):\n"
        f"    appId={app_id}\n"
        f"    pkg=Package{{dfb574a {package}}}\n"
        f"    codePath={code_path}\n"
        f"    versionCode=1 minSdk=21 targetSdk=33\n"
        f"    flags=[ HAS_CODE ALLOW_CLEAR_USER_DATA ]\n"
        f"    firstInstallTime=2026-11-24 23:18:52\n"
        f"    lastUpdateTime=2026-11-24 23:18:52\n"
        f"    installerPackageName={installer}\n"
        f"    pkgFlags=[ HAS_CODE ALLOW_CLEAR_USER_DATA ]\n"
        f"    {USER_0}\n"
    )


def phone_with(
    apks: dict[str, bytes], installer: str = SIDELOADED, getprop: str = GETPROP
) -> tuple[Profile, dict[str, tuple[str, bytes]]]:
    """A phone holding each APK as the app ``com.realapk.aNNN``, sideloaded by default."""
    blocks, by_package = [], {}
    for index, data in enumerate(apks[name] for name in sorted(apks)):
        package = f"com.realapk.a{index:03d}"
        folder = f"/data/app/~~Qk{index:03d}xYz==/{package}-Zm9v{index:03d}_-==="[:-1]
        blocks.append(package_block(package, folder, 10_000 + index, installer))
        by_package[package] = (f"{folder}/base.apk", data)
    dumpsys = "Packages:\n" + "".join(blocks) + "\nQueries:\n  system apps queryable: false\n"
    profile = Profile(
        name="real-apks",
        commands={"dumpsys package": dumpsys.encode(), "getprop": getprop.encode()},
        files=dict(by_package.values()),
    )
    return profile, by_package


def scan(profile: Profile) -> tuple[ScanResult, list[str]]:
    with SimulatedPhone(profile) as phone:
        connection = PhoneConnection.connect_tcp("127.0.0.1", phone.port, ephemeral_signer())
        try:
            result = scan_phone(connection)
        finally:
            connection.close()
        return result, [r.command for r in phone.received if r.service == "shell"]


@pytest.fixture(scope="module")
def real_apks() -> dict[str, bytes]:
    folder: Path = shared_path("real-apks")
    found = {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.apk"))}
    assert len(found) > 300
    return found


def test_every_real_apk_reads_the_same_in_parts_as_whole(real_apks: dict[str, bytes]) -> None:
    profile, by_package = phone_with(real_apks)
    result, shell = scan(profile)
    extra = shell[len(SCAN_COMMANDS) :]
    assert all(is_apk_read_command(command) for command in extra)
    assert result.link["apk_read_rounds"] <= 4
    assert not result.pulls, "no APK should have needed a whole pull"
    checks = {c.package: c for c in result.app_checks}
    for package, (path, data) in by_package.items():
        assert (checks[package].certificate, checks[package].sha256) == (
            CHECKED_IN_PARTS,
            HASHED_ON_PHONE,
        ), package
        whole = facts_from_apk(package, path, data, SDK)
        parts = result.apks[package]
        assert parts.source == SOURCE_PARTS
        assert parts.sha256 == hashlib.sha256(data).hexdigest()
        # Same signer, lineage, other certificates, label, manifest package and problems.
        assert replace(parts, source=whole.source) == whole, package
    moved = result.link["apk_read_bytes"]
    total = sum(len(data) for _, data in by_package.values())
    assert moved < total  # parts, not whole files (the bench measures the share)


def test_every_real_apk_from_a_store_gives_the_signer_a_whole_pull_gives(
    real_apks: dict[str, bytes],
) -> None:
    # Store apps: the certificate only, so on Android 13 the signing block alone where it
    # gives a v2/v3 signer; the rest (v1-only, unsigned, damaged) are read as ever.
    profile, by_package = phone_with(real_apks, installer="com.android.vending")
    result, shell = scan(profile)
    assert all(is_apk_read_command(command) for command in shell[len(SCAN_COMMANDS) :])
    assert result.link["apk_read_rounds"] <= 4
    assert not result.pulls
    checks = {c.package: c for c in result.app_checks}
    block_only = 0
    for package, (path, data) in by_package.items():
        whole = facts_from_apk(package, path, data, SDK)
        parts = result.apks[package]
        signer = ("cert_sha1", "cert_sha256", "signing_scheme", "rotation_certificates")
        assert [getattr(parts, f) for f in signer] == [getattr(whole, f) for f in signer]
        v1_read = checks[package].certificate == CHECKED_IN_PARTS
        if not v1_read:
            assert checks[package].certificate == CHECKED_SIGNING_BLOCK, package
            assert whole.signing_scheme != "v1", package
            block_only += 1
        view = memoryview(data)
        read = read_signers(view, "", len(data), v1=v1_read)
        # Exactly what a whole pull's readers give (v1 left out where it was not read).
        assert parts == facts_from_signers(package, path, "", read, None, SDK, SOURCE_PARTS)
    print(f"{block_only} of {len(by_package)} read from the signing block alone")
    assert block_only >= 100


def test_on_android_6_store_apps_have_their_v1_signature_read_too(
    real_apks: dict[str, bytes],
) -> None:
    # Android 6 checks only v1: the directory and META-INF files are read for every app.
    some = dict(sorted(real_apks.items())[::6])
    android_6 = "[ro.build.version.sdk]: [23]\n[ro.build.version.release]: [6.0.1]\n"
    profile, by_package = phone_with(some, "com.android.vending", android_6)
    result, _ = scan(profile)
    checks = {c.package: c for c in result.app_checks}
    for package, (path, data) in by_package.items():
        assert checks[package].certificate == CHECKED_IN_PARTS, package
        read = read_signers(memoryview(data), "", len(data))
        expected = facts_from_signers(package, path, "", read, None, 23, SOURCE_PARTS)
        assert result.apks[package] == expected, package


@pytest.mark.parametrize("tool", ["dd", "sha256sum"])
def test_a_phone_without_a_tool_gets_whole_pulls_and_says_so(
    real_apks: dict[str, bytes], tool: str
) -> None:
    # A few APKs whose directory is not all in the last 8 KB: dd is needed for them.
    big = dict(sorted(((k, v) for k, v in real_apks.items() if len(v) > 64_000), key=str)[:3])
    profile, by_package = phone_with(big)
    result, _ = scan(replace(profile, missing_tools=frozenset({tool})))
    checks = {c.package: c for c in result.app_checks}
    for package, (path, data) in by_package.items():
        assert checks[package].certificate == "read from the whole file, pulled"
        assert result.apks[package].sha256 == hashlib.sha256(data).hexdigest()
        assert result.apks[package] == facts_from_apk(package, path, data, SDK)
    assert {p.package for p in result.pulls if p.ok} == set(by_package)


def test_a_certificate_match_from_parts_says_where_it_was_read() -> None:
    key, cert = make_signing_identity("Spy Vendor Ltd build key", "Spy Vendor Ltd")
    package = "com.example.renamed"
    path = "/data/app/~~QkxYz==/com.example.renamed-Zm9v_-==/base.apk"
    apk = build_apk(package, label="Wi-Fi Service", key=key, cert=cert)
    family = Family(
        name="TestSpy",
        kind=Kind.STALKERWARE,
        packages=("com.testspy.original",),
        certificates=(cert.fingerprint(hashes.SHA1()).hex().upper(),),  # noqa: S303
        sources=("test",),
    )
    dumpsys = (
        "Packages:\n"
        + package_block(package, path.rsplit("/", 1)[0], 10_001)
        + "\nQueries:\n  system apps queryable: false\n"
    )
    profile = Profile(
        name="renamed",
        commands={"dumpsys package": dumpsys.encode(), "getprop": GETPROP.encode()},
        files={path: apk},
    )
    db = load_shipped_db()
    with SimulatedPhone(profile) as phone:
        connection = PhoneConnection.connect_tcp("127.0.0.1", phone.port, ephemeral_signer())
        try:
            result = scan_phone(connection, signatures=replace(db, families=(*db.families, family)))
        finally:
            connection.close()
    [found] = [f for f in result.findings if f.check == "KNOWN-002"]
    digest = hashlib.sha256(apk).hexdigest()
    assert any(
        e.excerpt == f"read {path} in parts on the phone, sha256 {digest} computed by the phone"
        for e in found.evidence
    ), found.evidence
