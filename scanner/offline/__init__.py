"""Offline inputs: a bug report, an androidqf folder or zip, or a saved capture.

Each loader maps what its input holds onto the live scan's commands
(``sources.SCAN_COMMANDS``), keeping each output's exact bytes, so
``pipeline.analyse`` finds what a live scan of the same phone would. A command the input
does not hold becomes a ``CommandResult`` with no output that says so; what a kind of
input can never hold is also listed in ``RawCapture.not_applicable`` (named in the report,
not counted as unread). ``read_input`` + ``analyse_input`` run the whole scan, including
the certificate and hash checks an androidqf ``packages.json`` makes possible.
"""

from __future__ import annotations

from scanner.offline.analyse import analyse_input, read_input
from scanner.offline.androidqf import load_androidqf, read_androidqf
from scanner.offline.bugreport import load_bugreport
from scanner.offline.capture import capture_to_profile, load_capture, write_capture
from scanner.offline.common import OfflineInput

__all__ = [
    "OfflineInput",
    "analyse_input",
    "capture_to_profile",
    "load_androidqf",
    "load_bugreport",
    "load_capture",
    "read_androidqf",
    "read_input",
    "write_capture",
]
