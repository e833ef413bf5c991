"""The link's turns: one side's commands run on the thread that owns the link, only when
that thread gives them a turn; failures and a Ctrl-C end up on the right side."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial

import pytest

from scanner.errors import Disconnected
from scanner.link_turns import LinkTurns


def _other_side(turns: LinkTurns, work: Callable[[], object]) -> Future[object]:
    """``work`` on a thread of its own, as the file checks run; ``finish`` however it ends."""

    def run() -> object:
        try:
            return work()
        finally:
            turns.finish()

    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(run)
    pool.shutdown(wait=False)
    return future


def test_each_command_runs_on_the_thread_that_gives_the_turn_in_the_order_sent() -> None:
    turns = LinkTurns()
    ran: list[tuple[str, int]] = []

    def command(name: str) -> Callable[[], str]:
        def job() -> str:
            ran.append((name, threading.get_ident()))
            return f"answer {name}"

        return job

    side = _other_side(turns, lambda: [turns.send(command(n)) for n in ("a", "b", "c")])
    assert turns.give_turn() is True
    assert ran == [("a", threading.get_ident())]  # one command a turn, and only then
    turns.drain()
    assert side.result(timeout=10) == ["answer a", "answer b", "answer c"]
    assert [name for name, _ in ran] == ["a", "b", "c"]
    assert {thread for _, thread in ran} == {threading.get_ident()}
    assert turns.give_turn() is False  # finished: no wait, no command


def test_a_turn_waits_for_the_next_command_however_late_it_comes() -> None:
    turns = LinkTurns()
    go = threading.Event()

    def late() -> str:
        go.wait(10)
        return turns.send(lambda: "answer")

    side = _other_side(turns, late)
    threading.Timer(0.05, go.set).start()
    assert turns.give_turn() is True  # it waited for the command rather than skip its turn
    assert side.result(timeout=10) == "answer"


def test_a_failed_command_fails_on_the_side_that_sent_it() -> None:
    turns = LinkTurns()

    def fails() -> None:
        raise Disconnected("the phone went away")

    def sender() -> str:
        with pytest.raises(Disconnected, match="went away"):
            turns.send(fails)
        return turns.send(lambda: "still served")

    side = _other_side(turns, sender)
    turns.drain()  # the link's side does not see the failure
    assert side.result(timeout=10) == "still served"


def test_once_closed_every_command_is_refused_with_the_reason_given() -> None:
    turns = LinkTurns()
    asked = threading.Event()
    sent: list[str] = []

    def sender() -> list[str]:
        refused = []
        for name in ("waiting", "later"):
            if name == "later":
                asked.wait(10)
            try:
                turns.send(partial(sent.append, name))
            except Disconnected as exc:
                refused.append(exc.message)
            asked.set()
        return refused

    side = _other_side(turns, sender)
    turns.close(Disconnected("stopped early"))
    assert side.result(timeout=10) == ["stopped early", "stopped early"]
    assert sent == []  # nothing was run for a refused side
    assert turns.give_turn() is False


def test_ctrl_c_during_a_command_goes_up_the_links_side_and_stops_the_other() -> None:
    turns = LinkTurns()

    def interrupted() -> None:
        raise KeyboardInterrupt

    def sender() -> tuple[str, str]:
        with pytest.raises(Disconnected) as first:
            turns.send(interrupted)
        with pytest.raises(Disconnected) as second:
            turns.send(lambda: None)
        return first.value.message_id or "", second.value.message_id or ""

    side = _other_side(turns, sender)
    with pytest.raises(KeyboardInterrupt):
        turns.give_turn()
    assert side.result(timeout=10) == ("problems.stopped_by_person",) * 2
