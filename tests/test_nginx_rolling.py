"""A rolling restart behind nginx, for real: deploy/nginx.conf (templated by bench/nginx.py:
listen address, no TLS, upstream ports, paths; nothing else) in front of two gunicorn
processes of deploy/gunicorn.conf.py, sharing PostgreSQL and Redis (tests/test_scale_out.py's
``Cluster``; its run.py process migrates, seeds and holds the animateur, outside nginx).

Participants join and connect THROUGH nginx, by WebSocket, and one by long-polling: every
one of its requests must reach the process that holds its Engine.IO session (``ip_hash``),
or that process answers 400 and the client drops. ``ip_hash`` hashes the first three
octets of the client's address: every client of 127.0.0.1 lands on the same upstream,
which is the point here (they all move, then all move again). Cards are posted all along;
the process holding the clients gets SIGTERM and is started again, then the other one."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bench.nginx import Nginx
from tests.live import LiveServer, Peer, join_participant, wait_until
from tests.test_scale_out import Cluster, Gunicorn, need

pytestmark = pytest.mark.live


class NginxCluster(Cluster):
    """``Cluster`` plus a second gunicorn process, and nginx in front of the two."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.p3 = Gunicorn(folder, **self.p2.env)
        self.p3.log = folder / "p3.log"
        self.nginx: Nginx | None = None

    def start(self) -> NginxCluster:
        super().start()
        self.p3.start()
        self.nginx = need(lambda: Nginx([self.p2.port, self.p3.port]).start())
        return self

    def stop(self) -> None:
        if self.nginx is not None:
            self.nginx.stop()
        self.p3.stop()
        super().stop()


@pytest.fixture
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NginxCluster]:
    cluster = NginxCluster(tmp_path_factory.mktemp("nginx"))
    try:
        yield cluster.start()
    finally:
        cluster.stop()


class MovingPeer(Peer):
    """A participant as the browser's client behaves (static/js/live.js): reconnects by
    itself, every ``retry_ms`` ± 50 % once told ``restart``; sends its last ``seq`` each
    time; holds the events that arrive before the ``sync`` until it is applied; counts each
    card it applies, live or replayed."""

    def __init__(self, url: str, token: str, transport: str = "websocket") -> None:
        super().__init__(url, token)
        self.transport = transport
        self.sio.reconnection = True
        self._delays(1.0, 5.0)
        self.told: list[float] = []
        self.gone: list[float] = []
        self.resynced: list[tuple[float, dict[str, Any]]] = []  # (when, sync) after a drop
        self.added: Counter[int] = Counter()  # card id -> card.added applied
        # as static/js/live.js: events that come before the sync wait for it
        self.synced, self.buffer = False, []
        self.sio.on("restart", self._on_restart)
        self.sio.on("connect", lambda: self._delays(1.0, 5.0))
        self.sio.on("disconnect", self._dropped)

    def _delays(self, first: float, most: float) -> None:
        # socket.io-client's: first × 2^attempt, at most ``most``, ± 50 % (python-socketio
        # adds ± randomization_factor seconds)
        self.sio.reconnection_delay, self.sio.reconnection_delay_max = first, most
        self.sio.randomization_factor = first / 2

    def _on_restart(self, data: dict[str, Any]) -> None:
        self.told.append(time.monotonic())
        self._delays(data["retry_ms"] / 1000, 2 * data["retry_ms"] / 1000)

    def connect(self) -> MovingPeer:
        self.sio.connect(
            self.url,
            auth=lambda: {"token": self.token, "last_seq": self.last_seq},
            transports=[self.transport],
            wait_timeout=10,
        )
        return self

    def _dropped(self, *_: Any) -> None:
        self.gone.append(time.monotonic())
        self.synced, self.buffer = False, []

    def _on_sync(self, data: dict[str, Any]) -> None:
        if self.gone:
            self.resynced.append((time.monotonic(), data))
        self.synced = True
        super()._on_sync(data)  # the replayed events go through _on_event
        # what came live between the room join and the sync: applied after it, in order
        buffered, self.buffer = sorted(self.buffer, key=lambda env: env["seq"]), []
        for envelope in buffered:
            self._on_event(envelope)

    def _on_event(self, envelope: dict[str, Any]) -> None:
        if not self.synced:
            self.buffer.append(envelope)
            return
        if envelope["seq"] > self.last_seq and envelope["type"] == "card.added":
            self.added[envelope["data"]["card"]["id"]] += 1
        super()._on_event(envelope)


