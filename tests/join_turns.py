"""Shared by the join-turn tests: sockets opened while a slow join holds the process's only
join turn (``state().joining``), and how many places they held while they waited."""

from __future__ import annotations

import threading
import time

from flask import Flask

from facilitator.extensions import socketio
from facilitator.realtime.state import state


def open_while_the_turn_is_held(app: Flask, token: str, count: int) -> tuple[int, list[object]]:
    """Open ``count`` test sockets with ``token``, each in its own thread, while a slow join
    holds the only turn; half a second later the turn is released. Returns how many places
    they held while waiting (``admitting``, read before the release) and the clients."""
    current = state()
    current.joining = threading.BoundedSemaphore(1)
    current.joining.acquire()  # a slow join holds the only turn
    opened: list[object] = []

    def open_one() -> None:
        with app.app_context():
            opened.append(socketio.test_client(app, auth={"token": token}))

    threads = [threading.Thread(target=open_one, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    waiting = current.admitting
    current.joining.release()
    for thread in threads:
        thread.join(timeout=10)
    return waiting, opened
