"""``phone-check capture-to-profile CAPTURE OUT``: a saved capture as a simulated phone."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.text import Text

from scanner.cli.exits import Exit
from scanner.cli.words import error_words, words_for
from scanner.errors import ScannerError


def run(args: argparse.Namespace, console: Console) -> int:
    from scanner.offline import capture_to_profile

    say = words_for(args)
    try:
        folder = capture_to_profile(args.capture, args.out)
    except ScannerError as exc:
        console.print(Text(error_words(exc, say)))
        return exc.exit_code
    console.print(Text(say.text("commands.profile_written", folder=folder)))
    return Exit.OK
