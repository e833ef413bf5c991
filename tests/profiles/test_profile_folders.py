"""Each built-in profile folder is complete and loads in the simulator."""

from __future__ import annotations

import re

import pytest

import scanner.simulator.apk_builder  # noqa: F401  (registers the 'apk' file generator)
from scanner.commands import DUMPSYS_PACKAGE, GETPROP, PHONE_CLOCK
from scanner.simulator import load_profile
from scanner.sources import SCAN_COMMANDS as ALL_COMMANDS
from tests.profiles.helpers import BUILTIN, ProfileText

# The simulated phone answers its clock live (this computer's time), so no profile holds it.
SCAN_COMMANDS = tuple(c for c in ALL_COMMANDS if c != PHONE_CLOCK)

_CODE_PATH = re.compile(r"^    codePath=(\S+)$", re.M)
_FLAGS = re.compile(r"^    flags=(\[.*\])$", re.M)
_INSTALLER = re.compile(r"^    installerPackageName=(\S+)$", re.M)


@pytest.mark.parametrize("name", BUILTIN)
def test_profile_names_a_file_for_every_scan_command_and_nothing_else(name: str) -> None:
    profile = ProfileText(name)
    assert set(profile.spec["commands"]) == set(SCAN_COMMANDS)
    for command in SCAN_COMMANDS:
        assert (profile.folder / profile.spec["commands"][command]).is_file(), command


@pytest.mark.parametrize("name", BUILTIN)
def test_every_command_but_which_su_has_output(name: str) -> None:
    profile = ProfileText(name)
    for command in SCAN_COMMANDS:
        if command != "which su":
            assert profile.output(command).strip(), f"{command} is empty"
    assert profile.output("which su") == "", "neither phone is rooted"


@pytest.mark.parametrize("name", BUILTIN)
def test_banner_and_serial_agree_with_getprop(name: str) -> None:
    profile = ProfileText(name)
    props = dict(re.findall(r"^\[([^\]]+)\]: \[(.*)\]$", profile.output(GETPROP), re.M))
    for key, value in profile.spec["banner"].items():
        assert props[key] == value
    assert props["ro.serialno"] == profile.spec["serial"]


@pytest.mark.parametrize("name", BUILTIN)
def test_profile_loads_with_its_generated_apks(name: str) -> None:
    loaded = load_profile(name)
    assert set(SCAN_COMMANDS) <= set(loaded.commands)
    assert loaded.serial == ProfileText(name).spec["serial"]
    for path, data in loaded.files.items():
        assert data.startswith(b"PK\x03\x04"), f"{path} is not an APK (zip)"


@pytest.mark.parametrize("name", BUILTIN)
def test_generated_apks_sit_at_every_non_system_apps_code_path(name: str) -> None:
    # Store apps are served too, so the demo checks the certificate of every app it names.
    profile = ProfileText(name)
    installed = {}
    for package in profile.installed_packages():
        block = profile.package_block(package)
        code_path = _CODE_PATH.search(block)
        assert code_path is not None
        if " SYSTEM " not in _FLAGS.search(block).group(1):  # type: ignore[union-attr]
            installed[f"{code_path.group(1)}/base.apk"] = package
    files = profile.spec["files"] or {}
    assert installed and {path: entry["package"] for path, entry in files.items()} == installed
    for entry in files.values():
        assert entry["generated"] == "apk"
        assert entry["label"]


def test_clean_phone_has_no_sideloaded_apps() -> None:
    profile = ProfileText("clean")
    installers = {
        match.group(1)
        for package in profile.installed_packages()
        if (match := _INSTALLER.search(profile.package_block(package)))
    }
    assert installers <= {"com.android.vending", "com.sec.android.app.samsungapps", "null"}


def test_dumpsys_package_database_sdk_matches_getprop() -> None:
    for name, sdk in (("clean", 34), ("infected", 33)):
        profile = ProfileText(name)
        assert f"[ro.build.version.sdk]: [{sdk}]" in profile.output(GETPROP)
        assert f"    sdkVersion={sdk} databaseVersion=3 " in profile.output(DUMPSYS_PACKAGE)
