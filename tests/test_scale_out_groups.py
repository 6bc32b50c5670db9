"""Sub-groups on the production path (issue 18): two server processes sharing PostgreSQL
and Redis (tests/test_scale_out.py). A group's event posted on process 1 reaches its members
connected to process 2 and never a member of another group there; a person moved to another
group on process 1 reads that group's state on process 2."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.live import Peer, join_participant, wait_until
from tests.test_scale_out import Cluster

pytestmark = pytest.mark.live


class GroupPeer(Peer):
    """Also keeps every envelope it applied, and resyncs when told its group changed (as
    static/js/groups.js does)."""

    def __init__(self, url: str, token: str) -> None:
        self.envelopes: list[dict[str, Any]] = []
        self.me: int | None = None
        self.groups: dict[str, Any] = {}
        super().__init__(url, token)

    def _on_sync(self, data: dict[str, Any]) -> None:
        if data["mode"] == "snapshot":
            snap = data["snapshot"]
            self.me = (snap.get("me") or {}).get("id")
            self.groups = snap.get("groups") or {}
        super()._on_sync(data)

    def _on_event(self, envelope: dict[str, Any]) -> None:
        fresh = envelope["seq"] > self.last_seq
        super()._on_event(envelope)
        if not fresh:
            return
        self.envelopes.append(envelope)
        affected = envelope["data"].get("affected") if envelope["type"] == "groups.changed" else []
        if affected is None or (self.me is not None and self.me in (affected or [])):
            self.sio.start_background_task(self._resync)

    def _resync(self) -> None:
        ack = self.call("sync", {"last_seq": 0})
        if ack.get("ok") and ack.get("snapshot"):
            self._on_sync({"mode": "snapshot", "seq": ack["seq"], "snapshot": ack["snapshot"]})

    def mine(self, step_id: int) -> int | None:
        state = self.groups.get(str(step_id)) or {}
        mine: int | None = state.get("mine")
        return mine

    def card_texts(self) -> set[str]:
        return {c["text"] for c in self.cards.values()}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    cluster = Cluster(tmp_path_factory.mktemp("groups-cluster"))
    try:
        yield cluster.start()
    finally:
        cluster.stop()


def test_group_events_cross_processes_to_their_members_only(cluster: Cluster) -> None:
    room = cluster.room()
    anim = room["anim"]
    steps = {s["key"]: s for s in anim.syncs[0]["snapshot"]["steps"]}
    step = steps["attentes"]["id"]
    column = steps["attentes"]["columns"][0]["id"]
    where = {"Alice": cluster.p1, "Bob": cluster.p2, "Chloé": cluster.p2, "David": cluster.p1}
    people = {
        name: GroupPeer(server.url, join_participant(server, room["link"], name)).connect()
        for name, server in where.items()
    }
    plan = {"formation": "manuel", "count": 2}
    assert anim.call("groups_configure", {"step_id": step, "plan": plan})["ok"]
    assert anim.call("groups_form", {"step_id": step})["ok"]
    state = anim.call("sync", {"last_seq": 0})["snapshot"]["groups"][str(step)]
    first, second = (g["id"] for g in state["groups"])
    ids = {p["name"]: p["id"] for p in state["unassigned"]}
    for name, group in (("Alice", first), ("Bob", first), ("Chloé", second), ("David", second)):
        ack = anim.call("groups_move", {"step_id": step, "participant_id": ids[name],
                                        "group_id": group})  # fmt: skip
        assert ack["ok"], ack
    assert anim.call("step_goto", {"step_id": step})["ok"]
    assert wait_until(lambda: people["Chloé"].mine(step) == second, timeout=10)
    assert wait_until(lambda: people["Bob"].mine(step) == first, timeout=10)

    def add(name: str, text: str) -> dict[str, Any]:
        ack = people[name].call(
            "card_add",
            {"step_id": step, "client_id": f"grp-{abs(hash(text)):012d}"[:20], "text": text,
             "column": column},
        )  # fmt: skip
        assert ack["ok"], ack
        card: dict[str, Any] = ack["card"]
        return card

    # a group's card on process 1 → its member on process 2, never the other group there
    add("Alice", "Idée de la table 1")
    add("David", "Idée de la table 2")
    assert wait_until(lambda: "Idée de la table 1" in people["Bob"].card_texts(), timeout=10)
    assert wait_until(lambda: "Idée de la table 2" in people["Chloé"].card_texts(), timeout=10)
    assert wait_until(
        lambda: "Idée de la table 2" in {c["text"] for c in anim.cards.values()}, timeout=10
    )
    assert "Idée de la table 2" not in people["Bob"].card_texts()
    assert "Idée de la table 1" not in people["Chloé"].card_texts()

    # Chloé (process 2) moved to the first group on process 1: she reads its state at once
    ack = anim.call("groups_move", {"step_id": step, "participant_id": ids["Chloé"],
                                    "group_id": first})  # fmt: skip
    assert ack["ok"], ack
    chloe = people["Chloé"]
    assert wait_until(lambda: chloe.mine(step) == first, timeout=10)
    assert wait_until(lambda: chloe.card_texts() == {"Idée de la table 1"}, timeout=10)
    # from now on she gets the first group's events, no longer the second's
    add("David", "Encore une idée de la table 2")
    add("Alice", "Encore une idée de la table 1")
    assert wait_until(lambda: "Encore une idée de la table 1" in chloe.card_texts(), timeout=10)
    assert wait_until(
        lambda: "Encore une idée de la table 1" in people["Bob"].card_texts(), timeout=10
    )
    assert "Encore une idée de la table 2" not in chloe.card_texts()
    assert "Encore une idée de la table 2" not in people["Bob"].card_texts()
    assert wait_until(
        lambda: (
            people["David"].card_texts() == {"Encore une idée de la table 2", "Idée de la table 2"}
        ),
        timeout=10,
    ), people["David"].envelopes[-4:]
    for peer in (*people.values(), anim):
        assert peer.applied == sorted(set(peer.applied))  # in order, each once
        peer.disconnect()
