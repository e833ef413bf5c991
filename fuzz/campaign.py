"""A long fuzz campaign over every parser and importer (run by hand, not in CI).

    .venv/bin/python fuzz/campaign.py --seconds 300              # atheris if installed
    .venv/bin/python fuzz/campaign.py --engine hypothesis --seconds 300
    .venv/bin/python fuzz/campaign.py --scaling                  # big-input timing only

The targets are ``tests/fuzz/targets.py`` (the same ones the CI property tests run with
few examples). With atheris (``pip install atheris``; coverage-guided libFuzzer) the
first byte of each input picks the target and the rest is its input; the seed corpus
is the real captures and formats from ``targets.seeds()``. Parsers of phone output must
raise nothing; file readers may raise only the scanner's own errors. Any other
exception, or an input taking over ``--slow-s`` seconds, is a finding: it is printed
and its input saved under ``--out``, and the campaign goes on.

``--scaling`` times each parser on 1, 4 and 16 MB inputs of awkward shapes (long lines,
many lines, one value continued over many lines, blank lines, tiny lines, the parser's
own header repeated: ``targets.hostile_shapes``) and flags any that grow much faster
than the input (the settings parser once did: quadratic on a long multi-line value), or
whose peak memory on the 16 MB input (``tracemalloc``) passes ``MAX_PEAK_RATIO`` times
the input (the launcher parser once took 7.2 GB for 64 MB of blank lines). The same
hostile shapes, 16 KiB each, are in every parser's seed corpus.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.util
import os
import sys
import tempfile
import time
import traceback
import tracemalloc
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def say(text: str) -> None:
    """Progress and results go to stdout, flushed (libFuzzer may end the process)."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


class Campaign:
    """Counts inputs per target and records findings (the first of each kind)."""

    def __init__(self, names: Sequence[str], out: Path, slow_s: float, budget_s: float) -> None:
        self.names = list(names)
        self.out = out
        self.slow_s = slow_s
        self.started = time.monotonic()
        self.budget_s = budget_s
        self.tried: Counter[str] = Counter()
        self.findings: dict[str, str] = {}
        self._next_report = self.started + 30

    def one(self, name: str, data: bytes) -> None:
        from tests.fuzz.targets import run

        began = time.monotonic()
        problem = run(name, data)
        took = time.monotonic() - began
        self.tried[name] += 1
        if problem is not None:
            where = traceback.extract_tb(problem.__traceback__)[-1]
            key = f"{name}: {type(problem).__name__} at {where.filename}:{where.lineno}"
            self._record(key, data, repr(problem))
        elif took > self.slow_s:
            self._record(f"{name}: slow input ({took:.1f} s, {len(data)} bytes)", data, "")
        now = time.monotonic()
        if now >= self._next_report:
            self._next_report = now + 30
            say(f"[{now - self.started:6.0f} s] {sum(self.tried.values())} inputs tried")

    def _record(self, key: str, data: bytes, detail: str) -> None:
        if key in self.findings:
            return
        self.out.mkdir(parents=True, exist_ok=True)
        path = self.out / f"crash-{hashlib.sha256(data).hexdigest()[:16]}"
        path.write_bytes(data)
        self.findings[key] = str(path)
        say(f"FINDING {key} {detail[:200]} -> {path}")

    def restart_clock(self) -> None:
        """Count the budget from now (after instrumenting and loading the corpus)."""
        self.started = time.monotonic()
        self._next_report = self.started + 30

    def over(self) -> bool:
        return time.monotonic() - self.started >= self.budget_s

    def summary(self) -> int:
        total = sum(self.tried.values())
        say(f"\n{total} inputs tried in {time.monotonic() - self.started:.0f} s")
        for name in self.names:
            say(f"  {self.tried[name]:>9}  {name}")
        say(f"{len(self.findings)} finding(s)")
        for key, path in self.findings.items():
            say(f"  {key}  ({path})")
        return 1 if self.findings else 0


def run_atheris(campaign: Campaign, max_len: int) -> None:
    """Coverage-guided: libFuzzer mutates a corpus; never returns (exits at the budget)."""
    import atheris  # type: ignore[import-not-found]

    from tests.fuzz.targets import seeds

    corpus = Path(tempfile.mkdtemp(prefix="phone-check-corpus-"))
    for index, name in enumerate(campaign.names):
        for seed in seeds()[name]:
            data = bytes([index]) + seed[: max_len - 1]
            (corpus / hashlib.sha256(data).hexdigest()[:16]).write_bytes(data)

    def test_one_input(data: bytes) -> None:
        if campaign.over():
            code = campaign.summary()
            os._exit(code)  # libFuzzer's own exit would skip the summary
        if not data:
            return
        campaign.one(campaign.names[data[0] % len(campaign.names)], data[1:])

    argv = [sys.argv[0], str(corpus), f"-max_len={max_len}", "-rss_limit_mb=4096"]
    atheris.Setup(argv, test_one_input)
    campaign.restart_clock()
    atheris.Fuzz()


