"""Overload: beyond MAX_CONNECTIONS a real server process refuses NEW Socket.IO connections
with `server_full` (French message, jittered retry delay), keeps a reserve for animateurs,
and leaves the connected clients and their acknowledged cards untouched."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import socketio

from tests.live import (
    LiveServer,
    Peer,
    console_token,
    join_participant,
    login_animateur,
    wait_until,
)

pytestmark = pytest.mark.live

MAX = 5
RESERVE = 1


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(
        tmp_path_factory.mktemp("full"),
        MAX_CONNECTIONS=str(MAX),
        ANIMATEUR_RESERVED_CONNECTIONS=str(RESERVE),
        SERVER_FULL_RETRY_MS="2000",
    ).start()
    yield live
    live.stop()


def _console(server: LiveServer) -> tuple[str, str]:
    """The animateur's socket token and the participants' join link of the first atelier."""
    http = login_animateur(server)
    page = http.get(server.url + f"/animateur/cycles/{server.demo['cycle_id']}").text
    atelier_id = int(re.search(r"/animateur/ateliers/(\d+)", page).group(1))
    console = http.get(f"{server.url}/animateur/ateliers/{atelier_id}").text
    link = re.search(r"(http://127\.0\.0\.1:\d+/rejoindre/[A-Za-z0-9_-]+)", console).group(1)
    return console_token(http, server, atelier_id), link


def _try_connect(server: LiveServer, token: str) -> tuple[socketio.Client, dict[str, Any] | None]:
    """Connect a bare client; return it and the refusal (``connect_error`` payload), if any."""
    client = socketio.Client(reconnection=False)
    refusals: list[dict[str, Any]] = []
    client.on("connect_error", lambda data=None: refusals.append(data))
    try:
        client.connect(server.url, auth={"token": token}, transports=["websocket"], wait_timeout=10)
    except socketio.exceptions.ConnectionError:
        assert wait_until(lambda: refusals)
    return client, (refusals[0] if refusals else None)


def test_full_server_refuses_newcomers_keeps_the_connected_and_a_place_for_the_animateur(
    server: LiveServer,
) -> None:
    anim_token, link = _console(server)
    anim = Peer(server.url, anim_token).connect()
    assert anim.call("atelier_start", {})["ok"]
    places = MAX - RESERVE - 1  # the participants' places left beside the console
    tokens = [join_participant(server, link, f"Personne {i}") for i in range(places + 1)]
    peers = [Peer(server.url, t).connect() for t in tokens[:places]]
    writer, reader = peers[0], peers[1]
    snapshot = writer.syncs[0]["snapshot"]
    step = snapshot["atelier"]["current_step_id"]
    column = snapshot["steps"][0]["columns"][0]["id"]

    # every participant place is taken: a newcomer is refused, with a French message
    refused_client, refusal = _try_connect(server, tokens[places])
    assert not refused_client.connected
    assert refusal is not None, "the refused client got no connect_error"
    details = refusal["data"]
    assert details["code"] == "server_full"
    retry_ms = details["retry_ms"]
    assert 1000 <= retry_ms <= 3000  # 2000 ms ± 50 %
    seconds = -(-retry_ms // 1000)
    assert details["message_fr"] == f"Le serveur est complet, nouvel essai dans {seconds} s"
    assert refusal["message"] == details["message_fr"]

    # the connected ones are untouched: a card is acknowledged and reaches the others
    ack = writer.call(
        "card_add",
        {"step_id": step, "client_id": "full-0001", "text": "Malgré l'affluence", "column": column},
    )
    assert ack["ok"], ack
    assert wait_until(lambda: ack["card"]["id"] in reader.cards)
    assert all(p.sio.connected for p in peers) and anim.sio.connected

    # the animateur's reserve: a second console still gets in; then nobody does
    second_console = Peer(server.url, anim_token).connect()
    assert second_console.sio.connected and second_console.syncs
    assert _try_connect(server, anim_token)[1]["data"]["code"] == "server_full"

    # a place freed: the refused participant gets in and sees the acknowledged card
    second_console.disconnect()
    peers[-1].disconnect()
    late = Peer(server.url, tokens[places])
    assert wait_until(lambda: _can_connect(late), timeout=10)
    assert ack["card"]["id"] in late.cards
    for peer in [*peers, anim, late]:
        peer.disconnect()


def _can_connect(peer: Peer) -> bool:
    try:
        peer.connect()
    except socketio.exceptions.ConnectionError:
        return False
    return True


def test_refusals_are_jittered(server: LiveServer) -> None:
    """Not every refused client comes back at the same instant."""
    anim_token, _ = _console(server)
    holders = [Peer(server.url, anim_token) for _ in range(MAX)]
    for holder in holders:  # places freed by the previous test are freed a moment later
        assert wait_until(lambda holder=holder: _can_connect(holder), timeout=10)
    try:
        delays = {_try_connect(server, anim_token)[1]["data"]["retry_ms"] for _ in range(6)}
    finally:
        for holder in holders:
            holder.disconnect()
    assert len(delays) > 1
    assert requests.get(server.url + "/", timeout=5).status_code == 200
