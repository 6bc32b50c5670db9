"""Feuille de route proposals in sub-groups (issue 18): a proposal carries its group,
reaches that group's members, the animateurs and the wall only, counts in the console's
grid, cannot be touched by a member of another group; the priority vote stays plenary
(refused while the groups work apart, open to everyone on every proposal after the mise en
commun); the compte rendu names the group each action came from."""

from __future__ import annotations

from typing import Any

import pytest

from facilitator.activities.feuille_de_route.models import RoadmapAction, RoadmapVote
from facilitator.core import events, participants
from facilitator.documents import compte_rendu, loaders
from facilitator.extensions import db
from facilitator.models import QuestionEssentielle, StepGroup
from facilitator.rendering import markdown
from tests.groups_helpers import PLENARY, act, activity, formed_world, quiet, snapshot

SCRIPT = """
format: 1
id: test-groupes-feuille
title: Feuille de route en sous-groupes
steps:
  - id: feuille
    type: feuille_de_route
    title: Actions par table
    consigne: Proposez les actions de votre question.
    settings:
      votes: {budget: 2, max_per_card: 1}
    groups: {formation: mixte, count: 2}
"""
SCRIPT += PLENARY


def actions(sock: Any, step_id: int) -> list[dict[str, Any]]:
    return activity(sock, step_id, "actions")


@pytest.fixture
def world(make_atelier: Any, make_animateur: Any, connect: Any) -> Any:
    r = formed_world(make_atelier, make_animateur, connect, SCRIPT)
    quiet(r)
    ack = act(r["socks"]["Alice"], r["step"], "propose", client_id="fdr-alice-01",
              intitule="Cellule de veille sur l'absentéisme")  # fmt: skip
    assert ack["ok"], ack
    r["action"] = ack["action"]
    return r


def test_a_proposal_carries_its_group_and_reaches_that_group_only(world: Any) -> None:
    group = world["where"]["Alice"]
    assert world["action"]["group_id"] == group
    for who in ("anim", "wall"):
        got = [e for e in world[who].events() if e["type"] == "roadmap.action"]
        assert [e["data"]["action"]["group_id"] for e in got] == [group]
    mate = [e for e in world["socks"][world["mate"]].events() if e["type"] == "roadmap.action"]
    assert [e["data"]["action"]["text"] for e in mate] == ["Cellule de veille sur l'absentéisme"]
    assert world["socks"][world["outsider"]].events() == []
    assert [a["intitule"] for a in actions(world["socks"][world["mate"]], world["step"])] == [
        "Cellule de veille sur l'absentéisme"
    ]
    assert actions(world["socks"][world["outsider"]], world["step"]) == []
    state = snapshot(world["anim"])["groups"][str(world["step"])]
    counts = {g["id"]: g["count"] for g in state["groups"]}
    assert counts == {group: 1, world["where"][world["outsider"]]: 0}


def test_a_member_of_another_group_cannot_touch_the_proposal(world: Any, connect: Any) -> None:
    a = world["action"]
    outsider = world["socks"][world["outsider"]]
    seq = events.current_seq(world["atelier"].id)
    for action, data in (
        ("edit", {"action_id": a["id"], "version": a["version"], "intitule": "Piratée"}),
        ("delete", {"action_id": a["id"]}),
    ):
        ack = act(outsider, world["step"], action, **data)
        assert ack["ok"] is False and ack["error"]["code"] == "not_found", (action, ack)
        assert "n'existe plus" in ack["error"]["message_fr"]
    assert events.current_seq(world["atelier"].id) == seq
    assert db.session.get(RoadmapAction, a["id"]).intitule.startswith("Cellule de veille")
    # its author edits it; a replay after a reconnect follows the same audience
    ack = act(world["socks"]["Alice"], world["step"], "edit", action_id=a["id"],
              version=a["version"], moyens="Une réunion par mois")  # fmt: skip
    assert ack["ok"], ack
    late = connect("participant", world["atelier"], world["people"][world["outsider"]], seq - 1)
    (sync,) = [m["args"][0] for m in late.received() if m["name"] == "sync"]
    assert sync["mode"] == "replay" and sync["events"] == []
    mate = connect("participant", world["atelier"], world["people"][world["mate"]], seq - 1)
    (sync,) = [m["args"][0] for m in mate.received() if m["name"] == "sync"]
    assert [e["type"] for e in sync["events"]] == ["roadmap.action", "roadmap.action"]