def run_hypothesis(campaign: Campaign) -> None:
    """Random and mutated inputs per target, round robin, until the budget is spent."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from hypothesis.errors import HypothesisException

    from tests.fuzz.mutate import mutations
    from tests.fuzz.targets import seeds

    corpus = seeds()
    rounds = 0
    while not campaign.over():
        rounds += 1
        for name in campaign.names:
            if campaign.over():
                break
            inputs = st.binary(max_size=8192)
            if corpus[name]:
                inputs = inputs | st.sampled_from(corpus[name]).flatmap(mutations)

            @settings(
                max_examples=500,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(data=inputs)
            def check(data: bytes, name: str = name) -> None:
                if not campaign.over():
                    campaign.one(name, data)

            try:
                check()
            except HypothesisException as exc:
                say(f"hypothesis stopped on {name}: {exc}")
    say(f"({rounds} round(s) over {len(campaign.names)} targets)")


MAX_PEAK_RATIO = 4.0
"""Peak traced memory of one parse (decoding included) over the input's size."""


def _shapes(name: str, size: int) -> dict[str, bytes]:
    """Awkward but plausible outputs of about ``size`` bytes, and the hostile ones."""
    from tests.fuzz.targets import hostile_shapes

    line = b"    some-key=" + b"v" * 100 + b"\n"
    return {
        "many short lines": line * (size // len(line)),
        "one long line": b"k=" + b"x" * size + b"\n",
        "one value over many lines": b"key=start\n" + b"  continued\n" * (size // 12),
        "package headers": b"Packages:\n" + b"  Package [a.b] (1):\n" * (size // 21),
        "deep indentation": b"User state[\n" + b" " * (size - 20) + b"x\n",
        **hostile_shapes(name, size),
    }


def _peak_ratio(target: Callable[[bytes], object], data: bytes) -> float:
    tracemalloc.start()
    try:
        with contextlib.suppress(Exception):  # only memory matters here
            target(data)
        return tracemalloc.get_traced_memory()[1] / max(len(data), 1)
    finally:
        tracemalloc.stop()


def run_scaling(names: Sequence[str], targets: dict[str, Callable[[bytes], object]]) -> int:
    """Time parsers on growing inputs; flag growth far beyond linear (x16 input), and a
    peak memory over ``MAX_PEAK_RATIO`` times the 16 MB input."""
    flagged = 0
    for name in names:
        for shape in _shapes(name, 1 << 20):
            times = []
            for megabytes in (1, 4, 16):
                data = _shapes(name, megabytes << 20)[shape]
                began = time.monotonic()
                with contextlib.suppress(Exception):  # only timing matters here
                    targets[name](data)
                times.append(time.monotonic() - began)
            peak = _peak_ratio(targets[name], data)
            ratio = times[2] / max(times[0], 1e-3)
            mark = "  <-- superlinear?" if ratio > 48 and times[2] > 1.0 else ""
            if peak > MAX_PEAK_RATIO:
                mark += f"  <-- peak memory {peak:.1f} x the input"
            flagged += bool(mark)
            say(
                f"{name:24} {shape:28} "
                + " ".join(f"{t:7.3f}" for t in times)
                + f"  peak {peak:5.2f}x{mark}"
            )
    say(f"{flagged} shape(s) flagged")
    return 1 if flagged else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--engine", choices=["atheris", "hypothesis", "auto"], default="auto")
    parser.add_argument("--targets", nargs="*", help="target names (default: all)")
    parser.add_argument("--max-len", type=int, default=64 * 1024)
    parser.add_argument("--slow-s", type=float, default=2.0)
    parser.add_argument("--out", type=Path, default=REPO / "fuzz" / "findings")
    parser.add_argument("--scaling", action="store_true", help="only the big-input timing")
    args = parser.parse_args(argv)
    engine = args.engine
    if engine == "auto":
        engine = "atheris" if importlib.util.find_spec("atheris") else "hypothesis"
    if engine == "atheris" and not args.scaling:
        import atheris  # type: ignore[import-not-found]

        # Instrument the scanner's code for coverage as it is first imported.
        with atheris.instrument_imports(include=["scanner"]):
            from tests.fuzz.targets import PARSERS, TARGETS
    else:
        from tests.fuzz.targets import PARSERS, TARGETS

    if args.scaling:
        return run_scaling(args.targets or sorted(PARSERS), dict(PARSERS))
    names = args.targets or sorted(TARGETS)
    unknown = set(names) - set(TARGETS)
    if unknown:
        parser.error(f"unknown target(s): {', '.join(sorted(unknown))}")
    say(f"engine {engine}, {args.seconds:.0f} s, {len(names)} targets: {', '.join(names)}")
    campaign = Campaign(names, args.out, args.slow_s, args.seconds)
    if engine == "atheris":
        run_atheris(campaign, args.max_len)  # exits the process itself
    run_hypothesis(campaign)
    return campaign.summary()


if __name__ == "__main__":
    sys.exit(main())
