"""Split the output of one APK read command into its steps (see ``device.apk_commands``).

The output is one byte stream (the legacy shell merges stdout and stderr; each tool's
stderr goes to /dev/null). Each step prints ``@<nonce>:<i>\\n``, the tool's bytes, then
``=<status>\\n``. File bytes are binary, so a step is cut where its known length ends when
the status marker sits exactly there; otherwise (the tool failed or printed less) at the
first status marker followed by the next step's marker, which file bytes cannot fake
because the nonce is random per command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_STATUS = re.compile(rb"=(\d{1,3})\n")

NOT_RUN = -1
"""``status`` of a step whose marker never came (the output was cut short)."""

TOOL_MISSING = 127
"""The shell's status for a command it could not find."""


@dataclass(frozen=True, slots=True)
class StepOutput:
    """What one step printed, and its exit status (``NOT_RUN`` when it never ran)."""

    data: bytes
    status: int

    @property
    def ok(self) -> bool:
        return self.status == 0


class FramedOutput:
    """Reads steps in order; the caller gives each step's expected length when it knows it."""

    def __init__(self, output: bytes | bytearray, nonce: str) -> None:
        self._output = output
        self._nonce = nonce.encode("ascii")
        self._position = 0
        self._index = 0

    def _marker(self, index: int) -> bytes:
        return b"@" + self._nonce + b":" + str(index).encode() + b"\n"

    def ready(self) -> bool:
        """True when the next step reads as it will from the whole output: the marker of
        the step after it is in (a step ends where that marker starts). While the output
        is still coming in (a growing buffer), steps are read only when ready."""
        return self._output.find(self._marker(self._index + 1), self._position) >= 0

    @property
    def output(self) -> bytes | bytearray:
        return self._output

    def complete(self, output: bytes | bytearray) -> None:
        """The whole output, of which the buffer read so far was the start."""
        self._output = output

    def next_step(self, length: int | None = None) -> StepOutput:
        """The next step's output; ``length``: the bytes a successful run prints."""
        index, self._index = self._index, self._index + 1
        output = self._output
        marker = self._marker(index)
        start = output.find(marker, self._position)
        if start < 0:
            return StepOutput(b"", NOT_RUN)
        start += len(marker)
        following = self._marker(index + 1)
        if length is not None:
            end = start + length
            status = _STATUS.match(output, end)
            if status is not None and (
                output.startswith(following, status.end()) or status.end() == len(output)
            ):
                self._position = status.end()
                return StepOutput(bytes(output[start:end]), int(status[1]))
        # Failed, or another length: the step ends at the status line just before the
        # next step's marker (or the end of the output, for the last step).
        end = output.find(following, start)
        end = len(output) if end < 0 else end
        equals = output.rfind(b"=", start, end)
        status = _STATUS.fullmatch(output, equals, end) if equals >= 0 else None
        if status is None:
            self._position = len(output)
            return StepOutput(bytes(output[start:]), NOT_RUN)
        self._position = end
        status_value = int(status[1])
        if length is not None and status_value == 0:
            # It says it worked but printed another length: not to be trusted.
            status_value = NOT_RUN
        return StepOutput(bytes(output[start:equals]), status_value)