def test_the_priority_vote_stays_plenary(world: Any) -> None:
    anim, outsider = world["anim"], world["socks"][world["outsider"]]
    ack = act(outsider, world["step"], "propose", client_id="fdr-other-01",
              intitule="Forum des parents")  # fmt: skip
    assert ack["ok"], ack
    other = ack["action"]
    refused = act(anim, world["step"], "phase", phase="vote")
    assert refused["ok"] is False and refused["error"]["code"] == "groups_apart"
    assert "plénière" in refused["error"]["message_fr"]
    assert anim.call("groups_close", {"step_id": world["step"]})["ok"]
    assert act(anim, world["step"], "phase", phase="vote")["ok"] is False
    assert anim.call("groups_merge", {"step_id": world["step"]})["ok"]
    assert act(anim, world["step"], "phase", phase="vote")["ok"]
    for target in (world["action"], other):  # everyone votes on every group's proposal
        ack = act(outsider, world["step"], "vote", action_id=target["id"], delta=1)
        assert ack["ok"], ack
    assert db.session.query(RoadmapVote).count() == 2
    seen = {a["intitule"]: a["group_id"] for a in actions(world["socks"]["Alice"], world["step"])}
    assert seen == {
        "Cellule de veille sur l'absentéisme": world["where"]["Alice"],
        "Forum des parents": world["where"][world["outsider"]],
    }


def test_the_compte_rendu_names_the_group_each_action_came_from(world: Any) -> None:
    assert world["anim"].call("groups_merge", {"step_id": world["step"]})["ok"]
    text = markdown.render(
        compte_rendu.compose(loaders.atelier_context(world["atelier"].id))
    ).decode()
    group = db.session.get(StepGroup, world["where"]["Alice"]).name
    assert f"Production du groupe « {group} »" in text
    row = next(line for line in text.splitlines() if "| Cellule de veille" in line)
    assert f"| {group} |" in row


def test_a_group_on_a_question_proposes_for_it_and_an_ungrouped_person_is_told(
    world: Any, connect: Any
) -> None:
    question = QuestionEssentielle(
        cycle_id=world["atelier"].cycle_id, position=1, text="Comment associer les parents ?"
    )
    db.session.add(question)
    db.session.flush()
    db.session.get(StepGroup, world["where"][world["outsider"]]).question_id = question.id
    db.session.commit()
    ack = act(world["socks"][world["outsider"]], world["step"], "propose",
              client_id="fdr-q-00001", intitule="Café des parents")  # fmt: skip
    assert ack["ok"], ack
    assert ack["action"]["question_id"] == question.id
    structure = world["atelier"].cycle.structures[0]
    late, _ = participants.join(world["atelier"], "Émile", structure_id=structure.id)
    ack = act(connect("participant", world["atelier"], late), world["step"], "propose",
              client_id="fdr-late-001", intitule="Hors groupe")  # fmt: skip
    assert ack["ok"] is False and ack["error"]["code"] == "no_group"
    assert db.session.query(RoadmapAction).count() == 2


def test_the_animateur_merges_two_groups_duplicates_and_nothing_is_lost(world: Any) -> None:
    anim, outsider = world["anim"], world["socks"][world["outsider"]]
    college, centre = world["atelier"].cycle.structures[:2]
    ack = act(outsider, world["step"], "propose", client_id="fdr-dup-0001",
              intitule="Veille partagée sur l'absentéisme", moyens="Une salle au collège",
              pilote_id=college.id, contributeur_ids=[centre.id])  # fmt: skip
    assert ack["ok"], ack
    duplicate, kept = ack["action"], world["action"]
    assert anim.call("groups_merge", {"step_id": world["step"]})["ok"]
    for sock in [anim, *world["socks"].values()]:
        sock.received()
    refused = act(outsider, world["step"], "merge", action_id=duplicate["id"], into_id=kept["id"])
    assert refused["ok"] is False and refused["error"]["code"] == "forbidden"
    same = act(anim, world["step"], "merge", action_id=kept["id"], into_id=kept["id"])
    assert same["ok"] is False and "deux actions différentes" in same["error"]["message_fr"]
    ack = act(anim, world["step"], "merge", action_id=duplicate["id"], into_id=kept["id"])
    assert ack["ok"], ack
    merged = ack["action"]
    assert merged["group_id"] == world["where"]["Alice"]  # the kept action's tag
    assert merged["intitule"] == "Cellule de veille sur l'absentéisme"
    assert merged["moyens"] == "Une salle au collège"
    assert merged["pilote_id"] == college.id and merged["contributeur_ids"] == [centre.id]
    assert db.session.get(RoadmapAction, duplicate["id"]) is None
    got = [e["type"] for e in world["socks"]["Alice"].events()]
    assert got == ["roadmap.action_deleted", "roadmap.action"]
    assert [a["id"] for a in actions(outsider, world["step"])] == [kept["id"]]
    assert act(anim, world["step"], "phase", phase="vote")["ok"]
    late = act(anim, world["step"], "merge", action_id=kept["id"], into_id=kept["id"] + 1)
    assert late["ok"] is False and late["error"]["code"] == "phase"
