"""How fast the machine was while a benchmark ran, so its times can be read fairly.

On the shared virtual machine these benchmarks were written on, the same work takes up
to 2.4 times as long from one minute to the next, mostly with no sign in ``/proc/stat`` (no
CPU steal, nothing else running). So the speed is measured directly: ``ReferenceWork``
is a fixed piece of Python work to time beside the real one. ``MachineWatch`` adds what
``/proc/stat`` and the load average do show (nothing off Linux).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

PROC_STAT = Path("/proc/stat")
STEAL_FIELD = 8
"""Position of ``steal`` on the ``cpu`` line of /proc/stat (after the word ``cpu``)."""


def _cpu_ticks() -> tuple[int, int] | None:
    """(steal, all) clock ticks summed over every CPU since boot; None off Linux."""
    try:
        first = PROC_STAT.read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    if not first or first[0] != "cpu" or len(first) <= STEAL_FIELD:
        return None
    # guest and guest_nice (fields 9 and 10) are already counted in user and nice.
    ticks = [int(word) for word in first[1 : STEAL_FIELD + 1]]
    return ticks[STEAL_FIELD - 1], sum(ticks)


class MachineWatch:
    """Start before the timed runs; ``summary()`` after them says what else was going on."""

    def __init__(self) -> None:
        self.start = _cpu_ticks()

    def steal_share(self) -> float | None:
        """Share of all CPU time since the start that the host took from this VM."""
        end = _cpu_ticks()
        if self.start is None or end is None or end[1] <= self.start[1]:
            return None
        return (end[0] - self.start[0]) / (end[1] - self.start[1])

    def summary(self) -> str:
        parts = []
        steal = self.steal_share()
        if steal is not None:
            parts.append(f"CPU taken by the host (steal) {steal:.1%}")
        if hasattr(os, "getloadavg"):
            parts.append(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        return "machine during the runs: " + ", ".join(parts) if parts else ""


REFERENCE_LINES = 100_000


class ReferenceWork:
    """A fixed piece of pure-Python line work (split, partition, dict lookup).

    The parser's work is of this kind, so a parse time divided by this work's time, taken
    right beside it, stays about the same when the machine gets faster or slower and
    changes when the parser does.
    """

    def __init__(self) -> None:
        self.text = "\n".join(f"    key{n % 40}=value{n}" for n in range(REFERENCE_LINES))
        self.wanted = {f"    key{n}": n for n in range(0, 40, 3)}

    def seconds(self) -> float:
        """Time one pass."""
        wanted = self.wanted
        start = time.perf_counter()
        hits = 0
        for line in self.text.split("\n"):
            key, _, value = line.partition("=")
            if wanted.get(key) is not None:
                hits += len(value)
        elapsed = time.perf_counter() - start
        assert hits > 0
        return elapsed


def callgrind_instructions(code: str, workdir: Path) -> int:
    """Instructions ``valgrind --tool=callgrind`` counts for a child Python running ``code``
    (hash seed fixed, so dict layouts, and the count, are the same run to run). Comparing
    two versions by this count does not move with the machine's speed."""
    run = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={workdir / 'callgrind.out'}",
            sys.executable,
            "-c",
            code,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        check=True,
    )
    found = re.search(r"Collected : (\d+)", run.stderr)
    if found is None:
        raise SystemExit("callgrind printed no instruction count:\n" + run.stderr[-2000:])
    return int(found.group(1))
