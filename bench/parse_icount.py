"""Count the CPU instructions of one 20 MB ``dumpsys package`` parse, under callgrind.

    .venv/bin/python bench/parse_icount.py [--mb 20]

Wall time on a shared virtual machine moves by half again for the same work, so two
versions of the parser are compared by instruction count, which does not move (the hash
seed is fixed, so dict layouts are the same run to run). The fabricated dump of
``parse_bench.py`` is written to a temporary file; a child Python reads it, then parses it
once or not at all; both run under ``valgrind --tool=callgrind``, and the difference is the
parse. Needs ``valgrind``; takes about a minute per run.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.machine import callgrind_instructions  # noqa: E402
from bench.parse_bench import fabricated_dump  # noqa: E402
from scanner.commands import DUMPSYS_PACKAGE  # noqa: E402

CHILD = """
import sys
sys.path.insert(0, {repo!r})
from scanner.parse.packages import parse_dumpsys_package
text = open({path!r}, encoding="utf-8").read()
if {parse}:
    parse_dumpsys_package(text)
"""


def instructions(path: Path, parse: bool, workdir: Path) -> int:
    """Instructions callgrind counts for the child, with or without the parse."""
    return callgrind_instructions(
        CHILD.format(repo=str(REPO), path=str(path), parse=parse), workdir
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0)
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        sys.stdout.write("valgrind is not installed: no instruction count\n")
        return 2
    n_apps, outputs = fabricated_dump(int(args.mb * 1_000_000))
    data = outputs[DUMPSYS_PACKAGE]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        path = workdir / "dumpsys_package.txt"
        path.write_bytes(data)
        without = instructions(path, False, workdir)
        with_parse = instructions(path, True, workdir)
    parse_m = (with_parse - without) / 1e6
    sys.stdout.write(
        f"fabricated dumpsys package: {len(data) / 1e6:.1f} MB, {n_apps:,} apps\n"
        f"  parse: {parse_m:,.0f} M instructions "
        f"({(with_parse - without) / len(data):.0f} per byte)\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
