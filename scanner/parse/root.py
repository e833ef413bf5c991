"""Root indicators: ``which su``, known root-manager packages, and build properties.

``which su`` (toybox) prints the path of each ``su`` found on ``PATH`` and nothing when
there is none; an old ``which`` may print ``which: not found`` style text instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from scanner.commands import WHICH_SU
from scanner.model import CollectionWarning, RootIndicators
from scanner.parse.common import Capped, WarningLog, nonblank_lines

ROOT_PACKAGES = frozenset(
    {
        "com.topjohnwu.magisk",
        "io.github.huskydg.magisk",
        "io.github.vvb2060.magisk",
        "me.weishu.kernelsu",
        "me.bmax.apatch",
        "eu.chainfire.supersu",
        "eu.chainfire.supersu.pro",
        "com.noshufou.android.su",
        "com.noshufou.android.su.elite",
        "com.koushikdutta.superuser",
        "com.thirdparty.superuser",
        "com.yellowes.su",
        "me.phh.superuser",
        "com.kingroot.kinguser",
        "com.kingo.root",
        "com.smedialink.oneclickroot",
        "com.zhiqupk.root.global",
        "com.alephzain.framaroot",
    }
)
"""Package names of root managers and one-click rooting apps."""

_NOT_FOUND_MARKERS = ("not found", "no su in")

MAX_SU_PATHS = 100
"""Paths kept from ``which su`` (it prints one per ``PATH`` entry at most)."""


@dataclass(frozen=True, slots=True)
class WhichSuParse:
    """Paths ``which su`` printed, plus warnings."""

    paths: tuple[str, ...] = ()
    warnings: tuple[CollectionWarning, ...] = ()


def parse_which_su(text: str) -> WhichSuParse:
    """Absolute paths from ``which su``; "not found" text means none; never raises."""
    log = WarningLog(WHICH_SU)
    paths: Capped[str] = Capped(MAX_SU_PATHS)
    for number, line in nonblank_lines(text):
        stripped = line.strip()
        if stripped.startswith("/") and " " not in stripped:
            paths.add(stripped)
        elif any(marker in stripped.lower() for marker in _NOT_FOUND_MARKERS):
            continue
        else:
            log.line(number, line)
    paths.report(log, "problems.capped_paths")
    return WhichSuParse(tuple(dict.fromkeys(paths.items)), log.result())


def root_indicators(
    su_paths: Iterable[str],
    package_names: Iterable[str],
    props: Mapping[str, str],
) -> RootIndicators:
    """Combine the three kinds of evidence into ``RootIndicators``."""
    tags = props.get("ro.build.tags", "")
    return RootIndicators(
        su_paths=tuple(su_paths),
        root_packages=tuple(sorted(p for p in set(package_names) if p in ROOT_PACKAGES)),
        test_keys="test-keys" in tags.split(","),
        debuggable_build=props.get("ro.debuggable", "").strip() == "1",
        ro_secure_off=props.get("ro.secure", "").strip() == "0",
    )
