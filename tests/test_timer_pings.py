"""Engine.IO pings on a timer instead of a sleeping greenlet per connection
(facilitator/realtime/wire.py ``timer_pings``; docs/performance.md, memory per participant).
Run under gevent in a child process: the test process itself runs in threading mode."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
from gevent import monkey

monkey.patch_all()

import gc
import json
import time

import gevent
import greenlet
from engineio import packet
from engineio import socket as eio_socket

from facilitator.realtime.wire import timer_pings

timer_pings()
timer_pings()  # idempotent


class Server:
    async_mode = "gevent"
    ping_interval = 0.2

    def __init__(self):
        self.tasks = []

    def start_background_task(self, fn, *args):
        self.tasks.append(fn)


class Sock:
    def __init__(self, mode="gevent"):
        self.server = Server()
        self.server.async_mode = mode
        self.closing = self.closed = False
        self.last_ping = time.time()
        self.sent = []

    def send(self, pkt):
        self.sent.append((pkt.packet_type, time.monotonic()))

    def _send_ping(self):  # python-engineio's own (sleep, then ping)
        pass


def waiting_greenlets():
    hub, main = gevent.get_hub(), greenlet.getcurrent()
    return [
        g for g in gc.get_objects()
        if isinstance(g, greenlet.greenlet) and g and g is not hub and g is not main
    ]


live, closed, threaded = Sock(), Sock(), Sock("threading")
t0 = time.monotonic()
for s in (live, closed):
    eio_socket.Socket.schedule_ping(s)
eio_socket.Socket.schedule_ping(live)  # a second call before the ping: no second timer
gevent.sleep(0.05)
during = len(waiting_greenlets())
closed.closed = True
gevent.sleep(0.35)
eio_socket.Socket.schedule_ping(threaded)
print(json.dumps({
    "during": during,
    "live": [(kind, round(at - t0, 3)) for kind, at in live.sent],
    "closed": closed.sent,
    "last_ping_set": live.last_ping is not None,
    "threaded_tasks": len(threaded.server.tasks),
    "ping": packet.PING,
}))
"""


def test_pings_wait_on_a_timer_not_on_a_greenlet() -> None:
    out = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    import json

    result = json.loads(out.strip().splitlines()[-1])
    assert result["during"] == 0  # nothing asleep per connection while waiting
    [(kind, at)] = result["live"]  # one ping, after ping_interval
    assert kind == result["ping"] and 0.18 <= at < 0.35
    assert result["last_ping_set"]  # the PONG check starts from it, as upstream
    assert result["closed"] == []  # a socket closed meanwhile gets nothing
    assert result["threaded_tasks"] == 1  # other async modes keep python-engineio's way
