"""Read the parts of many APKs that name their signer, in a few batched commands.

Round 1, one command (split only by the phone's command-line limit): each APK's size and
its last bytes, and ``sha256sum`` of the APKs that need a hash. Rounds 2 to 4: the ranges
``apk.partial.plan_reads`` still needs for every APK at once, as ``dd`` block reads. So
the number of round trips does not grow with the number of apps.

An APK that could not be read this way (a tool missing on the phone, a read cut short,
a file with more parts than it is worth) is returned as "needs a whole pull", with why.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import Final, Generic, TypeVar

from scanner.apk.partial import (
    MAX_LABEL_BYTES,
    TAIL_GUESS,
    KnownBytes,
    LabelPlan,
    Plan,
    plan_label_reads,
    plan_reads,
)
from scanner.apk_remote.framing import NOT_RUN, TOOL_MISSING, FramedOutput, StepOutput
from scanner.device.apk_commands import (
    BLOCK,
    MAX_COMMAND_CHARS,
    Blocks,
    Hashes,
    Size,
    Step,
    Tail,
    build_commands,
    framed_step,
)
from scanner.errors import DeviceError, Disconnected
from scanner.model import Words
from scanner.phrases import english, of_error, words

MAX_ROUNDS = 4
"""Rounds of commands, the first included: the issue's bound on extra round trips."""

HASHES_PER_STEP = 200
"""Paths per ``sha256sum`` step (about 20 kB of command line)."""

GAP_BLOCKS = 8
"""Ranges of one file closer than this many blocks are read as one (fewer steps)."""

MAX_COMMAND_OUTPUT = 16 * 1024 * 1024
"""Bytes one block-read command may be expected to print: a bigger round is split."""

MAX_HELD_BYTES = 96 * 1024 * 1024
"""Bytes of parts held at once for apps not read yet (each is released once read). An
app whose parts would go past it is pulled whole instead (one file at a time): a phone
full of big apps, or one that lies about its files, cannot fill the computer's memory."""

LABEL_ROUNDS = 3
"""Rounds for store apps' labels, after the certificate's: the central directory when it
was not read for the certificate (``partial.v1_needed``), the manifest and resource table
(whose local headers the directory locates), and one more when a header was longer."""

MAX_LABEL_SCAN_BYTES = 16 * 1024 * 1024
"""Bytes read for store apps' labels in one scan; the apps past it are named by id."""

_HASH_LINE = re.compile(rb"([0-9a-f]{64})  (\S+)\n")

Run = Callable[[str], bytes]
"""Runs one shell command on the phone and returns its output (raises ``DeviceError``)."""

OnData = Callable[[bytearray], None]
"""Shown the output read so far each time more of it comes in (it must not keep it)."""

StreamRun = Callable[[str, OnData], bytes]
"""A ``Run`` that also shows the output as it comes in."""

_Batch = list[tuple["Outcome", KnownBytes]]
_ToRead = tuple["Outcome", KnownBytes, tuple[tuple[int, int], ...]]
"""An app, its bytes so far, and the byte ranges a round is to read."""

_Item = TypeVar("_Item")
_Taken = TypeVar("_Taken")

Ready = Callable[[_Batch], None]
"""Takes apps whose parts are all in, each with its bytes (see ``read_apk_parts``)."""


@dataclass(frozen=True, slots=True)
class Target:
    """One APK to read: whose it is, where, and what is wanted of it."""

    package: str
    path: str
    hash_wanted: bool
    label_wanted: bool
    platform_sdk: int | None = None
    """The phone's API level, when the v1 signature may be left unread for a v2/v3 signer
    the phone uses (``partial.v1_needed``); None: it is always read."""


@dataclass(slots=True)
class Outcome:
    """What came of one target."""

    target: Target
    known: KnownBytes | None = None
    sha256: str = ""
    hash_error: str = ""
    """Why no hash came back, when one was wanted ("" when it did, or was not wanted)."""
    error: str = ""
    """Why the parts could not be read ("" when they were)."""
    hash_error_words: Words | None = None
    error_words: Words | None = None
    """``hash_error`` and ``error`` as catalogue messages."""
    tool_missing: bool = False
    absent: bool = False
    """The phone said the file is not there (or not readable): a whole pull would fail too."""
    lost: bool = False
    """The connection was lost: nothing more can be read for it."""
    planned_done: bool = False
    """Everything its readers need is known (no need to plan it again)."""
    early_plan: Plan | None = None
    """``plan_reads`` of the bytes known now, made on a worker as soon as they came in."""
    handed: bool = False
    """Given to ``on_ready``: its bytes are let go once the round that gave them is planned."""

    @property
    def read(self) -> bool:
        return self.known is not None and not self.error


