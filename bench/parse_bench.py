"""Time parsing a 20 MB ``dumpsys package``, and signature matching.

    .venv/bin/python bench/parse_bench.py [--mb 20] [--runs 5] [--no-match]

Inputs, said plainly:

* fabricated: ``fabricate.make_phone(n)`` with the smallest ``n`` (in steps of 100) whose
  ``dumpsys package`` reaches the size asked for (20 MB: about 2,800 packages, each with its
  flags, install and runtime permissions for two users). This is almost all ``Package [``
  blocks: the part the parser walks line by line, so it is the expensive kind of 20 MB.
* real: the unmodified 1 MB capture in ``../shared/device-outputs`` (Humane Ai Pin,
  Android 12, 172 packages), timed as it is. It is not repeated to 20 MB: a dump made of
  copies would repeat package names and hide nothing new, so only its rate (MB/s) is shown.

Printed: best and median of ``--runs`` for decode + ``parse_dumpsys_package``, then for
``build_snapshot`` of the whole fabricated capture, then ``bench/match_bench.py``.
Goals: 20 MB parse <= 0.5 s; signature index build + match < 50 ms.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from machine import MachineWatch, ReferenceWork  # noqa: E402 - this script's own folder

from scanner.commands import DUMPSYS_PACKAGE  # noqa: E402
from scanner.model import CommandResult, RawCapture  # noqa: E402
from scanner.parse.packages import parse_dumpsys_package  # noqa: E402
from scanner.parse.snapshot import build_snapshot  # noqa: E402
from tools.fabricate import make_phone  # noqa: E402

REAL_CAPTURE = REPO.parent / "shared/device-outputs/penumbraos-ai-pin-android12/dumpsys_package.txt"
GOAL_S = 0.5
MB = 1_000_000


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def paired_timings(action: Callable[[], object], runs: int) -> list[tuple[float, float]]:
    """(action seconds, reference seconds) for each of ``runs`` calls, after a warm-up.

    Each call is timed right after one pass of the fixed reference work, so every
    figure has a reading of the machine's speed at that moment beside it.
    """
    reference = ReferenceWork()
    action()
    reference.seconds()
    pairs = []
    for _ in range(runs):
        gc.collect()
        ref = reference.seconds()
        start = time.perf_counter()
        action()
        pairs.append((time.perf_counter() - start, ref))
    return pairs


def timings(action: Callable[[], object], runs: int) -> tuple[float, float]:
    """(best, median) seconds over ``runs`` calls, after one untimed warm-up."""
    times = sorted(t for t, _ in paired_timings(action, runs))
    return times[0], times[len(times) // 2]


def fabricated_dump(target_bytes: int) -> tuple[int, dict[str, bytes]]:
    """The smallest fabricated phone (apps in steps of 100) with a dump this big."""
    n_apps = max(100, target_bytes // 7_300 // 100 * 100)
    while True:
        outputs = dict(make_phone(n_apps))
        if len(outputs[DUMPSYS_PACKAGE]) >= target_bytes:
            return n_apps, outputs
        n_apps += 100


def parse_bytes(data: bytes) -> object:
    # As build_snapshot does: decode with replacement, then parse.
    return parse_dumpsys_package(data.decode("utf-8", errors="replace"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="size of the fabricated dump")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-match", action="store_true", help="skip match_bench")
    args = parser.parse_args(argv)

    n_apps, outputs = fabricated_dump(int(args.mb * MB))
    dump = outputs[DUMPSYS_PACKAGE]
    lines = dump.count(b"\n")
    parsed = parse_dumpsys_package(dump.decode())
    assert len(parsed.records) == n_apps, (len(parsed.records), n_apps)
    watch = MachineWatch()
    pairs = paired_timings(lambda: parse_bytes(dump), args.runs)
    times = sorted(t for t, _ in pairs)
    best, middle = times[0], times[len(times) // 2]
    over = sum(t > GOAL_S for t in times)
    refs = sorted(r for _, r in pairs)
    ratios = sorted(t / r for t, r in pairs)
    out(
        f"fabricated dumpsys package: {len(dump) / MB:.1f} MB, {lines:,} lines,"
        f" {n_apps:,} packages, {len(parsed.warnings)} warnings"
    )
    out(
        f"  decode + parse_dumpsys_package  best {best:.3f} s, median {middle:.3f} s"
        f"  ({len(dump) / MB / best:.0f} MB/s, {best / lines * 1e6:.2f} us/line)"
        f"   goal <= {GOAL_S} s: best {'ok' if best <= GOAL_S else 'MISSED'},"
        f" median {'ok' if middle <= GOAL_S else 'MISSED'}; {over} of {len(times)} runs over"
    )
    out(f"  every run, fastest first: {', '.join(f'{t:.3f}' for t in times)} s")
    out(
        f"  the machine's speed beside each run: fixed reference work"
        f" {refs[0] * 1000:.1f}-{refs[-1] * 1000:.1f} ms (bench/machine.py);"
        f" parse / reference {ratios[0]:.1f}-{ratios[-1]:.1f}, median"
        f" {ratios[len(ratios) // 2]:.1f} (its median moves much less than the seconds do"
        " when only the machine's speed changes)"
    )
    out(f"  {watch.summary()}")
    tracemalloc.start()
    parse_bytes(dump)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    out(
        f"  tracemalloc peak while parsing: {peak / MB:.0f} MB"
        f" (the text itself is {len(dump) / MB:.0f} MB)"
    )

    capture = RawCapture(tuple(CommandResult(c, o) for c, o in outputs.items()), serial="bench")
    best, middle = timings(lambda: build_snapshot(capture), max(1, args.runs // 2))
    out(
        f"  build_snapshot, all {len(outputs)} outputs"
        f" ({sum(map(len, outputs.values())) / MB:.1f} MB)"
        f"  best {best:.3f} s, median {middle:.3f} s"
    )

    if REAL_CAPTURE.is_file():
        real = REAL_CAPTURE.read_bytes()
        parsed = parse_bytes(real)
        real_lines = real.count(b"\n")
        best, middle = timings(lambda: parse_bytes(real), args.runs * 4)
        out(
            f"real capture (Ai Pin, Android 12): {len(real) / MB:.2f} MB,"
            f" {real_lines:,} lines, {len(parsed.records)} packages"  # type: ignore[attr-defined]
        )
        out(
            f"  decode + parse_dumpsys_package  best {best * 1000:.1f} ms,"
            f" median {middle * 1000:.1f} ms  ({len(real) / MB / best:.0f} MB/s;"
            f" not repeated to 20 MB, see the docstring)"
        )
    else:
        out(f"real capture not found at {REAL_CAPTURE}: skipped")

    if not args.no_match:
        out("\nsignature matching (bench/match_bench.py):")
        import match_bench

        match_bench.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
