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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from scanner.apk.partial import (
    MAX_LABEL_BYTES,
    TAIL_GUESS,
    KnownBytes,
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

LABEL_ROUNDS = 2
"""Rounds for store apps' labels, after the certificate's: the manifest and resource table
(whose local headers the directory locates), and one more when a header was longer."""

MAX_LABEL_SCAN_BYTES = 16 * 1024 * 1024
"""Bytes read for store apps' labels in one scan; the apps past it are named by id."""

_HASH_LINE = re.compile(rb"([0-9a-f]{64})  (\S+)\n")

Run = Callable[[str], bytes]
"""Runs one shell command on the phone and returns its output (raises ``DeviceError``)."""


@dataclass(frozen=True, slots=True)
class Target:
    """One APK to read: whose it is, where, and what is wanted of it."""

    package: str
    path: str
    hash_wanted: bool
    label_wanted: bool


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
    on_ready: Callable[[Outcome], None] | None = None,
) -> tuple[list[Outcome], ReadStats]:
    """Read every target's signing parts (and hash) in at most ``MAX_ROUNDS`` rounds.

    ``on_ready`` is called with each outcome as soon as all its parts are in (before the
    next round is sent), so the caller can read it while the link is busy.
    """
    outcomes = [Outcome(t) for t in targets]
    stats = ReadStats()
    _first_round(run, outcomes, max_chars, stats)
    for _ in range(MAX_ROUNDS - 1):
        pending = _plan_round(outcomes, on_ready)
        if not pending:
            break
        _block_round(run, pending, max_chars, stats)
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


def _run_all(run: Run, steps: list[Step], max_chars: int, stats: ReadStats) -> list[_Answer]:
    answers: list[_Answer] = []
    lost: Words | None = None
    for command, nonce, chunk in build_commands(steps, max_chars):
        if lost:
            answers.append(_Answer(chunk, None, lost, lost=True))
            continue
        stats.sent.append(command)
        try:
            output = run(command)
        except Disconnected as exc:
            lost = words("problems.not_read", reason=of_error(exc) or exc.message)
            answers.append(_Answer(chunk, None, lost, lost=True))
            continue
        except DeviceError as exc:
            answers.append(_Answer(chunk, None, of_error(exc) or words("problems.not_read_plain")))
            continue
        stats.commands += 1
        stats.bytes_out += len(output)
        answers.append(_Answer(chunk, FramedOutput(output, nonce)))
    return answers


def _first_round(run: Run, outcomes: list[Outcome], max_chars: int, stats: ReadStats) -> None:
    by_path = {o.target.path: o for o in outcomes}
    steps: list[Step] = []
    for outcome in outcomes:
        steps += [Size(outcome.target.path), Tail(outcome.target.path, TAIL_GUESS)]
    hashed = [o.target.path for o in outcomes if o.target.hash_wanted]
    for i in range(0, len(hashed), HASHES_PER_STEP):
        steps.append(Hashes(tuple(hashed[i : i + HASHES_PER_STEP])))
    if steps:
        stats.rounds += 1
    # A file's size and its tail may fall in two commands when the batch is split.
    sizes: dict[str, int] = {}
    for answer in _run_all(run, steps, max_chars, stats):
        framed = answer.framed
        for step in answer.steps:
            if framed is None:
                for path in step.paths if isinstance(step, Hashes) else (step.path,):
                    _fail(by_path[path], step, answer.failure, answer.lost)
                continue
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
                    continue
                if got.ok:
                    known = KnownBytes(size)
                    known.add(size - len(got.data), got.data)
                    outcome.known = known
                else:
                    _fail(outcome, step, _why(got, "problems.part_tail"))
            elif isinstance(step, Hashes):
                got = framed.next_step()
                _take_hashes(got, step, by_path)


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