@dataclass(slots=True)
class ReadStats:
    """What the reads cost, for the report and the benchmark."""

    commands: int = 0
    rounds: int = 0
    bytes_out: int = 0
    sent: list[str] = field(default_factory=list)


def read_apk_parts(
    run: Run,
    targets: Sequence[Target],
    max_chars: int = MAX_COMMAND_CHARS,
    on_ready: Ready | None = None,
    planner: Executor | None = None,
    stream: StreamRun | None = None,
) -> tuple[list[Outcome], ReadStats]:
    """Read every target's signing parts (and hash) in at most ``MAX_ROUNDS`` rounds.

    ``on_ready`` is called with outcomes and their bytes as soon as all their parts (and
    hash, when wanted) are in, so the caller can read them while the link is busy; each
    then lets its bytes go (``known`` is None) once that round is planned. ``planner``:
    where to plan the apps of each first-round command but the last while the following
    command is on the link, and hand over those already complete (None: all after the
    round, in this thread). Plans and outcomes are the same either way (the bytes held,
    which bound the reads, are counted as they stand when a round ends). ``stream``: runs
    a command showing its output as it comes in; with a ``planner``, the apps of the first
    round are then planned while the rest of their command's output is on the link.
    """
    outcomes = [Outcome(t) for t in targets]
    stats = ReadStats()
    streaming = stream if planner is not None else None
    for early in _first_round(run, outcomes, max_chars, stats, planner, on_ready, streaming):
        # One still queued behind the reads is not waited for: ``_plan_round`` plans its
        # apps in this thread just below, as it plans any app not planned early.
        if not early.cancel():
            early.result()  # its errors come up here, as they would in this thread
    for _ in range(MAX_ROUNDS - 1):
        pending = _plan_round(outcomes, on_ready)
        if not pending:
            break
        planning = _Planning(planner, on_ready) if streaming is not None else None
        _block_round(run, pending, max_chars, stats, streaming, planning)
        if planning is not None:
            planning.wait()
    for outcome, _, _ in _plan_round(outcomes, on_ready):
        _set_error(outcome, words("problems.signature_not_located"))
    return outcomes, stats


@dataclass(frozen=True, slots=True)
class _Answer:
    """One command's steps and its framed output, or why there is none."""

    steps: list[Step]
    framed: FramedOutput | None
    failure: Words | None = None
    lost: bool = False


def _run_all(
    run: Run,
    commands: list[tuple[str, str, list[Step]]],
    stats: ReadStats,
    stream: StreamRun | None = None,
    feeds: Sequence[OnData] = (),
) -> Iterator[_Answer]:
    """Each command's answer as soon as it is in (the next is sent when asked for).

    With ``stream``, each command's output is shown to its ``feeds`` entry as it comes in.
    """
    lost: Words | None = None
    for number, (command, nonce, chunk) in enumerate(commands):
        if lost:
            yield _Answer(chunk, None, lost, lost=True)
            continue
        stats.sent.append(command)
        try:
            output = run(command) if stream is None else stream(command, feeds[number])
        except Disconnected as exc:
            lost = words("problems.not_read", reason=of_error(exc) or exc.message)
            yield _Answer(chunk, None, lost, lost=True)
            continue
        except DeviceError as exc:
            yield _Answer(chunk, None, of_error(exc) or words("problems.not_read_plain"))
            continue
        stats.commands += 1
        stats.bytes_out += len(output)
        yield _Answer(chunk, FramedOutput(output, nonce))


