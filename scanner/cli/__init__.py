"""The command line: the only package that prints, asks or exits.

``main`` parses the arguments and hands each subcommand to its own module (``scan``,
``setup``, ``signatures``); ``outputs`` writes what the person asked for; ``exits`` is
the one table of exit codes; ``quickexit`` clears the screen on one key.
"""

from scanner.cli.main import main

__all__ = ["main"]
