"""The cartographie in sub-groups (issue 18): a group adds to the one cycle map. Its actors,
actions and relations carry its group, reach its members, the animateurs and the wall only;
to a member of another group they do not exist (refused as if deleted, nothing stored); the
console counts them, the compte rendu lists them; after the mise en commun everyone sees
them with their group, and the same actor added by two groups is merged."""

from __future__ import annotations

from typing import Any

import pytest

from facilitator import contract
from facilitator.activities.cartographie.models import Actor, ActorAction, Relation
from facilitator.core import events, participants
from facilitator.documents import compte_rendu, loaders
from facilitator.extensions import db
from facilitator.models import Step
from facilitator.rendering import markdown
from tests.groups_helpers import PLENARY, act, formed_world, quiet, replayed, snapshot

SCRIPT = """
format: 1
id: test-groupes-carte
title: Cartographie en sous-groupes
steps:
  - id: carte
    type: cartographie
    title: Carte par table
    consigne: Ajoutez les acteurs que vous connaissez.
    groups: {formation: mixte, count: 2}
"""
SCRIPT += PLENARY


def state(sock: Any, step_id: int) -> dict[str, Any]:
    found: dict[str, Any] = snapshot(sock)["activity"][str(step_id)]
    return found


def typed(sock: Any, kind: str) -> list[dict[str, Any]]:
    return [e["data"] for e in sock.events() if e["type"] == kind]


@pytest.fixture
def world(make_atelier: Any, make_animateur: Any, connect: Any) -> Any:
    r = formed_world(make_atelier, make_animateur, connect, SCRIPT)
    step = r["step"]
    # the map as it was: an actor the animateur adds is everyone's (plenary)
    mairie = act(r["anim"], step, "actor_add", client_id="act-plenary-01", name="Mairie")
    assert mairie["ok"], mairie
    assert mairie["actor"]["group_id"] is None
    r["mairie"] = mairie["actor"]
    ack = act(r["socks"]["Alice"], step, "actor_add", client_id="act-alice-01",
              name="Club de prévention")  # fmt: skip
    assert ack["ok"], ack
    r["club"] = ack["actor"]
    ack = act(r["socks"]["Alice"], step, "relation_add", client_id="rel-alice-01",
              source_id=r["club"]["id"], target_id=r["mairie"]["id"],
              level="coordination")  # fmt: skip
    assert ack["ok"], ack
    r["relation"] = ack["relation"]
    ack = act(r["socks"]["Alice"], step, "action_add", client_id="acn-alice-01",
              actor_id=r["club"]["id"], text="Maraudes le soir")  # fmt: skip
    assert ack["ok"], ack
    r["action"] = ack["actor"]["actions"][0]
    quiet(r)
    return r


def test_additions_carry_their_group_and_reach_that_group_only(world: Any) -> None:
    group, step = world["where"]["Alice"], world["step"]
    assert world["club"]["group_id"] == group
    assert world["relation"]["group_id"] == group
    assert world["action"]["group_id"] == group
    rows = [*db.session.query(Actor), *db.session.query(ActorAction), *db.session.query(Relation)]
    assert sorted((type(r).__name__, r.group_id or 0) for r in rows) == [
        ("Actor", 0), ("Actor", group), ("ActorAction", group), ("Relation", group)
    ]  # fmt: skip
    outsider, mate = world["socks"][world["outsider"]], world["socks"][world["mate"]]
    # the whole existing map, without the other group's additions
    seen = state(outsider, step)
    assert [a["name"] for a in seen["actors"]] == ["Mairie"]
    assert seen["relations"] == [] and seen["group_additions"] == []
    assert {s["actor_id"] for s in seen["structures"]} == {None}
    mine = state(mate, step)
    assert sorted(a["name"] for a in mine["actors"]) == ["Club de prévention", "Mairie"]
    assert [r["id"] for r in mine["relations"]] == [world["relation"]["id"]]
    assert sorted(x["text"] for x in mine["group_additions"]) == [
        "Acteur : Club de prévention",
        "Action de Club de prévention : Maraudes le soir",
        "Relation : Club de prévention — Mairie",
    ]
    # live: an edit of the group's actor reaches the group, the animateurs and the wall only
    ack = act(mate, step, "actor_edit", actor_id=world["club"]["id"],
              version=world["club"]["version"], territoire="Quartier Nord")  # fmt: skip
    assert ack["ok"], ack
    for sock in (world["anim"], world["wall"], world["socks"]["Alice"]):
        assert [d["actor"]["territoire"] for d in typed(sock, "map.actor")] == ["Quartier Nord"]
    assert outsider.events() == []
    counts = {g["id"]: g["count"] for g in snapshot(world["anim"])["groups"][str(step)]["groups"]}
    assert counts == {group: 3, world["where"][world["outsider"]]: 0}


