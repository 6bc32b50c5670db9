"""The per-participant cap counts the connections of that person still waiting for their
join turn: one link opening sockets in a loop behind slow joins held every place of the
process while they waited (refused ``too_many_connections`` only once read), and people
with their own links were refused ``server_full`` meanwhile."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from facilitator.models import Animateur, Atelier, Participant
from facilitator.realtime.state import state
from tests.conftest import Sock, socket_token
from tests.join_turns import open_while_the_turn_is_held


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
    waiting, opened = open_while_the_turn_is_held(app, token, 4)
    assert waiting == 2, "one link held more places than its cap while waiting"
    assert connect("participant", atelier, bob).connected
    assert state().admitting == 0 and state().admitting_of == {}
    for client in opened:
        if client.is_connected():  # type: ignore[attr-defined]
            client.disconnect()  # type: ignore[attr-defined]
