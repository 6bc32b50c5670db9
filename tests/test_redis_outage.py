"""Redis (the message queue between processes) stops, then comes back: acknowledged cards
are never lost, clients of the writer's process get them at once, clients of the other
process within the event-log poll (relay.py), and live delivery resumes afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.live import wait_until
from tests.test_scale_out import Cluster, add_card

pytestmark = pytest.mark.live


@pytest.fixture
def cluster(tmp_path) -> Iterator[Cluster]:  # type: ignore[no-untyped-def]
    cluster = Cluster(tmp_path)
    try:
        yield cluster.start()
    finally:
        cluster.stop()


def _has(peers: list[Any], card_id: int, timeout: float) -> bool:
    return wait_until(lambda: all(card_id in p.cards for p in peers), timeout=timeout)


def test_redis_outage_degrades_then_recovers_without_losing_anything(cluster: Cluster) -> None:
    room = cluster.room()
    alice = cluster.peer(cluster.p1, room["link"], "Alice")  # writes on process 1
    carol = cluster.peer(cluster.p1, room["link"], "Carole")  # reads on process 1
    bob = cluster.peer(cluster.p2, room["link"], "Bob")  # reads and writes on process 2
    everyone = [alice, carol, bob, room["anim"]]
    acked = [add_card(alice, room, "outage-0001", "Avant la coupure")["card"]["id"]]
    assert _has(everyone, acked[-1], 5)

    cluster.redis.pause()
    # stored and acknowledged as usual: Redis is not on the write path
    acked.append(add_card(alice, room, "outage-0002", "Pendant la coupure, P1")["card"]["id"])
    assert _has([alice, carol, room["anim"]], acked[-1], 2)  # same process: live
    assert _has([bob], acked[-1], 6)  # other process: from the event log
    acked.append(add_card(bob, room, "outage-0003", "Pendant la coupure, P2")["card"]["id"])
    assert _has(everyone, acked[-1], 6)
    for server in (cluster.p1, cluster.p2):
        assert wait_until(lambda s=server: "Redis" in s.log.read_text(), timeout=5)
    log = cluster.p1.log.read_text() + cluster.p2.log.read_text()
    assert "Redis injoignable" in log or "réception interrompue" in log

    cluster.redis.start()
    assert wait_until(
        lambda: (
            "rétablie" in cluster.p1.log.read_text() and "rétablie" in cluster.p2.log.read_text()
        ),
        timeout=10,
    )
    acked.append(add_card(alice, room, "outage-0004", "Après la coupure")["card"]["id"])
    assert _has(everyone, acked[-1], 3)
    for peer in everyone:
        assert set(acked) <= set(peer.cards)
        assert peer.applied == sorted(set(peer.applied))  # in order, each once
    # a newcomer's snapshot has them all: nothing acknowledged was lost
    late = cluster.peer(cluster.p2, room["link"], "Retardataire")
    assert set(acked) <= set(late.cards)
    for peer in [*everyone, late]:
        peer.disconnect()
