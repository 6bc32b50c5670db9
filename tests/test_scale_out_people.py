"""People across server processes (issue 16): a merge or a personal-code reset done on
process 1 reaches the connections held by process 2 — the merged person's connection goes
on as the kept one, the revoked person's connection is closed with its French message.
Two real processes sharing PostgreSQL and Redis (tests/test_scale_out.py's cluster)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.live import Peer, csrf_of, join_participant, login_animateur, wait_until
from tests.test_scale_out import Cluster

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    cluster = Cluster(tmp_path_factory.mktemp("cluster-people"))
    try:
        yield cluster.start()
    finally:
        cluster.stop()


class TypedPeer(Peer):
    """Also keeps every event's type and data."""

    def __init__(self, url: str, token: str) -> None:
        self.seen: list[dict[str, Any]] = []
        super().__init__(url, token)

    def _on_event(self, envelope: dict[str, Any]) -> None:
        self.seen.append(envelope)
        super()._on_event(envelope)


def people_page(http: requests.Session, cluster: Cluster) -> tuple[str, dict[str, int]]:
    url = f"{cluster.p1.url}/animateur/cycles/{cluster.p1.demo['cycle_id']}/participants"
    page = http.get(url).text
    rows = re.findall(r'<td data-label="N°">(\d+)</td><th scope="row">([^<]+)</th>', page)
    return page, {name: int(pid) for pid, name in rows}


def test_a_merge_on_process_1_switches_a_connection_of_process_2(cluster: Cluster) -> None:
    room = cluster.room()
    laptop = Peer(cluster.p1.url, join_participant(cluster.p1, room["link"], "Sacha P1")).connect()
    phone = TypedPeer(
        cluster.p2.url, join_participant(cluster.p2, room["link"], "Sacha P2")
    ).connect()
    http = login_animateur(cluster.p1)
    page, ids = people_page(http, cluster)
    keep_id, gone_id = ids["Sacha P1"], ids["Sacha P2"]
    r = http.post(
        f"{cluster.p1.url}/animateur/cycles/{cluster.p1.demo['cycle_id']}/participants/fusionner",
        data={"keep_id": keep_id, "gone_id": gone_id, "csrf_token": csrf_of(page)},
    )
    assert r.status_code == 200 and "réuni·e avec" in r.text, r.text[:300]
    # the merge reached process 2 (in order, through the relay)
    assert wait_until(lambda: any(e["type"] == "participant.merged" for e in phone.seen))
    ack = phone.call(
        "card_add",
        {"step_id": room["step"], "client_id": "merged-on-p2-0001", "text": "Toujours là",
         "column": room["column"]},
    )  # fmt: skip
    assert ack["ok"], ack
    assert ack["card"]["author_id"] == keep_id  # the connection acts as the kept person
    for peer in (laptop, phone, room["anim"]):
        peer.disconnect()


def test_a_reset_on_process_1_closes_a_connection_of_process_2(cluster: Cluster) -> None:
    room = cluster.room()
    phone = TypedPeer(
        cluster.p2.url, join_participant(cluster.p2, room["link"], "Noa P2")
    ).connect()
    other = Peer(cluster.p2.url, join_participant(cluster.p2, room["link"], "Lou P2")).connect()
    http = login_animateur(cluster.p1)
    page, ids = people_page(http, cluster)
    url = (
        f"{cluster.p1.url}/animateur/cycles/{cluster.p1.demo['cycle_id']}"
        f"/participants/{ids['Noa P2']}/code"
    )
    r = http.post(url, data={"csrf_token": csrf_of(page)})
    assert r.status_code == 200 and "Nouveau code personnel de « Noa P2 »" in r.text
    assert wait_until(lambda: not phone.sio.connected, timeout=10)
    told = [e for e in phone.seen if e["type"] == "participant.revoked"]
    assert told and "réinitialisé" in told[0]["data"]["message_fr"]
    assert other.sio.connected  # nobody else
    with pytest.raises(Exception):  # noqa: B017,PT011 (python-socketio's ConnectionError)
        Peer(cluster.p2.url, phone.token).connect()  # its socket token names nobody now
    for peer in (other, room["anim"]):
        peer.disconnect()


class PresencePeer(Peer):
    """Also keeps the last presence message (the console's « N en ligne »)."""

    def __init__(self, url: str, token: str) -> None:
        self.presence: dict[str, Any] = {}
        super().__init__(url, token)
        self.sio.on("presence", self._on_presence)

    def _on_presence(self, data: dict[str, Any]) -> None:
        self.presence = data


def test_the_console_counts_the_people_connected_to_the_other_process(cluster: Cluster) -> None:
    """Behind a load balancer an atelier's people are spread over the processes: the
    console of process 1 counts those of process 2 too, and sees them leave."""
    room = cluster.room()
    room["anim"].disconnect()
    anim = PresencePeer(cluster.p1.url, room["anim"].token).connect()
    here = cluster.peer(cluster.p1, room["link"], "Ici")
    there = [cluster.peer(cluster.p2, room["link"], f"Là-bas {i}") for i in range(2)]

    def online() -> set[str]:
        return {p["name"] for p in anim.presence.get("participants", []) if p["online"]}

    # (the earlier tests' people leave this atelier within a second: wait for the names)
    assert wait_until(lambda: online() == {"Ici", "Là-bas 0", "Là-bas 1"}, timeout=10), online()
    assert anim.presence["online"] == 3
    # a participant of process 2 sees the count of the whole room too
    watcher = PresencePeer(cluster.p2.url, there[0].token).connect()
    assert wait_until(lambda: watcher.presence.get("online") == 3, timeout=10), watcher.presence
    # an animateur on process 2 counts with the one on process 1
    second = PresencePeer(cluster.p2.url, room["anim"].token).connect()
    assert wait_until(lambda: anim.presence.get("animateurs") == 2, timeout=10), anim.presence
    for peer in there:
        peer.disconnect()
    assert wait_until(lambda: online() == {"Ici", "Là-bas 0"}, timeout=10), online()
    watcher.disconnect()
    assert wait_until(lambda: online() == {"Ici"}, timeout=10), online()
    for peer in (here, second, anim):
        peer.disconnect()
