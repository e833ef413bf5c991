"""Fuzz targets: every function that reads bytes the scanner does not control.

Each target takes arbitrary bytes and either returns or raises one of ``ALLOWED`` (our own
error types). Anything else is a bug. The same targets serve the CI property tests
(``tests/fuzz/``) and the long campaign (``fuzz/campaign.py``).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

from scanner.casefile.crypto import open_sealed
from scanner.errors import ScannerError
from scanner.model import CommandResult, RawCapture
from scanner.parse import (
    device_info,
    notification_listeners,
    parse_dumpsys_accessibility,
    parse_dumpsys_account,
    parse_dumpsys_appops,
    parse_dumpsys_device_policy,
    parse_dumpsys_package,
    parse_getprop,
    parse_launcher_activities,
    parse_settings_list,
    parse_which_su,
    safety_settings,
)
from scanner.parse.snapshot import build_snapshot
from scanner.sigdb import build, echap, stix2, verify
from scanner.sigdb.model import Family, Kind
from scanner.sigdb.schema import parse_db
from scanner.simulator.profile import BUILTIN_PROFILES_DIR
from scanner.sources import SCAN_COMMANDS

Target = Callable[[bytes], object]

ALLOWED: Final = (ScannerError,)
"""What a target may raise: our own errors (``ParseError``, ``Malformed``...)."""

_FAMILIES: Final = (
    Family(name="EvilSpy", kind=Kind.STALKERWARE, packages=("com.evil.spy",)),
    Family(name="Watcher", kind=Kind.DUAL_USE, names=("Watch Pro",)),
)


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _settings(data: bytes) -> object:
    text = _text(data)
    half = len(text) // 2
    glob = parse_settings_list(text[:half])
    secure = parse_settings_list(text[half:], "secure")
    return notification_listeners(safety_settings(glob.values, secure.values))


def _getprop(data: bytes) -> object:
    return device_info(parse_getprop(_text(data)).props)


def _snapshot(data: bytes) -> object:
    """One capture: the bytes cut into one output per command (separator: NUL)."""
    parts = data.split(b"\0")
    results = tuple(
        CommandResult(command, parts[i] if i < len(parts) else None)
        for i, command in enumerate(SCAN_COMMANDS)
    )
    return build_snapshot(RawCapture(results))


_BUNDLE_DIRS: list[Path] = []


def _bundle_dir() -> Path:
    if not _BUNDLE_DIRS:
        folder = Path(tempfile.mkdtemp(prefix="phone-check-fuzz-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _BUNDLE_DIRS.append(folder)
    return _BUNDLE_DIRS[0]


def _bundle(data: bytes) -> object:
    # verify_bundle reads a path (it names the file in its messages).
    folder = _bundle_dir()
    path = folder / "input.bundle"
    path.write_bytes(data)
    return verify.verify_bundle(path, allow_unsigned=True, keys_dir=folder / "keys")


def _case_file(data: bytes) -> object:
    return open_sealed(data, "a passphrase", "fuzz.case")


PARSERS: Final[Mapping[str, Target]] = {
    "getprop": _getprop,
    "dumpsys package": lambda d: parse_dumpsys_package(_text(d)),
    "launcher activities": lambda d: parse_launcher_activities(_text(d)),
    "dumpsys accessibility": lambda d: parse_dumpsys_accessibility(_text(d)),
    "dumpsys device_policy": lambda d: parse_dumpsys_device_policy(_text(d)),
    "dumpsys account": lambda d: parse_dumpsys_account(_text(d)),
    "dumpsys appops": lambda d: parse_dumpsys_appops(_text(d)),
    "settings list": _settings,
    "which su": lambda d: parse_which_su(_text(d)),
    "build_snapshot": _snapshot,
}
"""Parsers of phone output: these must never raise at all."""

IMPORTERS: Final[Mapping[str, Target]] = {
    "our schema": lambda d: parse_db(d, "fuzz.yaml"),
    "echap ioc.yaml": lambda d: echap.parse_indicators_yaml(d, "ioc.yaml", "fuzz"),
    "echap samples.csv": lambda d: echap.parse_samples_csv(d, "samples.csv", "fuzz", _FAMILIES),
    "stix2": lambda d: stix2.parse_stix2(d, "fuzz.json", "fuzz"),
    "capabilities": lambda d: build.parse_capabilities(d, "capabilities.yaml"),
    "echap folder": lambda d: build.echap_families({"ioc.yaml": d}, "master"),
    "signed bundle": _bundle,
    "case file": _case_file,
}
"""Readers of files: these may refuse with our own errors, nothing else."""

TARGETS: Final[Mapping[str, Target]] = {**PARSERS, **IMPORTERS}


REPEATED_HEADERS: Final[Mapping[str, bytes]] = {
    "getprop": b"[ro.product.model]: [open value\n",
    "dumpsys package": b"Packages:\n  Package [com.example.a] (1f):\n    User 0: installed=true\n",
    "launcher activities": b"com.example.a/.Main\n",
    "dumpsys accessibility": b"User state[\n  enabled services: {\n    0 : com.example.a/.Svc\n",
    "dumpsys device_policy": (
        b"Device Owner:\n  Enabled Device Admins (User 0, provisioningState: 0):\n"
        b"    com.example.a/.Admin:\n      policies:\n        wipe-data\n"
    ),
    "dumpsys account": (
        b"User UserInfo{0:Owner:c13}:\n  Accounts: 1\n    Account {name=a, type=b}\n"
    ),
    "dumpsys appops": (
        b"  Uid u0a1:\n    Package com.example.a:\n      SYSTEM_ALERT_WINDOW (allow):\n"
    ),
    "settings list": b"enabled_accessibility_services=com.example.a/.Svc\n",
    "which su": b"/system/xbin/su\n",
}
"""A parser's own header or entry, repeated: the shape that makes a parser keep state."""