class Posting:
    """Writers adding a card every ``period`` s until stopped; a card whose ack did not
    come back (its process died) is sent again with the same ``client_id`` until it is
    acknowledged, as the browser's outbox does."""

    def __init__(self, room: dict[str, Any], writers: list[Peer], period: float = 0.25) -> None:
        self.room, self.period = room, period
        self.acks: list[tuple[float, int, str]] = []  # (when, seq, client_id)
        self.card_ids: set[int] = set()
        self.unanswered = 0
        self.refused: list[dict[str, Any]] = []
        self.done = threading.Event()
        self.threads = [threading.Thread(target=self.write, args=(i, w), daemon=True)
                        for i, w in enumerate(writers)]  # fmt: skip

    def write(self, w: int, peer: Peer) -> None:
        i = 0
        while not self.done.is_set():
            client_id = f"rolling-{w}-{i:04d}"
            give_up = time.monotonic() + 30
            while time.monotonic() < give_up:  # until acknowledged, even once told to stop
                payload = {"step_id": self.room["step"], "client_id": client_id,
                           "text": f"Idée {i} de {w}", "column": self.room["column"]}  # fmt: skip
                try:
                    ack = peer.sio.call("card_add", payload, timeout=3)
                except Exception:  # noqa: BLE001 (not connected, or no ack: sent again)
                    self.unanswered += 1
                else:
                    if ack.get("ok"):
                        self.acks.append((time.monotonic(), ack["seq"], client_id))
                        self.card_ids.add(ack["card"]["id"])
                    else:
                        self.refused.append(ack)
                    break
                time.sleep(0.1)
            i += 1
            time.sleep(self.period)

    def __enter__(self) -> Posting:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.done.set()
        for t in self.threads:
            t.join(30)


def holder(cluster: NginxCluster) -> tuple[Gunicorn, Gunicorn]:
    """(the upstream ``ip_hash`` gives 127.0.0.1, the other), from nginx's access log."""
    assert cluster.nginx is not None
    served = {r["upstream_addr"] for r in cluster.nginx.requests() if r["uri"] != "/socket.io/"}
    assert len(served) == 1, served  # every page of every participant: one process
    by_addr = {f"127.0.0.1:{p.port}": p for p in (cluster.p2, cluster.p3)}
    first = by_addr[served.pop()]
    return first, cluster.p3 if first is cluster.p2 else cluster.p2


def restart(server: LiveServer) -> tuple[float, float, float]:
    """SIGTERM (what ``systemctl restart`` sends), wait for the exit, start again: the
    SIGTERM's monotonic time, the exit's wall-clock time (nginx's log), the monotonic time
    it answers again."""
    assert server.proc is not None
    t_term = time.monotonic()
    server.proc.terminate()
    server.proc.wait(15)
    t_exit = time.time()
    server.start()
    return t_term, t_exit, time.monotonic()


