"""The production path for real: two server processes (run.py and gunicorn with
deploy/gunicorn.conf.py) sharing a throwaway PostgreSQL and a throwaway Redis on 127.0.0.1.

Locally these tests skip when PostgreSQL or Redis is not installed; in CI (CI=true) they
fail instead (.ci/run installs both)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from bench import servers
from tests.live import (
    ROOT,
    LiveServer,
    Peer,
    console_token,
    join_participant,
    login_animateur,
    wait_until,
)
from tests.test_live_server import _handshake, _participant_link

pytestmark = pytest.mark.live


def need(start: Callable[[], Any]) -> Any:
    """Start a throwaway server; without its binaries: skip locally, fail in CI."""
    try:
        return start()
    except servers.Unavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must provide it: {exc}")
        pytest.skip(str(exc))


class Gunicorn(LiveServer):
    """The production entry point: gunicorn -c deploy/gunicorn.conf.py (one gevent worker)."""

    def start(self, timeout: float = 30) -> Gunicorn:
        env = {**os.environ, "FACILITATOR_INSTANCE": str(self.instance), **self.env}
        env.update(BIND=f"127.0.0.1:{self.port}", LOG_LEVEL="warning")
        env.pop("SOCKETIO_ASYNC_MODE", None)
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        cmd = [gunicorn, "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "--no-control-socket",
               "facilitator:create_app()"]  # fmt: skip
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=out)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("gunicorn died:\n" + self.log.read_text()[-3000:])
            try:
                if requests.get(self.url + "/", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not start:\n" + self.log.read_text()[-3000:])


class Cluster:
    """PostgreSQL + Redis + process 1 (run.py: migrates, seeds) + process 2 (gunicorn)."""

    def __init__(self, folder: Path) -> None:
        self.pg = need(lambda: servers.Postgres().start())
        try:
            self.redis = need(lambda: servers.Redis().start())
        except BaseException:
            self.pg.stop()
            raise
        env = {"DATABASE_URL": self.pg.create_database("facilitator"), "REDIS_URL": self.redis.url}
        # one instance folder: the same secret key (signed tokens and cookies) and demo.json
        self.p1 = LiveServer(folder, **env)
        self.p2 = Gunicorn(folder, **env)
        self.p1.log = folder / "p1.log"
        self.p2.log = folder / "p2.log"

    def start(self) -> Cluster:
        self.p1.start()
        self.p2.start()
        return self

    def stop(self) -> None:
        for server in (self.p1, self.p2):
            server.stop()
        self.redis.stop()
        self.pg.stop()

    def room(self) -> dict[str, Any]:
        """A started atelier; an animateur on process 1; its participant link."""
        with login_animateur(self.p1) as http:
            atelier_id, link = _participant_link(self.p1, http)
            token = console_token(http, self.p1, atelier_id)
        anim = Peer(self.p1.url, token).connect()
        assert anim.call("atelier_start", {})["ok"]
        snapshot = anim.syncs[0]["snapshot"]
        return {
            "anim": anim,
            "link": link,
            "step": snapshot["atelier"]["current_step_id"] or snapshot["steps"][0]["id"],
            "column": snapshot["steps"][0]["columns"][0]["id"],
        }

    def peer(self, server: LiveServer, link: str, name: str) -> Peer:
        return Peer(server.url, join_participant(server, link, name)).connect()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    cluster = Cluster(tmp_path_factory.mktemp("cluster"))
    try:
        yield cluster.start()
    finally:
        cluster.stop()


def add_card(peer: Peer, room: dict[str, Any], client_id: str, text: str) -> dict[str, Any]:
    ack = peer.call(
        "card_add",
        {"step_id": room["step"], "client_id": client_id, "text": text, "column": room["column"]},
    )
    assert ack["ok"], ack
    return ack


def test_a_card_added_on_process_1_reaches_a_client_of_process_2(cluster: Cluster) -> None:
    room = cluster.room()
    alice = cluster.peer(cluster.p1, room["link"], "Alice")
    bob = cluster.peer(cluster.p2, room["link"], "Bob")
    ack = add_card(alice, room, "scale-out-0001", "Une idée venue du processus 1")
    assert wait_until(lambda: ack["card"]["id"] in bob.cards)
    assert bob.cards[ack["card"]["id"]]["text"] == "Une idée venue du processus 1"
    # and back: process 2 → the animateur on process 1
    back = add_card(bob, room, "scale-out-0002", "Réponse du processus 2")
    assert wait_until(lambda: back["card"]["id"] in room["anim"].cards)
    for peer in (alice, bob, room["anim"]):
        assert peer.applied == sorted(set(peer.applied))  # in order, each once
        peer.disconnect()


def test_concurrent_writers_on_both_processes_lose_nothing(cluster: Cluster) -> None:
    """Commits on two processes interleave; every client still applies every card (a card
    overtaken by a later seq would be dropped by the client: relay.py keeps the order)."""
    room = cluster.room()
    writers = [cluster.peer(server, room["link"], f"Auteur {i}")
               for i, server in enumerate([cluster.p1, cluster.p2] * 2)]  # fmt: skip
    readers = [cluster.peer(server, room["link"], f"Lecteur {i}")
               for i, server in enumerate([cluster.p1, cluster.p2])]  # fmt: skip
    acked: list[int] = []
    lock = threading.Lock()

    def write(w: int, peer: Peer) -> None:
        for i in range(12):
            ack = add_card(peer, room, f"conc-{w}-{i:03d}-xyz", f"Carte {i} de l'auteur {w}")
            with lock:
                acked.append(ack["card"]["id"])

    threads = [threading.Thread(target=write, args=(w, p)) for w, p in enumerate(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(acked) == 48
    everyone = [*readers, *writers, room["anim"]]
    assert wait_until(lambda: all(set(acked) <= set(p.cards) for p in everyone), timeout=10)
    for peer in everyone:
        assert peer.applied == sorted(set(peer.applied))
        peer.disconnect()


def test_gunicorn_worker_does_not_negotiate_websocket_compression(cluster: Cluster) -> None:
    head = _handshake(cluster.p2, cluster.p2.url, "permessage-deflate; client_max_window_bits")
    assert head.startswith("HTTP/1.1 101") and '"sid"' in head
    assert "permessage-deflate" not in head.lower()


class TallyPeer(Peer):
    """Also keeps vote totals the way the browser does (snapshot, then vote.changed)."""

    def __init__(self, url: str, token: str) -> None:
        self.tallies: dict[int, int] = {}
        super().__init__(url, token)

    def _on_sync(self, data: dict[str, Any]) -> None:
        if data["mode"] == "snapshot":
            self.tallies = {int(k): v for k, v in data["snapshot"]["tallies"].items()}
        super()._on_sync(data)

    def _on_event(self, envelope: dict[str, Any]) -> None:
        fresh = envelope["seq"] > self.last_seq
        super()._on_event(envelope)
        if fresh and envelope["type"] == "vote.changed" and "total" in envelope["data"]:
            self.tallies[envelope["data"]["card_id"]] = envelope["data"]["total"]


def test_vote_tallies_converge_on_every_client(cluster: Cluster) -> None:
    """Votes cast at once on both processes: tallies are coalesced for participants, yet every
    client ends with the stored totals, and applies each seq once, in order."""
    room = cluster.room()
    anim = room["anim"]
    steps = {s["key"]: s["id"] for s in anim.syncs[0]["snapshot"]["steps"]}
    vote_step = steps["priorites"]
    assert anim.call("step_goto", {"step_id": vote_step})["ok"]
    assert anim.call("step_flags", {"step_id": vote_step, "results_visible": True})["ok"]
    cards = []
    for i in range(3):
        ack = anim.call(
            "card_add",
            {"step_id": vote_step, "client_id": f"vote-card-{i}", "text": f"Enjeu {i}",
             "column": "enjeux"},
        )  # fmt: skip
        assert ack["ok"], ack
        cards.append(ack["card"]["id"])
    voters = [TallyPeer(server.url, join_participant(server, room["link"], f"Votant {i}")).connect()
              for i, server in enumerate([cluster.p1, cluster.p2] * 3)]  # fmt: skip
    acked = []
    lock = threading.Lock()

    def cast(peer: TallyPeer, offset: int) -> None:
        for k in range(3):  # the whole budget, spread over the cards
            ack = peer.call("vote", {"card_id": cards[(offset + k) % 3], "delta": 1})
            assert ack["ok"], ack
            with lock:
                acked.append(ack)

    threads = [threading.Thread(target=cast, args=(p, i)) for i, p in enumerate(voters)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(acked) == 18
    expected = {card: 6 for card in cards}  # 6 voters × 3 votes over 3 cards, evenly
    assert wait_until(lambda: all(p.tallies == expected for p in voters), timeout=10), [
        p.tallies for p in voters
    ]
    for peer in voters:
        assert peer.applied == sorted(set(peer.applied))
        peer.disconnect()
    anim.disconnect()
