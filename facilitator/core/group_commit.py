"""A leader/follower group commit: many concurrent writers, one transaction (used by the
votes, ``core/votes.py``; the transaction itself is ``events.live_batch``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any


class _Slot:
    """One request waiting in a ``GroupCommit``: its item, then its result or error."""

    __slots__ = ("item", "done", "lead", "value", "error")

    def __init__(self, item: Any) -> None:
        self.item = item
        self.done = threading.Event()  # cooperative under gevent (monkey-patched)
        self.lead = False
        self.value: Any = None
        self.error: BaseException | None = None

    def result(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.value


class GroupCommit:
    """Many concurrent writers, one transaction: a leader/follower group commit.

    ``submit(item)`` queues the item. When nobody is writing, the caller becomes the
    *leader*: it takes every queued item (at most ``max_batch``) and calls
    ``run(slots)``, which must give each slot its ``value`` or ``error`` and commit before
    returning. Then every member of the batch is woken with its own result — so each
    caller returns (and acks) only once ITS item is committed. Items that arrived meanwhile
    wait for the next batch, led by the first of them.

    ``window`` (seconds): during a burst (a batch ended less than ``burst`` ago) the leader
    waits that long before taking the queue, so that a batch gathers what is on its way
    (under gevent, SQLite calls do not yield: without it every vote would be its own
    batch). Outside bursts an item is written at once."""

    def __init__(
        self,
        run: Callable[[list[_Slot]], None],
        window: float = 0.0,
        burst: float = 0.05,
        max_batch: int = 200,
    ) -> None:
        self.run = run
        self.window = window
        self.burst = burst
        self.max_batch = max_batch
        self.lock = threading.Lock()
        self.pending: list[_Slot] = []
        self.leading = False
        self.last_end = 0.0
        self.batches = 0  # counters, for tests and benchmarks
        self.items = 0

    def submit(self, item: Any) -> Any:
        slot = _Slot(item)
        with self.lock:
            self.pending.append(slot)
            follow = self.leading
            self.leading = True
        if follow:
            slot.done.wait()
            if not slot.lead:
                return slot.result()
        self._lead()
        return slot.result()

    def _lead(self) -> None:
        if self.window > 0 and time.monotonic() - self.last_end < self.burst:
            time.sleep(self.window)
        with self.lock:
            batch = self.pending[: self.max_batch]
            del self.pending[: self.max_batch]
        try:
            self.run(batch)
        except BaseException as exc:  # run() gives every slot a result; this is a safety net
            for slot in batch:
                if slot.value is None and slot.error is None:
                    slot.error = exc
        finally:
            self.batches += 1
            self.items += len(batch)
            self.last_end = time.monotonic()
            with self.lock:
                nxt = self.pending[0] if self.pending else None
                if nxt is None:
                    self.leading = False
                else:
                    nxt.lead = True  # the next batch is led by its first member
            for slot in batch:
                slot.done.set()
            if nxt is not None:
                nxt.done.set()
