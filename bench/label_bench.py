"""Time reading a store app's name: the whole manifest reader against the package-and-label one.

    .venv/bin/python bench/label_bench.py [--apps 500] [--runs 7]

After every app's certificate, the scan names the store apps a report is about by reading
the label in their APK (``store_labels._label``), on the critical path after the last byte
from the phone. This times that read per APK, ``read_manifest`` (what it used) beside
``read_app_identity`` (what it uses), on the same bytes, one call of each in turn.

Inputs, said plainly:

* bench phone: the APK ``bench/common.py`` serves for each store app of
  ``tools.fabricate.big_phone(--apps)`` (``apk_builder.build_apk`` with the app's label as
  text: a tiny manifest of three elements, no resource table lookup). Whole files, as the
  scan holds a small store app (``partial.kept_for_label`` keeps all of it).
* real: every APK in ``../shared/real-apks`` (mostly apksig's test files, small manifests;
  androguard's real apps have permissions, resource labels and big directories).

Printed per set: the median over APKs of each APK's median time (over ``--runs``), the sum
of those medians (the time to name all of them once), and the speed-up (old / new) of the
sums and of the median APK. Then the five slowest APKs for the old reader.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from machine import MachineWatch  # noqa: E402 - this script's own folder

from scanner.apk.manifest import read_app_identity, read_manifest  # noqa: E402

REAL_APKS = REPO.parent / "shared/real-apks"

Reader = Callable[[bytes], object]


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def bench_phone_store_apks(n_apps: int) -> list[tuple[str, bytes]]:
    """The store apps' APKs of the bench phone, built as ``bench/common.py`` builds them."""
    from scanner.simulator.apk_builder import build_apk
    from tools.fabricate import big_phone
    from tools.fabricate.resolve import STORES, resolve_apps

    return [
        (app.spec.package, build_apk(app.spec.package, label=app.spec.label))
        for app in resolve_apps(big_phone(n_apps))
        if not app.spec.system and app.spec.installer in STORES
    ]


def per_apk_medians(
    apks: Sequence[tuple[str, bytes]], readers: Sequence[Reader], runs: int
) -> list[list[float]]:
    """``[apk][reader]``: each reader's median seconds on each APK, the readers in turn."""
    medians = []
    for _, data in apks:
        for reader in readers:
            reader(data)  # warm-up
        times: list[list[float]] = [[] for _ in readers]
        for _ in range(runs):
            for index, reader in enumerate(readers):
                start = time.perf_counter()
                reader(data)
                times[index].append(time.perf_counter() - start)
        medians.append([statistics.median(t) for t in times])
    return medians


def check_same(apks: Sequence[tuple[str, bytes]]) -> int:
    """How many APKs give different package or label (0, or the bench is timing a bug)."""
    differ = 0
    for _, data in apks:
        whole, identity = read_manifest(data), read_app_identity(data)
        differ += (whole.package, whole.label) != (identity.package, identity.label)
    return differ


def report(title: str, apks: Sequence[tuple[str, bytes]], runs: int) -> None:
    sizes = [len(data) for _, data in apks]
    out(
        f"{title}: {len(apks)} APKs, {min(sizes):,}-{max(sizes):,} bytes"
        f" (median {int(statistics.median(sizes)):,}); differing package/label: {check_same(apks)}"
    )
    gc.collect()
    gc.disable()
    try:
        medians = per_apk_medians(apks, (read_manifest, read_app_identity), runs)
    finally:
        gc.enable()
    old = [m[0] for m in medians]
    new = [m[1] for m in medians]
    ratios = [o / n for o, n in zip(old, new, strict=True)]
    for name, times in (("read_manifest    ", old), ("read_app_identity", new)):
        out(
            f"  {name}  per APK median {statistics.median(times) * 1e6:7.1f} us"
            f"  (fastest {min(times) * 1e6:.1f}, slowest {max(times) * 1e6:.1f});"
            f"  all {len(apks)}: {sum(times) * 1000:.1f} ms"
        )
    out(
        f"  speed-up (old / new): all {sum(old) / sum(new):.2f}x;"
        f" per APK median {statistics.median(ratios):.2f}x"
        f" (range {min(ratios):.2f}-{max(ratios):.2f}x)"
    )
    slowest = sorted(zip(old, new, apks, strict=True), key=lambda x: -x[0])[:5]
    out("  slowest for read_manifest: " + "; ".join(
        f"{name} {o * 1e6:.0f} -> {n * 1e6:.0f} us" for o, n, (name, _) in slowest
    ))  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=500, help="apps on the bench phone")
    parser.add_argument("--runs", type=int, default=7, help="timed calls per APK and reader")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    store = bench_phone_store_apks(args.apps)
    out(f"(built the bench phone's store APKs in {time.perf_counter() - started:.1f} s)")
    watch = MachineWatch()
    report(f"bench phone ({args.apps} apps), its store apps", store, args.runs)
    if REAL_APKS.is_dir():
        real = [
            (p.relative_to(REAL_APKS).as_posix(), p.read_bytes())
            for p in sorted(REAL_APKS.rglob("*.apk"))
        ]
        report("real APKs (../shared/real-apks)", real, args.runs)
        androguard = [(name, data) for name, data in real if name.startswith("androguard/")]
        report("  of which androguard's real apps", androguard, args.runs)
    else:
        out(f"real APKs not found at {REAL_APKS}: skipped")
    out(f"{watch.summary()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
