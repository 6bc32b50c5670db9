"""Cards carried from a step in sub-groups to a later step (``cards_from``, issue 18) keep
their group tag: the plenary step, its snapshot and the compte rendu still say « groupe X »,
even while the first step's groups are still apart."""

from __future__ import annotations

from typing import Any

from facilitator.documents import compte_rendu, loaders
from facilitator.rendering import markdown
from tests.groups_helpers import SCRIPT, card, formed, room, snapshot

CARRIED = SCRIPT.replace(
    "    consigne: Une idée par carte.\n    settings:\n      columns: [{id: a, label: Idées}]\n",
    "    consigne: Une idée par carte.\n    settings:\n      columns: [{id: a, label: Idées}]\n"
    "      cards_from: tables\n",
)


def test_carried_cards_keep_their_group_tag_and_reach_everyone(
    make_atelier: Any, make_animateur: Any, connect: Any
) -> None:
    assert CARRIED != SCRIPT
    r = room(make_atelier, make_animateur, connect, CARRIED)
    where = formed(r)
    group = where["Alice"]
    outsider = next(n for n in where if where[n] != group)
    assert card(r["socks"]["Alice"], r["step"], "Une idée de table")["ok"]
    # the first step's groups are still apart when the animateur moves on
    assert r["anim"].call("step_goto", {"step_id": r["plenary"]})["ok"]
    for who in ("anim", outsider, "Alice"):
        sock = r[who] if who == "anim" else r["socks"][who]
        carried = [c for c in snapshot(sock)["cards"] if c["step_id"] == r["plenary"]]
        assert [(c["text"], c["group_id"]) for c in carried] == [("Une idée de table", group)]
    # the outsider still does not see the original in the first step
    assert not [c for c in snapshot(r["socks"][outsider])["cards"] if c["step_id"] == r["step"]]
    names = {g["id"]: g["name"] for g in snapshot(r["anim"])["groups"][str(r["step"])]["groups"]}
    text = markdown.render(compte_rendu.compose(loaders.atelier_context(r["atelier"].id))).decode()
    plenary = text.split("Plénière")[-1]
    assert f"«\xa0Une idée de table\xa0» (groupe «\xa0{names[group]}\xa0»)" in plenary
