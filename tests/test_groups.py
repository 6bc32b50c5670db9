"""Sub-groups of a step (issue 18): forming groups, moving and choosing, the group phase,
the mise en commun, and the refusals (French, nothing lost)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from facilitator.core import participants
from facilitator.core.group_formation import Person, at_random, mixed
from facilitator.extensions import db
from facilitator.models import Contribution
from facilitator.scripts import ScriptError, load_script_text
from tests.groups_helpers import SCRIPT, card, formed, quiet, room, snapshot


@pytest.fixture
def r(make_atelier: Any, make_animateur: Any, connect: Any) -> Any:
    return room(make_atelier, make_animateur, connect)


def test_mixed_formation_gives_every_group_as_many_types_as_possible() -> None:
    people = [Person(i, kind) for i, kind in enumerate("aaaaaabbbbcc")]
    groups = mixed(people, 3, random.Random(1))
    kinds = {p.id: p.kind for p in people}
    assert sorted(len(g) for g in groups) == [4, 4, 4]
    for kind in "abc":
        # each type is spread evenly: as many types in every group as there are people
        spread = [sum(kinds[pid] == kind for pid in group) for group in groups]
        assert max(spread) - min(spread) <= 1, (kind, spread)
    assert sum(len({kinds[pid] for pid in group}) for group in groups) == 3 + 3 + 2
    assert sorted(pid for g in groups for pid in g) == list(range(12))


def test_random_formation_places_everyone_once_in_groups_of_near_size() -> None:
    groups = at_random([Person(i) for i in range(31)], 4, random.Random(7))
    assert sorted(len(g) for g in groups) == [7, 8, 8, 8]
    assert sorted(pid for g in groups for pid in g) == list(range(31))


def test_script_refuses_groups_for_a_type_that_cannot_run_in_groups(app: Any) -> None:
    bad = """
format: 1
id: x
title: X
steps:
  - id: bilan
    type: evaluation
    title: Bilan
    consigne: Évaluez l'atelier.
    groups: {formation: aleatoire, count: 3}