def _first_round(
    run: Run,
    outcomes: list[Outcome],
    max_chars: int,
    stats: ReadStats,
    planner: Executor | None,
    on_ready: Ready | None,
    stream: StreamRun | None = None,
) -> list[Future[None]]:
    """Sizes, tails and hashes; returns the plans started on ``planner``."""
    by_path = {o.target.path: o for o in outcomes}
    steps: list[Step] = []
    for outcome in outcomes:
        steps += [Size(outcome.target.path), Tail(outcome.target.path, TAIL_GUESS)]
    steps += hash_steps([o.target.path for o in outcomes if o.target.hash_wanted], max_chars)
    if steps:
        stats.rounds += 1
    # A file's size and its tail may fall in two commands when the batch is split.
    sizes: dict[str, int] = {}
    commands = build_commands(steps, max_chars)
    started: list[Future[None]] = []

    def start_planning(tails: list[Outcome]) -> None:
        # Nothing adds to these bytes before the round is planned (``_plan_round``).
        batch = [(o, o.known) for o in tails if o.known is not None and not o.error]
        if planner is not None and batch:
            started.append(planner.submit(_plan_early, batch, on_ready))

    readers = [
        _FirstSteps(chunk, nonce, by_path, sizes, start_planning if stream else None)
        for _, nonce, chunk in commands
    ]
    feeds = [reader.feed for reader in readers]
    for number, answer in enumerate(_run_all(run, commands, stats, stream, feeds)):
        reader = readers[number]
        if answer.framed is None:
            # Every step of a command that failed is failed, those read while it came in
            # too, and what they gave is undone: as when the output is read once all in.
            reader.undo()
            for step in answer.steps:
                for path in step.paths if isinstance(step, Hashes) else (step.path,):
                    _fail(by_path[path], step, answer.failure, answer.lost)
            continue
        tails = reader.finish(answer.framed)
        if planner is not None and (stream is not None or number + 1 < len(commands)):
            # Without streaming, the last command's apps are planned in ``_plan_round``,
            # ahead of the reads queued here.
            start_planning(tails)
    return started


class _StepsAsTheyCome(Generic[_Item, _Taken]):
    """Takes one command's steps in order, as its output comes in (``feed``: only the
    steps that read as they will from the whole output) or once it is all in
    (``finish``). What the steps taken give (``_take``) goes to ``_taken`` while the output
    comes in, and is returned by ``finish`` for the rest."""

    def __init__(self, items: list[_Item], nonce: str) -> None:
        self.items = items
        self._nonce = nonce
        self._done = 0
        self._framed: FramedOutput | None = None

    def feed(self, buffer: bytearray) -> None:
        if not self._takes_early():
            return
        if self._framed is None:
            self._framed = FramedOutput(buffer, self._nonce)
        taken: list[_Taken] = []
        # The last step ends only with the output (it has no next marker): read at the end.
        while self._done < len(self.items) - 1 and self._framed.ready():
            item = self.items[self._done]
            self._before_early(item)
            self._take(item, self._framed, taken)
            self._done += 1
        if taken:
            self._taken(taken)

    def finish(self, framed: FramedOutput) -> list[_Taken]:
        """The steps not read yet; returns what they gave."""
        if self._framed is not None:
            self._framed.complete(framed.output)
            framed = self._framed
        taken: list[_Taken] = []
        for item in self.items[self._done :]:
            self._take(item, framed, taken)
        self._done = len(self.items)
        return taken

    def _takes_early(self) -> bool:
        return True

    def _before_early(self, item: _Item) -> None:
        """Called before a step is taken while the output comes in."""

    def _take(self, item: _Item, framed: FramedOutput, taken: list[_Taken]) -> None:
        raise NotImplementedError

    def _taken(self, taken: list[_Taken]) -> None:
        """What the steps taken while the output came in gave."""


