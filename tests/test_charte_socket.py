"""The charte against a real server process (run.py, gevent, SQLite file) with real
Socket.IO clients: two animateur consoles edit the same clause at the same instant — one
edit wins, the other is refused with the fresh text — and a participant's board follows."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.live import (
    LiveServer,
    Peer,
    console_token,
    csrf_of,
    join_participant,
    login_animateur,
    wait_until,
)

pytestmark = pytest.mark.live


#: the charte's tables, children first
CHARTE_TABLES = (
    "charte_signatory",
    "charte_ballot",
    "charte_amendment_vote",
    "charte_amendment",
    "charte_clause_source",
    "charte_clause",
    "charte_version",
)


def forget_demo_charte(live: LiveServer) -> None:
    """The demo cycle comes with its charte already written: these tests write it from the
    start in that cycle, so its versions are removed first."""
    with sqlite3.connect(live.instance / "facilitator.db", timeout=10) as con:
        for table in CHARTE_TABLES:
            con.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("live-charte")).start()
    forget_demo_charte(live)
    yield live
    live.stop()


def charte_atelier(server: LiveServer) -> tuple[Any, int, str]:
    """A new atelier from the « Charte du projet » script: (http session, id, join link)."""
    http = login_animateur(server)
    cycle = server.demo["cycle_id"]
    page = http.get(f"{server.url}/animateur/cycles/{cycle}").text
    r = http.post(
        f"{server.url}/animateur/cycles/{cycle}/ateliers",
        data={"script_id": "charte-du-projet", "title": "Charte live", "csrf_token": csrf_of(page)},
    )
    assert r.status_code == 200, r.text[:500]
    ids = [int(i) for i in re.findall(r"/animateur/ateliers/(\d+)", r.text)]
    atelier_id = max(ids)
    console = http.get(f"{server.url}/animateur/ateliers/{atelier_id}").text
    link = re.search(r"(http://127\.0\.0\.1:\d+/rejoindre/[A-Za-z0-9_-]+)", console).group(1)
    return http, atelier_id, link


def act(peer: Peer, step: int, action: str, **data: Any) -> dict[str, Any]:
    return peer.call("step_action", {"step_id": step, "action": action, "data": data})


def test_two_consoles_edit_one_clause_at_once(server: LiveServer) -> None:
    http, atelier_id, link = charte_atelier(server)
    first = Peer(server.url, console_token(http, server, atelier_id)).connect()
    second = Peer(server.url, console_token(http, server, atelier_id)).connect()
    steps = {s["key"]: s["id"] for s in first.syncs[0]["snapshot"]["steps"]}
    step = steps["charte"]
    assert first.call("atelier_start", {})["ok"]
    assert first.call("step_goto", {"step_id": step})["ok"]
    board = Peer(server.url, join_participant(server, link, "Alice")).connect()
    seen: list[dict[str, Any]] = []
    board.sio.on("event", lambda env: seen.append(env))
    assert act(first, step, "phase", phase="redaction")["ok"]
    assert act(first, step, "version_start")["ok"]
    clause = act(
        first, step, "clause_add", client_id="live-clause-1", section="objet", text="Texte initial."
    )["clause"]

    answers: dict[str, dict[str, Any]] = {}
    barrier = threading.Barrier(2)

    def edit(name: str, peer: Peer, text: str) -> None:
        barrier.wait()
        answers[name] = act(
            peer, step, "clause_edit", clause_id=clause["id"], version=clause["version"], text=text
        )

    threads = [
        threading.Thread(target=edit, args=("first", first, "Rédaction de la première console.")),
        threading.Thread(target=edit, args=("second", second, "Rédaction de la seconde console.")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)
    won = [n for n, a in answers.items() if a["ok"]]
    lost = [n for n, a in answers.items() if not a["ok"]]
    assert len(won) == 1 and len(lost) == 1, answers
    winner, loser = answers[won[0]], answers[lost[0]]
    assert loser["error"]["code"] == "conflict"
    # the refusal carries the fresh text: the winner's, never silently overwritten
    assert loser["error"]["clause"]["text"] == winner["clause"]["text"]
    assert loser["error"]["clause"]["version"] == clause["version"] + 1
    # the participant's board received the winning text only
    assert wait_until(
        lambda: any(
            e["type"] == "charte.clause" and e["data"]["clause"]["text"] == winner["clause"]["text"]
            for e in seen
        )
    )
    texts = {e["data"]["clause"]["text"] for e in seen if e["type"] == "charte.clause"}
    assert loser_text(lost[0]) not in texts
    for peer in (first, second, board):
        peer.disconnect()


def loser_text(name: str) -> str:
    return {
        "first": "Rédaction de la première console.",
        "second": "Rédaction de la seconde console.",
    }[name]


def test_two_representatives_of_one_structure_vote_at_once(server: LiveServer) -> None:
    http, atelier_id, link = charte_atelier(server)
    anim = Peer(server.url, console_token(http, server, atelier_id)).connect()
    step = {s["key"]: s["id"] for s in anim.syncs[0]["snapshot"]["steps"]}["charte"]
    assert anim.call("atelier_start", {})["ok"]
    assert anim.call("step_goto", {"step_id": step})["ok"]
    # the charte belongs to the (demo) cycle: the first test's draft may be there already
    started = act(anim, step, "version_start")
    assert started["ok"] or started["error"]["code"] == "draft_exists", started
    added = act(anim, step, "clause_add", client_id="live-clause-2", section="objet", text="Agir.")
    assert added["ok"], added
    assert act(anim, step, "freeze")["ok"]
    assert act(anim, step, "phase", phase="vote")["ok"]
    # two people of the same structure (structure 1 of the demo répertoire)
    voters = [
        Peer(server.url, join_participant(server, link, name, structure_id=1)).connect()
        for name in ("Alice", "Aline")
    ]
    answers: list[dict[str, Any]] = []
    barrier = threading.Barrier(2)

    def vote(peer: Peer, gradient: str) -> None:
        barrier.wait()
        answers.append(act(peer, step, "ballot", gradient=gradient))

    threads = [
        threading.Thread(target=vote, args=(voters[0], "adhesion_totale")),
        threading.Thread(target=vote, args=(voters[1], "opposition")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)
    assert sorted(a["ok"] for a in answers) == [False, True], answers
    refused = next(a for a in answers if not a["ok"])
    assert refused["error"]["code"] == "already_voted"
    closed = act(anim, step, "vote_close")
    assert closed["result"]["ballots"] == 1
    for peer in (anim, *voters):
        peer.disconnect()