def test_actions_of_two_groups_on_a_plenary_actor_stay_apart(world: Any) -> None:
    step, mairie = world["step"], world["mairie"]
    alice, outsider = world["socks"]["Alice"], world["socks"][world["outsider"]]
    ack = act(alice, step, "action_add", client_id="acn-alice-02", actor_id=mairie["id"],
              text="Prête une salle")  # fmt: skip
    assert ack["ok"], ack
    assert outsider.events() == []
    for sock in (alice, world["anim"], world["wall"]):
        sock.received()
    ack = act(outsider, step, "action_add", client_id="acn-out-01", actor_id=mairie["id"],
              text="Finance le club")  # fmt: skip
    assert ack["ok"], ack
    assert [x["text"] for x in ack["actor"]["actions"]] == ["Finance le club"]  # not Alice's
    assert [e["type"] for e in alice.events()] == []
    # the wall gets the participants' version, which names the groups it leaves out
    (seen,) = typed(world["wall"], "map.actor")
    assert [x["text"] for x in seen["actor"]["actions"]] == ["Finance le club"]
    assert seen["actor"]["withheld"] == [world["where"]["Alice"]]
    (full,) = typed(world["anim"], "map.actor")  # the animateurs: every group's actions
    assert [x["text"] for x in full["actor"]["actions"]] == ["Prête une salle", "Finance le club"]
    actors = {a["id"]: a for a in state(outsider, step)["actors"]}
    assert [x["text"] for x in actors[mairie["id"]]["actions"]] == ["Finance le club"]


#: what a member of another group tries on the group's additions → as if they did not exist
ATTEMPTS = {
    "actor_edit": lambda w: {"actor_id": w["club"]["id"], "version": 1, "name": "Piraté"},
    "actor_delete": lambda w: {"actor_id": w["club"]["id"]},
    "action_add": lambda w: {
        "actor_id": w["club"]["id"],
        "client_id": "acn-outsider-1",
        "text": "X",
    },  # fmt: skip
    "action_edit": lambda w: {"action_id": w["action"]["id"], "version": 1, "text": "X"},
    "action_delete": lambda w: {"action_id": w["action"]["id"]},
    "relation_add": lambda w: {
        "client_id": "rel-outsider-1",
        "source_id": w["club"]["id"],
        "target_id": w["mairie"]["id"],
    },  # fmt: skip
    "relation_edit": lambda w: {"relation_id": w["relation"]["id"], "version": 1, "comment": "X"},
    "relation_delete": lambda w: {"relation_id": w["relation"]["id"]},
}


@pytest.mark.parametrize("action", sorted(ATTEMPTS))
def test_member_of_another_group_is_refused(action: str, world: Any) -> None:
    seq = events.current_seq(world["atelier"].id)
    outsider = world["socks"][world["outsider"]]
    ack = act(outsider, world["step"], action, **ATTEMPTS[action](world))
    assert ack["ok"] is False
    assert ack["error"]["code"] == "not_found", ack
    assert (
        "n'existe plus" in ack["error"]["message_fr"]
        or "plus sur la carte" in (ack["error"]["message_fr"])
    )
    assert events.current_seq(world["atelier"].id) == seq  # nothing stored
    assert db.session.get(Actor, world["club"]["id"]).name == "Club de prévention"


