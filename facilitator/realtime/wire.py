"""Writing one message to many sockets: encode and frame it once, write the same bytes to
every WebSocket.

python-socketio's broadcast already encodes the Socket.IO packet once, but then, for every
recipient, Engine.IO queues the packet, wakes that connection's writer greenlet, encodes
the Engine.IO packet, encodes it to UTF-8, builds a WebSocket header and writes — about
45 µs per recipient on this machine (docs/performance.md). Here a message is framed once
(``Message``) and written straight to the socket (one non-blocking ``send``), after what
was waiting in the connection's Engine.IO queue (taken back and framed, ``_take_queued``);
while the connection's own writer is sending, or a ping or its end is queued, the message
goes into that queue, behind what is already there, as python-socketio would have put it.
Order per connection is therefore what the queue alone would give.

Direct writes need gevent-websocket's connection object (``environ["wsgi.websocket"]``):
the embedded server (run.py) and gunicorn's ``GeventWebSocketWorker``. Other transports
(long polling, simple-websocket, the in-process test client) get ordinary Engine.IO
packets through python-socketio."""

from __future__ import annotations

import logging
import struct
from collections.abc import Iterable
from typing import Any

from engineio import packet as eio_packet
from socketio import packet as sio_packet

log = logging.getLogger(__name__)


class RawFrame(bytes):
    """One or more complete WebSocket frames, written as they are."""


def ws_text_frame(text: str) -> RawFrame:
    """An unmasked, final WebSocket text frame (server → client, RFC 6455 §5.2); no
    compression: no extension is ever negotiated."""
    return ws_frame(text.encode(), 0x81)


def ws_frame(payload: bytes, first: int) -> RawFrame:
    """``first``: FIN + opcode (0x81 text, 0x82 binary)."""
    n = len(payload)
    if n < 126:
        header = bytes((first, n))
    elif n < 65536:
        header = struct.pack("!BBH", first, 126, n)
    else:
        header = struct.pack("!BBQ", first, 127, n)
    return RawFrame(header + payload)


def _frame_of(pkt: Any) -> RawFrame:
    """The WebSocket frame gevent-websocket would write for an Engine.IO packet."""
    known = getattr(pkt, "facilitator_frame", None)
    if known is not None:
        return known
    encoded = pkt.encode()
    if isinstance(encoded, str):
        return ws_text_frame(encoded)
    return ws_frame(bytes(encoded), 0x82)


class Message:
    """A Socket.IO event on the default namespace, encoded once in both shapes."""

    __slots__ = ("eio", "frame", "seq")

    def __init__(
        self, event: str, data: Any, seq: int = 0, packet_class: Any = sio_packet.Packet
    ) -> None:
        text = packet_class(sio_packet.EVENT, data=[event, data], namespace="/").encode()
        self.eio = eio_packet.Packet(eio_packet.MESSAGE, text)
        self.frame = ws_text_frame("4" + text)
        self.eio.facilitator_frame = self.frame  # if it is queued, then taken back (write)
        self.seq = seq


class Direct:
    """A gevent-websocket connection we may write pre-framed bytes to.

    ``busy`` counts writes in progress through the connection's own ``raw_write`` (its
    writer may be suspended in ``sendall`` with half a frame out, or waiting for our tail
    with packets it already took from the queue) or our own unfinished tail: no direct
    write then, and the connection's writer waits for our tail to be out before it writes
    anything."""

    __slots__ = ("ws", "socket", "sock", "busy", "tail")

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.socket = ws.handler.socket  # gevent's socket
        self.sock = self.socket._sock  # the non-blocking OS socket under it
        self.busy = 0
        self.tail: Any = None  # gevent Event while a partly sent frame is being finished
        write = ws.raw_write

        def raw_write(data: bytes) -> None:
            # busy while waiting for the tail too: the writer holds packets it took from
            # the queue, and a direct write after the tail must not overtake them
            self.busy += 1
            try:
                while self.tail is not None:
                    self.tail.wait()
                write(data)
            finally:
                self.busy -= 1

        ws.raw_write = raw_write

    def finish(self, rest: bytes) -> None:
        """Send the rest of a frame the kernel did not take at once, in a greenlet."""
        import gevent
        from gevent.event import Event

        self.tail = Event()
        self.busy += 1

        def run() -> None:
            try:
                self.socket.sendall(rest)
            except OSError:
                pass  # gone: the reader cleans up
            finally:
                self.busy -= 1
                tail, self.tail = self.tail, None
                tail.set()

        gevent.spawn(run)


#: how soon the clients retry after a server-announced restart (the embedded server is
#: back in ~1.2 s on this machine: several tries, jittered, land right after it is up)
RESTART_RETRY_MS = 250


