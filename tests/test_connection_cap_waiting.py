"""The per-participant cap counts the connections of that person still waiting for their
join turn: one link opening sockets in a loop behind slow joins held every place of the
process while they waited (refused ``too_many_connections`` only once read), and people
with their own links were refused ``server_full`` meanwhile."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from flask import Flask

from facilitator.extensions import socketio
from facilitator.models import Animateur, Atelier, Participant
from facilitator.realtime.state import state
from tests.conftest import Sock, socket_token


def test_one_link_waiting_for_turns_holds_no_more_than_its_cap(
    app: Flask,
    make_animateur: Callable[..., Animateur],
    make_atelier: Callable[..., Atelier],
    make_participant: Callable[..., Participant],
    connect: Callable[..., Sock],
) -> None:
    app.config["MAX_CONNECTIONS"] = 4
    app.config["ANIMATEUR_RESERVED_CONNECTIONS"] = 0
    app.config["MAX_CONNECTIONS_PER_PARTICIPANT"] = 2
    atelier = make_atelier(make_animateur())
    alice = make_participant(atelier, "Alice")
    bob = make_participant(atelier, "Bob")
    token = socket_token("participant", atelier, alice)
    current = state()
    current.joining = threading.BoundedSemaphore(1)
    current.joining.acquire()  # a slow join holds the only turn
    opened: list[object] = []

    def again() -> None:
        with app.app_context():
            opened.append(socketio.test_client(app, auth={"token": token}))

    loop = [threading.Thread(target=again, daemon=True) for _ in range(4)]
    for thread in loop:
        thread.start()
    time.sleep(0.5)
    waiting = current.admitting
    current.joining.release()
    for thread in loop:
        thread.join(timeout=10)
    assert waiting == 2, "one link held more places than its cap while waiting"
    assert connect("participant", atelier, bob).connected
    assert current.admitting == 0 and current.admitting_of == {}
    for client in opened:
        if client.is_connected():  # type: ignore[attr-defined]
            client.disconnect()  # type: ignore[attr-defined]