def test_two_groups_add_the_same_actor_then_the_mise_en_commun_merges_them(world: Any) -> None:
    step, anim = world["step"], world["anim"]
    outsider = world["socks"][world["outsider"]]
    # the other group's « Club de prévention » is not on their map: no duplicate refusal
    ack = act(outsider, step, "actor_add", client_id="act-out-01", name="club de prevention")
    assert ack["ok"], ack
    twin = ack["actor"]
    # within the group, the duplicate is still caught
    ack = act(world["socks"]["Alice"], step, "actor_add", client_id="act-alice-02",
              name="Le club de prévention")  # fmt: skip
    assert ack["error"]["code"] == "duplicate"
    assert anim.call("groups_close", {"step_id": step})["ok"]
    refused = act(outsider, step, "actor_add", client_id="act-out-02", name="Collège")
    assert refused["error"]["code"] == "groups_closed", refused
    assert "mise en commun" in refused["error"]["message_fr"]
    assert anim.call("groups_merge", {"step_id": step})["ok"]
    seen = state(outsider, step)
    by_name = {a["name"]: a["group_id"] for a in seen["actors"]}
    assert by_name == {
        "Mairie": None,
        "Club de prévention": world["where"]["Alice"],
        "club de prevention": world["where"][world["outsider"]],
    }
    assert len(seen["relations"]) == 1
    ack = act(anim, step, "actor_merge", source_id=twin["id"], target_id=world["club"]["id"])
    assert ack["ok"], ack
    assert ack["actor"]["aliases"] == ["club de prevention"]
    assert ack["actor"]["group_id"] == world["where"]["Alice"]  # the tag is kept


def test_the_compte_rendu_lists_each_group_s_additions(world: Any) -> None:
    step = db.session.get(Step, world["step"])
    texts = contract.get("cartographie").group_texts(step)
    assert texts == {
        world["where"]["Alice"]: [
            "Acteur : Club de prévention",
            "Action de Club de prévention : Maraudes le soir",
            "Relation : Club de prévention — Mairie",
        ]
    }
    document = compte_rendu.compose(loaders.atelier_context(world["atelier"].id))
    text = markdown.render(document).decode()
    assert "Action de Club de prévention : Maraudes le soir" in text
    assert "Relation : Club de prévention — Mairie" in text
    ack = world["anim"].call("groups_configure", {"step_id": world["step"], "plan": None})
    assert ack["error"]["code"] == "step_started"  # its groups have added to the map


def test_a_moved_participant_reads_their_new_group_s_map(world: Any) -> None:
    outsider = world["socks"][world["outsider"]]
    person = world["people"][world["outsider"]]
    ack = world["anim"].call(
        "groups_move",
        {"step_id": world["step"], "participant_id": person.id,
         "group_id": world["where"]["Alice"]},
    )  # fmt: skip
    assert ack["ok"], ack
    names = sorted(a["name"] for a in state(outsider, world["step"])["actors"])
    assert names == ["Club de prévention", "Mairie"]
    ack = act(outsider, world["step"], "actor_edit", actor_id=world["club"]["id"],
              version=world["club"]["version"], territoire="Centre")  # fmt: skip
    assert ack["ok"], ack


def test_a_reconnecting_member_of_another_group_is_not_replayed_the_group_s_additions(
    world: Any, connect: Any
) -> None:
    before = events.current_seq(world["atelier"].id) - 3  # the group's three additions
    outsider, mate = replayed(world, connect, before)
    assert outsider["mode"] == "replay" and outsider["events"] == []
    assert [e["type"] for e in mate["events"]] == ["map.actor", "map.relation", "map.actor"]


def test_a_participant_in_no_group_is_told_so_and_nothing_is_stored(
    world: Any, connect: Any
) -> None:
    structure = world["people"]["Alice"].structure_id
    late, _ = participants.join(world["atelier"], "Émile", structure_id=structure)
    sock = connect("participant", world["atelier"], late)
    seq = events.current_seq(world["atelier"].id)
    ack = act(sock, world["step"], "actor_add", client_id="act-late-01", name="Bibliothèque")
    assert ack["error"]["code"] == "no_group"
    assert "aucun groupe" in ack["error"]["message_fr"]
    ack = act(sock, world["step"], "action_add", client_id="acn-late-01",
              actor_id=world["mairie"]["id"], text="Accueille les devoirs")  # fmt: skip
    assert ack["error"]["code"] == "no_group"
    assert events.current_seq(world["atelier"].id) == seq
    assert db.session.query(Actor).count() == 2