def hostile_shapes(name: str, size: int) -> dict[str, bytes]:
    """Outputs of about ``size`` bytes that once made parsers slow or memory hungry."""
    header = REPEATED_HEADERS.get(name, b"Packages:\n")
    return {
        "blank lines": b"\n" * size,
        "one giant line": b"x" * (size - 1) + b"\n",
        "many tiny lines": b"ab\n" * (size // 3),
        "repeated headers": header * (size // len(header)),
        "blank lines with spaces": b"   \r\n" * (size // 5),
    }


MIX_PARTS: Final = (
    ("blank lines", 3),
    ("one giant line", 3),
    ("many tiny lines", 1),
    ("repeated headers", 1),
)
"""Eighths of a ``hostile_mix``: the cheap-to-build shapes get more of the bytes."""


def hostile_mix(name: str, size: int) -> bytes:
    """Every hostile shape in one output of about ``size`` bytes (see ``MIX_PARTS``)."""
    return b"".join(
        hostile_shapes(name, size * eighths // 8)[shape] for shape, eighths in MIX_PARTS
    )


def seeds() -> dict[str, list[bytes]]:
    """Real inputs per target to mutate: the built-in profiles' captures and our formats,
    plus the hostile shapes (small copies: mutation keeps their structure)."""
    captures: dict[str, list[bytes]] = {name: [] for name in TARGETS}
    for name in PARSERS:
        captures[name].extend(hostile_shapes(name, 16 * 1024).values())
    files = {
        "getprop": "getprop.txt",
        "dumpsys package": "dumpsys_package.txt",
        "launcher activities": "launcher_activities.txt",
        "dumpsys accessibility": "dumpsys_accessibility.txt",
        "dumpsys device_policy": "dumpsys_device_policy.txt",
        "dumpsys account": "dumpsys_account.txt",
        "dumpsys appops": "dumpsys_appops.txt",
        "which su": "which_su.txt",
    }
    for profile in sorted(BUILTIN_PROFILES_DIR.iterdir()):
        for target, name in files.items():
            path = profile / name
            if path.is_file():
                captures[target].append(path.read_bytes())
        glob, secure = profile / "settings_global.txt", profile / "settings_secure.txt"
        if glob.is_file() and secure.is_file():
            captures["settings list"].append(glob.read_bytes() + secure.read_bytes())
        outputs = [
            (profile / name).read_bytes() if (profile / name).is_file() else b""
            for name in (*files.values(), "settings_global.txt", "settings_secure.txt")
        ]
        captures["build_snapshot"].append(b"\0".join(outputs))
    signatures = Path(__file__).resolve().parents[2] / "signatures"
    shipped = signatures / "stalkerware.yaml"
    if shipped.is_file():
        # The head of the shipped database keeps mutation cheap.
        captures["our schema"].append(shipped.read_bytes()[:20_000])
    capabilities = signatures / "capabilities.yaml"
    if capabilities.is_file():
        captures["capabilities"].append(capabilities.read_bytes()[:20_000])
    captures["echap ioc.yaml"].append(_IOC)
    captures["echap folder"].append(_IOC)
    captures["echap samples.csv"].append(_SAMPLES)
    captures["stix2"].append(_STIX)
    captures["signed bundle"].append(_BUNDLE)
    return captures


_IOC = b"""- name: EvilSpy
  type: stalkerware
  names: [EvilSpy Pro]
  packages: [com.evil.spy, com.evil.spy2]
  certificates: [31A6ECECD97CF39BC4126B8745CD94A7C30BF81C]
  websites: [evilspy.example]
  c2:
    ips: [192.0.2.7]
    domains: [c2.evilspy.example]
"""
_SAMPLES = (
    b"SHA256,Package Name,Certificate,Version,App\n"
    + b"a" * 64
    + b",com.evil.spy,31A6ECECD97CF39BC4126B8745CD94A7C30BF81C,3.1,EvilSpy\n"
)
_STIX = b"""{"type": "bundle", "id": "bundle--1", "objects": [
 {"type": "malware", "id": "malware--1", "name": "EvilSpy", "is_family": true},
 {"type": "indicator", "id": "indicator--1", "pattern_type": "stix",
  "pattern": "[app:id = 'com.evil.spy']", "valid_from": "2024-01-01T00:00:00Z"},
 {"type": "relationship", "id": "relationship--1", "relationship_type": "indicates",
  "source_ref": "indicator--1", "target_ref": "malware--1"}]}"""
_BUNDLE = (
    b'{"format": "phone-check-signature-bundle", "version": 1, "db": "", '
    b'"db_sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", '
    b'"signature": null}'
)


def allowed_for(name: str) -> tuple[type[BaseException], ...]:
    """Parsers of phone output may raise nothing; file readers may refuse with ours."""
    return () if name in PARSERS else ALLOWED


def run(name: str, data: bytes) -> BaseException | None:
    """Run target ``name`` on one input; the exception it should not have raised, or None."""
    try:
        TARGETS[name](data)
    except allowed_for(name):
        return None
    except Exception as exc:  # the point: anything else is a finding
        return exc
    return None
