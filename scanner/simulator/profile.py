"""A simulated phone's profile: what it answers, which files it serves, how it authorises.

A profile is a folder holding ``profile.yaml`` plus the exact output files it names.
Built-in profiles live in ``scanner/simulator/profiles/<name>/`` (shipped as package data);
tests may also build a ``Profile`` in code.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Final, Literal, TypeVar, cast, get_args

import yaml

from scanner.errors import ProfileError, UnknownProfile
from scanner.simulator.faults import NO_FAULTS, FaultPlan, fault_plan_from_spec

_V = TypeVar("_V")

AuthMode = Literal["accept", "refuse", "never", "none"]
"""How the phone answers a new host key.

``accept``: the user taps "Allow"; ``refuse``: the user taps "Cancel" (a real phone then
stays 'unauthorized'; the simulator closes the connection so the client learns quickly);
``never``: nobody answers the prompt; ``none``: auth is disabled (``ro.adb.secure=0``).
"""

AUTH_MODES: Final[frozenset[str]] = frozenset(get_args(AuthMode))

BUILTIN_PROFILES_DIR: Final = Path(__file__).resolve().parent / "profiles"
PROFILE_FILE: Final = "profile.yaml"

FileGenerator = Callable[[Mapping[str, object]], bytes]
"""Builds a file's bytes at load time from the ``files:`` entry's options."""

FILE_GENERATORS: dict[str, FileGenerator] = {}
"""``generated: <kind>`` -> builder, for kinds added at run time (tests, plug-ins)."""

_LAZY_GENERATORS: Final = {"apk": ("scanner.simulator.apk_builder", "generated_apk")}
"""Built-in kinds, imported only when a profile asks for one (module, function)."""

_GETPROP_LINE: Final = re.compile(r"^\[(?P<key>[^\]]+)\]: \[(?P<value>.*)\]$")
_BANNER_KEYS: Final = ("ro.product.name", "ro.product.model", "ro.product.device")
_DEFAULT_BANNER: Final = MappingProxyType(
    {
        "ro.product.name": "simulator",
        "ro.product.model": "Simulated Phone",
        "ro.product.device": "simulator",
    }
)


def _frozen_mapping(data: Mapping[str, _V]) -> Mapping[str, _V]:
    return MappingProxyType(dict(data))


@dataclass(frozen=True, slots=True)
class Profile:
    """Everything a simulated phone knows. Build one in code, or with ``load_profile``."""

    name: str
    description: str = ""
    serial: str = "SIMULATOR01"
    auth: AuthMode = "accept"
    auth_delay_s: float = 0.0
    """How long the "Allow USB debugging?" prompt waits before the user answers."""
    banner: Mapping[str, str] = field(default_factory=dict)
    """``ro.product.*`` values for the CNXN banner; empty means taken from ``getprop``."""
    commands: Mapping[str, bytes] = field(default_factory=dict)
    """Exact shell command string -> its exact output bytes."""
    files: Mapping[str, bytes] = field(default_factory=dict)
    """Absolute device path -> file content, served over ``sync:``."""
    faults: FaultPlan = NO_FAULTS
    """What goes wrong with this phone (``faults:`` in ``profile.yaml``); nothing by default."""
    missing_tools: frozenset[str] = frozenset()
    """Shell tools this phone lacks (``missing_tools:``), e.g. ``sha256sum`` on an old one."""

    def __post_init__(self) -> None:
        if self.auth not in AUTH_MODES:
            raise ValueError(f"auth must be one of {sorted(AUTH_MODES)}, not {self.auth!r}")
        if self.auth_delay_s < 0:
            raise ValueError("auth_delay_s must not be negative")
        for path in self.files:
            if not path.startswith("/"):
                raise ValueError(f"device path {path!r} must be absolute")
        # Frozen means frozen: callers may pass plain dicts, keep read-only copies.
        object.__setattr__(self, "banner", _frozen_mapping(self.banner))
        object.__setattr__(self, "commands", _frozen_mapping(self.commands))
        object.__setattr__(self, "files", _frozen_mapping(self.files))

    def banner_properties(self) -> Mapping[str, str]:
        """The three ``ro.product.*`` banner values: explicit, else getprop, else defaults."""
        from_getprop = getprop_values(self.commands.get("getprop", b""))
        return {
            key: self.banner.get(key) or from_getprop.get(key) or _DEFAULT_BANNER[key]
            for key in _BANNER_KEYS
        }


def getprop_values(output: bytes) -> dict[str, str]:
    """``[key]: [value]`` lines of ``getprop`` output as a dict (other lines ignored)."""
    values: dict[str, str] = {}
    for line in output.decode("utf-8", errors="replace").splitlines():
        match = _GETPROP_LINE.match(line.strip())
        if match:
            values[match["key"]] = match["value"]
    return values


def load_profile(
    name_or_dir: str | Path, generators: Mapping[str, FileGenerator] | None = None
) -> Profile:
    """Load a built-in profile by name, or a profile folder by path.

    Raises ScannerError for a missing folder, bad YAML, or a missing referenced file.
    """
    folder = _resolve_folder(name_or_dir)
    spec = _read_spec(folder)
    where = f"simulator profile {folder}"
    banner = _str_mapping(spec.get("banner") or {}, "banner", where)
    commands = {
        command: _read_data_file(folder, relative, where)
        for command, relative in _str_mapping(spec.get("commands") or {}, "commands", where).items()
    }
    if generators is None:
        generators = FILE_GENERATORS
    files = _load_files(folder, spec.get("files") or {}, where, generators)
    auth = spec.get("auth", "accept")
    try:
        faults = fault_plan_from_spec(spec.get("faults"))
    except ValueError as exc:
        raise ProfileError(f"The {where} is not valid.", str(exc)) from exc
    if auth not in AUTH_MODES:
        raise ProfileError(
            f"The {where} is not valid.",
            f"auth: must be one of {', '.join(sorted(AUTH_MODES))}, not {auth!r}",
        )
    try:
        return Profile(
            name=str(spec.get("name") or folder.name),
            description=str(spec.get("description") or ""),
            serial=str(spec.get("serial") or f"SIM{folder.name.upper()}"),
            auth=cast(AuthMode, auth),
            auth_delay_s=float(cast(float, spec.get("auth_delay_s") or 0)),
            banner=banner,
            commands=commands,
            files=files,
            faults=faults,
            missing_tools=frozenset(map(str, cast(list[object], spec.get("missing_tools") or []))),
        )
    except (TypeError, ValueError) as exc:
        raise ProfileError(f"The {where} is not valid.", str(exc)) from exc


def _resolve_folder(name_or_dir: str | Path) -> Path:
    candidate = Path(name_or_dir)
    if candidate.is_dir():
        return candidate
    text = str(name_or_dir)
    if text and "/" not in text and "\\" not in text and text not in (".", ".."):
        builtin = BUILTIN_PROFILES_DIR / text
        if builtin.is_dir():
            return builtin
    known = sorted(p.name for p in BUILTIN_PROFILES_DIR.glob("*") if (p / PROFILE_FILE).is_file())
    raise UnknownProfile(
        f"There is no simulator profile called {text!r} (built-in: infected, clean; or "
        "give a profile folder).",
        f"not a folder, and not a built-in profile in {BUILTIN_PROFILES_DIR}"
        f" (built-in: {', '.join(known) or 'none'})",
    )


def _read_spec(folder: Path) -> dict[str, object]:
    spec_path = folder / PROFILE_FILE
    try:
        spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ProfileError(f"The simulator profile {folder} has no {PROFILE_FILE}.") from exc
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ProfileError(
            f"The simulator profile {spec_path} could not be read.", str(exc)
        ) from exc
    if not isinstance(spec, dict):
        raise ProfileError(
            f"The simulator profile {spec_path} is not valid.", "top level must be a mapping"
        )
    return {str(key): value for key, value in spec.items()}


def _str_mapping(value: object, section: str, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ProfileError(f"The {where} is not valid.", f"{section}: must map strings to strings")
    return dict(value)


def _read_data_file(folder: Path, relative: str, where: str) -> bytes:
    path = (folder / relative).resolve()
    # Profiles are data: a file reference may not reach outside its folder.
    if not path.is_relative_to(folder.resolve()):
        raise ProfileError(f"The {where} is not valid.", f"{relative!r} is outside the folder")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ProfileError(
            f"The {where} names a file that is missing: {relative}.", str(exc)
        ) from exc


def _lazy_generator(kind: str) -> FileGenerator | None:
    target = _LAZY_GENERATORS.get(kind)
    if target is None:
        return None
    module = importlib.import_module(target[0])
    return cast(FileGenerator, getattr(module, target[1]))


def _load_files(
    folder: Path, entries: object, where: str, generators: Mapping[str, FileGenerator]
) -> dict[str, bytes]:
    if not isinstance(entries, dict):
        raise ProfileError(f"The {where} is not valid.", "files: must be a mapping")
    files: dict[str, bytes] = {}
    for device_path, source in entries.items():
        if not isinstance(device_path, str) or not device_path.startswith("/"):
            raise ProfileError(
                f"The {where} is not valid.", f"files: {device_path!r} is not an absolute path"
            )
        if isinstance(source, str):
            files[device_path] = _read_data_file(folder, source, where)
        elif isinstance(source, dict) and isinstance(source.get("generated"), str):
            kind = source["generated"]
            generator = generators.get(kind) or _lazy_generator(kind)
            if generator is None:
                known = sorted({*generators, *_LAZY_GENERATORS})
                raise ProfileError(
                    f"The {where} asks for a generated file of unknown kind {kind!r}.",
                    f"known kinds: {', '.join(known) or 'none'}",
                )
            try:
                files[device_path] = generator({str(k): v for k, v in source.items()})
            except ValueError as exc:
                raise ProfileError(
                    f"The {where} has a generated file that could not be built.",
                    f"{device_path}: {exc}",
                ) from exc
        else:
            raise ProfileError(
                f"The {where} is not valid.",
                f"files: {device_path}: expected a file name or {{generated: <kind>}}",
            )
    return files
