"""A plenary chain (the animateur's, or the cycle's from an earlier atelier) while the
sub-groups work apart (issue 18): its items carry no group, so what a member of a group
added to it reached every other group, live and in their snapshot. A participant working in
a group completes their group's chains only; the plenary ones after the mise en commun."""

from __future__ import annotations

from typing import Any

from facilitator.activities.chaine_de_valeur.models import ChaineItem
from facilitator.extensions import db
from tests.groups_helpers import act, formed_world, quiet, snapshot
from tests.test_groups_chaine import SCRIPT


def test_a_group_does_not_complete_a_plenary_chain_while_working_apart(
    make_atelier: Any, make_animateur: Any, connect: Any
) -> None:
    r = formed_world(make_atelier, make_animateur, connect, SCRIPT)
    step, alice = r["step"], r["socks"]["Alice"]
    plenary = act(r["anim"], step, "chaine_add", client_id="cv-anim-0001", subject="action",
                  title="Accueil des familles")  # fmt: skip
    assert plenary["ok"], plenary
    chaine_id = plenary["chaine"]["id"]
    quiet(r)
    refused = act(alice, step, "item_add", chaine_id=chaine_id, client_id="cv-it-0001",
                  level="ressources", text="Idée du groupe")  # fmt: skip
    assert refused["ok"] is False and refused["error"]["code"] == "groups_apart", refused
    assert "mise en commun" in refused["error"]["message_fr"]
    assert db.session.query(ChaineItem).count() == 0
    assert r["socks"][r["outsider"]].events() == []
    seen = snapshot(r["socks"][r["outsider"]])["activity"][str(step)]["chaines"]
    assert [c["items"] for c in seen] == [[]]
    # the animateur still completes it; after the mise en commun everyone may
    assert act(r["anim"], step, "item_add", chaine_id=chaine_id, client_id="cv-it-0002",
               level="ressources", text="Salle municipale")["ok"]  # fmt: skip
    assert r["anim"].call("groups_merge", {"step_id": step})["ok"]
    ack = act(alice, step, "item_add", chaine_id=chaine_id, client_id="cv-it-0003",
              level="activites", text="Permanences")  # fmt: skip
    assert ack["ok"], ack
