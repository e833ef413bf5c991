"""Reading a built-in profile folder back, with simple regexes of our own.

The checks here parse the committed text independently of ``scanner/parse`` and of the
generator, so a bug in either cannot hide itself.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

import yaml

from scanner.commands import (
    DUMPSYS_ACCESSIBILITY,
    DUMPSYS_ACCOUNT,
    DUMPSYS_APPOPS,
    DUMPSYS_DEVICE_POLICY,
    DUMPSYS_PACKAGE,
    LAUNCHER_ACTIVITIES,
    SETTINGS_SECURE,
)

REPO: Final = Path(__file__).resolve().parents[2]
PROFILES: Final = REPO / "scanner" / "simulator" / "profiles"
BUILTIN: Final = ("clean", "infected")

_PACKAGE_HEADER = re.compile(r"^  Package \[([^\]]+)\] \([0-9a-f]+\):$", re.M)
_COMPONENT_PACKAGE = re.compile(r"^([A-Za-z][\w.]*)/[\w.$]+$")


class ProfileText:
    """One profile folder: its spec and each command's output as text."""

    def __init__(self, name: str) -> None:
        self.folder = PROFILES / name
        self.spec = yaml.safe_load((self.folder / "profile.yaml").read_text(encoding="utf-8"))

    def output(self, command: str) -> str:
        file_name = str(self.spec["commands"][command])
        return (self.folder / file_name).read_text(encoding="utf-8")

    def packages_section(self) -> str:
        text = self.output(DUMPSYS_PACKAGE)
        start = text.index("\nPackages:\n")
        end = text.find("\n\n", start + 1)
        return text[start:end]

    def installed_packages(self) -> list[str]:
        """Every ``Package [name]`` block of the ``Packages:`` section, in order."""
        return _PACKAGE_HEADER.findall(self.packages_section())

    def package_block(self, package: str) -> str:
        section = self.packages_section()
        start = section.index(f"\n  Package [{package}] (")
        end = section.find("\n  Package [", start + 1)
        return section[start : end if end != -1 else len(section)]

    def launcher_packages(self) -> list[str]:
        lines = self.output(LAUNCHER_ACTIVITIES).splitlines()
        return [_component_package(line) for line in lines]

    def enabled_accessibility_packages(self) -> list[str]:
        match = re.search(
            r"^     Enabled services:\{(.*)\}$", self.output(DUMPSYS_ACCESSIBILITY), re.M
        )
        assert match is not None
        return re.findall(r"\{([\w.]+)/[\w.$]+\}", match.group(1))

    def device_admin_packages(self) -> list[str]:
        text = self.output(DUMPSYS_DEVICE_POLICY)
        admins = text.split("Enabled Device Admins (User 0", 1)[1]
        return re.findall(r"^    ([\w.]+)/[\w.$]+:$", admins, re.M)

    def secure_setting(self, key: str) -> str:
        for line in self.output(SETTINGS_SECURE).splitlines():
            name, _, value = line.partition("=")
            if name == key:
                return value
        return ""

    def secure_components(self, key: str) -> list[str]:
        value = self.secure_setting(key)
        return [_component_package(item) for item in value.split(":")] if value else []

    def appops_packages(self) -> list[str]:
        return re.findall(r"^    Package ([\w.]+):$", self.output(DUMPSYS_APPOPS), re.M)

    def appops_for(self, package: str) -> list[tuple[str, str]]:
        """(op, mode) pairs listed under ``Package <package>:`` in ``dumpsys appops``."""
        text = self.output(DUMPSYS_APPOPS)
        start = text.index(f"\n    Package {package}:\n") + 1
        end = re.compile(r"\n    Package |\n  Uid |\n\n").search(text, start)
        block = text[start : end.start() if end else len(text)]
        return re.findall(r"^      ([A-Z_]+) \((\w+)[ /)]", block, re.M)

    def authenticator_packages(self) -> list[str]:
        return re.findall(r"ComponentInfo\{([\w.]+)/", self.output(DUMPSYS_ACCOUNT))

    def accounts(self) -> list[tuple[str, str]]:
        return re.findall(
            r"^    Account \{name=(.+), type=([\w.]+)\}$", self.output(DUMPSYS_ACCOUNT), re.M
        )


def _component_package(component: str) -> str:
    match = _COMPONENT_PACKAGE.match(component)
    assert match is not None, f"not a component: {component!r}"
    return match.group(1)
