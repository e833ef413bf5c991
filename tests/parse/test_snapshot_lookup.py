"""``DeviceSnapshot.package``: the look-up the checks and reports use for every app."""

from __future__ import annotations

from dataclasses import replace

from scanner.model import DeviceInfo, DeviceSnapshot, Package


def test_an_app_listed_twice_is_found_as_its_first_entry():
    first = Package("com.example.twice", label="First")
    snapshot = DeviceSnapshot(
        DeviceInfo(),
        packages=(
            Package("com.example.other"),
            first,
            Package("com.example.twice", label="Second"),
        ),
    )
    assert snapshot.package("com.example.twice") is first
    assert snapshot.package("com.example.missing") is None


def test_a_changed_copy_finds_its_own_apps_not_those_looked_up_before():
    before = DeviceSnapshot(DeviceInfo(), packages=(Package("com.example.app"),))
    assert before.package("com.example.app") == Package("com.example.app")
    named = Package("com.example.app", label="Named", label_source="apk")
    after = replace(before, packages=(named,))
    assert after.package("com.example.app") is named
    assert before.package("com.example.app") == Package("com.example.app")
    # The look-up's cache is no part of what a snapshot is.
    assert after == DeviceSnapshot(DeviceInfo(), packages=(named,))
    assert "_by_package" not in repr(after)
