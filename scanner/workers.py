"""Where a scan's side work runs: one worker thread while the link is busy, or inline.

A live scan spends most of its time waiting on the phone. Parsing an output, planning the
next APK reads and reading an APK's signature run on a worker meanwhile (the socket wait
releases the GIL). ``inline`` runs the same calls at once in the caller's thread: the
scan's result must not depend on which is used (the tests compare both).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class Inline(Executor):
    """Runs each submitted call at once; its result (or exception) is in the future."""

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # as a thread's future keeps it; Ctrl-C still goes up now
            future.set_exception(exc)
        return future


def worker(name: str, threaded: bool = True) -> Executor:
    """One worker thread named ``name`` (use it as a context manager), or ``Inline``."""
    if threaded:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
    return Inline()