"""
    with pytest.raises(ScriptError) as err:
        load_script_text(bad)
    (message,) = [m for _, m in err.value.problems if "sous-groupes" in m]
    assert "« Évaluation » ne peut pas encore" in message
    assert "« Questions essentielles »" in message and "« Charte »" in message
    assert "« Cartographie des acteurs et des actions »" in message  # it can (issue 18)
    with pytest.raises(ScriptError) as err:
        load_script_text(SCRIPT.replace("formation: mixte", "formation: tirage"))
    assert err.value.problems[0][0] == "steps[0].groups.formation"


def test_groups_mixed_by_structure_type_and_each_sees_only_their_own(r: Any) -> None:
    where = formed(r)
    assert len(set(where.values())) == 2
    # two structure types, two people each: every group gets both types
    state = snapshot(r["anim"])["groups"][str(r["step"])]
    for group in state["groups"]:
        assert {m["kind"] for m in group["members"]} == {"education_nationale", "association"}
    alice_group = where["Alice"]
    mate = next(n for n in where if n != "Alice" and where[n] == alice_group)
    other = next(n for n in where if where[n] != alice_group)
    quiet(r)
    ack = card(r["socks"]["Alice"], r["step"], "Une idée de table")
    assert ack["ok"], ack
    assert ack["card"]["group_id"] == alice_group
    assert [e["type"] for e in r["socks"][mate].events()] == ["card.added"]
    assert r["socks"][other].events() == []
    assert [e["type"] for e in r["anim"].events()] == ["card.added"]
    assert [e["type"] for e in r["wall"].events()] == ["card.added"]
    # snapshots follow the same rule
    assert [c["text"] for c in snapshot(r["socks"][mate])["cards"]] == ["Une idée de table"]
    assert snapshot(r["socks"][other])["cards"] == []
    mine = snapshot(r["socks"][mate])["groups"][str(r["step"])]
    assert mine["mine"] == alice_group
    assert sorted(m["name"] for m in mine["my_members"]) == sorted(["Alice", mate])
    assert "members" not in mine["groups"][0]  # the others' members: animateurs only


def test_a_participant_in_no_group_is_told_so_and_nothing_is_stored(r: Any, connect: Any) -> None:
    formed(r)
    structure = r["people"]["Alice"].structure_id
    late, _ = participants.join(r["atelier"], "Émile", structure_id=structure)
    sock = connect("participant", r["atelier"], late)
    ack = card(sock, r["step"], "Je viens d'arriver")
    assert ack["ok"] is False
    assert ack["error"]["code"] == "no_group"
    assert "aucun groupe" in ack["error"]["message_fr"]
    assert db.session.query(Contribution).count() == 0
    state = snapshot(r["anim"])["groups"][str(r["step"])]
    assert [p["name"] for p in state["unassigned"]] == ["Émile"]


def test_switching_a_started_step_to_groups_is_refused(r: Any) -> None:
    assert r["anim"].call("step_goto", {"step_id": r["plenary"]})["ok"]
    assert card(r["socks"]["Alice"], r["plenary"], "Déjà écrite")["ok"]
    ack = r["anim"].call(
        "groups_configure",
        {"step_id": r["plenary"], "plan": {"formation": "aleatoire", "count": 2}},
    )
    assert ack["error"]["code"] == "step_started"
    assert "a déjà commencé" in ack["error"]["message_fr"]
    assert db.session.query(Contribution).count() == 1


def test_the_console_switch_sets_a_plan_and_refuses_a_type_without_groups(r: Any) -> None:
    ack = r["anim"].call(
        "groups_configure", {"step_id": r["plenary"], "plan": {"formation": "choix", "count": 3}}
    )
    assert ack["ok"], ack
    state = snapshot(r["anim"])["groups"][str(r["plenary"])]
    assert state["phase"] == "preparation"
    assert state["plan"] == {"formation": "choix", "count": 3, "cap": None, "remote": "indifferent"}
    assert r["anim"].call("groups_configure", {"step_id": r["plenary"]})["ok"]
    assert str(r["plenary"]) not in snapshot(r["anim"])["groups"]


def test_more_groups_than_people_is_refused(r: Any) -> None:
    ack = r["anim"].call(
        "groups_configure", {"step_id": r["step"], "plan": {"formation": "aleatoire", "count": 6}}
    )
    assert ack["ok"]
    ack = r["anim"].call("groups_form", {"step_id": r["step"]})
    assert ack["error"]["code"] == "empty_group"
    assert "resterait vide" in ack["error"]["message_fr"]


def test_a_moved_person_gets_their_new_group_at_once(r: Any) -> None:
    where = formed(r)
    a, b = sorted(set(where.values()))
    first = [n for n in where if where[n] == a]
    second = [n for n in where if where[n] == b]
    assert card(r["socks"][first[0]], r["step"], "Idée du premier groupe")["ok"]
    assert card(r["socks"][second[0]], r["step"], "Idée du second groupe")["ok"]
    mover = first[1]
    for sock in r["socks"].values():
        sock.received()
    who = r["people"][mover].id
    ack = r["anim"].call(
        "groups_move", {"step_id": r["step"], "participant_id": who, "group_id": b}
    )
    assert ack["ok"], ack
    (event,) = r["socks"][mover].events()
    assert event["type"] == "groups.changed"
    assert who in event["data"]["affected"]
    assert "groups" not in event["data"]  # members are read again from a snapshot
    snap = snapshot(r["socks"][mover])
    assert [c["text"] for c in snap["cards"]] == ["Idée du second groupe"]
    assert snap["groups"][str(r["step"])]["mine"] == b
    # the new group's next card reaches them; the former group's no longer does
    for sock in r["socks"].values():
        sock.received()
    assert card(r["socks"][second[0]], r["step"], "Encore une")["ok"]
    assert card(r["socks"][first[0]], r["step"], "Sans lui")["ok"]
    assert [e["data"]["card"]["text"] for e in r["socks"][mover].events()] == ["Encore une"]


def test_participants_choose_their_group_within_its_cap(
    make_atelier: Any, make_animateur: Any, connect: Any
) -> None:
    script = SCRIPT.replace("{formation: mixte, count: 2}", "{formation: choix, count: 2, cap: 1}")
    r = room(make_atelier, make_animateur, connect, script)
    assert r["anim"].call("groups_form", {"step_id": r["step"]})["ok"]
    groups = snapshot(r["socks"]["Alice"])["groups"][str(r["step"])]["groups"]
    assert [g["name"] for g in groups] == ["Groupe 1", "Groupe 2"]
    first = groups[0]["id"]
    ack = r["socks"]["Alice"].call("groups_choose", {"step_id": r["step"], "group_id": first})
    assert ack["ok"] and ack["group_id"] == first
    ack = r["socks"]["Bob"].call("groups_choose", {"step_id": r["step"], "group_id": first})
    assert ack["error"]["code"] == "group_full"
    assert "est complet" in ack["error"]["message_fr"]
    # choosing again the same group is not counted twice against its cap
    assert r["socks"]["Alice"].call("groups_choose", {"step_id": r["step"], "group_id": first})[
        "ok"
    ]


def test_mise_en_commun_shows_each_group_then_merges_with_group_tags(r: Any) -> None:
    where = formed(r)
    for name in where:
        assert card(r["socks"][name], r["step"], f"Idée de {name}")["ok"]
    a, b = sorted(set(where.values()))
    assert r["anim"].call("groups_close", {"step_id": r["step"]})["ok"]
    state = snapshot(r["wall"])["groups"][str(r["step"])]
    assert state["phase"] == "restitution" and state["focus"] == a
    assert {g["id"]: g["count"] for g in state["groups"]} == {a: 2, b: 2}
    ack = card(r["socks"]["Alice"], r["step"], "Trop tard")
    assert ack["error"]["code"] == "groups_closed"
    ack = r["anim"].call("groups_show", {"step_id": r["step"], "group_id": b, "display": "un"})
    assert ack["ok"]
    assert snapshot(r["wall"])["groups"][str(r["step"])]["focus"] == b
    # still apart during the restitution
    assert len(snapshot(r["socks"]["Alice"])["cards"]) == 2
    assert r["anim"].call("groups_merge", {"step_id": r["step"]})["ok"]
    cards = snapshot(r["socks"]["Alice"])["cards"]
    assert sorted(c["group_id"] for c in cards) == [a, a, b, b]
    # after the merge, the plenary: a new card reaches everyone
    for sock in r["socks"].values():
        sock.received()
    assert card(r["socks"]["Alice"], r["step"], "En plénière")["ok"]
    assert all(len(r["socks"][n].events()) == 1 for n in where if n != "Alice")


def test_a_message_or_extra_minutes_to_one_group_reach_its_members_only(r: Any) -> None:
    where = formed(r)
    target = where["Alice"]
    for sock in [r["wall"], *r["socks"].values()]:
        sock.received()
    ack = r["anim"].call(
        "groups_message",
        {"step_id": r["step"], "group_id": target, "text": "Pensez à conclure", "extra_minutes": 2},
    )
    assert ack["ok"], ack
    for name, sock in r["socks"].items():
        got = sock.events()
        if where[name] == target:
            assert got[0]["data"]["text"] == "Pensez à conclure"
            assert got[0]["data"]["extra_minutes"] == 2
        else:
            assert got == []
    assert len(r["wall"].events()) == 1
    assert r["anim"].call("groups_message", {"step_id": r["step"], "text": "Cinq minutes"})["ok"]
    assert all(len(s.events()) == 1 for s in r["socks"].values())
    # to every group, with a timer running: the atelier's timer gets the minutes too
    assert r["anim"].call("timer", {"action": "start", "seconds": 600})["ok"]
    for sock in r["socks"].values():
        sock.received()
    ack = r["anim"].call(
        "groups_message", {"step_id": r["step"], "text": "On prolonge", "extra_minutes": 3}
    )
    assert ack["ok"], ack
    for sock in r["socks"].values():
        got = sock.events()
        assert [e["type"] for e in got] == ["groups.message", "timer.updated"]
        assert got[1]["data"]["timer"]["total"] == 600 + 180
    ack = r["anim"].call("groups_message", {"step_id": r["step"], "text": "  "})
    assert ack["error"]["code"] == "invalid"
