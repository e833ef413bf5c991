"""Every exit code the command line can return, in one table (the README lists the same).

Codes 3, 4, 8 and 9 also come from ``ScannerError.exit_code`` when a run stops early;
``for_scan`` picks the code of a scan that ran to the end, or was stopped with Ctrl-C.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # --help and --version must not wait for the model's dataclasses
    from scanner.model import ScanResult


class Exit(enum.IntEnum):
    """What a run's exit code means (see the README's "Exit codes")."""

    OK = 0
    """The scan finished and every part of the phone was read."""
    INTERNAL = 1
    """Something went wrong inside the scanner (a bug); what was collected is kept."""
    USAGE = 2
    """Wrong arguments."""
    NO_PHONE = 3
    """No phone could be reached, or USB support is missing."""
    NOT_ALLOWED = 4
    """The phone did not allow this computer."""
    INCOMPLETE = 5
    """The scan stopped early or some parts could not be read."""
    NOT_UNDERSTOOD = 6
    """Everything arrived, but some answers were not understood."""
    DATABASE_REFUSED = 7
    """The signature database was refused."""
    FILE_PROBLEM = 8
    """A report, guidance text, case file or input file could not be written or read."""
    NOT_ALLOWLISTED = 9
    """A command outside the read-only list was stopped (a bug)."""
    INPUT_REFUSED = 10
    """An offline input was refused: damaged, changed, unsafe, encrypted or not recognised."""
    EVIDENCE_FAILED = 11
    """``evidence verify``: the pack does not verify (the message says what failed)."""
    STOPPED = 130
    """Stopped with Ctrl-C (the reports asked for are still written, marked incomplete)."""


DATABASE_SOURCE = "signature database"
"""``ScanProblem.source`` of a refused database."""


def for_scan(result: ScanResult, *, advice_missing: bool = False) -> Exit:
    """The code of a scan that produced a result, most urgent reason first."""
    if result.stopped_by_person:
        return Exit.STOPPED
    if any(problem.source == DATABASE_SOURCE for problem in result.problems):
        return Exit.DATABASE_REFUSED  # the scan ran, but not with the database asked for
    if advice_missing:
        return Exit.FILE_PROBLEM  # the reports carry the code's own safety words only
    if result.complete:
        return Exit.OK
    if all(problem.not_understood for problem in result.problems):
        return Exit.NOT_UNDERSTOOD  # everything arrived; some of it was not understood
    return Exit.INCOMPLETE
