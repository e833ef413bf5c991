"""Every shell command the scanner may send to a phone: the read-only allowlist.

The allowed strings are exactly the commands of the scan's one table of data sources
(``scanner.sources.SOURCES``; the strings themselves are in ``scanner.commands``).
``device.connection`` refuses any shell command that is not exactly one of them before a
byte reaches the phone, and the test suite proves that a full scan of the simulated phone
sent nothing else. Each command only reads: none installs, uninstalls, disables, grants or
changes a setting.

File pulls (``sync:`` RECV/STAT) are read-only by construction; the device layer never
opens a sync SEND (push) and never any service other than ``shell:`` and ``sync:``.
"""

from __future__ import annotations

from typing import Final

from scanner.sources import SCAN_COMMANDS

ALLOWED_SHELL_COMMANDS: Final[frozenset[str]] = frozenset(SCAN_COMMANDS)


def is_allowed(command: str) -> bool:
    """True only for an exact allowlisted command string (no prefixes, no extra words)."""
    return command in ALLOWED_SHELL_COMMANDS
