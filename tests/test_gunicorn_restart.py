"""A rolling restart's first half, for real: the gunicorn process of deploy/gunicorn.conf.py
gets SIGTERM (``systemctl restart``), tells its clients ``restart {retry_ms}`` and exits at
once, instead of holding their WebSockets for ``graceful_timeout`` and then cutting them;
the client moves to the other process and finds there every card acknowledged meanwhile."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from facilitator.realtime.wire import RESTART_RETRY_MS
from tests.live import Peer, join_participant, wait_until
from tests.test_scale_out import Cluster, add_card

pytestmark = pytest.mark.live


@pytest.fixture
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    cluster = Cluster(tmp_path_factory.mktemp("rolling"))
    try:
        yield cluster.start()
    finally:
        cluster.stop()


def test_sigterm_announces_the_restart_and_the_worker_exits_at_once(cluster: Cluster) -> None:
    room = cluster.room()
    alice = cluster.peer(cluster.p1, room["link"], "Alice")
    bob_token = join_participant(cluster.p1, room["link"], "Bob")
    bob = Peer(cluster.p2.url, bob_token).connect()  # on the gunicorn process
    told: list[Any] = []
    bob.sio.on("restart", lambda data: told.append(data))
    gone: list[float] = []
    bob.sio.on("disconnect", lambda *_: gone.append(time.monotonic()))

    assert cluster.p2.proc is not None
    t0 = time.monotonic()
    cluster.p2.proc.terminate()  # what systemctl restart sends to gunicorn's master
    assert wait_until(lambda: told, timeout=8), "no restart announced"
    assert told == [{"retry_ms": RESTART_RETRY_MS}]
    assert wait_until(lambda: gone, timeout=8)
    cluster.p2.proc.wait(10)
    # gone well before gunicorn's graceful_timeout (10 s) would have cut the WebSocket
    assert gone[0] - t0 < 6

    # meanwhile a card is acknowledged on the other process; Bob moves there and resyncs
    ack = add_card(alice, room, "rolling-0001", "Une idée pendant le redémarrage")
    bob.sio.disconnect()
    moved = Peer(cluster.p1.url, bob_token)
    moved.last_seq = bob.last_seq
    moved.connect()
    # the replay since Bob's last seq (or a snapshot) brings the card
    assert wait_until(lambda: ack["card"]["id"] in moved.cards)
    assert moved.last_seq >= ack["seq"]
    moved.disconnect()
    alice.disconnect()
    room["anim"].disconnect()
