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
from scanner.model import CUT_AT_LIMIT, STOPPED_BY_PERSON, CommandResult, RawCapture, Words
from scanner.phrases import of_error, words
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
    interrupted_words: Words | None = None

    def keep(result: CommandResult) -> None:
        results.append(result)
        if on_result is not None:
            on_result(result)

    for index, command in enumerate(commands):
        if interrupted:
            keep(_not_run(command, interrupted, interrupted_words))
            continue
        try:
            if progress is not None:
                progress(command, index, len(commands))
            out = connection.shell(command)
        except KeyboardInterrupt:
            # The person stopped the scan: keep what was read, and say so in the reports.
            interrupted = STOPPED_BY_PERSON
            interrupted_words = words("problems.stopped_by_person")
            keep(_not_run(command, interrupted, interrupted_words))
            continue
        except Disconnected as exc:
            logger.debug("disconnected during %r: %s", command, exc.detail)
            interrupted = exc.message
            interrupted_words = of_error(exc)
            keep(_cut_short(command, exc))
            continue
        except CommandTimeout as exc:
            logger.debug("timeout during %r: %s", command, exc.detail)
            keep(_cut_short(command, exc))
            continue
        except DeviceError as exc:
            keep(CommandResult(command, None, error=exc.message, error_words=of_error(exc)))
            continue
        keep(
            CommandResult(
                command,
                out.data,
                duration_s=out.duration_s,
                truncated=out.truncated,
                error=CUT_AT_LIMIT if out.truncated else "",
                error_words=words("problems.cut_at_limit") if out.truncated else None,
            )
        )
    return RawCapture(
        results=tuple(results),
        serial=connection.serial,
        transport=connection.kind,
        interrupted=interrupted,
        interrupted_words=interrupted_words,
    )


def _cut_short(command: str, exc: DeviceError) -> CommandResult:
    """A command the fault interrupted: what it had sent is kept, marked as cut short."""
    said = of_error(exc)
    if exc.partial:
        return CommandResult(
            command, exc.partial, error=exc.message, truncated=True, error_words=said
        )
    return CommandResult(command, None, error=exc.message, error_words=said)


def _not_run(command: str, why: str, said: Words | None) -> CommandResult:
    """A command not sent because collection had stopped, saying why."""
    return CommandResult(
        command,
        None,
        error="not run: " + why,
        error_words=words("problems.not_run", reason=said) if said is not None else None,
    )
