"""Every shell command the scanner may send to a phone: the read-only allowlist.

The allowed strings are exactly the commands of the scan's one table of data sources
(``scanner.sources.SOURCES``; the strings themselves are in ``scanner.commands``).
``device.connection`` refuses any shell command that is not exactly one of them before a
byte reaches the phone, and the test suite proves that a full scan of the simulated phone
sent nothing else. Each command only reads: none installs, uninstalls, disables, grants or
changes a setting.

The one other kind of command allowed reads parts of APK files by path; its builder and
strict validator are in ``scanner.device.apk_commands`` (paths only in Android's own APK
path shapes, quoted, in one fixed template).

File pulls (``sync:`` RECV/STAT) are read-only by construction; the device layer never
opens a sync SEND (push) and never any service other than ``shell:`` and ``sync:``.
"""

from __future__ import annotations

import functools
from typing import Final

from scanner.device.apk_commands import is_apk_read_command
from scanner.sources import SCAN_COMMANDS

ALLOWED_SHELL_COMMANDS: Final[frozenset[str]] = frozenset(SCAN_COMMANDS)


def is_allowed(command: str) -> bool:
    """True only for an exact allowlisted command string (no prefixes, no extra words),
    or an APK read that ``apk_commands`` validates in full."""
    return command in ALLOWED_SHELL_COMMANDS or _valid_apk_read(command)


@functools.lru_cache(maxsize=4)
def _valid_apk_read(command: str) -> bool:
    # The connection and the transport guard each check every command; an APK read can
    # be 100 kB, so the second check of the same string reuses the first's answer.
    return is_apk_read_command(command)
