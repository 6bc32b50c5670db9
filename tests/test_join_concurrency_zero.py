"""JOIN_CONCURRENCY = 0 means no limit, as 0 does for MAX_CONNECTIONS and
MAX_CONNECTIONS_PER_PARTICIPANT: a semaphore of 0 would keep every join waiting for ever."""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask

from facilitator.models import Animateur, Atelier, Participant
from tests.conftest import Sock


def test_no_join_turns_when_zero(
    app: Flask,
    make_animateur: Callable[..., Animateur],
    make_atelier: Callable[..., Atelier],
    make_participant: Callable[..., Participant],
    connect: Callable[..., Sock],
) -> None:
    app.config["JOIN_CONCURRENCY"] = 0
    atelier = make_atelier(make_animateur())
    alice = make_participant(atelier, "Alice")
    socks: list[Sock] = []

    def join() -> None:
        with app.app_context():
            socks.append(connect("participant", atelier, alice))

    joining = threading.Thread(target=join, daemon=True)
    joining.start()
    joining.join(timeout=10)
    assert not joining.is_alive(), "the join waits for a turn that never comes"
    assert socks[0].connected
