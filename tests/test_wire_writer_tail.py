"""A connection's Engine.IO writer that took packets from the queue while a direct write's
tail was still going out (realtime/wire.py ``Direct``) keeps its turn: a message written
after the tail is out goes behind those packets, never ahead of them (a later ``seq``
first makes the client drop the earlier one)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import gevent
from gevent.event import Event
from gevent.queue import Empty, JoinableQueue

from facilitator.realtime.wire import Direct, Message, Wire


class _OsSock:
    """The non-blocking OS socket: takes 3 bytes of the first write, all of later ones."""

    def __init__(self, out: list[bytes]) -> None:
        self.out = out
        self.calls = 0

    def send(self, data: bytes) -> int:
        self.calls += 1
        n = 3 if self.calls == 1 else len(data)
        self.out.append(bytes(data[:n]))
        return n


class _GeventSock:
    """gevent's socket: ``sendall`` of a tail waits until the client reads (``drained``)."""

    def __init__(self, out: list[bytes], drained: Event) -> None:
        self.out = out
        self.drained = drained
        self._sock = _OsSock(out)

    def sendall(self, data: bytes) -> None:
        self.drained.wait()
        self.out.append(bytes(data))


def _event(n: int) -> Message:
    return Message("event", {"seq": n, "type": "card.added", "data": {}}, n)


def test_a_direct_write_does_not_overtake_what_the_writer_holds() -> None:
    out: list[bytes] = []
    drained = Event()
    gsock = _GeventSock(out, drained)
    ws = SimpleNamespace(handler=SimpleNamespace(socket=gsock), raw_write=out.append)
    direct = Direct(ws)
    connection = SimpleNamespace(queue=JoinableQueue(), upgraded=True, closed=False, closing=False)
    wire = Wire()
    wire.server = SimpleNamespace(eio=SimpleNamespace(sockets={"e1": connection}))
    wire.direct["e1"] = direct

    def writer() -> None:  # Engine.IO's writer: a packet from the queue, then ws.send
        while True:
            try:
                pkt: Any = connection.queue.get(timeout=0.2)
            except Empty:
                return
            connection.queue.task_done()
            ws.raw_write(pkt.facilitator_frame)

    one, two, three = _event(1), _event(2), _event(3)
    task = gevent.spawn(writer)
    gevent.sleep(0)  # the writer waits on the queue
    wire.send(["e1"], [one])  # 3 bytes out, the rest in a tail greenlet
    assert direct.tail is not None
    wire.send(["e1"], [two])  # busy: queued for the writer
    gevent.sleep(0)  # the writer takes it and waits for the tail
    assert connection.queue.qsize() == 0
    drained.set()
    gevent.sleep(0)  # the tail is out; the writer has not had its turn yet
    wire.send(["e1"], [three])
    task.join(timeout=2)
    assert b"".join(out) == one.frame + two.frame + three.frame
