"""The data the scanner reads at run time, shipped inside the installed packages.

``guidance/`` and ``signatures/`` sit at the top of the project (where people look for
the words and the database) and are installed as packages of their own, so a wheel, a
``pipx install`` and a checkout all read them the same way: through
``importlib.resources``, never through a path worked out from ``__file__``.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Final

UDEV_RULE_NAME: Final = "51-android-phone-check.rules"


def _package(name: str) -> Traversable:
    """The installed data package ``name``; a folder that does not exist when the package
    is missing, so readers fail with their own plain message instead of an ImportError."""
    try:
        return files(name)
    except ModuleNotFoundError:
        return Path(f"<the {name} package is not installed>")


def guidance_root() -> Traversable:
    """The installed ``guidance`` package: texts per language, helplines, the udev rule."""
    return _package("guidance")


def signatures_root() -> Traversable:
    """The installed ``signatures`` package: the shipped database and its manifest."""
    return _package("signatures")


def udev_rule() -> Traversable:
    """The shipped udev rule (matches the ADB interface, not a list of makers)."""
    return guidance_root() / "udev" / UDEV_RULE_NAME


def on_disk(resource: Traversable) -> Path | None:
    """The resource as a file path a person can copy, where the install has one.

    Installs by pip, pipx or from a checkout are plain folders; only a zipped install
    has no path, and then callers print the text instead.
    """
    return resource if isinstance(resource, Path) else None