class _FirstSteps(_StepsAsTheyCome[Step, Outcome]):
    """A first-round command's steps; gives the apps whose tail came in."""

    def __init__(
        self,
        steps: list[Step],
        nonce: str,
        by_path: dict[str, Outcome],
        sizes: dict[str, int],
        plan: Callable[[list[Outcome]], None] | None,
    ) -> None:
        super().__init__(steps, nonce)
        self._by_path = by_path
        self._sizes = sizes
        self._plan = plan
        self._before: dict[str, tuple[object, ...]] = {}
        """What each app taken while the output came in held before (see ``undo``)."""
        self._sizes_before: dict[str, int | None] = {}

    def _takes_early(self) -> bool:
        return self._plan is not None

    def _before_early(self, item: Step) -> None:
        for path in item.paths if isinstance(item, Hashes) else (item.path,):
            outcome = self._by_path[path]
            self._before.setdefault(path, tuple(getattr(outcome, f) for f in _READ_FIELDS))
            self._sizes_before.setdefault(path, self._sizes.get(path))

    def _taken(self, taken: list[Outcome]) -> None:
        if self._plan is not None:
            self._plan(taken)

    def undo(self) -> None:
        """Put back what the steps taken while the output came in changed (the command
        then failed): each app's fields as they were, and the sizes read."""
        for path, values in self._before.items():
            outcome = self._by_path[path]
            for name, value in zip(_READ_FIELDS, values, strict=True):
                setattr(outcome, name, value)
        for path, size in self._sizes_before.items():
            if size is None:
                self._sizes.pop(path, None)
            else:
                self._sizes[path] = size
        self._before.clear()
        self._sizes_before.clear()

    def _take(self, step: Step, framed: FramedOutput, tails: list[Outcome]) -> None:
        by_path, sizes = self._by_path, self._sizes
        if isinstance(step, Size):
            got = framed.next_step()
            text = got.data.strip()
            if got.ok and text.isdigit():
                sizes[step.path] = int(text)
            else:
                _fail(by_path[step.path], step, _why(got, "problems.part_size"))
                by_path[step.path].absent = got.status not in (0, NOT_RUN, TOOL_MISSING)
        elif isinstance(step, Tail):
            size = sizes.get(step.path)
            got = framed.next_step(None if size is None else min(size, step.count))
            outcome = by_path[step.path]
            if size is None:
                return
            if got.ok:
                known = KnownBytes(size)
                known.add(size - len(got.data), got.data)
                outcome.known = known
                tails.append(outcome)
            else:
                _fail(outcome, step, _why(got, "problems.part_tail"))
        elif isinstance(step, Hashes):
            _take_hashes(framed.next_step(), step, by_path)


_READ_FIELDS: Final = (
    "known",
    "sha256",
    "hash_error",
    "hash_error_words",
    "error",
    "error_words",
    "tool_missing",
    "absent",
)
"""The fields of an ``Outcome`` a first-round step sets (planning's are the worker's)."""


def _plan_early(batch: _Batch, on_ready: Ready | None, hashed: bool = False) -> None:
    """Plan apps as soon as their bytes of a round are in; those that need nothing more
    and no hash (in round 1 it comes later in the round; ``hashed``: it is in) are handed
    over at once."""
    handed = []
    for outcome, known in batch:
        time.sleep(0)  # lets the thread reading the phone acknowledge it at once (GIL)
        plan = outcome.early_plan = _plan_reads(known, outcome.target)
        if plan.done and on_ready is not None and (hashed or not outcome.target.hash_wanted):
            outcome.planned_done = outcome.handed = True
            handed.append((outcome, known))
    if handed and on_ready is not None:
        on_ready(handed)


_HASH_STEP_FRAME = len(framed_step("0" * 16, 999_999, Hashes(("/data/app/a.b-1/base.apk",))))
"""Characters of a one-path ``sha256sum`` step (its longest index) beyond the path."""


def _plan_reads(known: KnownBytes, target: Target) -> Plan:
    return plan_reads(known, target.label_wanted, target.platform_sdk)


def hash_steps(paths: Sequence[str], max_chars: int) -> list[Hashes]:
    """``sha256sum`` steps of at most ``HASHES_PER_STEP`` paths, each fitting ``max_chars``
    (a phone with a 4 KiB ``maxdata`` takes a few dozen paths per command)."""
    steps: list[Hashes] = []
    chunk: list[str] = []
    length = _HASH_STEP_FRAME - len("/data/app/a.b-1/base.apk")
    for path in paths:
        extra = len(path) + 3  # a space and two quotes
        if chunk and (len(chunk) == HASHES_PER_STEP or length + extra > max_chars):
            steps.append(Hashes(tuple(chunk)))
            chunk, length = [], _HASH_STEP_FRAME - len("/data/app/a.b-1/base.apk")
        chunk.append(path)
        length += extra
    if chunk:
        steps.append(Hashes(tuple(chunk)))
    return steps