def _plan_round(
    outcomes: list[Outcome], on_ready: Callable[[Outcome], None] | None
) -> list[tuple[Outcome, KnownBytes, tuple[tuple[int, int], ...]]]:
    pending = []
    held = sum(o.known.known_bytes() for o in outcomes if o.known is not None)
    for outcome in outcomes:
        known = outcome.known
        if known is None or outcome.error or outcome.planned_done:
            continue
        plan = plan_reads(known, outcome.target.label_wanted)
        outcome.planned_done = plan.done
        if plan.done and on_ready is not None:
            on_ready(outcome)
        wanted = sum(end - start for start, end in plan.ranges)
        if plan.too_big:
            _set_error(outcome, words("problems.parts_too_large"))
        elif held + wanted > MAX_HELD_BYTES:
            _set_error(outcome, words("problems.parts_too_many"))
        elif plan.ranges:
            held += wanted
            pending.append((outcome, known, plan.ranges))
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


def _block_round(
    run: Run,
    pending: list[tuple[Outcome, KnownBytes, tuple[tuple[int, int], ...]]],
    max_chars: int,
    stats: ReadStats,
) -> None:
    reads: list[tuple[Outcome, KnownBytes, Blocks]] = []
    for outcome, known, ranges in pending:
        for skip, count in to_blocks(ranges, known.size):
            reads.append((outcome, known, Blocks(outcome.target.path, skip, count)))
    pieces = iter(reads)
    answers: list[_Answer] = []
    for group in _by_output(reads):
        answers += _run_all(run, group, max_chars, stats)
    stats.rounds += 1
    for answer in answers:
        for outcome, known, step in (next(pieces) for _ in answer.steps):
            if answer.framed is None:
                _fail(outcome, step, answer.failure, answer.lost)
                continue
            expected = max(0, min(step.count * BLOCK, known.size - step.skip * BLOCK))
            got = answer.framed.next_step(expected)
            if got.ok:
                known.add(step.skip * BLOCK, got.data)
            elif not outcome.error:
                _fail(outcome, step, _why(got, "problems.part_block"))


def _by_output(reads: list[tuple[Outcome, KnownBytes, Blocks]]) -> list[list[Step]]:
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
    """Read the manifest and resource table of APKs whose central directory is known
    (kept from reading their certificate), in at most ``LABEL_ROUNDS`` rounds.

    An outcome with no ``error`` holds every byte the label needs; otherwise ``error``
    says why its label was not read (too big, the scan's budget spent, a failed read).
    """
    outcomes = [Outcome(target, known=known) for target, known in directories]
    stats = ReadStats()
    spent = 0
    for outcome, (_, known) in zip(outcomes, directories, strict=True):
        plan = plan_label_reads(known, per_app)
        if plan.refused:
            _set_error(outcome, plan.refused)
        elif spent + plan.cost > per_scan:
            spent_on_others = Words(
                "labels.budget_spent", (("limit", f"{per_scan // 1_000_000} MB"),)
            )
            _set_error(outcome, spent_on_others)
        else:
            spent += plan.cost
    for _ in range(LABEL_ROUNDS):
        pending = _label_round(outcomes, per_app)
        if not pending:
            break
        _block_round(run, pending, max_chars, stats)
    for outcome, _, _ in _label_round(outcomes, per_app):
        _set_error(outcome, Words("labels.manifest_not_located"))
    return outcomes, stats


def _label_round(
    outcomes: list[Outcome], per_app: int
) -> list[tuple[Outcome, KnownBytes, tuple[tuple[int, int], ...]]]:
    pending = []
    for outcome in outcomes:
        if outcome.known is None or outcome.error:
            continue
        plan = plan_label_reads(outcome.known, per_app)
        if plan.refused:
            _set_error(outcome, plan.refused)
        elif plan.ranges:
            pending.append((outcome, outcome.known, plan.ranges))
    return pending


def _set_error(outcome: Outcome, why: Words) -> None:
    outcome.error, outcome.error_words = english(why), why


def _set_hash_error(outcome: Outcome, why: Words) -> None:
    outcome.hash_error, outcome.hash_error_words = english(why), why