def test_rolling_restart_behind_nginx_moves_everyone_and_loses_nothing(
    cluster: NginxCluster,
) -> None:
    assert cluster.nginx is not None
    room = cluster.room()  # the animateur: on run.py, outside nginx, never moves
    anim = room["anim"]
    link = room["link"].replace(cluster.p1.url, cluster.nginx.url)
    # the join form itself goes through nginx: the page, its POST, the board page
    peers = [MovingPeer(cluster.nginx.url, join_participant(cluster.p1, link, f"P{i}"))
             for i in range(6)]  # fmt: skip
    polling = MovingPeer(cluster.nginx.url, join_participant(cluster.p1, link, "Lent"), "polling")
    everyone = [*peers, polling]
    for peer in everyone:
        peer.connect()
    assert polling.sio.transport() == "polling"
    first, second = holder(cluster)

    with Posting(room, [anim, peers[0], polling]) as posting:
        time.sleep(1.0)
        term1, exit1, up1 = restart(first)
        # every client was on it: told, dropped, back through nginx on the second, resynced
        assert wait_until(lambda: all(p.resynced for p in everyone), timeout=20), [
            (len(p.told), len(p.gone), len(p.resynced)) for p in everyone
        ]
        # once nginx sees the first process up again, ip_hash sends the polling client's
        # requests there: its session is on the second, so 400, and it reconnects there
        # (the WebSocket clients stay where they are)
        assert wait_until(lambda: len(polling.resynced) == 2, timeout=15)
        time.sleep(1.0)
        term2, exit2, _ = restart(second)
        assert wait_until(lambda: all(len(p.resynced) == 2 for p in peers), timeout=20)
        time.sleep(1.0)  # cards keep coming, now on the first process

    # each WebSocket client was told and moved at each restart, and only then; the polling
    # client at the first restart, then once to go back (before the second SIGTERM)
    for peer in peers:
        assert len(peer.told) == 2 and len(peer.gone) == 2, (peer.told, peer.gone)
        assert term1 < peer.told[0] < peer.gone[0] < term2 < peer.told[1] < peer.gone[1]
    assert len(polling.told) == 1 and len(polling.gone) == 2
    assert term1 < polling.told[0] < polling.gone[0] < polling.gone[1] < term2
    resync = {n: [p.resynced[n][0] - t for p in peers] for n, t in ((0, term1), (1, term2))}
    assert max(resync[0] + resync[1]) < 15, resync  # figures: bench.run rolling
    for peer in everyone:
        for (_, sync), t_gone in zip(peer.resynced, peer.gone, strict=True):
            assert sync["mode"] == "replay"  # from its last seq, not a new snapshot
            acked_before = [seq for at, seq, _ in posting.acks if at < t_gone]
            assert sync["seq"] >= max(acked_before, default=0)

    # nothing lost, nothing twice: the database holds every acknowledged card once, and
    # every client applied every stored card exactly once (live or replayed)
    assert posting.refused == [] and len(posting.acks) >= 20
    with psycopg.connect(cluster.p2.env["DATABASE_URL"]) as db:
        rows = db.execute(
            "SELECT client_id, id FROM contribution WHERE step_id = %s", (room["step"],)
        ).fetchall()
    stored = dict(rows)  # one row per client_id: UniqueConstraint(atelier_id, client_id)
    assert {client_id for *_, client_id in posting.acks} <= set(stored)
    assert posting.card_ids <= set(stored.values())
    final = max(seq for _, seq, _ in posting.acks)
    assert wait_until(lambda: all(p.last_seq >= final for p in [*everyone, anim]), timeout=10)
    for peer in everyone:
        assert set(peer.added.values()) == {1}  # never twice
        assert peer.applied == sorted(set(peer.applied))
        # every card, live or replayed (a replay used to end at a seq read after it, so a
        # card committed in between was in neither: tests/test_socket_join_reads.py)
        assert set(stored.values()) <= set(peer.added), set(stored.values()) - set(peer.added)
    assert set(stored.values()) <= set(anim.cards)

    # nginx answered no 5xx to a request that started once the process was gone: the
    # clients coming back after retry_ms went to the live process (proxy_next_upstream,
    # max_fails=0 in deploy/nginx.conf). Only a request already inside the
    # process when it exited may get one (a polling POST: not acknowledged, sent again).
    for r in cluster.nginx.requests():
        if r["status"].startswith("5"):
            started = float(r["msec"]) - float(r["request_time"])
            assert any(started <= t_exit < float(r["msec"]) + 0.01 for t_exit in (exit1, exit2)), (
                r, cluster.nginx.errors()[-3000:]
            )  # fmt: skip
    for peer in [*everyone, anim]:
        peer.disconnect()
