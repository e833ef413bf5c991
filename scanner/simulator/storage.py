"""What the unprivileged shell user can see of installed apps: ``pm path`` and ``ls``.

Package locations come from the profile's own ``dumpsys package`` capture (``codePath=``
and ``splits=``), so ``pm path`` agrees with the dump the scanner reads; the profile's
``files`` add the folders and files they name. Everything else answers as missing.

What the shell user (uid 2000) may list follows Android's modes: ``/data`` and the
folders leading to an app's code (``/data/app``, ``/data/app/~~…``) are ``drwxrwx--x``
system, so they can be passed through but not listed; an app's private data
(``/data/data/<pkg>``, ``/data/user/0/<pkg>``) is closed to it altogether. (The
``~~…`` folder is 0771 in recent installers; some releases made it 0775, listable.)
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Final

from scanner.simulator.answer import ShellAnswer, not_modelled

_PACKAGE_HEADER: Final = re.compile(r"^\s+Package \[(?P<name>[^\]]+)\]")
_SPLITS: Final = re.compile(r"^\s+splits=\[(?P<names>[^\]]*)\]")

DATA_PARENTS: Final = ("/data/data", "/data/user/0", "/data/user_de/0")
"""Where each app's private folder lives: ``<parent>/<package>``, mode 0700 to the app."""

CLOSED_DIRS: Final = frozenset(
    {"/data", "/data/app", "/data/data", "/data/user", "/data/user_de", "/data/system"}
)
"""Folders the shell user may pass through but not list (``ls`` says Permission denied)."""


@dataclass(frozen=True, slots=True)
class InstalledPackage:
    """One package's code as ``dumpsys package`` names it."""

    name: str
    code_path: str
    splits: tuple[str, ...] = ()
    """Split names other than ``base`` (``config.arm64_v8a``, …)."""

    @property
    def apk_paths(self) -> tuple[str, ...]:
        """``applicationInfo.sourceDir`` then each split's path, as ``pm path`` lists them."""
        if self.code_path.endswith(".apk"):
            return (self.code_path,)  # a single-file package (framework-res, old layouts)
        if self.code_path.startswith("/data/"):
            base = f"{self.code_path}/base.apk"
        else:
            # System apps keep the APK named after their folder (/system/app/X/X.apk).
            base = f"{self.code_path}/{posixpath.basename(self.code_path)}.apk"
        return (base, *(f"{self.code_path}/split_{name}.apk" for name in self.splits))


@lru_cache(maxsize=8)
def installed_packages(dump: bytes) -> Mapping[str, InstalledPackage]:
    """Packages of a ``dumpsys package`` output, by name; the first block of each wins.

    The first block is the one under ``Packages:``; ``Hidden system packages:`` repeats
    an updated system app with its factory path, which ``pm path`` does not report.
    """
    found: dict[str, InstalledPackage] = {}
    name: str | None = None
    code_path = ""
    splits: tuple[str, ...] = ()

    def keep() -> None:
        if name is not None and code_path and name not in found:
            found[name] = InstalledPackage(name, code_path, splits)

    for line in dump.decode("utf-8", errors="replace").splitlines():
        header = _PACKAGE_HEADER.match(line)
        if header is not None or (line and not line[0].isspace()):
            keep()
            name = header["name"] if header is not None else None
            code_path, splits = "", ()
            continue
        if name is None:
            continue
        text = line.strip()
        if text.startswith("codePath=") and not code_path:
            code_path = text.removeprefix("codePath=").rstrip("/")
        elif (match := _SPLITS.match(line)) is not None:
            splits = tuple(
                part.strip()
                for part in match["names"].split(",")
                if part.strip() not in ("", "base")
            )
    keep()
    return MappingProxyType(found)  # cached and shared: read-only


def pm_path(dump: bytes, arguments: list[str]) -> ShellAnswer:
    """``pm path [--user N] PKG``: one ``package:`` line per APK, or exit 1 when not installed."""
    if len(arguments) == 3 and arguments[0] == "--user":
        arguments = arguments[2:]  # one user is modelled: every package is theirs
    if len(arguments) != 1:
        return not_modelled(f"pm path with arguments {' '.join(arguments)!r}")
    package = installed_packages(dump).get(arguments[0])
    if package is None:
        # PackageManagerShellCommand prints nothing and returns 1.
        return ShellAnswer(status=1)
    return ShellAnswer(stdout="".join(f"package:{p}\n" for p in package.apk_paths).encode())


class _Tree:
    """The files a profile knows of (its pulled files and every package's APKs)."""

    def __init__(self, files: Mapping[str, bytes], dump: bytes) -> None:
        self.packages = installed_packages(dump)
        paths = set(files)
        for package in self.packages.values():
            paths.update(package.apk_paths)
        self.files = frozenset(paths)
        self.children: dict[str, set[str]] = {}
        for path in paths:
            child = path
            while child != "/":
                parent = posixpath.dirname(child)
                self.children.setdefault(parent, set()).add(posixpath.basename(child))
                child = parent

    def closed(self, path: str) -> bool:
        """True when the shell user cannot list ``path`` (its mode or an app's privacy)."""
        if path in CLOSED_DIRS or re.fullmatch(r"/data/app/~~[^/]+", path):
            return True
        for parent in DATA_PARENTS:
            if path.startswith(parent + "/"):
                package = path.removeprefix(parent + "/").split("/", 1)[0]
                if package in self.packages:
                    return True  # the app's own folder, or anything inside it
        return False


def ls(files: Mapping[str, bytes], dump: bytes, arguments: list[str]) -> ShellAnswer:
    """toybox ``ls [-1] [PATH]`` as the shell user, output not a terminal: one name a line."""
    paths = [a for a in arguments if a != "-1"]
    options = [a for a in paths if a.startswith("-") and a != "-"]
    if options:
        return not_modelled(f"ls option {options[0]}")
    if len(paths) > 1:
        return not_modelled("ls of more than one path")
    given = paths[0] if paths else "/"  # adbd starts the shell in /
    path = posixpath.normpath(given) if given.startswith("/") else posixpath.join("/", given)
    path = "/" + path.lstrip("/")
    tree = _Tree(files, dump)
    if tree.closed(path):
        return _ls_error(given, "Permission denied")
    if path in tree.files:
        return ShellAnswer(stdout=f"{given}\n".encode())
    names = tree.children.get(path)
    if names is None:
        return _ls_error(given, "No such file or directory")
    return ShellAnswer(stdout="".join(f"{name}\n" for name in sorted(names)).encode())


def _ls_error(given: str, reason: str) -> ShellAnswer:
    # toybox prefixes its name and the path, and exits 1.
    return ShellAnswer(stderr=f"ls: {given}: {reason}\n".encode(), status=1)
