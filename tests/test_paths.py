"""Config and data folders: the native place on each system, the Linux paths unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from platformdirs.macos import MacOS
from platformdirs.unix import Unix
from platformdirs.windows import Windows

from scanner import paths


@pytest.mark.parametrize(
    ("platform", "rules"),
    [("linux", Unix), ("darwin", MacOS), ("win32", Windows), ("freebsd14", Unix)],
)
def test_each_system_gets_its_own_rules(platform: str, rules: type) -> None:
    assert paths.dirs_class(platform) is rules


def test_linux_paths_follow_xdg_as_before(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "c"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "d"))

    assert paths.config_dir("linux") == tmp_path / "c" / "phone-check"
    assert paths.data_dir("linux") == tmp_path / "d" / "phone-check"


def test_linux_defaults_without_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))

    assert paths.config_dir("linux") == tmp_path / ".config" / "phone-check"
    assert paths.data_dir("linux") == tmp_path / ".local" / "share" / "phone-check"


def test_macos_uses_application_support(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))

    expected = tmp_path / "Library" / "Application Support" / "phone-check"
    assert paths.config_dir("darwin") == expected
    assert paths.data_dir("darwin") == expected
