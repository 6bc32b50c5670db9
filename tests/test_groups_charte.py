"""The charte in sub-groups (issue 18): idea cards and amendments carry their group, reach
that group's members, the animateurs and the wall only, count in the console's grid and keep
their group after the mise en commun; a member of another group cannot withdraw nor vote on
another group's amendment."""

from __future__ import annotations

from typing import Any

import pytest

from facilitator.activities.charte.models import CharteAmendment, CharteAmendmentVote
from facilitator.core import events
from facilitator.extensions import db
from tests.groups_helpers import (
    PLENARY,
    act,
    activity,
    event_group,
    formed_world,
    quiet,
    snapshot,
)

SCRIPT = """
format: 1
id: test-groupes-charte
title: Charte en sous-groupes
steps:
  - id: charte
    type: charte
    title: Charte par table
    consigne: Écrivons la charte en groupes.
    settings:
      sections:
        - {id: objet, label: Objet}
    groups: {formation: mixte, count: 2}
"""
SCRIPT += PLENARY


def amendments(sock: Any, step_id: int) -> list[dict[str, Any]]:
    return activity(sock, step_id, "amendments")


@pytest.fixture
def world(make_atelier: Any, make_animateur: Any, connect: Any) -> Any:
    r = formed_world(make_atelier, make_animateur, connect, SCRIPT)
    step, anim = r["step"], r["anim"]
    idea = r["socks"]["Alice"].call(
        "card_add", {"step_id": step, "client_id": "idea-grp-0001", "text": "Agir ensemble",
                     "column": "objet"},
    )  # fmt: skip
    assert idea["ok"], idea
    r["idea"] = idea["card"]
    assert act(anim, step, "phase", phase="redaction")["ok"]
    assert act(anim, step, "version_start")["ok"]
    clause = act(anim, step, "clause_add", client_id="clause-grp-01", section="objet",
                 text="Nous agissons ensemble.")  # fmt: skip
    assert clause["ok"], clause
    assert act(anim, step, "phase", phase="amendements")["ok"]
    quiet(r)
    ack = act(r["socks"]["Alice"], step, "amendment_propose", client_id="amend-grp-01",
              clause_id=clause["clause"]["id"], text="Nous agissons ensemble, chaque jour.",
              reason="Plus concret")  # fmt: skip
    assert ack["ok"], ack
    r["amendment"] = ack["amendment"]
    return r


def test_ideas_and_amendments_carry_their_group_and_reach_that_group_only(world: Any) -> None:
    group = world["where"]["Alice"]
    assert world["idea"]["group_id"] == group
    assert world["amendment"]["group_id"] == group
    for who in ("anim", "wall"):
        got = [e for e in world[who].events() if e["type"] == "charte.amendment"]
        assert [e["data"]["amendment"]["group_id"] for e in got] == [group]
    mate = [e for e in world["socks"][world["mate"]].events() if e["type"] == "charte.amendment"]
    assert len(mate) == 1
    assert world["socks"][world["outsider"]].events() == []
    assert [a["id"] for a in amendments(world["socks"][world["mate"]], world["step"])] == [
        world["amendment"]["id"]
    ]
    outsider_snap = snapshot(world["socks"][world["outsider"]])
    assert outsider_snap["activity"][str(world["step"])]["amendments"] == []
    assert outsider_snap["cards"] == []  # the idea card is the other group's too
    state = snapshot(world["anim"])["groups"][str(world["step"])]
    assert {g["id"]: g["count"] for g in state["groups"]}[group] == 2  # an idea, an amendment


def test_a_member_of_another_group_cannot_touch_the_amendment(world: Any) -> None:
    a = world["amendment"]
    outsider = world["socks"][world["outsider"]]
    seq = events.current_seq(world["atelier"].id)
    ack = act(outsider, world["step"], "amendment_withdraw", amendment_id=a["id"])
    assert ack["error"]["code"] == "not_found"
    assert ack["error"]["message_fr"] == "Cet amendement n'existe pas sur la version en cours."
    assert events.current_seq(world["atelier"].id) == seq
    assert act(world["anim"], world["step"], "amendment_quick_open", amendment_id=a["id"])["ok"]
    seq = events.current_seq(world["atelier"].id)
    ack = act(outsider, world["step"], "amendment_quick_vote", amendment_id=a["id"], choice="pour")
    assert ack["error"]["code"] == "not_found", ack
    assert events.current_seq(world["atelier"].id) == seq
    mate = world["socks"][world["mate"]]
    assert act(mate, world["step"], "amendment_quick_vote", amendment_id=a["id"], choice="pour")[
        "ok"
    ]
    assert db.session.query(CharteAmendmentVote).count() == 1
    assert db.session.get(CharteAmendment, a["id"]).status == "en_vote"


def test_a_group_s_quick_vote_is_heard_by_that_group_s_audience_only(world: Any) -> None:
    a = world["amendment"]
    assert act(world["anim"], world["step"], "amendment_quick_open", amendment_id=a["id"])["ok"]
    quiet(world)
    mate = world["socks"][world["mate"]]
    ack = act(mate, world["step"], "amendment_quick_vote", amendment_id=a["id"], choice="pour")
    assert ack["ok"], ack
    assert event_group(world, ack["seq"]) == world["where"]["Alice"]
    assert world["socks"][world["outsider"]].events() == []
    assert [e["type"] for e in world["anim"].events()] == ["charte.quick_vote"]


def test_after_the_mise_en_commun_everyone_sees_the_amendment_with_its_group(world: Any) -> None:
    assert world["anim"].call("groups_close", {"step_id": world["step"]})["ok"]
    assert world["anim"].call("groups_merge", {"step_id": world["step"]})["ok"]
    seen = amendments(world["socks"][world["outsider"]], world["step"])
    assert [(a["id"], a["group_id"]) for a in seen] == [
        (world["amendment"]["id"], world["where"]["Alice"])
    ]
    cards = snapshot(world["socks"][world["outsider"]])["cards"]
    assert [(c["text"], c["group_id"]) for c in cards] == [
        ("Agir ensemble", world["where"]["Alice"])
    ]


def test_the_compte_rendu_keeps_each_group_s_ideas_and_amendments(world: Any) -> None:
    from facilitator.documents import compte_rendu, loaders
    from facilitator.rendering import markdown

    context = loaders.atelier_context(world["atelier"].id)
    text = markdown.render(compte_rendu.compose(context)).decode()
    assert "en 2 sous-groupes" in text
    name = next(g["name"] for g in snapshot(world["anim"])["groups"][str(world["step"])]["groups"]
                if g["id"] == world["where"]["Alice"])  # fmt: skip
    production = text.split(f"Production du groupe « {name} »")[1].split("###")[0]
    assert "Agir ensemble" in production
    assert "Amendement (Nouvelle rédaction) : Nous agissons ensemble, chaque jour." in production
