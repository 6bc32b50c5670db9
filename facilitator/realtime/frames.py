"""Frames the Socket.IO server cannot read, and HTTP long-polling bodies that are too big.

python-socketio decodes each Engine.IO message itself; a frame that is not a Socket.IO
packet (invalid JSON, 30,000 nested arrays, a 5,000-digit number, an unknown packet type)
raises inside Engine.IO's message handler, which logs a full traceback and drops the frame
without an answer. Here such a frame:

- gets an error ack when it carries an ack id and its namespace is connected
  (``{ok: false, error: {code: "malformed", message_fr}}``, as every refusal);
- counts against its connection: a connection that never authenticated is closed at its
  ``UNAUTHENTICATED_ERRORS``-th error (an event sent to a namespace it is not connected to
  counts too), an authenticated one when it passes ``ERRORS_PER_MINUTE`` in a minute;
- is logged once per connection, in one line, without a traceback.

``PollingSizeGuard`` answers a long-polling POST larger than the Socket.IO buffer with 413
(Engine.IO would close the session and wait forever for a poll to drain its queue, so the
POST never got an answer)."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from socketio import packet as sio_packet

log = logging.getLogger(__name__)

#: the largest Socket.IO message, over WebSocket and long polling alike
MAX_MESSAGE = 64 * 1024
#: errors before a connection that never authenticated is closed
UNAUTHENTICATED_ERRORS = 3
#: errors per minute before an authenticated connection is closed
ERRORS_PER_MINUTE = 10

#: ``2`` (EVENT), an optional namespace ``/name,``, then the ack id
_ACK_ID = re.compile(r"2(?:(/[^,\[\"]{0,200}),)?(\d{1,15})")

MALFORMED = "Message illisible : l'action n'a pas été prise en compte. Rechargez la page."


@dataclass
class _Errors:
    count: int = 0
    window_start: float = 0.0
    in_window: int = 0


class FrameGuard:
    """Wraps one ``socketio.Server``'s Engine.IO message and disconnect handlers."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.errors: dict[str, _Errors] = {}
        self._handle = server._handle_eio_message
        self._disconnect = server._handle_eio_disconnect

    def install(self) -> None:
        # the Engine.IO server calls its registered handler; the test client calls the
        # Socket.IO server's method: both go through the guard
        self.server._handle_eio_message = self.on_message
        self.server.eio.on("message", self.on_message)
        self.server.eio.on("disconnect", self.on_disconnect)

    def on_disconnect(self, eio_sid: str, *args: Any) -> None:
        self.errors.pop(eio_sid, None)
        self._disconnect(eio_sid, *args)

    def authenticated(self, eio_sid: str, namespace: str = "/") -> bool:
        return bool(self.server.manager.sid_from_eio_sid(eio_sid, namespace))

    def on_message(self, eio_sid: str, data: Any) -> None:
        if isinstance(data, str) and data[:1] == "2" and not self._connected_event(eio_sid, data):
            self.malformed(eio_sid, data, "event outside a connected namespace")
            return
        try:
            self._handle(eio_sid, data)
        except (ValueError, TypeError, KeyError, IndexError, RecursionError) as exc:
            self.malformed(eio_sid, data, type(exc).__name__)

    def _connected_event(self, eio_sid: str, data: str) -> bool:
        namespace = "/"
        if data.startswith("2/"):
            namespace = data[1:].split(",", 1)[0][:200]
        return self.authenticated(eio_sid, namespace)

    def malformed(self, eio_sid: str, data: Any, why: str) -> None:
        errors = self.errors.setdefault(eio_sid, _Errors())
        errors.count += 1
        now = time.monotonic()
        if now - errors.window_start > 60:
            errors.window_start, errors.in_window = now, 0
        errors.in_window += 1
        authenticated = self.authenticated(eio_sid)
        if errors.count == 1:
            log.warning(
                "unreadable Socket.IO frame (%s) on a%s connection; further ones on it are "
                "counted, not logged",
                why,
                "n authenticated" if authenticated else "n unauthenticated",
            )
        self._answer(eio_sid, data)
        limit_reached = (
            errors.in_window > ERRORS_PER_MINUTE
            if authenticated
            else errors.count >= UNAUTHENTICATED_ERRORS
        )
        if limit_reached:
            self.close(eio_sid)

    def _answer(self, eio_sid: str, data: Any) -> None:
        """The error ack, when the frame carries an ack id for a connected namespace."""
        match = _ACK_ID.match(data) if isinstance(data, str) else None
        if match is None:
            return
        namespace = match.group(1) or "/"
        if not self.authenticated(eio_sid, namespace):
            return
        error = {"ok": False, "error": {"code": "malformed", "message_fr": MALFORMED}}
        ack = self.server.packet_class(
            sio_packet.ACK, namespace=namespace, id=int(match.group(2)), data=[error]
        )
        self.server._send_packet(eio_sid, ack)

    def close(self, eio_sid: str) -> None:
        """Close the connection without waiting (the reader is the caller)."""
        self.errors.pop(eio_sid, None)
        socket = self.server.eio.sockets.get(eio_sid)
        if socket is not None:
            socket.close(wait=False)
            # as Engine.IO's own disconnect: a request on a closed, listed session is a 500
            self.server.eio.sockets.pop(eio_sid, None)
        else:  # the in-process test client has no Engine.IO socket
            for namespace in list(self.server.manager.get_namespaces()):
                sid = self.server.manager.sid_from_eio_sid(eio_sid, namespace)
                if sid:
                    self.server.disconnect(sid, namespace=namespace)


class PollingSizeGuard:
    """WSGI middleware in front of Engine.IO: 413 for an over-size long-polling POST."""

    def __init__(self, app: Callable[..., Iterable[bytes]], limit: int, path: str) -> None:
        self.app = app
        self.limit = limit
        self.path = "/" + path.strip("/")

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO", "").startswith(
            self.path
        ):
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = self.limit + 1
            if length > self.limit:
                body = f"Message trop volumineux : {self.limit // 1024} Ko au plus.".encode()
                start_response(
                    "413 Request Entity Too Large",
                    [
                        ("Content-Type", "text/plain; charset=utf-8"),
                        ("Content-Length", str(len(body))),
                        ("Connection", "close"),
                    ],
                )
                return [body]
        return self.app(environ, start_response)


def install(app: Any, socketio: Any) -> None:
    """Guard this app's Socket.IO server (call after ``socketio.init_app``)."""
    FrameGuard(socketio.server).install()
    app.wsgi_app = PollingSizeGuard(app.wsgi_app, MAX_MESSAGE, "socket.io")
