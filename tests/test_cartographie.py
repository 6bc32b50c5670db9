"""``cartographie`` over Socket.IO: actors (from the répertoire or absent), actions linked
to questions, relations, duplicates and merges, version conflicts, rights, angles morts, and
the map persisting into the next atelier."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from facilitator.activities.cartographie import views as map_views
from facilitator.core import cycles
from facilitator.scripts import load_script_text
from tests.test_questions_essentielles import act, of_type

SCRIPT = """
format: 1
id: test-carte
title: Cartographie
steps:
  - id: carte
    type: cartographie
    title: Carte
    consigne: Ajoutez les acteurs.
  - id: fin
    type: cartes
    title: Fin
    consigne: Fin.
    settings:
      columns: [{id: a, label: A}]
"""


@pytest.fixture
def room(make_room: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    return make_room(
        SCRIPT, ("Comment repérer tôt le décrochage ?", "Comment associer les parents ?")
    )


def add_actor(sock: Any, step: int, client_id: str, **fields: Any) -> dict[str, Any]:
    ack = act(sock, step, "actor_add", client_id=client_id, **fields)
    assert ack["ok"], ack
    return ack["actor"]


def test_state_shows_the_questions_and_the_repertoire(room: dict[str, Any]) -> None:
    state = room["a"].call("sync", {"last_seq": 0})["snapshot"]["activity"][str(room["step"])]
    assert [q["text"] for q in state["questions"]] == [
        "Comment repérer tôt le décrochage ?",
        "Comment associer les parents ?",
    ]
    assert {s["name"] for s in state["structures"]} == {"Collège Jean-Moulin", "Centre social"}
    assert state["labels"]["levels"]["coordination"] == "Coordination"
    assert state["actors"] == [] and state["relations"] == []


def test_two_participants_build_a_map_the_third_client_sees(room: dict[str, Any]) -> None:
    step, a, b, viewer = room["step"], room["a"], room["b"], room["viewer"]
    college = add_actor(
        a, step, "actor-college", structure_id=room["structures"]["Collège Jean-Moulin"]
    )
    assert college["name"] == "Collège Jean-Moulin" and college["type"] == "education_nationale"
    pre = add_actor(
        b,
        step,
        "actor-pre-0001",
        name="Programme de réussite éducative",
        type="collectivite",
        champs=["reussite_educative", "education_jeunesse"],
        territoire="Val-de-Lys",
    )
    assert pre["structure_id"] is None and pre["champs"] == [
        "reussite_educative",
        "education_jeunesse",
    ]
    action = act(
        a,
        step,
        "action_add",
        actor_id=college["id"],
        client_id="action-0001",
        text="Cellule de veille sur l'absentéisme",
        question_ids=[room["q1"]],
    )
    assert action["ok"], action
    assert action["actor"]["actions"][0]["question_ids"] == [room["q1"]]
    rel = act(
        b,
        step,
        "relation_add",
        client_id="relation-001",
        source_id=pre["id"],
        target_id=college["id"],
        status="existante",
        level="coordination",
        natures=["information", "orientation"],
        question_id=room["q1"],
    )
    assert rel["ok"], rel
    seen = viewer.events()
    assert {e["actor"]["name"] for e in of_type(seen, "map.actor")} == {
        "Collège Jean-Moulin",
        "Programme de réussite éducative",
    }
    assert of_type(seen, "map.relation")[-1]["relation"]["level"] == "coordination"
    # the read-only client cannot write
    refused = act(viewer, step, "actor_add", client_id="viewer-01", name="X", type="autre")
    assert refused["error"]["code"] == "forbidden"
    # angles morts
    data = map_views.map_data(room["atelier"].cycle_id)
    spots = map_views.blind_spots(data)
    assert spots["isolated_actors"] == []
    assert [q["id"] for q in spots["questions_without_actions"]] == [room["q2"]]


def test_bad_input(room: dict[str, Any]) -> None:
    step, a, b, anim = room["step"], room["a"], room["b"], room["anim"]
    one = add_actor(a, step, "actor-one-01", name="Centre social Les Tilleuls", type="association")
    # a relation to itself
    self_rel = act(
        a, step, "relation_add", client_id="self-rel-01", source_id=one["id"], target_id=one["id"]
    )
    assert self_rel["error"]["code"] == "self_relation"
    # duplicate names: offer the existing actor
    dup = act(
        b,
        step,
        "actor_add",
        client_id="actor-dup-01",
        name="le centre-social des TILLEULS",
        type="association",
    )
    assert dup["error"]["code"] == "duplicate"
    assert dup["error"]["actor"]["id"] == one["id"]
    two = add_actor(
        b,
        step,
        "actor-dup-01",
        name="le centre-social des TILLEULS",
        type="association",
        confirm_duplicate=True,
    )
    # the same structure twice
    college = room["structures"]["Collège Jean-Moulin"]
    add_actor(a, step, "actor-col-01", structure_id=college)
    again = act(b, step, "actor_add", client_id="actor-col-02", structure_id=college)
    assert again["error"]["code"] == "duplicate"
    # unknown values
    assert (
        act(a, step, "actor_add", client_id="actor-bad-01", name="X", type="martien")["error"][
            "code"
        ]
        == "invalid"
    )
    assert (
        act(
            a,
            step,
            "actor_add",
            client_id="actor-bad-02",
            name="Y",
            type="autre",
            champs=["astrologie"],
        )["error"]["code"]
        == "invalid"
    )
    # a duplicate relation (either direction, same question)
    first = act(
        a,
        step,
        "relation_add",
        client_id="rel-dup-001",
        source_id=one["id"],
        target_id=two["id"],
        question_id=room["q1"],
    )
    assert first["ok"]
    twin = act(
        b,
        step,
        "relation_add",
        client_id="rel-dup-002",
        source_id=two["id"],
        target_id=one["id"],
        question_id=room["q1"],
    )
    assert twin["error"]["code"] == "duplicate"
    assert twin["error"]["relation"]["id"] == first["relation"]["id"]
    other_q = act(
        b,
        step,
        "relation_add",
        client_id="rel-dup-003",
        source_id=two["id"],
        target_id=one["id"],
        question_id=room["q2"],
        status="a_creer",
    )
    assert other_q["ok"]
    # merge the duplicate: its relations move (one would duplicate → dropped, one → self)
    action = act(
        b,
        step,
        "action_add",
        actor_id=two["id"],
        client_id="act-two-01",
        text="Accueil des parents le samedi",
        question_ids=[room["q2"]],
    )
    assert action["ok"]
    assert (
        act(a, step, "actor_merge", source_id=two["id"], target_id=one["id"])["error"]["code"]
        == "forbidden"
    )
    merged = act(anim, step, "actor_merge", source_id=two["id"], target_id=one["id"])
    assert merged["ok"], merged
    assert merged["relations_dropped"] == 2
    assert merged["actor"]["aliases"] == ["le centre-social des TILLEULS"]
    assert [x["text"] for x in merged["actor"]["actions"]] == ["Accueil des parents le samedi"]
    deleted = of_type(a.events(), "map.actor_deleted")[-1]
    assert deleted == {
        "actor_id": two["id"],
        "relation_ids": deleted["relation_ids"],
        "merged_into": one["id"],
    }
    assert sorted(deleted["relation_ids"]) == sorted(
        [first["relation"]["id"], other_q["relation"]["id"]]
    )


def test_conflicts_and_rights(room: dict[str, Any]) -> None:
    step, a, b, anim = room["step"], room["a"], room["b"], room["anim"]
    actor = add_actor(a, step, "actor-conf-1", name="Mission locale", type="association")
    first = act(b, step, "actor_edit", actor_id=actor["id"], version=1, territoire="Agglomération")
    assert first["ok"] and first["actor"]["version"] == 2
    stale = act(a, step, "actor_edit", actor_id=actor["id"], version=1, territoire="Nord")
    assert stale["error"]["code"] == "conflict"
    assert stale["error"]["actor"]["territoire"] == "Agglomération"
    assert stale["error"]["actor"]["version"] == 2
    # only the author deletes (before validation); the animateur validates, then only he edits
    assert act(b, step, "actor_delete", actor_id=actor["id"])["error"]["code"] == "forbidden"
    assert (
        act(a, step, "actor_validate", actor_id=actor["id"], validated=True)["error"]["code"]
        == "forbidden"
    )
    assert act(anim, step, "actor_validate", actor_id=actor["id"], validated=True)["ok"]
    locked = act(b, step, "actor_edit", actor_id=actor["id"], version=3, name="ML")
    assert locked["error"]["code"] == "forbidden"
    assert act(a, step, "actor_delete", actor_id=actor["id"])["error"]["code"] == "forbidden"
    # extending a validated actor with an action is still open to everyone
    assert act(
        b,
        step,
        "action_add",
        actor_id=actor["id"],
        client_id="act-ml-001",
        text="Permanence au collège",
        question_ids=[room["q1"]],
    )["ok"]
    # the animateur pins it on the map
    moved = act(
        anim, step, "actor_move", positions=[{"actor_id": actor["id"], "x": 120.5, "y": 800}]
    )
    assert moved["ok"] and of_type(a.events(), "map.layout")
    assert (
        act(a, step, "actor_move", positions=[{"actor_id": actor["id"], "x": 1, "y": 1}])["error"][
            "code"
        ]
        == "forbidden"
    )
    # a locked step refuses participants
    assert anim.call("step_flags", {"step_id": step, "locked": True})["ok"]
    assert (
        act(a, step, "actor_add", client_id="actor-lock-1", name="Z", type="autre")["error"]["code"]
        == "locked"
    )
    gone = act(anim, step, "actor_delete", actor_id=actor["id"])
    assert gone["ok"] and gone["actions"] == 1


def test_question_removed_while_actions_point_to_it(room: dict[str, Any]) -> None:
    step, a, anim = room["step"], room["a"], room["anim"]
    actor = add_actor(a, step, "actor-rm-001", name="CAF", type="caf")
    act(
        a,
        step,
        "action_add",
        actor_id=actor["id"],
        client_id="act-rm-0001",
        text="Aide aux vacances familles",
        question_ids=[room["q2"]],
    )
    other = add_actor(a, step, "actor-rm-002", name="Collège", type="education_nationale")
    act(
        a,
        step,
        "relation_add",
        client_id="rel-rm-0001",
        source_id=actor["id"],
        target_id=other["id"],
        question_id=room["q2"],
    )
    removed = act(anim, step, "question_remove", question_id=room["q2"], version=1)
    assert removed["ok"], removed
    assert removed["affected"]["actions"][0]["actor"] == "CAF"
    assert removed["affected"]["relations"][0]["target"] == "Collège"
    assert "1 action et 1 relation" in removed["message_fr"]
    # history kept: the links stay, the question is marked removed
    data = map_views.map_data(room["atelier"].cycle_id)
    assert data["actors"][0]["actions"][0]["question_ids"] == [room["q2"]]
    assert data["relations"][0]["question_id"] == room["q2"]
    assert [q["active"] for q in data["questions"]] == [True, False]
    # new links to it are refused
    refused = act(
        a,
        step,
        "action_add",
        actor_id=actor["id"],
        client_id="act-rm-0002",
        text="Autre action",
        question_ids=[room["q2"]],
    )
    assert refused["error"]["code"] == "question_removed"
    assert of_type(room["viewer"].events(), "questions.updated")


def test_the_map_persists_into_the_next_atelier(
    room: dict[str, Any], connect: Callable[..., Any], make_participant: Callable[..., Any]
) -> None:
    step, a = room["step"], room["a"]
    actor = add_actor(a, step, "actor-next-1", name="Club de prévention", type="association")
    assert room["anim"].call("atelier_close", {})["ok"]
    nxt = cycles.add_atelier(room["atelier"].cycle, load_script_text(SCRIPT))
    anim = connect("animateur", nxt, room["animateur"])
    assert anim.call("atelier_start", {})["ok"]
    carla = make_participant(nxt, "Carla")
    c = connect("participant", nxt, carla)
    state = c.call("sync", {"last_seq": 0})["snapshot"]["activity"][str(nxt.steps[0].id)]
    assert [x["name"] for x in state["actors"]] == ["Club de prévention"]
    assert len(state["questions"]) == 2
    # extended in the later atelier
    ext = act(
        c,
        nxt.steps[0].id,
        "action_add",
        actor_id=actor["id"],
        client_id="act-next-01",
        text="Maraudes le soir",
        question_ids=[room["q1"]],
    )
    assert ext["ok"]
    # the closed atelier refuses
    closed = act(a, step, "actor_add", client_id="actor-closed", name="W", type="autre")
    assert closed["error"]["code"] == "closed"
