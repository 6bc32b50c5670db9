"""A token whose signature is bad (forged, expired) is refused before it waits for a join
turn: while it waits it counts against MAX_CONNECTIONS (``admitting``), so a burst of them
behind slow joins took the places of people with valid links (refused ``server_full``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from flask import Flask

from facilitator.extensions import socketio
from facilitator.models import Animateur, Atelier, Participant
from facilitator.realtime.state import state
from tests.conftest import Sock


def test_a_forged_token_is_refused_without_waiting_for_a_turn(
    app: Flask,
    make_animateur: Callable[..., Animateur],
    make_atelier: Callable[..., Atelier],
    make_participant: Callable[..., Participant],
    connect: Callable[..., Sock],
) -> None:
    app.config["MAX_CONNECTIONS"] = 3
    app.config["ANIMATEUR_RESERVED_CONNECTIONS"] = 0
    atelier = make_atelier(make_animateur())
    alice = make_participant(atelier, "Alice")
    current = state()
    current.joining = threading.BoundedSemaphore(1)
    current.joining.acquire()  # a slow join holds the only turn

    def forged() -> None:
        with app.app_context():
            socketio.test_client(app, auth={"token": "forged.token.value"})

    burst = [threading.Thread(target=forged, daemon=True) for _ in range(3)]
    for thread in burst:
        thread.start()
    time.sleep(0.5)
    waiting = current.admitting
    current.joining.release()
    for thread in burst:
        thread.join(timeout=10)
    assert waiting == 0, "forged tokens held places while waiting for a join turn"
    assert connect("participant", atelier, alice).connected
