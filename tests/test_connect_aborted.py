"""A client that goes away while its connect is still being handled (waiting for a join
turn, reading the database) leaves nothing behind: python-socketio does not call the
``disconnect`` handler of a connection still in its ``connect`` handler, then marks it
connected once that handler returns. Its place, its presence and the person's share of
MAX_CONNECTIONS_PER_PARTICIPANT would stay taken for the life of the process."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from flask import Flask
from socketio import packet as sio_packet
from werkzeug.test import EnvironBuilder

from facilitator.extensions import socketio
from facilitator.models import Animateur, Atelier, Participant
from facilitator.realtime.state import state
from tests.conftest import socket_token


def test_a_client_gone_while_waiting_for_its_join_turn_holds_no_place(
    app: Flask,
    make_animateur: Callable[..., Animateur],
    make_atelier: Callable[..., Atelier],
    make_participant: Callable[..., Participant],
) -> None:
    atelier = make_atelier(make_animateur())
    alice = make_participant(atelier, "Alice")
    token = socket_token("participant", atelier, alice)
    server = socketio.server
    current = state()
    current.joining = threading.BoundedSemaphore(1)
    current.joining.acquire()  # every join turn taken: the connect below waits
    environ = EnvironBuilder(path="/socket.io").get_environ()
    environ["flask.app"] = app
    eio_sid = "gone-while-joining"
    server._handle_eio_connect(eio_sid, environ)
    connect = sio_packet.Packet(sio_packet.CONNECT, {"token": token}, namespace="/")
    joining = threading.Thread(target=server._handle_eio_message, args=(eio_sid, connect.encode()))
    joining.start()
    deadline = time.monotonic() + 5
    while current.admitting == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert current.admitting == 1
    server._handle_eio_disconnect(eio_sid, server.reason.TRANSPORT_CLOSE)  # the client left
    current.joining.release()
    joining.join(timeout=10)
    assert not joining.is_alive()

    assert current.presence.viewers == {}
    assert current.presence.connections_of(alice.id) == 0
    assert current.admitting == 0
    assert server.manager.sid_from_eio_sid(eio_sid, "/") is None
