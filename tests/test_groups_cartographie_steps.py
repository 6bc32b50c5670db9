"""The cartographie in sub-groups, with a second cartographie step in the same atelier: the
map is the cycle's, so while one step's groups work apart, another group's additions do
not exist for a participant in any step's state or event (issue 18)."""

from __future__ import annotations

from typing import Any

from tests.groups_helpers import act, formed_world, quiet, snapshot

SCRIPT = """
format: 1
id: test-groupes-carte-deux
title: Cartographie en sous-groupes puis en plénière
steps:
  - id: carte
    type: cartographie
    title: Carte par table
    consigne: Ajoutez les acteurs que vous connaissez.
    groups: {formation: mixte, count: 2}
  - id: relations
    type: cartographie
    title: Les relations, en plénière
    consigne: Reliez les acteurs.
"""


def names(state: dict[str, Any]) -> set[str]:
    return {a["name"] for a in state["actors"]}


def test_another_step_of_the_map_hides_the_other_groups_additions(
    make_atelier: Any, make_animateur: Any, connect: Any
) -> None:
    r = formed_world(make_atelier, make_animateur, connect, SCRIPT)
    later = r["atelier"].steps[1].id
    ack = act(r["socks"]["Alice"], r["step"], "actor_add", client_id="act-alice-01",
              name="Club de prévention")  # fmt: skip
    assert ack["ok"], ack
    outsider = snapshot(r["socks"][r["outsider"]])["activity"]
    assert "Club de prévention" not in names(outsider[str(r["step"])])
    assert "Club de prévention" not in names(outsider[str(later)])
    assert "Club de prévention" in names(snapshot(r["socks"][r["mate"]])["activity"][str(later)])


def test_an_edit_made_from_another_step_reaches_the_group_only(
    make_atelier: Any, make_animateur: Any, connect: Any
) -> None:
    r = formed_world(make_atelier, make_animateur, connect, SCRIPT)
    later = r["atelier"].steps[1].id
    ack = act(r["socks"]["Alice"], r["step"], "actor_add", client_id="act-alice-02",
              name="Club de prévention")  # fmt: skip
    assert ack["ok"], ack
    quiet(r)
    edit = act(r["anim"], later, "actor_edit", actor_id=ack["actor"]["id"],
               version=ack["actor"]["version"], territoire="Quartier nord")  # fmt: skip
    assert edit["ok"], edit
    seen = [e for e in r["socks"][r["outsider"]].events() if e["type"] == "map.actor"]
    assert seen == []
    assert [e for e in r["socks"][r["mate"]].events() if e["type"] == "map.actor"]
