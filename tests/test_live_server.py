"""Against a real server process (run.py, gevent, SQLite file) with real Socket.IO clients."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.live import (
    LiveServer,
    Peer,
    console_token,
    join_participant,
    login_animateur,
    wait_until,
)

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("live")).start()
    yield live
    live.stop()


def _participant_link(server: LiveServer, http: requests.Session) -> tuple[int, str]:
    import re

    page = http.get(server.url + f"/animateur/cycles/{server.demo['cycle_id']}").text
    atelier_id = int(re.search(r"/animateur/ateliers/(\d+)", page).group(1))
    console = http.get(f"{server.url}/animateur/ateliers/{atelier_id}").text
    link = re.search(r"(http://127\.0\.0\.1:\d+/rejoindre/[A-Za-z0-9_-]+)", console).group(1)
    return atelier_id, link


def test_missed_cards_are_replayed_exactly_once(server: LiveServer) -> None:
    http = login_animateur(server)
    atelier_id, link = _participant_link(server, http)
    anim = Peer(server.url, console_token(http, server, atelier_id)).connect()
    assert anim.call("atelier_start", {})["ok"]
    writer = Peer(server.url, join_participant(server, link, "Alice")).connect()
    reader = Peer(server.url, join_participant(server, link, "Bob")).connect()
    step = writer.syncs[0]["snapshot"]["atelier"]["current_step_id"]
    column = writer.syncs[0]["snapshot"]["steps"][0]["columns"][0]["id"]

    def add(i: int) -> int:
        ack = writer.call(
            "card_add",
            {
                "step_id": step,
                "client_id": f"live-card-{i:04d}",
                "text": f"Carte {i}",
                "column": column,
            },
        )
        assert ack["ok"], ack
        return ack["card"]["id"]

    before = [add(i) for i in range(3)]
    assert wait_until(lambda: set(before) <= set(reader.cards))
    reader.disconnect()
    missed = [add(i) for i in range(3, 8)]
    applied_before = list(reader.applied)
    reader.connect()
    assert wait_until(lambda: set(missed) <= set(reader.cards))
    assert reader.syncs[-1]["mode"] == "replay"
    replayed = [e["data"]["card"]["id"] for e in reader.syncs[-1]["events"]]
    assert replayed == missed
    new_seqs = reader.applied[len(applied_before) :]
    assert len(new_seqs) == len(set(new_seqs)) == len(missed)  # no duplicates
    # a retried add after reconnect does not duplicate either
    again = writer.call(
        "card_add",
        {"step_id": step, "client_id": "live-card-0003", "text": "Carte 3", "column": column},
    )
    assert again["duplicate"] is True
    assert len(reader.cards) == 8
    for peer in (anim, writer, reader):
        peer.disconnect()


def _handshake(server: LiveServer, origin: str, extensions: str = "") -> str:
    """What the server sends after a raw WebSocket upgrade request: status line, headers,
    then, for an accepted Engine.IO connection, its OPEN packet with a ``sid``."""
    import base64
    import os
    import socket as pysocket

    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n"
        + (f"Sec-WebSocket-Extensions: {extensions}\r\n" if extensions else "")
        + "\r\n"
    )
    received = b""
    with pysocket.create_connection(("127.0.0.1", server.port), timeout=2) as conn:
        conn.sendall(request.encode())
        try:
            while b'"sid"' not in received:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                received += chunk
        except TimeoutError:
            pass
    return received.decode("latin-1")


def test_foreign_origin_is_refused(server: LiveServer) -> None:
    assert '"sid"' in _handshake(server, server.url)
    # gevent-websocket upgrades before Engine.IO sees the request; Engine.IO then closes
    # the socket without opening a session
    assert '"sid"' not in _handshake(server, "https://evil.example")
    polling = requests.get(
        server.url + "/socket.io/?EIO=4&transport=polling",
        headers={"Origin": "https://evil.example"},
        timeout=5,
    )
    assert polling.status_code == 400


def test_websocket_compression_is_not_negotiated(server: LiveServer) -> None:
    head = _handshake(server, server.url, "permessage-deflate; client_max_window_bits")
    assert head.startswith("HTTP/1.1 101")
    assert "permessage-deflate" not in head.lower()


def test_server_keeps_acknowledged_cards_across_restart(tmp_path: Path) -> None:
    live = LiveServer(tmp_path / "restart").start()
    try:
        http = login_animateur(live)
        atelier_id, link = _participant_link(live, http)
        anim = Peer(live.url, console_token(http, live, atelier_id)).connect()
        anim.call("atelier_start", {})
        peer = Peer(live.url, join_participant(live, link, "Chris")).connect()
        snap = peer.syncs[0]["snapshot"]
        step, column = snap["atelier"]["current_step_id"], snap["steps"][0]["columns"][0]["id"]
        acked = []
        for i in range(20):
            ack = peer.call(
                "card_add",
                {"step_id": step, "client_id": f"kill-{i:05d}", "text": f"c{i}", "column": column},
            )
            acked.append(ack["card"]["id"])
        seq = peer.last_seq
        peer.disconnect()
        anim.disconnect()
        live.kill()  # kill -9: no clean shutdown
        live.start()
        peer.connect()
        assert wait_until(lambda: len(peer.syncs) == 2)
        assert peer.syncs[-1]["mode"] == "replay" and peer.syncs[-1]["events"] == []
        assert peer.syncs[-1]["seq"] == seq
        fresh = Peer(live.url, peer.token).connect()
        assert sorted(fresh.cards) == sorted(acked)
        fresh.disconnect()
        peer.disconnect()
    finally:
        live.stop()


def test_no_ip_address_in_the_server_log(tmp_path: Path) -> None:
    live = LiveServer(tmp_path / "logs", LOG_LEVEL="INFO").start()
    try:
        http = login_animateur(live)
        atelier_id, link = _participant_link(live, http)
        peer = Peer(live.url, join_participant(live, link, "Dana")).connect()
        peer.disconnect()
    finally:
        live.stop()
    log = live.log.read_text()
    assert "participant 1 joined atelier" in log  # INFO lines are there (the seeding is quiet)
    assert "127.0.0.1" not in log.replace(f"http://127.0.0.1:{live.port}", "")
