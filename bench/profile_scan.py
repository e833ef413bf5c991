"""Profile the scan as a user runs it (certificate checks on) on the bench phone.

    .venv/bin/python bench/profile_scan.py [--apps 500] [--apk-mb 4] [--runs 3] [--top 30]
        [--store-entries 0]

Same phone and link as ``scan.py``. After a warm-up scan, ``--runs`` scans are timed
(wall and process CPU, every thread's), then one more runs under cProfile in every
thread of this process (the parse and APK workers included: ``threading.setprofile``
starts a profiler in each new thread), and the top entries by own time are printed.
Process CPU is the figure to compare between branches on a busy machine: wall time
moves with the load, the CPU this process spends much less.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import threading
import time
from typing import Any

from common import MB, BenchPhone, PhoneSettings, median, timed_scan

from scanner.device.keys import ephemeral_signer
from scanner.sigdb.commands import load_shipped_db


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


class AllThreads:
    """cProfile in the calling thread and in every thread started while it is on."""

    def __init__(self) -> None:
        self.profiles: list[cProfile.Profile] = []
        self._lock = threading.Lock()

    def _start_in_thread(self, *_: Any) -> None:
        # Called on the new thread's first event: replace this hook by a real profiler.
        profile = cProfile.Profile()
        with self._lock:
            self.profiles.append(profile)
        profile.enable()

    def __enter__(self) -> AllThreads:
        threading.setprofile(self._start_in_thread)
        self._start_in_thread()
        return self

    def __exit__(self, *_: object) -> None:
        threading.setprofile(None)
        for profile in self.profiles:
            profile.disable()  # in other threads: ended with them (disable is harmless)

    def stats(self) -> pstats.Stats:
        stream = io.StringIO()
        merged = pstats.Stats(self.profiles[0], stream=stream)
        for profile in self.profiles[1:]:
            merged.add(profile)
        merged.stream = stream  # type: ignore[attr-defined]
        return merged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=500)
    parser.add_argument("--apk-mb", type=float, default=4.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--no-apk-checks", action="store_true")
    parser.add_argument("--store-entries", type=int, default=0, help="as in scan.py")
    args = parser.parse_args(argv)

    db = load_shipped_db()
    signer = ephemeral_signer()
    settings = PhoneSettings(
        n_apps=args.apps, apk_bytes=int(args.apk_mb * MB), store_entries=args.store_entries
    )
    pulls = not args.no_apk_checks
    with BenchPhone(settings) as phone:
        timed_scan(phone, signer, db, pulls=pulls)
        runs = [timed_scan(phone, signer, db, pulls=pulls)[0] for _ in range(args.runs)]
        with AllThreads() as profiler:
            started = time.perf_counter()
            timed_scan(phone, signer, db, pulls=pulls)
            profiled_s = time.perf_counter() - started
    walls = [r.wall_s for r in runs]
    cpus = [r.cpu_s for r in runs]
    out(f"{args.apps} apps, APK checks {'on' if pulls else 'off'}, {args.runs} runs")
    out(f"  wall median {median(walls):.3f} s ({', '.join(f'{w:.3f}' for w in walls)})")
    out(f"  process CPU median {median(cpus):.3f} s ({', '.join(f'{c:.3f}' for c in cpus)})")
    out(
        f"  inside connection.shell median {median([r.shell.wall_s for r in runs]):.3f} s,"
        f" our code median {median([r.code_s for r in runs]):.3f} s"
    )
    out(f"  profiled run: {profiled_s:.3f} s wall, {len(profiler.profiles)} threads profiled")
    stats = profiler.stats()
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)
    out(stats.stream.getvalue())  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main())
