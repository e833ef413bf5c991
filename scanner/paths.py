"""Where the scanner keeps what it must keep: the native place on each operating system.

Linux (and other Unix): ``$XDG_CONFIG_HOME/phone-check`` (``~/.config/phone-check``) and
``$XDG_DATA_HOME/phone-check`` (``~/.local/share/phone-check``), as before. macOS:
``~/Library/Application Support/phone-check``. Windows: ``%LOCALAPPDATA%\\phone-check``
(never the roaming profile, so keys and databases do not follow the user to other PCs).
"""

from __future__ import annotations

import sys
from pathlib import Path

from platformdirs.api import PlatformDirsABC
from platformdirs.macos import MacOS
from platformdirs.unix import Unix
from platformdirs.windows import Windows

from scanner import TOOL_NAME


def dirs_class(platform: str) -> type[PlatformDirsABC]:
    """The platformdirs rules for ``platform`` (a ``sys.platform`` value)."""
    if platform == "win32":
        return Windows
    if platform == "darwin":
        return MacOS
    return Unix


def _dirs(platform: str | None) -> PlatformDirsABC:
    return dirs_class(platform or sys.platform)(appname=TOOL_NAME, appauthor=False, roaming=False)


def config_dir(platform: str | None = None) -> Path:
    """The scanner's own settings folder (its ADB key)."""
    return Path(_dirs(platform).user_config_dir)


def data_dir(platform: str | None = None) -> Path:
    """The scanner's own data folder (an installed database, trusted keys)."""
    return Path(_dirs(platform).user_data_dir)


def cache_dir(platform: str | None = None) -> Path:
    """The scanner's cache folder. Nothing is cached today; ``forget`` still clears it."""
    return Path(_dirs(platform).user_cache_dir)


def kept_dirs(platform: str | None = None) -> tuple[Path, ...]:
    """Every folder the scanner keeps things in, each once (on macOS and Windows the
    settings and data folders are one)."""
    found: list[Path] = []
    for folder in (config_dir(platform), data_dir(platform), cache_dir(platform)):
        if folder not in found:
            found.append(folder)
    return tuple(found)
