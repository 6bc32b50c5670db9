"""A merge under load, against a real server process with real Socket.IO clients (issue
16): a participant keeps posting cards from their second device while the animateur
merges that device's participant into the first one. Every card acknowledged is stored
once, and ends up with the kept person; the connection goes on posting as the kept person;
the animateur's console is told."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.live import LiveServer, Peer, console_token, csrf_of, login_animateur, socket_token_of
from tests.test_live_server import _participant_link

pytestmark = pytest.mark.live

CARDS = 80


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("live-merge")).start()
    yield live
    live.stop()


def _join(link: str, name: str, **extra: str) -> str:
    with requests.Session() as http:
        page = http.get(link).text
        structure = re.search(r'<option value="(\d+)"', page).group(1)
        data = {"display_name": name, "structure_id": structure, "csrf_token": csrf_of(page)}
        r = http.post(link, data={**data, **extra})
    assert "/atelier/" in r.url, r.text[:300]
    return socket_token_of(r.text)


def _people(http: requests.Session, server: LiveServer) -> tuple[str, dict[str, int]]:
    page = http.get(f"{server.url}/animateur/cycles/{server.demo['cycle_id']}/participants").text
    rows = re.findall(r'<td data-label="N°">(\d+)</td><th scope="row">([^<]+)</th>', page)
    return page, {f"{name}#{n}": int(pid) for n, (pid, name) in enumerate(rows)}


def test_a_participant_posting_while_being_merged_loses_nothing(server: LiveServer) -> None:
    http = login_animateur(server)
    atelier_id, link = _participant_link(server, http)
    anim = Peer(server.url, console_token(http, server, atelier_id)).connect()
    assert anim.call("atelier_start", {})["ok"]
    merged: list[dict[str, Any]] = []
    anim.sio.on("event", lambda e: merged.append(e) if e["type"] == "participant.merged" else None)
    laptop = Peer(server.url, _join(link, "Camille")).connect()
    phone = Peer(server.url, _join(link, "Camille", nouveau="1")).connect()
    page, people = _people(http, server)
    assert "Doublons probables (1)" in page
    keep_id, gone_id = sorted(people.values())
    snapshot = phone.syncs[0]["snapshot"]
    step, column = snapshot["atelier"]["current_step_id"], snapshot["steps"][0]["columns"][0]["id"]

    acked: dict[str, int] = {}
    answers: list[str] = []

    def post() -> None:
        for i in range(CARDS):
            payload = {
                "step_id": step,
                "client_id": f"merge-load-{i:04d}",
                "text": f"Idée {i}",
                "column": column,
            }
            for _attempt in range(50):  # the client retries with the same client_id
                ack = phone.call("card_add", payload)
                answers.append("ok" if ack["ok"] else ack["error"]["code"])
                if ack["ok"]:
                    acked[payload["client_id"]] = ack["card"]["id"]
                    break
                time.sleep(0.2 if ack["error"]["code"] == "rate_limited" else 0.02)

    writer = threading.Thread(target=post)
    writer.start()
    while len(acked) < 15:
        time.sleep(0.01)
    csrf = csrf_of(page)
    r = http.post(
        f"{server.url}/animateur/cycles/{server.demo['cycle_id']}/participants/fusionner",
        data={"keep_id": keep_id, "gone_id": gone_id, "csrf_token": csrf},
    )
    merged_at = len(acked)
    assert r.status_code == 200 and "réuni·e avec" in r.text, r.text[:500]
    writer.join(120)
    assert not writer.is_alive()
    assert len(acked) == CARDS and merged_at < CARDS  # the merge happened mid-stream
    # everything acknowledged is stored once, with the kept person
    check = Peer(server.url, console_token(http, server, atelier_id)).connect()
    cards = {c["client_id"]: c for c in check.syncs[0]["snapshot"]["cards"]}
    for client_id, card_id in acked.items():
        assert cards[client_id]["id"] == card_id
        assert cards[client_id]["author_id"] == keep_id, (client_id, cards[client_id])
    assert sum(1 for c in cards if c.startswith("merge-load-")) == CARDS
    print("answers:", {a: answers.count(a) for a in set(answers)}, "merged after", merged_at)
    assert answers.count("server_error") <= 2  # a card in flight at the merge: retried
    assert merged and merged[0]["data"]["into"]["id"] == keep_id
    _page, after = _people(http, server)
    assert sorted(after.values()) == [keep_id]
    for peer in (anim, laptop, phone, check):
        peer.disconnect()
