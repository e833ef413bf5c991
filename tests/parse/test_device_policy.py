"""dumpsys device_policy: fixtures written from AOSP DevicePolicyManagerService.dump."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.parse.device_policy import parse_dumpsys_device_policy
from tests.parse.helpers import fixture_text


def test_device_owner_is_merged_with_its_admin_entry():
    parsed = parse_dumpsys_device_policy(
        fixture_text("device_policy", "pixel8_a14_device_owner.txt")
    )
    owner, other = parsed.admins
    assert owner.role == "device_owner"
    assert owner.package == "com.example.mdmagent"
    assert owner.user == 0
    assert "wipe-data" in owner.policies and "disable-camera" in owner.policies
    assert "no_factory_reset" not in owner.policies  # user restrictions are not policies
    assert other.role == "admin"
    assert other.policies == ("force-lock", "wipe-data")
    assert parsed.warnings == ()


def test_profile_owner_of_secondary_user():
    parsed = parse_dumpsys_device_policy(fixture_text("device_policy", "a15_profile_owner.txt"))
    (admin,) = parsed.admins
    assert admin.role == "profile_owner"
    assert admin.user == 10
    assert admin.component == "com.example.workprofile/.ProfileAdmin"


def test_android9_header_without_provisioning_state_and_no_admins():
    text = "Current Device Policy Manager state:\n  Enabled Device Admins (User 0):\n\n"
    parsed = parse_dumpsys_device_policy(text)
    assert parsed.admins == ()
    assert parsed.warnings == ()


def test_inline_policies_list_is_accepted():
    text = (
        "Current Device Policy Manager state:\n"
        "  Enabled Device Admins (User 0, provisioningState: 3):\n"
        "    a.b/.Admin:\n"
        "      policies: wipe-data, force-lock\n"
    )
    (admin,) = parse_dumpsys_device_policy(text).admins
    assert admin.policies == ("wipe-data", "force-lock")


def test_owner_without_admin_entry_is_still_listed():
    text = "  Device Owner: \n    admin=ComponentInfo{a.b/a.b.R}\n    User ID: 0\n"
    (admin,) = parse_dumpsys_device_policy(text).admins
    assert admin.role == "device_owner" and admin.package == "a.b"


def test_unrecognised_output_is_a_warning():
    assert parse_dumpsys_device_policy("Permission Denial: can't dump\n").warnings


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text):
    parse_dumpsys_device_policy(text)
    parse_dumpsys_device_policy(
        "  Enabled Device Admins (User 0):\n    a/.B:\n      policies:\n" + text
    )
