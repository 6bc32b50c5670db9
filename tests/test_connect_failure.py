"""A connect that fails after its admission (the database unreachable, the pool timed out
while reading its ``sync``) leaves no presence behind: the connection never completes, so
no ``disconnect`` handler will ever remove it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy.exc import TimeoutError as PoolTimeout

from facilitator.extensions import socketio
from facilitator.models import Animateur, Atelier, Participant
from facilitator.realtime import handlers
from facilitator.realtime.state import state
from tests.conftest import socket_token


@pytest.mark.parametrize(
    "failing",
    [
        "sync_data",  # after its admission: presence and rooms taken
        "viewer_from_token",  # while reading its token: python-socketio would keep it for ever
    ],
)
def test_a_join_failing_on_the_database_holds_no_place(
    app: Flask,
    make_animateur: Callable[..., Animateur],
    make_atelier: Callable[..., Atelier],
    make_participant: Callable[..., Participant],
    monkeypatch: pytest.MonkeyPatch,
    failing: str,
) -> None:
    atelier = make_atelier(make_animateur())
    alice = make_participant(atelier, "Alice")

    def unreachable(*_: object) -> None:
        raise PoolTimeout("QueuePool limit of size 10 overflow 10 reached")

    monkeypatch.setattr(handlers, failing, unreachable)
    token = socket_token("participant", atelier, alice)
    try:  # Engine.IO logs what escapes the handler; the in-process client raises it
        client = socketio.test_client(app, auth={"token": token})
        assert not client.is_connected()
    except PoolTimeout:
        pass
    assert state().presence.viewers == {}
    assert state().presence.connections_of(alice.id) == 0
    assert state().admitting == 0
    rooms = socketio.server.manager.rooms.get("/", {})
    assert not any(rooms.values()), rooms  # no half-connected sid left in any room
