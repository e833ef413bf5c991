"""The first round's APK reads are taken while their command's output is still coming in,
and what is taken that way is exactly what is taken from the whole output.

The outputs are the simulated phone's toybox answers to real read commands; a step is
read from the growing buffer only once the next step's marker is in (``ready``), so cut
anywhere, the steps read equal those read once the output is whole. A command that fails
half-way gives what a failed command gives when its output is read only at the end.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

import pytest

from scanner.apk_remote.fetch import (
    Outcome,
    Target,
    read_apk_parts,
)
from scanner.apk_remote.framing import FramedOutput, StepOutput
from scanner.device.apk_commands import Hashes, Size, Step, Tail, build_commands
from scanner.errors import CommandTimeout, Disconnected
from scanner.simulator import Profile
from scanner.simulator.apk_builder import build_apk
from scanner.simulator.shell import shell_output


def path_of(index: int) -> str:
    return f"/data/app/~~Qk{index:04d}xYz==/com.example.app{index:04d}-Zm9v{index:04d}==/base.apk"


def phone(count: int = 12) -> Profile:
    """Small APKs (whole in their tail), one big one (random bytes, so its tail holds no
    directory), and a path the phone does not have."""
    files = {
        path_of(i): build_apk(f"com.example.app{i:04d}", label=f"App {i}") for i in range(count)
    }
    files[path_of(count)] = os.urandom(300_000)
    return Profile(name="steps", files=files)


def lengths_for(steps: list[Step], profile: Profile, wrong: int) -> list[int | None]:
    """The length each step prints when it works; step ``wrong`` is told one byte more
    (the reader then finds its end by the markers instead)."""
    found: list[int | None] = []
    for index, step in enumerate(steps):
        length: int | None = None
        if isinstance(step, Tail) and step.path in profile.files:
            length = min(len(profile.files[step.path]), step.count)
        found.append(length + 1 if index == wrong and length is not None else length)
    return found


def read_whole(output: bytes, nonce: str, lengths: list[int | None]) -> list[StepOutput]:
    framed = FramedOutput(output, nonce)
    return [framed.next_step(length) for length in lengths]


def read_as_it_comes(
    output: bytes, nonce: str, lengths: list[int | None], chunk: int
) -> list[StepOutput]:
    buffer = bytearray()
    framed = FramedOutput(buffer, nonce)
    got: list[StepOutput] = []
    for start in range(0, len(output), chunk):
        buffer += output[start : start + chunk]
        while len(got) < len(lengths) - 1 and framed.ready():
            got.append(framed.next_step(lengths[len(got)]))
    framed.complete(output)
    return got + [framed.next_step(length) for length in lengths[len(got) :]]


@pytest.mark.parametrize("chunk", [1, 7, 113, 4096, 65_536])
def test_steps_read_from_a_growing_output_equal_those_read_from_the_whole(chunk: int) -> None:
    profile = phone()
    paths = [*sorted(profile.files), "/data/app/~~Gone==/com.example.gone-Zm9v==/base.apk"]
    steps: list[Step] = []
    for path in paths:
        steps += [Size(path), Tail(path, 8192)]
    steps.append(Hashes(tuple(paths[:3])))
    ((command, nonce, taken),) = build_commands(steps, 100_000)
    output = shell_output(profile, command)
    lengths = lengths_for(taken, profile, wrong=5)
    whole = read_whole(output, nonce, lengths)
    assert any(not step.ok for step in whole), "a step that failed is among them"
    assert whole[5].status != 0, "the step told the wrong length is not trusted"
    assert read_as_it_comes(output, nonce, lengths, chunk) == whole


class Recorder(Executor):
    """Runs each job at once, noting how much of the output was in when it was given."""

    def __init__(self, seen: Callable[[], int]) -> None:
        self.seen = seen
        self.given_at: list[int] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.given_at.append(self.seen())
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


GONE = "/data/app/~~Gone==/com.example.gone-Zm9v==/base.apk"


def targets(profile: Profile) -> list[Target]:
    """An app whose file the phone does not have first (its size fails early), then all."""
    paths = [GONE, *sorted(profile.files)]
    return [Target(f"com.example.p{i}", p, True, True) for i, p in enumerate(paths)]


def snapshot(outcomes: list[Outcome]) -> list[tuple[object, ...]]:
    """What each outcome came to, for comparing two reads."""
    return [
        (
            o.target.path,
            o.error,
            o.error_words,
            o.hash_error,
            o.sha256,
            o.lost,
            o.absent,
            None if o.known is None else o.known.known_bytes(),
        )
        for o in outcomes
    ]


def test_apps_are_planned_while_their_command_is_still_coming_in() -> None:
    profile = phone(40)
    fed = [0]

    def run(command: str) -> bytes:
        output = shell_output(profile, command)
        fed[0] = len(output)
        return output

    def stream(command: str, on_data: Callable[[bytearray], None]) -> bytes:
        output = shell_output(profile, command)
        buffer = bytearray()
        for start in range(0, len(output), 4096):
            buffer += output[start : start + 4096]
            fed[0] = len(buffer)
            on_data(buffer)
        return output

    recorder = Recorder(lambda: fed[0])
    streamed, _ = read_apk_parts(run, targets(profile), planner=recorder, stream=stream)
    first_output = len(shell_output(profile, build_first_command(profile)))
    assert recorder.given_at and min(recorder.given_at) < first_output // 2
    plain, _ = read_apk_parts(run, targets(profile), planner=Recorder(lambda: 0))
    assert snapshot(streamed) == snapshot(plain)
    assert streamed[0].absent and streamed[0].error, "the file the phone does not have"


def build_first_command(profile: Profile) -> str:
    steps: list[Step] = []
    for path in sorted(profile.files):
        steps += [Size(path), Tail(path, 8192)]
    return build_commands(steps, 100_000)[0][0]


@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9])
def test_a_command_cut_half_way_gives_what_it_gives_read_at_the_end(cut: float) -> None:
    """The connection is lost part-way through the first command: the apps taken while it
    came in are let go and failed, as when nothing is read before the end."""
    profile = phone(40)

    def run(command: str) -> bytes:
        output = shell_output(profile, command)
        if "tail" in command:
            raise Disconnected.said("device.connection_lost", detail="cut")
        return output

    def stream(command: str, on_data: Callable[[bytearray], None]) -> bytes:
        output = shell_output(profile, command)
        if "tail" in command:
            on_data(bytearray(output[: int(len(output) * cut)]))
            raise Disconnected.said("device.connection_lost", detail="cut")
        on_data(bytearray(output))
        return output

    streamed, _ = read_apk_parts(run, targets(profile), planner=Recorder(lambda: 0), stream=stream)
    plain, _ = read_apk_parts(run, targets(profile), planner=Recorder(lambda: 0))
    assert all(o.lost and o.known is None and not o.absent for o in streamed)
    assert snapshot(streamed) == snapshot(plain)


def phone_of_big_apps(count: int = 24) -> Profile:
    """Apps whose manifest lies far from their tail: each needs a second round of block
    reads for its name, so the later rounds have many apps to take as they come."""
    files = {
        path_of(i): build_apk(
            f"com.example.app{i:04d}", label=f"App {i}", extra_files={"big.bin": os.urandom(60_000)}
        )
        for i in range(count)
    }
    return Profile(name="big-steps", files=files)


def big_targets(profile: Profile) -> list[Target]:
    return [Target(f"com.example.p{i}", p, True, True) for i, p in enumerate(sorted(profile.files))]


def is_block_read(command: str) -> bool:
    return " dd " in command and "tail" not in command


def test_later_rounds_hand_over_apps_while_their_command_is_still_coming_in() -> None:
    profile = phone_of_big_apps()
    now = {"command": "", "fed": 0, "total": 0}

    def run(command: str) -> bytes:
        return shell_output(profile, command)

    def stream(command: str, on_data: Callable[[bytearray], None]) -> bytes:
        output = shell_output(profile, command)
        now.update(command=command, fed=0, total=len(output))
        buffer = bytearray()
        for start in range(0, len(output), 4096):
            buffer += output[start : start + 4096]
            now["fed"] = len(buffer)
            on_data(buffer)
        return output

    handed_at: list[tuple[str, int, int]] = []

    def on_ready(batch: list[tuple[Outcome, Any]]) -> None:
        handed_at.extend((str(now["command"]), int(now["fed"]), int(now["total"])) for _ in batch)

    streamed, stats = read_apk_parts(
        run, big_targets(profile), on_ready=on_ready, planner=Recorder(lambda: 0), stream=stream
    )
    assert stats.rounds >= 2, "the apps needed a second round"
    early = [fed for command, fed, total in handed_at if is_block_read(command) and fed < total]
    assert len(early) >= len(profile.files) // 2, "most apps were handed over before the end"
    plain, _ = read_apk_parts(run, big_targets(profile), on_ready=lambda _: None)
    assert snapshot(streamed) == snapshot(plain)
    assert not any(o.error or o.hash_error for o in streamed), "every app was read"


@pytest.mark.parametrize("lost", [True, False], ids=["connection-lost", "command-failed"])
@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9])
def test_a_later_round_cut_half_way_gives_what_it_gives_read_at_the_end(
    cut: float, lost: bool
) -> None:
    """A block read fails part-way: the apps taken while it came in fail with it (and their
    bytes are let go), as when its output is read only at the end."""
    profile = phone_of_big_apps()

    def fail() -> Exception:
        if lost:
            return Disconnected.said("device.connection_lost", detail="cut")
        return CommandTimeout.said("device.connection_lost", detail="slow")

    def run(command: str) -> bytes:
        if is_block_read(command):
            raise fail()
        return shell_output(profile, command)

    def stream(command: str, on_data: Callable[[bytearray], None]) -> bytes:
        output = shell_output(profile, command)
        if is_block_read(command):
            on_data(bytearray(output[: int(len(output) * cut)]))
            raise fail()
        on_data(bytearray(output))
        return output

    handed: list[str] = []
    streamed, _ = read_apk_parts(
        run,
        big_targets(profile),
        on_ready=lambda batch: handed.extend(o.target.path for o, _ in batch),
        planner=Recorder(lambda: 0),
        stream=stream,
    )
    plain, _ = read_apk_parts(run, big_targets(profile), on_ready=lambda _: None)
    assert all(o.error and o.known is None for o in streamed)
    assert snapshot(streamed) == snapshot(plain)
