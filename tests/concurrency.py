"""Run service calls at the same moment in threads and keep every thread's outcome.

A thread that fails with anything but a WorkflowError is recorded too (as ``error``), so a
race that ends in an IntegrityError, a deadlock or a ConcurrentTransition makes the test fail
instead of silently shrinking the list of outcomes.
"""

import re
import threading
from dataclasses import dataclass

from django.db import connection

from core.permissions import WorkflowError


@dataclass
class Outcome:
    kind: str  # "ok", "refused" (WorkflowError) or "error" (anything else)
    text: str = ""
    value: object = None

    def __str__(self):
        return f"{self.kind}: {self.text}"


def run_and_record(call) -> Outcome:
    try:
        return Outcome("ok", value=call())
    except WorkflowError as error:
        return Outcome("refused", str(error))
    except Exception as error:
        return Outcome("error", f"{type(error).__name__}: {error}")


def race(*calls, timeout=60) -> list[Outcome]:
    """Start every call behind one barrier; return their outcomes in the order of ``calls``."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Outcome | None] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=timeout)
            outcomes[index] = run_and_record(call)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), "a thread is still running (deadlock?)"
    assert None not in outcomes, outcomes
    return outcomes


def in_thread(call, *, timeout=60):
    """Start ``call`` in a thread now; ``join()`` the returned handle to get its Outcome."""
    box = {}

    def run():
        try:
            box["outcome"] = run_and_record(call)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()

    class Handle:
        def join(self):
            thread.join(timeout=timeout)
            assert not thread.is_alive(), "a thread is still running (deadlock?)"
            return box["outcome"]

    return Handle()


def exactly_one_ok(outcomes, refusal_pattern):
    """One success, every other call refused with a message matching ``refusal_pattern``."""
    assert [o.kind for o in outcomes].count("ok") == 1, [str(o) for o in outcomes]
    losers = [o for o in outcomes if o.kind != "ok"]
    assert all(o.kind == "refused" and re.search(refusal_pattern, o.text) for o in losers), [
        str(o) for o in losers
    ]
    return next(o for o in outcomes if o.kind == "ok")
