"""The package and label alone (``read_app_identity``, used to name store apps) on every real
APK in ../shared/real-apks: the same as the whole manifest reader gives, and the same as
``aapt dump badging`` prints where aapt reads the file.

The whole reader's agreement with aapt, file by file with its known differences, is in
``test_real_apks.py``; here aapt runs alone (no apksigner), in two threads: a few seconds.
"""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from scanner.apk.manifest import read_app_identity, read_manifest
from tests.apk.real_tools import Badging, Tools, badging
from tests.conftest import shared_path


@pytest.fixture(scope="module")
def real_apks() -> dict[str, Path]:
    folder: Path = shared_path("real-apks")
    found = {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*.apk"))}
    assert len(found) > 300
    return found


def test_package_and_label_are_read_manifests_on_every_real_apk(
    real_apks: dict[str, Path],
) -> None:
    differ = {}
    for name, path in real_apks.items():
        data = path.read_bytes()
        identity, whole = read_app_identity(data), read_manifest(data)
        if (identity.package, identity.label) != (whole.package, whole.label):
            differ[name] = (identity, whole)
        assert not any("unexpectedly" in p for p in identity.problems), name
        assert not identity.problems or whole.problems, name
    assert not differ


def test_package_and_label_are_aapts_where_aapt_reads_the_apk(
    real_apks: dict[str, Path],
) -> None:
    aapt = shutil.which("aapt")
    if aapt is None:
        pytest.skip("aapt is not installed (Debian: apt-get install aapt)")
    tools = Tools(apksigner="", aapt=aapt)
    with ThreadPoolExecutor(max_workers=2) as pool:
        found = pool.map(lambda p: badging(tools, str(p)), real_apks.values())
        said: dict[str, Badging] = dict(zip(real_apks, found, strict=True))
    compared = labels = 0
    for name, path in real_apks.items():
        if said[name].package is None:
            continue  # aapt refused the file: nothing to compare (test_real_apks says why)
        identity = read_app_identity(path.read_bytes())
        assert (identity.package, identity.label) == (said[name].package, said[name].label), name
        compared += 1
        labels += said[name].label is not None
    print(f"\n{compared} of {len(real_apks)} real APKs compared with aapt, {labels} with a label")
    assert compared >= len(real_apks) * 9 // 10
    assert labels >= 5
