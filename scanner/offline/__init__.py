"""Offline inputs: a bug report, an androidqf folder, or a saved capture -> ``RawCapture``.

Each loader maps what its input holds onto the live scan's commands
(``device.allowlist.SCAN_COMMANDS``), keeping each output's exact bytes, so
``pipeline.analyse`` finds what a live scan of the same phone would. A command the input
cannot hold becomes a ``CommandResult`` with no output that says so.
"""

from __future__ import annotations

from scanner.offline.androidqf import load_androidqf
from scanner.offline.bugreport import load_bugreport
from scanner.offline.capture import capture_to_profile, load_capture, write_capture

__all__ = [
    "capture_to_profile",
    "load_androidqf",
    "load_bugreport",
    "load_capture",
    "write_capture",
]
