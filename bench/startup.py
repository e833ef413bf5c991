"""How fast ``phone-check --help`` and ``--version`` answer (goal: 0.15 s each).

Runs each as a user does, in a fresh process, several times, and prints the median and
the best, the goal, and the ratio to the goal; also what a bare ``python -c pass`` costs
on this machine, since no command can answer faster than the interpreter starts, and the
CPU time per run (user + system), which a busy machine inflates far less than the wall
clock. ``--help`` is timed in English and in Arabic (it reads that language's help file).

    .venv/bin/python bench/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

GOAL_S = 0.15


def _time(argv: list[str], runs: int) -> tuple[list[float], float]:
    """Wall-clock seconds of each run, and the mean CPU seconds per run."""
    times = []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return times, cpu / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    launcher = shutil.which("phone-check", path=str(Path(sys.executable).parent))
    command = [launcher] if launcher else [sys.executable, "-m", "scanner"]
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {runs} runs each")
    bare, bare_cpu = _time([sys.executable, "-c", "pass"], runs)
    print(
        f"python -c pass                median {statistics.median(bare):.3f} s  "
        f"best {min(bare):.3f} s  CPU {bare_cpu:.3f} s"
    )
    for options in (["--version"], ["--help"], ["--help", "--lang", "ar"]):
        times, cpu = _time([*command, *options], runs)
        median = statistics.median(times)
        print(
            f"phone-check {' '.join(options):<17} median {median:.3f} s  best {min(times):.3f} s"
            f"  CPU {cpu:.3f} s  goal {GOAL_S:.2f} s  ratio {median / GOAL_S:.2f}x the goal"
        )


if __name__ == "__main__":
    main()
