"""Every command that mentions an app agrees with ``dumpsys package`` about it."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from scanner.commands import DUMPSYS_ACCOUNT, DUMPSYS_PACKAGE, LAUNCHER_ACTIVITIES
from tests.profiles.helpers import BUILTIN, ProfileText
from tools.fabricate import REMOVED_STALKERWARE

_USER_CODE_PATH = re.compile(
    r"^/data/app/~~[A-Za-z0-9_-]{22}==/(?P<pkg>[\w.]+)-[A-Za-z0-9_-]{22}==$"
)
_SYSTEM_CODE_PATH = re.compile(r"^/(system|system_ext|product|vendor|apex)/\S+$")
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


@pytest.fixture(params=BUILTIN)
def profile(request: pytest.FixtureRequest) -> ProfileText:
    return ProfileText(str(request.param))


def test_package_count_is_that_of_a_real_phone(profile: ProfileText) -> None:
    packages = profile.installed_packages()
    assert 70 <= len(packages) <= 120
    assert not [p for p, n in Counter(packages).items() if n > 1], "duplicate Package blocks"


def test_launcher_apps_are_installed_and_in_the_activity_resolver(profile: ProfileText) -> None:
    installed = set(profile.installed_packages())
    dump = profile.output(DUMPSYS_PACKAGE)
    main_section = dump.split("      android.intent.action.MAIN:\n", 1)[1].split("\n\n", 1)[0]
    for component in profile.output(LAUNCHER_ACTIVITIES).splitlines():
        assert component.split("/")[0] in installed
        assert f" {component}\n" in main_section + "\n", component


def test_enabled_accessibility_services_agree_between_dumpsys_and_settings(
    profile: ProfileText,
) -> None:
    installed = set(profile.installed_packages())
    from_dumpsys = profile.enabled_accessibility_packages()
    from_settings = profile.secure_components("enabled_accessibility_services")
    assert from_dumpsys == from_settings
    assert set(from_dumpsys) <= installed
    bound = re.findall(r"Service\[label=", profile.output("dumpsys accessibility"))
    assert len(bound) == len(from_dumpsys), "every enabled service is bound"


def test_device_admins_are_installed_packages(profile: ProfileText) -> None:
    admins = profile.device_admin_packages()
    assert admins, "every phone here has at least Google's Find My Device admin"
    assert set(admins) <= set(profile.installed_packages())
    receivers = profile.output(DUMPSYS_PACKAGE).split("android.app.action.DEVICE_ADMIN_ENABLED:")[1]
    for package in admins:
        assert f" {package}/" in receivers.split("\n      android.")[0]


def test_notification_listeners_are_installed_and_declare_the_service(
    profile: ProfileText,
) -> None:
    listeners = profile.secure_components("enabled_notification_listeners")
    assert set(listeners) <= set(profile.installed_packages())
    services = profile.output(DUMPSYS_PACKAGE).split(
        "android.service.notification.NotificationListenerService:"
    )[1]
    for package in listeners:
        assert f" {package}/" in services.split("\n      android.")[0]


def test_appops_packages_are_installed_except_the_removed_app(profile: ProfileText) -> None:
    # App-op records can outlive an app: the infected phone keeps them for the spyware
    # that was removed before the scan, and for nothing else that is not installed.
    assert profile.appops_packages()
    leftover = set(profile.appops_packages()) - set(profile.installed_packages())
    assert leftover == ({REMOVED_STALKERWARE} if profile.folder.name == "infected" else set())


def test_every_account_type_has_an_installed_authenticator(profile: ProfileText) -> None:
    installed = set(profile.installed_packages())
    authenticators = profile.authenticator_packages()
    assert set(authenticators) <= installed
    types = set(
        re.findall(r"AuthenticatorDescription \{type=([\w.]+)\}", profile.output(DUMPSYS_ACCOUNT))
    )
    assert {account_type for _, account_type in profile.accounts()} <= types


def test_code_paths_look_like_real_install_locations(profile: ProfileText) -> None:
    for package in profile.installed_packages():
        block = profile.package_block(package)
        code_path = re.search(r"^    codePath=(\S+)$", block, re.M)
        assert code_path is not None
        path = code_path.group(1)
        if path.startswith("/data/"):
            match = _USER_CODE_PATH.match(path)
            assert match is not None, path
            assert match["pkg"] == package
        else:
            assert _SYSTEM_CODE_PATH.match(path), path


def test_uids_and_times_are_well_formed(profile: ProfileText) -> None:
    for package in profile.installed_packages():
        block = profile.package_block(package)
        app_id = re.search(r"^    appId=(\d+)$", block, re.M)
        assert app_id is not None, package
        uid = int(app_id.group(1))
        assert uid in (1000, 1001, 1002, 1027, 1068, 2000) or 10000 <= uid < 20000
        for stamp in re.findall(
            r"(?:timeStamp|firstInstallTime|lastUpdateTime)=(.*)$", block, re.M
        ):
            assert _TIME.match(stamp), (package, stamp)


def test_system_apps_updated_from_the_store_have_a_hidden_system_copy(profile: ProfileText) -> None:
    dump = profile.output(DUMPSYS_PACKAGE)
    hidden = dump.split("\nHidden system packages:\n", 1)[1].split("\n\n", 1)[0]
    hidden_packages = re.findall(r"^  Package \[([^\]]+)\]", hidden, re.M)
    updated = [
        p for p in profile.installed_packages() if "UPDATED_SYSTEM_APP" in profile.package_block(p)
    ]
    assert updated
    assert sorted(updated) == sorted(hidden_packages)
