"""Merging duplicate actions of the feuille de route while the sub-groups still work apart
(issue 18): the kept action would take the other group's texts and contributors (shown to a
group that may not see that proposal) and the duplicate would vanish from its own group's
board. Refused in French until the mise en commun; nothing changes."""

from __future__ import annotations

from typing import Any

from facilitator.activities.feuille_de_route.models import RoadmapAction
from facilitator.extensions import db
from tests.groups_helpers import act, formed, formed_world, quiet, room, snapshot
from tests.test_groups_feuille import SCRIPT


def test_two_groups_proposals_are_not_merged_while_the_groups_work_apart(
    make_atelier: Any, make_animateur: Any, connect: Any
) -> None:
    r = formed_world(make_atelier, make_animateur, connect, SCRIPT)
    step, anim = r["step"], r["anim"]
    mine = act(r["socks"]["Alice"], step, "propose", client_id="fdr-a-000001",
               intitule="Cellule de veille", moyens="Les absences du collège")  # fmt: skip
    theirs = act(r["socks"][r["outsider"]], step, "propose", client_id="fdr-b-000001",
                 intitule="Veille partagée")  # fmt: skip
    assert mine["ok"] and theirs["ok"], (mine, theirs)
    refused = act(anim, step, "merge", action_id=mine["action"]["id"],
                  into_id=theirs["action"]["id"])  # fmt: skip
    assert refused["ok"] is False, refused
    assert refused["error"]["code"] == "groups_apart"
    assert "mise en commun" in refused["error"]["message_fr"]
    assert db.session.query(RoadmapAction).count() == 2
    seen = snapshot(r["socks"][r["outsider"]])["activity"][str(step)]["actions"]
    assert all("absences" not in (a["moyens"] or "") for a in seen)
    # two proposals of one group may be merged at once
    again = act(r["socks"][r["mate"]], step, "propose", client_id="fdr-a-000002",
                intitule="Veille sur l'absentéisme")  # fmt: skip
    assert again["ok"], again
    merged = act(anim, step, "merge", action_id=again["action"]["id"],
                 into_id=mine["action"]["id"])  # fmt: skip
    assert merged["ok"], merged


def test_a_plenary_proposal_is_not_changed_from_a_group_working_apart(
    make_atelier: Any, make_animateur: Any, connect: Any
) -> None:
    """Proposed in plenary (before the groups were formed): its events reach everyone, so a
    change made while working in a group would show the group's work to the others."""
    r = room(make_atelier, make_animateur, connect, SCRIPT)
    step, alice = r["step"], r["socks"]["Alice"]
    before = act(alice, step, "propose", client_id="fdr-p-000001", intitule="Café des parents")
    assert before["ok"] and before["action"]["group_id"] is None, before
    where = formed(r)
    outsider = next(n for n in where if where[n] != where["Alice"])
    quiet(r)
    edit = act(alice, step, "edit", action_id=before["action"]["id"], version=1,
               moyens="Idée de notre table")  # fmt: skip
    assert edit["ok"] is False and edit["error"]["code"] == "groups_apart", edit
    assert r["socks"][outsider].events() == []
    assert db.session.get(RoadmapAction, before["action"]["id"]).moyens == ""
