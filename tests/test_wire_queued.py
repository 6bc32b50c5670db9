"""Direct writes and what waits in a connection's Engine.IO queue (realtime/wire.py): a
packet queued before a message is written ahead of it, in the same ``send``; a ping or the
closing sentinel stays with the connection's writer, and the message queues behind it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import gevent
import pytest
from engineio import packet as eio_packet
from gevent.queue import Empty, JoinableQueue

from facilitator.realtime.wire import Message, Wire, ws_text_frame


class _Sock:
    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def send(self, data: bytes) -> int:
        self.sent.append(bytes(data))
        return len(data)


def _wire() -> tuple[Wire, Any, _Sock]:
    connection = SimpleNamespace(queue=JoinableQueue(), upgraded=True, closed=False, closing=False)
    os_sock = _Sock()
    wire = Wire()
    wire.server = SimpleNamespace(eio=SimpleNamespace(sockets={"e1": connection}))
    wire.direct["e1"] = SimpleNamespace(busy=0, sock=os_sock, finish=None)  # type: ignore[assignment]
    return wire, connection, os_sock


def _event(n: int) -> Message:
    return Message("event", {"seq": n, "type": "card.added", "data": {}}, n)


def test_what_was_queued_goes_out_first_in_the_same_send() -> None:
    wire, connection, os_sock = _wire()
    ack = eio_packet.Packet(eio_packet.MESSAGE, '31[{"ok":true}]')
    earlier = _event(1)
    connection.queue.put(ack)
    connection.queue.put(earlier.eio)  # found the connection busy a moment ago
    later = _event(2)
    wire.send(["e1"], [later])
    assert os_sock.sent == [ws_text_frame('431[{"ok":true}]') + earlier.frame + later.frame]
    assert connection.queue.qsize() == 0


def test_the_writer_waiting_on_the_queue_does_not_get_what_was_taken() -> None:
    wire, connection, os_sock = _wire()
    got: list[Any] = []

    def writer() -> None:  # as Engine.IO's: a blocking get with a timeout
        try:
            got.append(connection.queue.get(timeout=0.2))
        except Empty:
            got.append("empty")

    task = gevent.spawn(writer)
    gevent.sleep(0)  # the writer now waits
    connection.queue.put(eio_packet.Packet(eio_packet.MESSAGE, '2["presence",{}]'))
    wire.send(["e1"], [_event(1)])  # before the writer had its turn
    task.join()
    assert got == ["empty"] and len(os_sock.sent) == 1


@pytest.mark.parametrize("waiting", ["ping", "closing"])
def test_a_ping_or_the_end_stays_with_the_writer(waiting: str) -> None:
    wire, connection, os_sock = _wire()
    first = eio_packet.Packet(eio_packet.PING) if waiting == "ping" else None
    connection.queue.put(first)
    message = _event(1)
    wire.send(["e1"], [message])
    assert os_sock.sent == []
    assert list(connection.queue.queue) == [first, message.eio]  # behind, in order
