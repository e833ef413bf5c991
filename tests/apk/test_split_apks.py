"""Split APKs (``split_<name>.apk`` beside ``base.apk``, named by ``splits=`` in
``dumpsys package``): each is read in parts in the same rounds as the base, its signer
compared with base.apk's, and hashed on the phone when the app is from outside a store.
The simulated phone serves real APKs from ../shared/real-apks as the files; the reference
is the full-file reader and hashlib over the same bytes, and apksigner for the signers."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from scanner.apks import UNSAFE_PATH, facts_from_apk
from scanner.device.apk_commands import is_apk_read_command
from scanner.model import CHECKED_IN_PARTS, CHECKED_SIGNING_BLOCK, HASHED_ON_PHONE, ScanResult
from scanner.simulator import Profile
from tests.apk.test_parts_read_on_the_phone import GETPROP, SDK, USER_0, scan
from tests.conftest import shared_path

APKSIGNER = "/usr/bin/apksigner"
FOLDER = "/data/app/~~SpLt01xYz==/com.split.app-Zm9vYmFy=="
BASE = f"{FOLDER}/base.apk"
SAME = f"{FOLDER}/split_config.en.apk"  # signed with base.apk's key
OTHER = f"{FOLDER}/split_config.xxhdpi.apk"  # another app's key
GONE = f"{FOLDER}/split_config.arm64_v8a.apk"  # listed, not on the phone


def block(package: str, folder: str, splits: str, installer: str) -> str:
    return (
        f"  Package [{package}] (f8c51eb):\n"
        f"    appId=10400\n"
        f"    codePath={folder}\n"
        f"    versionCode=1 minSdk=21 targetSdk=33\n"
        f"    splits=[{splits}]\n"
        f"    flags=[ HAS_CODE ALLOW_CLEAR_USER_DATA ]\n"
        f"    installerPackageName={installer}\n"
        f"    pkgFlags=[ HAS_CODE ALLOW_CLEAR_USER_DATA ]\n"
        f"    {USER_0}\n"
    )


@pytest.fixture(scope="module")
def real() -> dict[str, bytes]:
    folder: Path = shared_path("real-apks")
    names = {
        BASE: "apksig/golden-aligned-out.apk",
        SAME: "apksig/golden-aligned-v1v2v3-out.apk",
        OTHER: "androguard/TC-debug.apk",
    }
    return {path: (folder / name).read_bytes() for path, name in names.items()}


def scanned(
    real: dict[str, bytes], splits: str, installer: str = "com.google.android.packageinstaller"
) -> tuple[ScanResult, list[str]]:
    dumpsys = (
        "Packages:\n"
        + block("com.split.app", FOLDER, splits, installer)
        + "\nQueries:\n  system apps queryable: false\n"
    )
    profile = Profile(
        name="splits",
        commands={"dumpsys package": dumpsys.encode(), "getprop": GETPROP.encode()},
        files=real,
    )
    return scan(profile)


def test_splits_are_hashed_on_the_phone_and_their_signer_compared_with_base(
    real: dict[str, bytes],
) -> None:
    result, shell = scanned(real, "base, config.en, config.xxhdpi, config.arm64_v8a")
    assert result.link["apk_read_rounds"] <= 4
    assert all(is_apk_read_command(c) for c in shell if c.startswith("echo @"))
    # Every split was asked for in the same batched reads (hash included).
    sent = " ".join(shell)
    for path in (SAME, OTHER, GONE):
        assert "sha256sum" in sent and f"'{path}'" in sent
    (check,) = result.app_checks
    assert (check.certificate, check.sha256) == (CHECKED_IN_PARTS, HASHED_ON_PHONE)
    # The base is still read exactly as the full reader reads it.
    assert result.apks["com.split.app"].sha256 == hashlib.sha256(real[BASE]).hexdigest()
    whole = {p: facts_from_apk("com.split.app", p, data, SDK) for p, data in real.items()}
    assert whole[SAME].cert_sha256 == whole[BASE].cert_sha256
    assert whole[OTHER].cert_sha256 != whole[BASE].cert_sha256
    assert "4 split APKs" not in check.splits and check.splits.startswith("3 split APKs")
    assert "signed by the same certificate as base.apk: split_config.en.apk" in check.splits
    assert "different certificate from base.apk" in check.splits
    assert "split_config.xxhdpi.apk" in check.splits.split("different certificate")[1]
    assert "certificate not checked: split_config.arm64_v8a.apk: " in check.splits
    assert "2 of 3 hashed on the phone" in check.splits
    # The phone's hashes of the splits are those of the bytes served, and feed matching.
    assert set(result.apks["com.split.app"].split_sha256) == {
        hashlib.sha256(real[SAME]).hexdigest(),
        hashlib.sha256(real[OTHER]).hexdigest(),
    }
    assert not result.pulls


@pytest.mark.skipif(not Path(APKSIGNER).exists(), reason="apksigner is not installed")
def test_apksigner_agrees_which_split_shares_the_base_signer(
    real: dict[str, bytes], tmp_path: Path
) -> None:
    def signer_digest(data: bytes) -> str:
        path = tmp_path / "a.apk"
        path.write_bytes(data)
        out = subprocess.run(
            [APKSIGNER, "verify", "--print-certs", str(path)],
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
        return next(line for line in out.splitlines() if "SHA-256 digest" in line).split()[-1]

    base = signer_digest(real[BASE])
    assert signer_digest(real[SAME]) == base
    assert signer_digest(real[OTHER]) != base
    whole = facts_from_apk("x", BASE, real[BASE], SDK)
    assert tuple(d.lower() for d in whole.cert_sha256) == (base.lower(),)


def test_a_split_name_that_is_not_a_plain_file_name_is_never_sent(
    real: dict[str, bytes],
) -> None:
    result, shell = scanned(real, "base, config.en;reboot, ../../x")
    assert not any("reboot" in c or "/../" in c for c in shell)
    (check,) = result.app_checks
    assert check.certificate == CHECKED_IN_PARTS
    why = UNSAFE_PATH.removeprefix("not checked: ")
    assert check.splits.count(why) == 2


def test_a_store_apps_splits_are_not_read_and_its_record_says_so(
    real: dict[str, bytes],
) -> None:
    result, shell = scanned(real, "base, config.en, config.xxhdpi", "com.android.vending")
    assert not any("split_" in command for command in shell)
    (check,) = result.app_checks
    assert check.certificate == CHECKED_SIGNING_BLOCK  # v2-signed, on Android 13
    assert check.splits == "2 split APKs: not checked (an app from a store; only base.apk is read)"
