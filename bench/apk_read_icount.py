"""Count the instructions of reading the bench phone's APKs from their parts, under callgrind.

    .venv/bin/python bench/apk_read_icount.py [--parts FILE] [--against CHECKOUT]

Wall time on a shared virtual machine moves by half again for the same work, so two
versions of the APK reader are compared by instruction count. One scan of the 500-app
bench phone (``common.BenchPhone``, 4 MB sideloaded APKs) records what the APK worker is
handed: each app's bytes read on the phone, in the batches they came in. A child Python
then reads them all (``apks._read_all``: certificates of every scheme, facts, the bytes
kept for a name) under ``valgrind --tool=callgrind``, once with the reading and once
without; the difference is the reader's work. ``--parts`` keeps the recording (it is
made when the file does not exist; give only a file this script wrote: it is a pickle),
so two checkouts can be counted on the same bytes:
the bench phone's certificates are made afresh each time it is built. ``--against``
counts another checkout on the same recording and prints the ratio. Needs ``valgrind``.
"""

from __future__ import annotations

import argparse
import pickle
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.machine import callgrind_instructions  # noqa: E402

CHILD = """
import pickle, sys, time
sys.path.insert(0, {repo!r})
import scanner.apks as apks
batches = [pickle.loads(b) for b in pickle.load(open({parts!r}, "rb"))]
time.sleep = lambda seconds: None  # the reader hands the GIL over between apps
if {read}:
    for batch, sdk, keep in batches:
        apks._read_all(batch, sdk, keep)
"""


def record(path: Path) -> int:
    """Scan the bench phone once, keeping each batch the APK worker is handed."""
    from bench.common import MB, BenchPhone, PhoneSettings
    from scanner import apks, pipeline
    from scanner.device.connection import PhoneConnection
    from scanner.device.keys import ephemeral_signer
    from scanner.sigdb.commands import load_shipped_db

    kept: list[bytes] = []
    count = 0
    original = apks._read_all

    def recording(batch: Any, sdk: Any, keep: Any, *rest: Any) -> Any:
        nonlocal count
        count += len(batch)
        for outcome, known in batch:
            for held in (known, outcome.known):
                if held is not None:
                    held._view = None  # a memoryview does not pickle; it is made again
        kept.append(pickle.dumps((list(batch), sdk, list(keep))))
        return original(batch, sdk, keep, *rest)

    apks._read_all = recording  # type: ignore[assignment]
    try:
        with BenchPhone(PhoneSettings(n_apps=500, apk_bytes=4 * MB)) as phone:
            connection = PhoneConnection.connect_tcp("127.0.0.1", phone.port, ephemeral_signer())
            try:
                pipeline.scan_phone(connection, signatures=load_shipped_db())
            finally:
                connection.close()
    finally:
        apks._read_all = original  # type: ignore[assignment]
    with path.open("wb") as out:
        pickle.dump(kept, out)
    return count


def instructions(repo: Path, parts: Path, read: bool, workdir: Path) -> int:
    code = CHILD.format(repo=str(repo), parts=str(parts), read=read)
    return callgrind_instructions(code, workdir)


def reader_work(repo: Path, parts: Path, workdir: Path) -> int:
    return instructions(repo, parts, True, workdir) - instructions(repo, parts, False, workdir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--parts", type=Path, help="the recording to use (made if absent)")
    parser.add_argument("--against", type=Path, help="another checkout, counted alike")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        sys.stdout.write("valgrind is not installed: no instruction count\n")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        parts = args.parts or workdir / "parts.pickle"
        if parts.exists():
            # Only a recording this script made: pickle runs what a file says.
            batches = pickle.loads(parts.read_bytes())  # noqa: S301
            apps = sum(len(pickle.loads(b)[0]) for b in batches)  # noqa: S301
            sys.stdout.write(f"recorded APK parts: {parts} ({apps} APKs)\n")
        else:
            apps = record(parts)
            sys.stdout.write(f"recorded the APK parts of one bench scan: {apps} APKs\n")
        ours = reader_work(REPO, parts, workdir)
        sys.stdout.write(
            f"  this checkout: {ours / 1e6:,.0f} M instructions "
            f"({ours / apps / 1e3:,.0f} k per APK)\n"
        )
        if args.against is not None:
            theirs = reader_work(args.against.resolve(), parts, workdir)
            sys.stdout.write(
                f"  {args.against}: {theirs / 1e6:,.0f} M instructions "
                f"({theirs / apps / 1e3:,.0f} k per APK)\n"
                f"  this checkout / the other: {ours / theirs:.2f}\n"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