def _take_hashes(got: StepOutput, step: Hashes, by_path: dict[str, Outcome]) -> None:
    found = {m[2].decode("utf-8", "replace"): m[1].decode() for m in _HASH_LINE.finditer(got.data)}
    for path in step.paths:
        outcome = by_path[path]
        if path in found:
            outcome.sha256 = found[path]
        elif got.status == TOOL_MISSING:
            _set_hash_error(outcome, words("problems.no_sha256sum"))
            outcome.tool_missing = True
        else:
            cut = got.status == NOT_RUN
            _set_hash_error(
                outcome, words("problems.not_hashed_cut" if cut else "problems.not_hashed")
            )


def _plan_round(outcomes: list[Outcome], on_ready: Ready | None) -> list[_ToRead]:
    pending = []
    ready: list[tuple[Outcome, KnownBytes]] = []
    for outcome in outcomes:
        if outcome.error:
            # Nothing more is read for it: its bytes go. (A block read that failed part-way
            # may have added some while it came in; reading at the end would not have.)
            outcome.known = None
    # Only this thread lets bytes go (here and below), so this counts what is held now.
    held = sum(o.known.known_bytes() for o in outcomes if o.known is not None)
    for outcome in outcomes:
        known = outcome.known
        early_plan, outcome.early_plan = outcome.early_plan, None
        if known is None or outcome.error or outcome.planned_done:
            continue
        plan = early_plan if early_plan is not None else _plan_reads(known, outcome.target)
        outcome.planned_done = plan.done
        if plan.done:
            ready.append((outcome, known))
        wanted = sum(end - start for start, end in plan.ranges)
        if plan.too_big:
            _set_error(outcome, words("problems.parts_too_large"))
        elif held + wanted > MAX_HELD_BYTES:
            _set_error(outcome, words("problems.parts_too_many"))
        elif plan.ranges:
            held += wanted
            pending.append((outcome, known, plan.ranges))
    if on_ready is not None:
        # After planning: reading an app competes with the planning for this thread's time.
        for outcome, _ in ready:
            outcome.handed = True
        if ready:
            on_ready(ready)
        for outcome in outcomes:
            if outcome.handed:
                outcome.known = None  # the reader holds it while it needs it
    return pending


