"""A scan names sideloaded apps by the label in their APK, as the phone shows them."""

from __future__ import annotations

import pytest

from scanner.device.connection import PhoneConnection
from scanner.device.keys import ephemeral_signer
from scanner.model import ScanResult
from scanner.pipeline import scan_phone
from scanner.simulator import Profile, SimulatedPhone
from scanner.simulator.apk_builder import build_apk

SPY_DIR = "/data/app/~~uI_mz2mXgKyZcqrUE_4mEQ==/com.systemservice-ZdW9JCv3Pj9ye3SApBnAhA=="
DECOY_DIR = "/data/app/~~aB3dEfGhIjKlMnOpQrStUv==/com.example.decoy-Wx1yZ2aB3cD4eF5gH6iJ7k=="


USER_0 = (
    "User 0: ceDataInode=223902 installed=true hidden=false suspended=false "
    "distractionFlags=0 stopped=false notLaunched=false enabled=0 instant=false virtual=false"
)


def package_block(package: str, code_path: str, app_id: int) -> str:
    """One ``Package [...]`` block as Android 13 prints it, for an app installed by hand."""
    return f"""\
  Package [{package}] (f8c51eb):
    appId={app_id}
    pkg=Package{{dfb574a {package}}}
    codePath={code_path}
    resourcePath={code_path}
    versionCode=218 minSdk=21 targetSdk=29
    versionName=2.1.8
    flags=[ HAS_CODE ALLOW_CLEAR_USER_DATA ALLOW_BACKUP ]
    timeStamp=2026-11-24 23:18:52
    firstInstallTime=2026-11-24 23:18:52
    lastUpdateTime=2026-11-24 23:18:52
    installerPackageName=com.google.android.packageinstaller
    pkgFlags=[ HAS_CODE ALLOW_CLEAR_USER_DATA ALLOW_BACKUP ]
    install permissions:
      android.permission.INTERNET: granted=true
      android.permission.BIND_ACCESSIBILITY_SERVICE: granted=true
    {USER_0}
      runtime permissions:
        android.permission.READ_SMS: granted=true, flags=[ USER_SET ]
        android.permission.ACCESS_FINE_LOCATION: granted=true, flags=[ USER_SET ]
"""


DUMPSYS_PACKAGE = (
    "Packages:\n"
    + package_block("com.systemservice", SPY_DIR, 10181)
    + package_block("com.example.decoy", DECOY_DIR, 10182)
    # A full dump always goes on after the package list; one that stops inside it was cut.
    + "\nQueries:\n  system apps queryable: false\n"
)


@pytest.fixture(scope="module")
def result() -> ScanResult:
    profile = Profile(
        name="labels",
        commands={"dumpsys package": DUMPSYS_PACKAGE.encode()},
        files={
            f"{SPY_DIR}/base.apk": build_apk("com.systemservice", label="System Service"),
            # An APK that declares some other package must not rename the decoy.
            f"{DECOY_DIR}/base.apk": build_apk("com.other.app", label="Misleading Name"),
        },
    )
    with SimulatedPhone(profile) as phone:
        connection = PhoneConnection.connect_tcp("127.0.0.1", phone.port, ephemeral_signer())
        try:
            return scan_phone(connection)
        finally:
            connection.close()


def test_sideloaded_app_gets_the_label_from_its_apk(result):
    checked = {c.package for c in result.app_checks if c.certificate}
    assert checked == {"com.systemservice", "com.example.decoy"}
    spy = result.snapshot.package("com.systemservice")
    assert spy is not None
    assert spy.label == "System Service"


def test_apk_declaring_another_package_does_not_rename_the_app(result):
    decoy = result.snapshot.package("com.example.decoy")
    assert decoy is not None
    assert decoy.label is None


def test_findings_about_the_app_name_it_by_its_label(result):
    titles = [f.title for f in result.findings if f.package == "com.systemservice"]
    assert titles, "expected at least one finding about the sideloaded app"
    assert any("System Service (com.systemservice)" in title for title in titles), titles