class Wire:
    """Per process: which connections take direct writes, and the writing itself."""

    def __init__(self) -> None:
        self.server: Any = None  # socketio.Server
        self.direct: dict[str, Direct] = {}  # eio sid -> connection
        self.enabled = True

    def init_server(self, server: Any, enabled: bool = True) -> None:
        self.server = server
        self.direct.clear()
        self.enabled = enabled
        if enabled and getattr(server.eio, "async_mode", None) == "gevent":
            timer_pings()

    def attach(self, sid: str, environ: dict[str, Any]) -> None:
        """Call at the end of ``connect`` (the Socket.IO CONNECT reply and ``sync`` are
        queued by then, so nothing direct can overtake them)."""
        ws = environ.get("wsgi.websocket")
        if not self.enabled or ws is None or self.server is None:
            return
        try:
            eio_sid = self.server.manager.eio_sid_from_sid(sid, "/")
            if eio_sid is not None and hasattr(ws.handler.socket, "_sock"):
                self.direct[eio_sid] = Direct(ws)
        except Exception:  # an unexpected server: keep the ordinary path
            log.debug("no direct writes for %s", sid, exc_info=True)

    def detach(self, sid: str) -> None:
        if self.server is None:
            return
        eio_sid = self.server.manager.eio_sid_from_sid(sid, "/")
        self.direct.pop(eio_sid, None)

    def message(self, event: str, data: Any, seq: int = 0) -> Message:
        return Message(event, data, seq, self.server.packet_class)

    def members(self, room: str) -> Iterable[str]:
        """Engine.IO sids of this process's clients in ``room``."""
        room_map = self.server.manager.rooms.get("/", {}).get(room)
        return list(room_map.values()) if room_map else ()

    def write(self, eio_sid: str, frame: RawFrame, messages: list[Message]) -> None:
        """Send ``messages`` (whose frames, concatenated, are ``frame``) to one client."""
        socket = self.server.eio.sockets.get(eio_sid)
        direct = self.direct.get(eio_sid)
        if socket is None or direct is None:
            if direct is not None:
                self.direct.pop(eio_sid, None)
            for message in messages:  # ordinary path (and the in-process test client)
                self.server._send_eio_packet(eio_sid, message.eio)
            return
        if socket.closed or socket.closing:
            return
        queued: bytes | None = b""
        if not direct.busy and socket.upgraded and socket.queue.qsize():
            queued = _take_queued(socket.queue)
        if direct.busy or not socket.upgraded or queued is None:
            for message in messages:  # behind what is queued: its writer frames them
                socket.queue.put(message.eio)
            return
        if queued:
            frame = RawFrame(queued + frame)  # what was queued first, then ours
        try:
            sent = direct.sock.send(frame)
        except BlockingIOError:
            sent = 0
        except OSError:
            return  # the connection is gone; its reader will clean up
        if sent < len(frame):
            direct.finish(frame[sent:])

    def send(self, eio_sids: Iterable[str], messages: list[Message]) -> None:
        """The same messages, in order, to each of ``eio_sids``."""
        if not messages:
            return
        frame = RawFrame(b"".join(m.frame for m in messages))
        for eio_sid in eio_sids:
            self.write(eio_sid, frame, messages)

    def announce_restart(self, retry_ms: int = RESTART_RETRY_MS) -> int:
        """Tell every client of this process that the server is restarting (docs/protocol.md,
        ``restart``): they come back after ``retry_ms`` ± 50 %, then retry as often, instead
        of their usual backoff (1 s, 2 s, 4 s…) that made the last ones resync seconds after
        the server was up again. One message, framed once, the same bytes to everyone.
        Returns the number of connections told."""
        if self.server is None:
            return 0
        message = self.message("restart", {"retry_ms": retry_ms})
        # every connected client is in the room ``None`` of the default namespace
        sids = list(self.server.manager.rooms.get("/", {}).get(None, {}).values())
        self.send(sids, [message])
        return len(sids)


wire = Wire()


def _take_queued(queue: Any) -> bytes | None:
    """The packets waiting in a connection's Engine.IO queue, taken out and framed, to be
    written ahead of a message; None: leave them to the connection's writer (a ping is
    among them, or the closing sentinel).

    A packet queued for a connection (an ack, a presence update, a message that found the
    connection busy) waits there until the connection's writer greenlet runs; under load
    that is after the whole fan-out, and every message for that connection queued behind
    it was framed once per recipient by Engine.IO and gevent-websocket (35–40 % of the
    deliveries of a 300-room on a loaded machine, docs/performance.md). Taking them here
    keeps the order and writes everything in one ``send``; the writer, woken for packets
    no longer there, finds the queue empty and waits on (gevent's queue hands an item to a
    waiting getter only while it is still queued). Pings are left to the writer: it closes
    the connection when it gets nothing for ``ping_interval + ping_timeout``."""
    if any(pkt is None or pkt.packet_type == eio_packet.PING for pkt in queue.queue):
        return None
    frames = [_frame_of(pkt) for pkt in queue.queue]
    for _ in frames:
        queue.get_nowait()
        queue.task_done()
    return b"".join(frames)


def timer_pings() -> None:
    """Engine.IO's pings without a sleeping greenlet per connection (gevent only).

    python-engineio schedules each ping by starting a background task that sleeps
    ``ping_interval`` then sends PING: one greenlet per connection, asleep almost all the
    time, ~8.5 KB each on this machine (its C stack slice and Python frames are kept while
    it waits; docs/performance.md). Here the wait is a libev timer — no stack — and a
    greenlet exists only for the few microseconds of sending the ping. Same timing, same
    packet, same checks (``Socket._send_ping`` minus the sleep)."""
    import time

    import gevent
    from engineio import packet as eio_pkt
    from engineio import socket as eio_socket

    if getattr(eio_socket.Socket, "_timer_pings", False):
        return
    upstream = eio_socket.Socket.schedule_ping

    def send_ping(sock: Any) -> None:
        if not sock.closing and not sock.closed:
            sock.last_ping = time.time()
            sock.send(eio_pkt.Packet(eio_pkt.PING))

    def schedule_ping(sock: Any) -> None:
        if getattr(sock.server, "async_mode", None) != "gevent":
            return upstream(sock)  # another server of this process (threading)
        # only schedule a new ping if the previous ping wait cycle completed (as upstream)
        if sock.last_ping:
            sock.last_ping = None
            timer = gevent.get_hub().loop.timer(sock.server.ping_interval)

            def fire() -> None:
                timer.close()
                gevent.spawn(send_ping, sock)

            timer.start(fire, update=True)  # from now, not from the loop's cached time

    eio_socket.Socket.schedule_ping = schedule_ping
    eio_socket.Socket._timer_pings = True