def to_blocks(ranges: Sequence[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """Byte ranges as ``(skip, count)`` runs of whole blocks, near ones merged."""
    runs: list[tuple[int, int]] = []
    for start, end in sorted((max(0, s), min(e, size)) for s, e in ranges):
        if start >= end:
            continue
        first, last = start // BLOCK, -(-end // BLOCK)
        if runs and first <= runs[-1][0] + runs[-1][1] + GAP_BLOCKS:
            skip, count = runs[-1]
            runs[-1] = (skip, max(count, last - skip))
        else:
            runs.append((first, last - first))
    return runs


_BlockRead = tuple[Outcome, KnownBytes, Blocks]


class _Planning:
    """Plans, on ``planner``, the apps whose blocks of a round are all in while the rest
    of the round is still on the link (``_plan_early``: those then complete are handed
    over at once). ``_plan_round`` makes any plan still queued, so the plans are the
    same as when made after the round."""

    def __init__(self, planner: Executor | None, on_ready: Ready | None) -> None:
        self._planner = planner
        self._on_ready = on_ready
        self._started: list[Future[None]] = []

    def start(self, batch: _Batch) -> None:
        if self._planner is not None and batch:
            # A later round's hash is settled: round 1 read it.
            job = self._planner.submit(_plan_early, batch, self._on_ready, True)
            self._started.append(job)

    def wait(self) -> None:
        for early in self._started:
            if not early.cancel():
                early.result()  # its errors come up here, as they would in this thread


def _block_round(
    run: Run,
    pending: list[_ToRead],
    max_chars: int,
    stats: ReadStats,
    stream: StreamRun | None = None,
    planning: _Planning | None = None,
) -> None:
    """One round of block reads; with ``stream`` and ``planning``, each app is planned as
    soon as its last block of the round is in (see ``_BlockSteps``)."""
    reads: list[_BlockRead] = []
    for outcome, known, ranges in pending:
        for skip, count in to_blocks(ranges, known.size):
            reads.append((outcome, known, Blocks(outcome.target.path, skip, count)))
    commands: list[tuple[str, str, list[Step]]] = []
    for group in _by_output(reads):
        commands += build_commands(group, max_chars)
    pieces = iter(reads)
    steps_left: dict[int, int] = {}
    for outcome, _, _ in reads:
        steps_left[id(outcome)] = steps_left.get(id(outcome), 0) + 1
    readers = [
        _BlockSteps([next(pieces) for _ in chunk], nonce, steps_left, planning)
        for _, nonce, chunk in commands
    ]
    stats.rounds += 1
    feeds = [reader.feed for reader in readers]
    answers = _run_all(run, commands, stats, stream if planning else None, feeds)
    for reader, answer in zip(readers, answers, strict=True):
        if answer.framed is None:
            # Every step fails, those taken while the output came in too (their app's
            # reads are then set aside, as an app that failed is: see ``_plan_round``).
            for outcome, _, step in reader.items:
                _fail(outcome, step, answer.failure, answer.lost)
            continue
        complete = reader.finish(answer.framed)
        if planning is not None:
            planning.start(complete)


class _BlockSteps(_StepsAsTheyCome[_BlockRead, tuple[Outcome, KnownBytes]]):
    """A block-read command's steps; gives the apps whose last block of the round came in
    (handed to ``planning`` while the output comes in)."""

    def __init__(
        self,
        reads: list[_BlockRead],
        nonce: str,
        steps_left: dict[int, int],
        planning: _Planning | None,
    ) -> None:
        super().__init__(reads, nonce)
        self._steps_left = steps_left
        self._planning = planning

    def _taken(self, taken: _Batch) -> None:
        if self._planning is not None:
            self._planning.start(taken)

    def _take(self, item: _BlockRead, framed: FramedOutput, taken: _Batch) -> None:
        outcome, known, step = item
        expected = max(0, min(step.count * BLOCK, known.size - step.skip * BLOCK))
        got = framed.next_step(expected)
        if got.ok:
            known.add(step.skip * BLOCK, got.data)
        elif not outcome.error:
            _fail(outcome, step, _why(got, "problems.part_block"))
        self._steps_left[id(outcome)] -= 1
        if not self._steps_left[id(outcome)] and not outcome.error:
            taken.append((outcome, known))


def _by_output(reads: list[_BlockRead]) -> list[list[Step]]:
    """The steps in groups whose output fits ``MAX_COMMAND_OUTPUT``, in order."""
    groups: list[list[Step]] = [[]]
    size = 0
    for _, known, step in reads:
        expected = max(0, min(step.count * BLOCK, known.size - step.skip * BLOCK))
        if groups[-1] and size + expected > MAX_COMMAND_OUTPUT:
            groups.append([])
            size = 0
        groups[-1].append(step)
        size += expected
    return groups if groups[-1] else []


def _why(got: StepOutput, what: str) -> Words:
    """Why a step failed; ``what`` is the message naming the part that was asked for."""
    part = words(what)
    if got.status == TOOL_MISSING:
        return words("problems.no_tool", what=part)
    if got.status == NOT_RUN:
        return words("problems.answer_cut", what=part)
    return words("problems.could_not_read", what=part, status=str(got.status))


def _fail(outcome: Outcome, step: Step, why: Words | None, lost: bool = False) -> None:
    """Record the first failure: of the hash for a ``sha256sum`` step, else of the parts."""
    why = why or words("problems.not_read_plain")
    outcome.lost = outcome.lost or lost
    if isinstance(step, Hashes):
        if not outcome.hash_error:
            _set_hash_error(outcome, why)
    elif not outcome.error:
        _set_error(outcome, why)
        outcome.tool_missing = outcome.tool_missing or why.key == "problems.no_tool"


def read_labels(
    run: Run,
    directories: Sequence[tuple[Target, KnownBytes]],
    max_chars: int = MAX_COMMAND_CHARS,
    per_app: int = MAX_LABEL_BYTES,
    per_scan: int = MAX_LABEL_SCAN_BYTES,
) -> tuple[list[Outcome], ReadStats]:
    """Read the manifest and resource table of APKs whose trailer is known (kept from
    reading their certificate, with the central directory when that read it), in at most
    ``LABEL_ROUNDS`` rounds.

    An outcome with no ``error`` holds every byte the label needs; otherwise ``error``
    says why its label was not read (too big, the scan's budget spent, a failed read).
    """
    outcomes = [Outcome(target, known=known) for target, known in directories]
    stats = ReadStats()
    budget = _LabelBudget(per_scan)
    # Only the apps with bytes still to read are planned again after a round: most store
    # apps' labels are whole in what the certificate read kept.
    pending: list[_ToRead] = []
    waiting: list[Outcome] = []
    unknown_ahead = False
    for outcome, (_, known) in zip(outcomes, directories, strict=True):
        plan = _first_label_plan(outcome, known, per_app)
        if plan.refused or not plan.ranges:
            continue  # refused, or kept from the certificate's reads: nothing to read
        if unknown_ahead and not plan.directory:
            # A more important app's cost is known only once its file list is in: this one
            # is charged after it, in the next round (which the lists need anyway).
            waiting.append(outcome)
            continue
        if budget.take(outcome, plan):
            pending.append((outcome, known, plan.ranges))
            unknown_ahead = unknown_ahead or plan.directory
    order = {id(o): index for index, o in enumerate(outcomes)}
    for _ in range(LABEL_ROUNDS):
        if not pending:
            break
        _block_round(run, pending, max_chars, stats)
        again = sorted([o for o, _, _ in pending] + waiting, key=lambda o: order[id(o)])
        waiting = []
        pending = _label_round(again, per_app, budget)
    for outcome, _, _ in pending:
        _set_error(outcome, Words("labels.manifest_not_located"))
    return outcomes, stats


def label_held(target: Target, known: KnownBytes, per_app: int = MAX_LABEL_BYTES) -> Outcome | None:
    """What ``read_labels`` gives for one APK whose label needs no read: every byte of it
    is in ``known``, or it is refused (with why). None when bytes must be read.

    Such an outcome depends on no other app (nothing is read, no budget is spent), so it
    can be had early, on the scan's worker while the link is busy (``store_labels``).
    """
    outcome = Outcome(target, known=known)
    plan = _first_label_plan(outcome, known, per_app)
    return outcome if plan.refused or not plan.ranges else None


def _first_label_plan(outcome: Outcome, known: KnownBytes, per_app: int) -> LabelPlan:
    """The label reads an app's kept bytes still need; a refusal is its outcome's error."""
    plan = plan_label_reads(known, per_app)
    if plan.refused:
        _set_error(outcome, plan.refused)
    return plan


class _LabelBudget:
    """The bytes a scan reads for labels: each app's directory (when read first) and its
    manifest and table are charged once, in the order the apps matter; an app past the
    budget is named by its id, with why."""

    def __init__(self, per_scan: int) -> None:
        self.per_scan = per_scan
        self.spent = 0
        self._charged: set[tuple[int, bool]] = set()

    def take(self, outcome: Outcome, plan: LabelPlan) -> bool:
        charge = (id(outcome), plan.directory)
        if charge in self._charged:
            return True
        if self.spent + plan.cost > self.per_scan:
            limit = f"{self.per_scan // 1_000_000} MB"
            _set_error(outcome, Words("labels.budget_spent", (("limit", limit),)))
            return False
        self.spent += plan.cost
        self._charged.add(charge)
        return True


def _label_round(outcomes: list[Outcome], per_app: int, budget: _LabelBudget) -> list[_ToRead]:
    pending = []
    for outcome in outcomes:
        if outcome.known is None or outcome.error:
            continue
        plan = plan_label_reads(outcome.known, per_app)
        if plan.refused:
            _set_error(outcome, plan.refused)
        elif plan.ranges and budget.take(outcome, plan):
            pending.append((outcome, outcome.known, plan.ranges))
    return pending


def _set_error(outcome: Outcome, why: Words) -> None:
    outcome.error, outcome.error_words = english(why), why


def _set_hash_error(outcome: Outcome, why: Words) -> None:
    outcome.hash_error, outcome.hash_error_words = english(why), why
