"""The per-participant connection cap (MAX_CONNECTIONS_PER_PARTICIPANT): one valid link
opening socket after socket is refused beyond the cap, with a French message, and takes no
place from anybody else; a closed connection frees its place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from facilitator.models import Animateur, Atelier, Participant
from facilitator.realtime import handlers
from tests.conftest import Sock

CAP = 2


@pytest.fixture
def refusals(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(code, French message) of every connection the server refuses."""
    app.config["MAX_CONNECTIONS_PER_PARTICIPANT"] = CAP
    seen: list[tuple[str, str]] = []
    original = handlers.refused

    def spy(code: str, message_fr: str, **details: Any) -> Any:
        seen.append((code, message_fr))
        return original(code, message_fr, **details)

    monkeypatch.setattr(handlers, "refused", spy)
    return seen


def test_one_link_cannot_open_more_than_the_cap(
    app: Flask,
    make_animateur: Callable[..., Animateur],
    make_atelier: Callable[..., Atelier],
    make_participant: Callable[..., Participant],
    connect: Callable[..., Sock],
    refusals: list[tuple[str, str]],
) -> None:
    animateur = make_animateur()
    atelier = make_atelier(animateur)
    alice = make_participant(atelier, "Alice")
    bob = make_participant(atelier, "Bob")
    mine = [connect("participant", atelier, alice) for _ in range(CAP)]
    assert all(sock.connected for sock in mine)
    assert refusals == []

    extra = connect("participant", atelier, alice)
    assert not extra.connected
    assert len(refusals) == 1
    code, message = refusals[0]
    assert code == "too_many_connections"
    assert message.startswith("Trop de connexions ouvertes avec ce lien")

    # nobody else loses a place: Bob and the animateur's console still connect
    assert connect("participant", atelier, bob).connected
    assert connect("animateur", atelier, animateur).connected

    # a closed connection frees its place for the same person
    mine[0].disconnect()
    again = connect("participant", atelier, alice)
    assert again.connected
    assert len(refusals) == 1


def test_no_cap_when_zero(
    app: Flask,
    make_animateur: Callable[..., Animateur],
    make_atelier: Callable[..., Atelier],
    make_participant: Callable[..., Participant],
    connect: Callable[..., Sock],
    refusals: list[tuple[str, str]],
) -> None:
    app.config["MAX_CONNECTIONS_PER_PARTICIPANT"] = 0
    atelier = make_atelier(make_animateur())
    alice = make_participant(atelier, "Alice")
    socks = [connect("participant", atelier, alice) for _ in range(CAP + 3)]
    assert all(sock.connected for sock in socks)
    assert refusals == []
