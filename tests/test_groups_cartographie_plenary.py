"""The map as it was, while the sub-groups work apart (issue 18): a plenary actor, action
or relation has no group, so its event reaches every group. A member of a group who edited
or deleted one showed their group's work to the others (live and in their snapshot); they
add to the map instead (an action on a plenary actor stays their group's), and change what
was there after the mise en commun."""

from __future__ import annotations

from typing import Any

from facilitator.activities.cartographie.models import Actor, ActorAction
from facilitator.extensions import db
from tests.groups_helpers import act, formed_world, quiet, snapshot
from tests.test_groups_cartographie import SCRIPT


def test_a_group_member_does_not_change_the_plenary_map_while_apart(
    make_atelier: Any, make_animateur: Any, connect: Any
) -> None:
    r = formed_world(make_atelier, make_animateur, connect, SCRIPT)
    step, alice, outsider = r["step"], r["socks"]["Alice"], r["socks"][r["outsider"]]
    mairie = act(r["anim"], step, "actor_add", client_id="act-plenary-01", name="Mairie")
    assert mairie["ok"], mairie
    actor = mairie["actor"]
    action = act(r["anim"], step, "action_add", client_id="acn-plenary-1",
                 actor_id=actor["id"], text="Contrat local")  # fmt: skip
    assert action["ok"], action
    quiet(r)
    edit = act(alice, step, "actor_edit", actor_id=actor["id"], version=actor["version"],
               territoire="Quartier de la table A")  # fmt: skip
    assert edit["ok"] is False and edit["error"]["code"] == "groups_apart", edit
    changed = act(alice, step, "action_edit", action_id=action["action_id"], version=1,
                  text="Idée de la table A")  # fmt: skip
    assert changed["ok"] is False and changed["error"]["code"] == "groups_apart", changed
    assert outsider.events() == []
    seen = snapshot(outsider)["activity"][str(step)]["actors"]
    assert [a["territoire"] for a in seen] == [actor["territoire"]]
    assert db.session.get(Actor, actor["id"]).territoire == actor["territoire"]
    assert db.session.get(ActorAction, action["action_id"]).text == "Contrat local"
    # adding to it stays possible (an action on a plenary actor is the group's)
    mine = act(alice, step, "action_add", client_id="acn-alice-01", actor_id=actor["id"],
               text="Maraudes le soir")  # fmt: skip
    assert mine["ok"], mine
