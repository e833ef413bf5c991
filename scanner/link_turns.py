"""One link, two users: the scan's batch, and the apps' file checks made ready beside it.

The file checks start on a thread of their own as soon as the package list is in, so
their planning is done while the rest of the batch is on the link. Their commands are
still sent by the thread that runs the batch, after it (``drain``): one thread owns the
link, so only one command is ever on it, the order on the wire is the batch then the
checks' commands whatever the timing, and a Ctrl-C lands where the scan handles it.
The checks hand over each command and wait for its answer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar, cast

from scanner.errors import Disconnected

T = TypeVar("T")

Job = Callable[[], object]


class LinkTurns:
    """Hands one side's commands to the thread that owns the link (see module docstring).

    The checks' side calls ``send`` for each command, then ``finish``; the link's side
    calls ``drain`` after its own commands (``give_turn`` runs one), or ``close`` to
    refuse whatever the checks still ask (the link is gone, or the person stopped the
    scan).
    """

    def __init__(self) -> None:
        self._ready = threading.Condition()
        self._job: Job | None = None
        """A command handed over and not yet taken."""
        self._answer: tuple[object, BaseException | None] | None = None
        self._finished = False
        self._refusal: Exception | None = None

    # -- the checks' side -------------------------------------------------------

    def send(self, job: Callable[[], T]) -> T:
        """Have ``job`` run by the link's thread at its next turn; its result, or its
        exception raised here. Raises the ``close`` error once the link's side gave up."""
        with self._ready:
            if self._refusal is not None:
                raise self._refusal
            self._job, self._answer = job, None
            self._ready.notify_all()
            while self._answer is None:
                self._ready.wait()
            value, error = self._answer
            self._answer = None
        if error is not None:
            raise error
        return cast(T, value)

    def finish(self) -> None:
        """The checks' side sends nothing more (call it however that side ends)."""
        with self._ready:
            self._finished = True
            self._ready.notify_all()

    # -- the link's side --------------------------------------------------------

    def give_turn(self) -> bool:
        """Wait for the checks' next command and run it here; False once they finished
        (or were refused) and there is none. A Ctrl-C while it runs ends the checks'
        side (its command raises the ``close`` error) and goes on up here."""
        with self._ready:
            while self._job is None and not self._finished and self._refusal is None:
                self._ready.wait()
            job, self._job = self._job, None
        if job is None:
            return False
        try:
            answer: tuple[object, BaseException | None] = (job(), None)
        except Exception as exc:  # the checks' own business: a lost app, a failed read
            answer = (None, exc)
        except BaseException:
            self.close(_stopped())
            self._deliver((None, _stopped()))
            raise
        self._deliver(answer)
        return True

    def drain(self) -> None:
        """Run the checks' commands until they finish."""
        while self.give_turn():
            pass

    def close(self, error: Exception) -> None:
        """Refuse the checks' commands from now on with ``error``, one waiting included."""
        with self._ready:
            self._refusal = error
            if self._job is not None:
                self._job = None
                self._answer = (None, error)
            self._ready.notify_all()

    def _deliver(self, answer: tuple[object, BaseException | None]) -> None:
        with self._ready:
            self._answer = answer
            self._ready.notify_all()


def _stopped() -> Exception:
    return Disconnected.said("problems.stopped_by_person", detail="Ctrl-C")
