"""``sha256sum`` steps fit the command limit whatever the number of paths: a phone with a
4 KiB ``maxdata`` and hundreds of off-store apps gets more, shorter steps, never a step
the command builder refuses."""

from __future__ import annotations

import pytest

from scanner.apk_remote.fetch import HASHES_PER_STEP, hash_steps
from scanner.device.apk_commands import MAX_COMMAND_CHARS, build_commands, is_apk_read_command


def paths(count: int) -> list[str]:
    return [
        f"/data/app/~~Qk{i:04d}xYz==/com.example.app{i:04d}-Zm9v{i:04d}==/base.apk"
        for i in range(count)
    ]


@pytest.mark.parametrize("max_chars", [4089, 16_000, MAX_COMMAND_CHARS])
def test_every_hash_step_fits_and_every_path_is_in_one(max_chars: int) -> None:
    wanted = paths(1200)
    steps = hash_steps(wanted, max_chars)
    assert [p for step in steps for p in step.paths] == wanted
    assert all(len(step.paths) <= HASHES_PER_STEP for step in steps)
    commands = build_commands(steps, max_chars)  # raises UnsafeStep for a step too long
    assert all(
        len(command) <= max_chars and is_apk_read_command(command) for command, _, _ in commands
    )
    if max_chars == 4089:
        assert len(steps) > 1200 // HASHES_PER_STEP
