"""The committed profile folders are exactly what tools/make_profiles.py writes."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from tests.profiles.helpers import BUILTIN, PROFILES, REPO


def _make_profiles_tool() -> ModuleType:
    path = REPO / "tools" / "make_profiles.py"
    spec = importlib.util.spec_from_file_location("make_profiles", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_profiles_match_a_fresh_regeneration_byte_for_byte(tmp_path: Path) -> None:
    tool = _make_profiles_tool()
    assert tool.main([str(tmp_path)]) == 0
    for name in BUILTIN:
        fresh = {p.name: p.read_bytes() for p in (tmp_path / name).iterdir()}
        committed = {p.name: p.read_bytes() for p in (PROFILES / name).iterdir()}
        assert sorted(fresh) == sorted(committed), f"{name}: different file names"
        for file_name, data in fresh.items():
            assert committed[file_name] == data, (
                f"{name}/{file_name} differs from what tools/make_profiles.py writes; "
                "run it and commit the result"
            )


def test_regeneration_is_deterministic(tmp_path: Path) -> None:
    tool = _make_profiles_tool()
    assert tool.main([str(tmp_path / "a")]) == 0
    assert tool.main([str(tmp_path / "b")]) == 0
    for name in BUILTIN:
        for path in (tmp_path / "a" / name).iterdir():
            assert path.read_bytes() == (tmp_path / "b" / name / path.name).read_bytes()


def test_make_profiles_refuses_extra_arguments(tmp_path: Path) -> None:
    tool = _make_profiles_tool()
    assert tool.main([str(tmp_path), "surplus"]) == 2
    assert not any(tmp_path.iterdir())
