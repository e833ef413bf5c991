"""One process saving one scan to a case file, as the CLI does: run by the lock tests.

    python -m tests.casefile.save_worker CASE_FILE MINUTE READY_FILE GO_FILE LOCK_WAIT_S

It builds its scan (started at 10:MINUTE), says it is ready, waits for the go file so
all workers reach the case file together, then saves. It prints "saved" only after
``save_scan`` returned; on a refusal it prints the plain message and exits with the
error's code, as the CLI will.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from scanner.casefile import save_scan
from scanner.errors import ScannerError
from tests.casefile.conftest import FAST_SCRYPT, PASSPHRASE, pixel8_capture, scan_at


def main(argv: list[str]) -> int:
    case, minute, ready, go, wait = Path(argv[0]), int(argv[1]), Path(argv[2]), argv[3], argv[4]
    scan = scan_at(pixel8_capture(), datetime(2024, 3, 1, 10, minute, tzinfo=UTC))
    ready.touch()
    deadline = time.monotonic() + 120
    while not Path(go).exists():
        if time.monotonic() > deadline:
            print("the go file never appeared")
            return 2
        time.sleep(0.001)
    try:
        save_scan(case, scan, PASSPHRASE, scrypt=FAST_SCRYPT, lock_wait_s=float(wait))
    except ScannerError as exc:
        print(exc.message)
        return exc.exit_code
    print("saved")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
