"""The apps' file checks, made ready alongside the scan's batch.

They need only the phone's Android version (``getprop``) and its package list
(``dumpsys package``), so they start as soon as both are parsed, from a snapshot of
those two: every app's path, flags and installer come from ``dumpsys package`` alone,
so the apps they check are those the finished snapshot names (a test holds this on
every profile). While the rest of the batch is on the link they plan their first
command; it is sent the moment the batch ends (``link_turns``). The batch still comes
first: a phone lost during an APK read has already given every output of the batch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import replace
from typing import Final

from scanner.apks import AppFiles, check_app_files
from scanner.commands import DUMPSYS_PACKAGE, GETPROP
from scanner.device.connection import PhoneConnection, SyncReader
from scanner.errors import Disconnected
from scanner.link_turns import LinkTurns
from scanner.model import CommandResult, DeviceSnapshot, RawCapture
from scanner.parse.snapshot import ParsedOutput, build_snapshot
from scanner.workers import worker

NEEDED: Final = (GETPROP, DUMPSYS_PACKAGE)


class AppFilesAlongside:
    """Starts the file checks when the package list is in; sends their commands after."""

    def __init__(self, connection: PhoneConnection, files: SyncReader) -> None:
        self._connection = connection
        self._files = files
        self._turns: LinkTurns | None = None
        self._results: dict[str, CommandResult] = {}
        self._parsing: dict[str, Future[ParsedOutput]] = {}
        self._thread = worker("app-files")
        self._checked: Future[AppFiles] | None = None

    @property
    def started(self) -> bool:
        return self._checked is not None

    def on_result(self, result: CommandResult, parsing: Future[ParsedOutput]) -> None:
        """Each of the batch's results as it comes in, with its parsing (started)."""
        if result.command in NEEDED:
            self._results[result.command] = result
            self._parsing[result.command] = parsing
        if result.command == DUMPSYS_PACKAGE and result.ok and self._checked is None:
            turns = self._turns = LinkTurns()
            self._checked = self._thread.submit(self._check, turns)

    def finish(self, capture: RawCapture) -> AppFiles | None:
        """After the batch: the checks' commands, then what they found. None when they
        never started, or when the batch stopped early: then none of their commands was
        sent (the batch comes first), and the scan is as one that never began them."""
        try:
            if self._turns is None or self._checked is None:
                return None
            if capture.interrupted:
                return None  # their commands are refused (close)
            self._turns.drain()
            return self._checked.result()
        finally:
            self.close()

    def close(self) -> None:
        """Let the checks end (any command they still ask is refused) and their thread go."""
        if self._turns is not None:
            self._turns.close(Disconnected.said("device.connection_lost", detail="scan ended"))
        self._thread.shutdown(wait=True)

    def _check(self, turns: LinkTurns) -> AppFiles:
        try:
            connection = self._connection
            parsed = {command: self._parsing[command].result() for command in self._parsing}
            held = RawCapture(tuple(self._results.values()), connection.serial, connection.kind)
            snapshot = package_snapshot(held, parsed)

            def run(command: str) -> bytes:
                return turns.send(lambda: connection.shell(command).data)

            def stream(command: str, on_data: Callable[[bytearray], None]) -> bytes:
                return turns.send(lambda: connection.shell(command, on_data=on_data).data)

            def pull(path: str) -> bytes:
                return turns.send(lambda: self._files.pull(path))

            return check_app_files(
                run,
                pull,
                snapshot,
                max_chars=connection.max_command_chars,
                stream=stream,
            )
        finally:
            turns.finish()


def package_snapshot(
    capture: RawCapture, parsed: Mapping[str, ParsedOutput] | None = None
) -> DeviceSnapshot:
    """The snapshot the file checks start from: ``capture``'s Android version and
    package list alone (``parsed``: those outputs already parsed)."""
    kept = tuple(r for r in capture.results if r.command in NEEDED)
    return build_snapshot(replace(capture, results=kept), parsed)
