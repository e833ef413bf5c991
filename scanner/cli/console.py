"""The consoles the command line prints to (colour off with ``NO_COLOR``)."""

from __future__ import annotations

import logging
import os

from rich.console import Console
from rich.logging import RichHandler


def stdout_console() -> Console:
    return Console(stderr=False, highlight=False, no_color=bool(os.environ.get("NO_COLOR")))


def setup_logging(debug: bool) -> None:
    """Technical detail goes to stderr, and only with ``--debug``."""
    handler = RichHandler(console=Console(stderr=True), show_path=False)
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, handlers=[handler])
