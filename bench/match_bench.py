"""Time signature matching: a 10,000-package phone against a 100,000-identifier database.

    .venv/bin/python bench/match_bench.py

Prints milliseconds (best of several runs) for building the index and for matching the
package list, packages plus certificates, and hosts. Goal: build + match under 50 ms.
Also times loading and verifying the shipped database, for reference.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scanner.sigdb.commands import load_shipped_db
from scanner.sigdb.index import SignatureIndex
from scanner.sigdb.model import Family, Sample

FAMILIES = 1000
PER_FAMILY = {"packages": 40, "certificates": 20, "samples": 30, "c2_domains": 10}
PHONE_PACKAGES = 10_000
RUNS = 7


def make_families(rng: random.Random) -> list[Family]:
    """1,000 families x 100 identifiers = 100,000 identifiers."""
    return [
        Family(
            name=f"Fam{f}",
            packages=tuple(f"com.fam{f}.app{i}" for i in range(PER_FAMILY["packages"])),
            certificates=tuple(
                f"{rng.getrandbits(160):040X}" for _ in range(PER_FAMILY["certificates"])
            ),
            samples=tuple(
                Sample(sha256=f"{rng.getrandbits(256):064x}") for _ in range(PER_FAMILY["samples"])
            ),
            c2_domains=tuple(f"c{i}.fam{f}.example" for i in range(PER_FAMILY["c2_domains"])),
        )
        for f in range(FAMILIES)
    ]


def best_ms(action: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def main() -> int:
    rng = random.Random(1)
    families = make_families(rng)
    # A phone: mostly ordinary packages, 20 of them listed in the database.
    phone = [f"com.vendor{i}.app" for i in range(PHONE_PACKAGES - 20)]
    phone += [f"com.fam{rng.randrange(FAMILIES)}.app{rng.randrange(40)}" for _ in range(20)]
    certs = [f"{rng.getrandbits(160):040X}" for _ in range(PHONE_PACKAGES)]
    hosts = [f"api{i}.service{i % 97}.example.net" for i in range(1000)]

    index = SignatureIndex(families)
    assert index.size == 100_000
    assert len(index.match_packages(phone)) >= 1

    build = best_ms(lambda: SignatureIndex(families))
    match = best_ms(lambda: index.match_packages(phone))
    match_each = best_ms(lambda: [index.by_package(p) for p in phone])
    certs_ms = best_ms(lambda: [index.by_certificate(c) for c in certs])
    hosts_ms = best_ms(lambda: [index.by_host(h) for h in hosts])
    shipped_ms = best_ms(load_shipped_db)

    out = sys.stdout
    out.write(f"index build, {index.size:,} identifiers:        {build:7.1f} ms\n")
    out.write(f"match {PHONE_PACKAGES:,} packages (match_packages): {match:7.1f} ms\n")
    out.write(f"match {PHONE_PACKAGES:,} packages (by_package each): {match_each:6.1f} ms\n")
    out.write(f"build + match_packages:                     {build + match:7.1f} ms (goal < 50)\n")
    out.write(f"by_certificate x {PHONE_PACKAGES:,}:                  {certs_ms:7.1f} ms\n")
    out.write(f"by_host x {len(hosts):,} (4-label hosts):          {hosts_ms:7.1f} ms\n")
    out.write(f"load + verify shipped database:             {shipped_ms:7.1f} ms\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
