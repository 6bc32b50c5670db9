"""Sub-groups and the authorisation matrix (issue 18): a member of another group can
neither see nor touch a group's items while groups work apart; replays after a reconnect
follow the same rule; the wall and the animateurs see every group."""

from __future__ import annotations

from typing import Any

import pytest

from facilitator.core import events
from tests.groups_helpers import SCRIPT, card, formed, formed_world, quiet, replayed, room, snapshot

#: what a member of another group tries on a group's card → refused as if it did not exist
ATTEMPTS = {
    "card_edit": lambda c: {"card_id": c["id"], "version": c["version"], "text": "Piratée"},
    "card_delete": lambda c: {"card_id": c["id"]},
    "vote": lambda c: {"card_id": c["id"], "delta": 1},
}


@pytest.fixture
def world(make_atelier: Any, make_animateur: Any, connect: Any) -> Any:
    r = formed_world(make_atelier, make_animateur, connect, SCRIPT)
    ack = card(r["socks"]["Alice"], r["step"], "Idée de la table d'Alice")
    assert ack["ok"], ack
    r["card"] = ack["card"]
    quiet(r)
    return r


@pytest.mark.parametrize("event", sorted(ATTEMPTS))
def test_member_of_another_group_is_refused(event: str, world: Any) -> None:
    seq = events.current_seq(world["atelier"].id)
    ack = world["socks"][world["outsider"]].call(event, ATTEMPTS[event](world["card"]))
    assert ack["ok"] is False
    assert ack["error"]["code"] == "not_found", ack
    assert ack["error"]["message_fr"]
    assert events.current_seq(world["atelier"].id) == seq  # nothing stored


def test_member_of_the_group_may_vote_and_only_the_group_hears_it(world: Any) -> None:
    ack = world["socks"][world["mate"]].call("vote", {"card_id": world["card"]["id"], "delta": 1})
    assert ack["ok"], ack
    assert [e["type"] for e in world["anim"].events()] == ["vote.changed"]
    assert world["socks"][world["outsider"]].events() == []


def test_a_reconnecting_member_of_another_group_is_not_replayed_the_group_events(
    world: Any, connect: Any
) -> None:
    before = events.current_seq(world["atelier"].id) - 1  # the card's own event
    outsider, mate = replayed(world, connect, before)
    assert outsider["mode"] == "replay" and outsider["events"] == []
    assert [e["type"] for e in mate["events"]] == ["card.added"]


def test_the_wall_and_the_animateur_see_every_group_with_live_counts(world: Any) -> None:
    assert card(world["socks"][world["outsider"]], world["step"], "Idée de l'autre table")["ok"]
    assert [e["data"]["card"]["group_id"] for e in world["wall"].events()] == [
        world["where"][world["outsider"]]
    ]
    state = world["anim"].call("sync", {"last_seq": 0})["snapshot"]["groups"][str(world["step"])]
    assert sorted(g["count"] for g in state["groups"]) == [1, 1]
    assert sorted(len(g["members"]) for g in state["groups"]) == [2, 2]


def test_revealing_a_hidden_step_in_groups_reveals_each_group_to_its_own(
    make_atelier: Any, make_animateur: Any, connect: Any
) -> None:
    script = SCRIPT.replace(
        "votes: {budget: 3, max_per_card: 2}\n",
        "votes: {budget: 3, max_per_card: 2}\n      hidden: true\n",
    )
    r = room(make_atelier, make_animateur, connect, script)
    where = formed(r)
    outsider = next(n for n in where if where[n] != where["Alice"])
    mate = next(n for n in where if n != "Alice" and where[n] == where["Alice"])
    assert card(r["socks"]["Alice"], r["step"], "Secret de table")["ok"]
    assert snapshot(r["socks"][mate])["cards"][0]["face_down"] is True
    for sock in r["socks"].values():
        sock.received()
    assert r["anim"].call("step_flags", {"step_id": r["step"], "cards_visible": True})["ok"]
    got = r["socks"][outsider].events()
    assert [e["type"] for e in got] == ["step.updated", "groups.changed"]
    assert got[0]["data"].get("cards", []) == []  # nothing of another group
    assert got[1]["data"]["affected"] is None  # everyone reads their group again
    assert [c["text"] for c in snapshot(r["socks"][mate])["cards"]] == ["Secret de table"]
    assert snapshot(r["socks"][outsider])["cards"] == []


def test_after_the_merge_duplicates_are_clustered_across_groups(world: Any) -> None:
    other = card(world["socks"][world["outsider"]], world["step"], "La même idée ailleurs")
    assert other["ok"]
    assert world["anim"].call("groups_merge", {"step_id": world["step"]})["ok"]
    ids = [world["card"]["id"], other["card"]["id"]]
    ack = world["anim"].call("card_cluster", {"card_ids": ids, "cluster": "Lieux d'accueil"})
    assert ack["ok"], ack
    cards = snapshot(world["socks"][world["mate"]])["cards"]
    assert {c["cluster"] for c in cards} == {"Lieux d'accueil"}
    assert len({c["group_id"] for c in cards}) == 2  # each keeps its group tag


def test_a_message_to_a_group_names_the_animateur_to_animateurs_only(world: Any) -> None:
    """Who did it (``by``) rides on the animateurs' envelopes only, in a group as in plenary:
    the group's members and the wall get the same message without it."""
    group_id = world["where"]["Alice"]
    ack = world["anim"].call(
        "groups_message",
        {"step_id": world["step"], "group_id": group_id, "text": "Encore cinq minutes"},
    )
    assert ack["ok"], ack
    (seen_by_anim,) = [e for e in world["anim"].events() if e["type"] == "groups.message"]
    assert seen_by_anim["by"]["name"]
    for sock in (world["socks"][world["mate"]], world["wall"]):
        (seen,) = [e for e in sock.events() if e["type"] == "groups.message"]
        assert seen["data"]["text"] == "Encore cinq minutes"
        assert "by" not in seen, seen
    assert world["socks"][world["outsider"]].events() == []
