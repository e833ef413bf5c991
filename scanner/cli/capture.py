"""``phone-check capture-to-profile CAPTURE OUT``: a saved capture as a simulated phone."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.text import Text

from scanner.cli.exits import Exit
from scanner.errors import ScannerError


def run(args: argparse.Namespace, console: Console) -> int:
    from scanner.offline import capture_to_profile

    try:
        folder = capture_to_profile(args.capture, args.out)
    except ScannerError as exc:
        console.print(Text(exc.message))
        return exc.exit_code
    console.print(
        Text(f"Profile written to {folder}. Run: python -m scanner.simulator --profile {folder}")
    )
    return Exit.OK
