"""Remote people in sub-groups (issue 18, item 4): « à distance : ensemble / mélangés /
indifférent », composed with the random and mixed-by-structure formations."""

from __future__ import annotations

import random
from typing import Any

import pytest

from facilitator.core import participants
from facilitator.core.group_formation import Person, compose, remote_group_count
from facilitator.extensions import db
from facilitator.scripts import ScriptError, load_script_text
from tests.groups_helpers import SCRIPT, snapshot


def people(remote: int, here: int) -> list[Person]:
    kinds = "ab"
    return [Person(i, kinds[i % 2], remote=i < remote) for i in range(remote + here)]


def placed(formation: str, remote: str, away: int, here: int, count: int) -> Any:
    """The groups of ``away`` remote and ``here`` other people (everyone placed once), and
    the remote people's ids."""
    groups = compose(formation, remote, people(away, here), count, random.Random(away + here))
    assert sorted(pid for g in groups for pid in g) == list(range(away + here))
    return groups, set(range(away))


@pytest.mark.parametrize("formation", ["aleatoire", "mixte"])
def test_together_puts_remote_people_in_their_own_groups(formation: str) -> None:
    groups, away = placed(formation, "ensemble", 4, 14, 6)
    assert len(groups) == 6 and all(groups)
    # 4 of 18 people: one group of 6 is theirs, alone; the 14 others fill the 5 others
    assert [set(g) for g in groups if set(g) & away] == [away]
    assert sorted(len(g) for g in groups if not set(g) & away) == [2, 3, 3, 3, 3]


@pytest.mark.parametrize("formation", ["aleatoire", "mixte"])
def test_mixed_spreads_remote_people_evenly_and_keeps_sizes_even(formation: str) -> None:
    groups, away = placed(formation, "melanges", 5, 13, 4)
    assert sorted(len(set(g) & away) for g in groups) == [1, 1, 1, 2]
    assert sorted(len(g) for g in groups) == [4, 4, 5, 5]


@pytest.mark.parametrize("formation", ["aleatoire", "mixte"])
def test_a_single_remote_person_is_not_left_in_a_group_of_one(formation: str) -> None:
    groups, away = placed(formation, "ensemble", 1, 11, 3)
    assert sorted(len(g) for g in groups) == [4, 4, 4]  # they join a group of the room


def test_indifferent_or_nobody_remote_is_the_plain_formation() -> None:
    crowd = people(0, 12)
    plain = compose("aleatoire", "indifferent", crowd, 3, random.Random(2))
    assert compose("aleatoire", "ensemble", crowd, 3, random.Random(2)) == plain
    assert compose("manuel", "indifferent", crowd, 3, random.Random(2)) == [[], [], []]


def test_remote_groups_leave_someone_for_every_group() -> None:
    assert remote_group_count(remote=1, here=20, count=4) == 1
    assert remote_group_count(remote=10, here=10, count=4) == 2
    assert remote_group_count(remote=19, here=1, count=4) == 3  # one group for the room
    assert remote_group_count(remote=3, here=2, count=5) == 3  # as many as needed


def test_the_script_refuses_remote_placement_without_a_placing_formation(app: Any) -> None:
    with pytest.raises(ScriptError) as err:
        load_script_text(SCRIPT.replace("formation: mixte", "formation: choix, remote: ensemble"))
    ((where, message),) = err.value.problems
    assert where == "steps[0].groups"
    assert "personnes à distance ne peuvent être regroupées" in message
    assert "au choix des participants" in message
    with pytest.raises(ScriptError) as err:
        load_script_text(SCRIPT.replace("formation: mixte", "formation: mixte, remote: loin"))
    assert err.value.problems[0][0] == "steps[0].groups.remote"
    script = load_script_text(
        SCRIPT.replace("formation: mixte", "formation: mixte, remote: melanges")
    )
    assert script.steps[0]["groups"]["remote"] == "melanges"


def hybrid_room(make_atelier: Any, make_animateur: Any, connect: Any) -> Any:
    animateur = make_animateur()
    atelier = make_atelier(animateur, SCRIPT.replace("count: 2", "count: 3"))
    atelier.mode = "hybride"
    db.session.commit()
    structures = atelier.cycle.structures
    away = set()
    for i in range(9):
        where = "distance" if i < 3 else "salle"
        person, _ = participants.join(
            atelier, f"P{i}", structure_id=structures[i % 2].id, where=where
        )
        if i < 3:
            away.add(person.id)
    anim = connect("animateur", atelier, animateur)
    assert anim.call("atelier_start", {})["ok"]
    return anim, atelier.steps[0].id, away


def test_the_console_forms_a_remote_group_named_as_such(
    make_atelier: Any, make_animateur: Any, connect: Any
) -> None:
    anim, step, away = hybrid_room(make_atelier, make_animateur, connect)
    plan = {"formation": "mixte", "count": 3, "remote": "ensemble"}
    assert anim.call("groups_configure", {"step_id": step, "plan": plan})["ok"]
    assert anim.call("groups_form", {"step_id": step})["ok"]
    state = snapshot(anim)["groups"][str(step)]
    assert state["formation_label"] == (
        "mélangés par type de structure ; à distance : ensemble (leur propre groupe)"
    )
    by_name = {g["name"]: {m["id"] for m in g["members"]} for g in state["groups"]}
    assert by_name == {
        "Groupe 1": by_name["Groupe 1"],
        "Groupe 2": by_name["Groupe 2"],
        "Groupe 3 (à distance)": away,
    }
    assert not (by_name["Groupe 1"] | by_name["Groupe 2"]) & away


def test_the_console_refuses_remote_placement_when_people_choose(
    make_atelier: Any, make_animateur: Any, connect: Any
) -> None:
    anim, step, _ = hybrid_room(make_atelier, make_animateur, connect)
    plan = {"formation": "choix", "count": 3, "remote": "melanges"}
    ack = anim.call("groups_configure", {"step_id": step, "plan": plan})
    assert not ack["ok"]
    assert "personnes à distance ne peuvent être regroupées" in ack["error"]["message_fr"]
    assert snapshot(anim)["groups"][str(step)]["plan"]["remote"] == "indifferent"
    ack = anim.call("groups_configure", {"step_id": step, "plan": {**plan, "remote": "loin"}})
    assert not ack["ok"] and ack["error"]["code"] == "invalid"
