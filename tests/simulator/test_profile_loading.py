"""Profile folders: loading, defaults, and the errors a profile author sees."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from scanner.errors import ScannerError
from scanner.simulator import Profile, load_profile

from .conftest import GETPROP


def _write_profile(folder: Path, yaml_text: str, files: Mapping[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "profile.yaml").write_text(yaml_text, encoding="utf-8")
    for relative, content in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return folder


PROFILE_YAML = """\
name: infected
description: "A phone with a stalkerware app"
serial: SIMINFECTED01
auth: refuse
auth_delay_s: 0.5
commands:
  getprop: getprop.txt
  "dumpsys package": dumpsys_package.txt
files:
  /data/app/~~Xq==/com.example-1Q==/base.apk: apks/com.example.apk
"""


def test_profile_folder_loads_commands_and_files_as_bytes(tmp_path: Path) -> None:
    folder = _write_profile(
        tmp_path / "infected",
        PROFILE_YAML,
        {
            "getprop.txt": GETPROP,
            "dumpsys_package.txt": b"Packages:\r\n",
            "apks/com.example.apk": b"PK\x03\x04apk",
        },
    )
    profile = load_profile(folder)
    assert (profile.name, profile.serial, profile.auth, profile.auth_delay_s) == (
        "infected",
        "SIMINFECTED01",
        "refuse",
        0.5,
    )
    assert profile.commands == {"getprop": GETPROP, "dumpsys package": b"Packages:\r\n"}
    assert profile.files == {"/data/app/~~Xq==/com.example-1Q==/base.apk": b"PK\x03\x04apk"}


def test_banner_comes_from_getprop_when_not_given(tmp_path: Path) -> None:
    folder = _write_profile(tmp_path / "p", "commands: {getprop: g.txt}\n", {"g.txt": GETPROP})
    profile = load_profile(str(folder))
    assert profile.banner_properties() == {
        "ro.product.name": "panther",
        "ro.product.model": "Pixel 7",
        "ro.product.device": "panther",
    }
    assert (profile.name, profile.auth) == ("p", "accept")


def test_explicit_banner_wins_over_getprop() -> None:
    profile = Profile(
        name="x", banner={"ro.product.model": "Galaxy"}, commands={"getprop": GETPROP}
    )
    assert profile.banner_properties()["ro.product.model"] == "Galaxy"
    assert profile.banner_properties()["ro.product.device"] == "panther"


def test_missing_profile_name_is_a_clear_error() -> None:
    with pytest.raises(ScannerError, match="no simulator profile called 'no-such-phone'"):
        load_profile("no-such-phone")


def test_bad_yaml_is_a_clear_error(tmp_path: Path) -> None:
    folder = _write_profile(tmp_path / "bad", "commands: [unclosed\n", {})
    with pytest.raises(ScannerError, match="could not be read"):
        load_profile(folder)


def test_missing_referenced_file_names_the_file(tmp_path: Path) -> None:
    folder = _write_profile(tmp_path / "p", "commands: {getprop: missing.txt}\n", {})
    with pytest.raises(ScannerError, match=r"missing: missing\.txt"):
        load_profile(folder)


def test_file_outside_the_profile_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_bytes(b"x")
    folder = _write_profile(tmp_path / "p", "commands: {getprop: ../secret.txt}\n", {})
    with pytest.raises(ScannerError) as caught:
        load_profile(folder)
    assert "outside the folder" in caught.value.detail


def test_unknown_auth_mode_is_refused(tmp_path: Path) -> None:
    folder = _write_profile(tmp_path / "p", "auth: maybe\n", {})
    with pytest.raises(ScannerError) as caught:
        load_profile(folder)
    assert "auth" in caught.value.detail


def test_generated_files_use_the_given_generator(tmp_path: Path) -> None:
    yaml_text = "files:\n  /data/app/a/base.apk: {generated: apk, package: com.a}\n"
    folder = _write_profile(tmp_path / "p", yaml_text, {})

    def build(options: Mapping[str, object]) -> bytes:
        return f"APK for {options['package']}".encode()

    profile = load_profile(folder, generators={"apk": build})
    assert profile.files == {"/data/app/a/base.apk": b"APK for com.a"}


def test_unknown_generated_kind_is_a_clear_error(tmp_path: Path) -> None:
    folder = _write_profile(tmp_path / "p", "files:\n  /x: {generated: nope}\n", {})
    with pytest.raises(ScannerError, match="unknown kind 'nope'"):
        load_profile(folder, generators={})


def test_profile_built_in_code_is_read_only() -> None:
    commands = {"id": b"uid=2000\n"}
    profile = Profile(name="x", commands=commands)
    commands["id"] = b"changed"
    assert profile.commands["id"] == b"uid=2000\n"
    with pytest.raises(TypeError):
        profile.commands["id"] = b"x"  # type: ignore[index]


def test_relative_device_path_is_rejected() -> None:
    with pytest.raises(ValueError, match="absolute"):
        Profile(name="x", files={"sdcard/a": b""})


def test_generated_apk_kind_is_found_without_registration(tmp_path: Path) -> None:
    pytest.importorskip("scanner.simulator.apk_builder", reason="apk_builder not written yet")
    yaml_text = "files:\n  /data/app/a/base.apk: {generated: apk, package: com.a}\n"
    profile = load_profile(_write_profile(tmp_path / "p", yaml_text, {}))
    assert profile.files["/data/app/a/base.apk"].startswith(b"PK\x03\x04")


def test_generator_rejecting_its_options_is_a_clear_error(tmp_path: Path) -> None:
    folder = _write_profile(tmp_path / "p", "files:\n  /x: {generated: k, size: -1}\n", {})

    def build(options: Mapping[str, object]) -> bytes:
        raise ValueError("size must not be negative")

    with pytest.raises(ScannerError) as caught:
        load_profile(folder, generators={"k": build})
    assert "size must not be negative" in caught.value.detail
