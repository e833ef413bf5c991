"""Run the scan's fixed batch of read-only commands and keep every raw output.

The batch is ``sources.SCAN_COMMANDS``: a constant number of round trips, whatever the
number of apps. A command that fails or times out becomes a ``CommandResult`` with an
error and the scan goes on; if the phone goes away, or the person presses Ctrl-C, what
was collected so far is kept and the rest is marked as not run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from scanner.device.connection import PhoneConnection
from scanner.errors import CommandTimeout, DeviceError, Disconnected
from scanner.model import CUT_AT_LIMIT, STOPPED_BY_PERSON, CommandResult, RawCapture
from scanner.sources import SCAN_COMMANDS

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
"""Called before each command with (command, index, total)."""

OnResult = Callable[[CommandResult], None]
"""Called with each command's result as soon as it is in (e.g. to start parsing it)."""


def collect(
    connection: PhoneConnection,
    commands: Sequence[str] = SCAN_COMMANDS,
    progress: Progress | None = None,
    on_result: OnResult | None = None,
) -> RawCapture:
    """Run every command once, in order; never raises for a phone-side failure."""
    results: list[CommandResult] = []
    interrupted = ""

    def keep(result: CommandResult) -> None:
        results.append(result)
        if on_result is not None:
            on_result(result)

    for index, command in enumerate(commands):
        if interrupted:
            keep(CommandResult(command, None, error="not run: " + interrupted))
            continue
        try:
            if progress is not None:
                progress(command, index, len(commands))
            out = connection.shell(command)
        except KeyboardInterrupt:
            # The person stopped the scan: keep what was read, and say so in the reports.
            interrupted = STOPPED_BY_PERSON
            keep(CommandResult(command, None, error="not run: " + interrupted))
            continue
        except Disconnected as exc:
            logger.debug("disconnected during %r: %s", command, exc.detail)
            interrupted = exc.message
            keep(_cut_short(command, exc))
            continue
        except CommandTimeout as exc:
            logger.debug("timeout during %r: %s", command, exc.detail)
            keep(_cut_short(command, exc))
            continue
        except DeviceError as exc:
            keep(CommandResult(command, None, error=exc.message))
            continue
        keep(
            CommandResult(
                command,
                out.data,
                duration_s=out.duration_s,
                truncated=out.truncated,
                error=CUT_AT_LIMIT if out.truncated else "",
            )
        )
    return RawCapture(
        results=tuple(results),
        serial=connection.serial,
        transport=connection.kind,
        interrupted=interrupted,
    )


def _cut_short(command: str, exc: DeviceError) -> CommandResult:
    """A command the fault interrupted: what it had sent is kept, marked as cut short."""
    if exc.partial:
        return CommandResult(command, exc.partial, error=exc.message, truncated=True)
    return CommandResult(command, None, error=exc.message)
