"""A token whose signature is bad (forged, expired) is refused before it waits for a join
turn: while it waits it counts against MAX_CONNECTIONS (``admitting``), so a burst of them
behind slow joins took the places of people with valid links (refused ``server_full``)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from facilitator.models import Animateur, Atelier, Participant
from tests.conftest import Sock
from tests.join_turns import open_while_the_turn_is_held


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
    waiting, _ = open_while_the_turn_is_held(app, "forged.token.value", 3)
    assert waiting == 0, "forged tokens held places while waiting for a join turn"
    assert connect("participant", atelier, alice).connected
