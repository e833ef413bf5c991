"""``python -m scanner.simulator --profile NAME_OR_DIR --port N``: run a phone until Ctrl-C."""

from __future__ import annotations

import argparse
import sys
import threading

from scanner.errors import ScannerError
from scanner.simulator import ReceivedCommand, SimulatedPhone, load_profile


def main(argv: list[str] | None = None) -> int:
    """Serve the profile on 127.0.0.1 and print each request; returns an exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m scanner.simulator",
        description="Run a simulated Android phone (ADB over TCP on 127.0.0.1).",
    )
    parser.add_argument("--profile", required=True, help="built-in profile name or folder")
    parser.add_argument("--port", type=int, default=5555, help="TCP port (0 picks a free one)")
    args = parser.parse_args(argv)
    try:
        profile = load_profile(args.profile)
    except ScannerError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.detail:
            print(f"       {exc.detail}", file=sys.stderr)
        return exc.exit_code

    def show(entry: ReceivedCommand) -> None:
        mark = " (refused)" if entry.refused else ""
        print(f"[{entry.connection}] {entry.service}: {entry.command}{mark}", flush=True)

    phone = SimulatedPhone(profile, port=args.port, on_received=show)
    try:
        phone.start()
    except OSError as exc:
        print(f"error: cannot listen on port {args.port}: {exc}", file=sys.stderr)
        return 1
    print(f"Simulated phone {profile.name!r} (auth: {profile.auth}) on {phone.serial_address}")
    print(f"Try: adb connect {phone.serial_address}   (Ctrl-C to stop)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        phone.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
