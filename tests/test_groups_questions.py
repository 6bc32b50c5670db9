"""Questions essentielles in sub-groups (issue 18): each proposal carries its group, reaches
that group's members, the animateurs and the wall only, counts in the console's grid, and
keeps its group after the mise en commun; a member of another group cannot touch it."""

from __future__ import annotations

from typing import Any

import pytest

from facilitator.activities.questions_essentielles.models import ProposalVote, QuestionProposal
from facilitator.core import events
from facilitator.extensions import db
from tests.groups_helpers import act, activity, event_group, formed_world, quiet, snapshot

SCRIPT = """
format: 1
id: test-groupes-questions
title: Questions en sous-groupes
steps:
  - id: questions
    type: questions_essentielles
    title: Questions par table
    consigne: Formulez une question dans votre groupe.
    settings:
      votes: {budget: 2, max_per_card: 1}
    groups: {formation: mixte, count: 2}
  - id: pleniere
    type: questions_essentielles
    title: Questions en plénière
    consigne: Formulez.
"""


def proposals(sock: Any, step_id: int) -> list[dict[str, Any]]:
    return activity(sock, step_id, "proposals")


@pytest.fixture
def world(make_atelier: Any, make_animateur: Any, connect: Any) -> Any:
    r = formed_world(make_atelier, make_animateur, connect, SCRIPT)
    quiet(r)
    ack = act(r["socks"]["Alice"], r["step"], "propose", client_id="qe-alice-0001",
              text="Comment accueillir les familles ?")  # fmt: skip
    assert ack["ok"], ack
    r["proposal"] = ack["proposal"]
    return r


def test_a_proposal_carries_its_group_and_reaches_that_group_only(world: Any) -> None:
    group = world["where"]["Alice"]
    assert world["proposal"]["group_id"] == group
    for who in ("anim", "wall"):
        got = [e for e in world[who].events() if e["type"] == "qe.proposal"]
        assert [e["data"]["proposal"]["group_id"] for e in got] == [group]
    mate = [e for e in world["socks"][world["mate"]].events() if e["type"] == "qe.proposal"]
    assert [e["data"]["proposal"]["text"] for e in mate] == ["Comment accueillir les familles ?"]
    assert world["socks"][world["outsider"]].events() == []
    assert [p["text"] for p in proposals(world["socks"][world["mate"]], world["step"])] == [
        "Comment accueillir les familles ?"
    ]
    assert proposals(world["socks"][world["outsider"]], world["step"]) == []
    state = snapshot(world["anim"])["groups"][str(world["step"])]
    assert {g["id"]: g["count"] for g in state["groups"]}[group] == 1


def test_a_member_of_another_group_cannot_touch_the_proposal(world: Any) -> None:
    p = world["proposal"]
    assert act(world["anim"], world["step"], "phase", phase="vote")["ok"]
    outsider = world["socks"][world["outsider"]]
    seq = events.current_seq(world["atelier"].id)
    for action, data in (
        ("edit", {"proposal_id": p["id"], "version": p["version"], "text": "Piratée ?"}),
        ("delete", {"proposal_id": p["id"]}),
        ("vote", {"proposal_id": p["id"], "delta": 1}),
    ):
        ack = act(outsider, world["step"], action, **data)
        assert ack["ok"] is False and ack["error"]["code"] == "not_found", (action, ack)
        assert "n'existe plus" in ack["error"]["message_fr"]
    assert events.current_seq(world["atelier"].id) == seq
    assert db.session.get(QuestionProposal, p["id"]).text == "Comment accueillir les familles ?"
    assert act(world["socks"][world["mate"]], world["step"], "vote", proposal_id=p["id"],
               delta=1)["ok"]  # fmt: skip
    assert db.session.query(ProposalVote).count() == 1


def test_after_the_mise_en_commun_everyone_sees_every_proposal_with_its_group(
    world: Any,
) -> None:
    outsider = world["socks"][world["outsider"]]
    ack = act(outsider, world["step"], "propose", client_id="qe-other-0001",
              text="Quels lieux pour les jeunes ?")  # fmt: skip
    assert ack["ok"], ack
    assert world["anim"].call("groups_close", {"step_id": world["step"]})["ok"]
    refused = act(outsider, world["step"], "propose", client_id="qe-other-0002", text="Trop tard")
    assert refused["error"]["code"] == "groups_closed"
    assert world["anim"].call("groups_merge", {"step_id": world["step"]})["ok"]
    seen = {
        p["text"]: p["group_id"] for p in proposals(world["socks"][world["mate"]], world["step"])
    }
    assert seen == {
        "Comment accueillir les familles ?": world["where"]["Alice"],
        "Quels lieux pour les jeunes ?": world["where"][world["outsider"]],
    }


def test_a_step_with_proposals_can_no_longer_switch_to_groups(world: Any) -> None:
    plenary = world["plenary"]
    assert world["anim"].call("step_goto", {"step_id": plenary})["ok"]
    ack = act(world["socks"]["Bob"], plenary, "propose", client_id="qe-bob-0001",
              text="Une question en plénière ?")  # fmt: skip
    assert ack["ok"], ack
    assert ack["proposal"]["group_id"] is None
    ack = world["anim"].call(
        "groups_configure", {"step_id": plenary, "plan": {"formation": "aleatoire", "count": 2}}
    )
    assert ack["ok"] is False and ack["error"]["code"] == "step_started"
    assert "a déjà commencé" in ack["error"]["message_fr"]
    assert snapshot(world["anim"])["groups"].get(str(plenary)) is None


def test_a_group_vote_is_heard_by_its_group_only_and_a_plenary_vote_by_all(world: Any) -> None:
    p, step = world["proposal"], world["step"]
    group = world["where"]["Alice"]
    outsider, mate = world["socks"][world["outsider"]], world["socks"][world["mate"]]
    assert act(world["anim"], step, "phase", phase="vote")["ok"]
    quiet(world)
    ack = act(mate, step, "vote", proposal_id=p["id"], delta=1)
    assert ack["ok"], ack
    assert event_group(world, ack["seq"]) == group
    assert outsider.events() == []
    # the totals shown from the validation phase: each group its own, never the others'
    assert act(world["anim"], step, "phase", phase="validation")["ok"]
    for e in outsider.events():
        assert "tallies" not in e["data"], e
    assert snapshot(outsider)["activity"][str(step)]["tallies"] == {}
    assert snapshot(mate)["activity"][str(step)]["tallies"] == {str(p["id"]): 1}
    # after the mise en commun the vote is plenary: everyone's audience
    assert world["anim"].call("groups_close", {"step_id": step})["ok"]
    assert world["anim"].call("groups_merge", {"step_id": step})["ok"]
    assert act(world["anim"], step, "phase", phase="vote")["ok"]
    ack = act(outsider, step, "vote", proposal_id=p["id"], delta=1)
    assert ack["ok"], ack
    assert event_group(world, ack["seq"]) is None
    assert snapshot(outsider)["activity"][str(step)]["proposals"][0]["id"] == p["id"]
