"""``chaine_de_valeur`` over Socket.IO: chains per structure or per action, items per link
with their contributing structure, objectives by target, indicators, links along the chain,
version conflicts, rights, the écosystème aggregated by question essentielle, settings
validation and persistence into the next atelier."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from facilitator.activities.chaine_de_valeur import views as chaine_de_valeur
from facilitator.core import cycles
from facilitator.core.events import Viewer
from facilitator.scripts import ScriptError, load_script_text
from tests.test_questions_essentielles import act, of_type

SCRIPT = """
format: 1
id: test-chaine
title: Chaîne de valeur
steps:
  - id: chaines
    type: chaine_de_valeur
    title: Chaînes
    consigne: Décrivez votre chaîne de valeur.
    settings:
      subject: structure
  - id: fin
    type: cartes
    title: Fin
    consigne: Fin.
    settings:
      columns: [{id: a, label: A}]
"""


@pytest.fixture
def room(make_room: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    return make_room(
        SCRIPT, ("Comment repérer tôt le décrochage ?", "Comment associer les parents ?")
    )


def ok(ack: dict[str, Any]) -> dict[str, Any]:
    assert ack["ok"], ack
    return ack


def college_chain(room: dict[str, Any]) -> dict[str, Any]:
    return ok(
        act(
            room["a"],
            room["step"],
            "chaine_add",
            client_id="chaine-college",
            subject="structure",
            structure_id=room["structures"]["Collège Jean-Moulin"],
            question_ids=[room["q1"]],
        )
    )["chaine"]


def add_item(sock: Any, step: int, chaine_id: int, cid: str, level: str, text: str, **kw: Any):
    return ok(
        act(
            sock, step, "item_add", chaine_id=chaine_id, client_id=cid, level=level, text=text, **kw
        )
    )


def test_a_structure_builds_its_chain_everyone_sees_it(room: dict[str, Any]) -> None:
    step = room["step"]
    chaine = college_chain(room)
    assert chaine["title"] == "Collège Jean-Moulin" and chaine["question_ids"] == [room["q1"]]
    r = add_item(room["a"], step, chaine["id"], "item-0001", "ressources", "Deux CPE, un local")
    a = add_item(room["a"], step, chaine["id"], "item-0002", "activites", "Cellule de veille")
    i = add_item(room["a"], step, chaine["id"], "item-0003", "impacts", "Moins de décrochage")
    objective = add_item(
        room["a"],
        step,
        chaine["id"],
        "item-0004",
        "objectif",
        "Raccrocher",
        cible="jeunes_familles",
    )
    ind = add_item(room["a"], step, chaine["id"], "item-0005", "indicateur", "Taux d'absences")
    items = {x["text"]: x for x in ind["chaine"]["items"]}
    assert items["Raccrocher"]["cible"] == "jeunes_familles"
    assert items["Deux CPE, un local"]["structure_id"] == room["structures"]["Collège Jean-Moulin"]
    link = ok(act(room["a"], step, "link_add", source_id=r["item_id"], target_id=a["item_id"]))
    ok(act(room["a"], step, "link_add", source_id=a["item_id"], target_id=ind["item_id"]))
    backwards = act(room["a"], step, "link_add", source_id=i["item_id"], target_id=a["item_id"])
    assert not backwards["ok"] and backwards["error"]["code"] == "bad_link"
    again = ok(act(room["a"], step, "link_add", source_id=r["item_id"], target_id=a["item_id"]))
    assert again["duplicate"] and again["link_id"] == link["link_id"]
    assert objective["chaine"]["items"][-1]["level"] == "objectif"
    for sock in (room["anim"], room["b"], room["viewer"]):
        last = of_type(sock.events(), "chaine.updated")[-1]["chaine"]
        assert len(last["items"]) == 5 and len(last["links"]) == 2
    state = room["viewer"].call("sync", {"last_seq": 0})["snapshot"]["activity"][str(step)]
    assert [lv["id"] for lv in state["levels"]] == [
        "ressources",
        "activites",
        "realisations",
        "resultats",
        "impacts",
    ]
    assert state["labels"]["cibles"]["territoire"] == "Territoire"
    assert len(state["chaines"]) == 1


def test_bad_input_is_refused_in_french(room: dict[str, Any]) -> None:
    step = room["step"]
    no_structure = act(room["a"], step, "chaine_add", client_id="chaine-0001", subject="structure")
    assert not no_structure["ok"] and "structure" in no_structure["error"]["message_fr"]
    no_title = act(room["a"], step, "chaine_add", client_id="chaine-0002", subject="action")
    assert not no_title["ok"] and no_title["error"]["code"] == "empty"
    chaine = college_chain(room)
    unknown = act(
        room["a"], step, "item_add", chaine_id=chaine["id"], client_id="x-000001", level="budget",
        text="x",
    )  # fmt: skip
    assert not unknown["ok"] and "Maillon inconnu" in unknown["error"]["message_fr"]
    no_target = act(
        room["a"], step, "item_add", chaine_id=chaine["id"], client_id="x-000002",
        level="objectif", text="Raccrocher",
    )  # fmt: skip
    assert not no_target["ok"] and no_target["error"]["code"] == "cible"
    personal = act(
        room["a"], step, "item_add", chaine_id=chaine["id"], client_id="x-000003",
        level="activites", text="Suivi de Kevin, 12 ans",
    )  # fmt: skip
    assert not personal["ok"] and personal["error"]["code"] == "personal_data"


def test_conflicts_and_rights(room: dict[str, Any]) -> None:
    step = room["step"]
    chaine = college_chain(room)
    item = add_item(room["a"], step, chaine["id"], "item-0001", "activites", "Cellule de veille")
    item_id = item["item_id"]
    ok(act(room["anim"], step, "item_edit", item_id=item_id, version=1, text="Cellule de veille"))
    stale = act(room["a"], step, "item_edit", item_id=item_id, version=1, text="Autre")
    assert not stale["ok"] and stale["error"]["code"] == "conflict"
    assert stale["error"]["chaine"]["items"][0]["version"] == 2
    foreign = act(room["b"], step, "item_delete", item_id=item_id)
    assert not foreign["ok"] and foreign["error"]["code"] == "forbidden"
    stale_chain = act(room["a"], step, "chaine_edit", chaine_id=chaine["id"], version=9, title="X")
    assert not stale_chain["ok"] and stale_chain["error"]["chaine"]["version"] == 1
    assert not act(room["a"], step, "chaine_validate", chaine_id=chaine["id"], validated=True)["ok"]
    ok(act(room["anim"], step, "chaine_validate", chaine_id=chaine["id"], validated=True))
    locked = act(room["a"], step, "chaine_edit", chaine_id=chaine["id"], version=2, title="X")
    assert not locked["ok"] and locked["error"]["code"] == "forbidden"
    more = act(
        room["a"], step, "item_add", chaine_id=chaine["id"], client_id="x-000009",
        level="impacts", text="Plus tard",
    )  # fmt: skip
    assert not more["ok"] and more["error"]["code"] == "forbidden"
    viewer = act(room["viewer"], step, "chaine_add", client_id="v-0000001", subject="action")
    assert not viewer["ok"] and viewer["error"]["code"] == "forbidden"
    ok(act(room["anim"], step, "chaine_delete", chaine_id=chaine["id"]))
    assert of_type(room["b"].events(), "chaine.deleted")[-1]["chaine_id"] == chaine["id"]


def test_ecosystem_aggregates_by_question_who_contributes_what(room: dict[str, Any]) -> None:
    step = room["step"]
    s = room["structures"]
    college = college_chain(room)
    add_item(room["a"], step, college["id"], "item-0001", "activites", "Cellule de veille")
    action = ok(
        act(
            room["b"],
            step,
            "chaine_add",
            client_id="chaine-action",
            subject="action",
            title="Café des parents",
            question_ids=[room["q1"], room["q2"]],
        )
    )["chaine"]
    add_item(
        room["b"], step, action["id"], "item-0002", "realisations", "Dix cafés par an",
        structure_id=s["Centre social"],
    )  # fmt: skip
    ok(act(room["anim"], step, "chaine_add", client_id="chaine-loose", subject="action", title="X"))
    state = chaine_de_valeur.state(room["atelier"].steps[0], Viewer("viewer", room["atelier"].id))
    names = {x["id"]: x["name"] for x in state["structures"]}
    groups = chaine_de_valeur.ecosystem(state["chaines"], state["questions"], names)
    assert [g["question"]["id"] if g["question"] else None for g in groups] == [
        room["q1"],
        room["q2"],
        None,
    ]
    first = groups[0]
    assert first["contributors"] == ["Centre social", "Collège Jean-Moulin"]
    assert first["levels"]["activites"][0] == {
        "text": "Cellule de veille",
        "structure": "Collège Jean-Moulin",
        "chaine": "Collège Jean-Moulin",
    }
    assert first["levels"]["realisations"][0]["structure"] == "Centre social"
    assert groups[1]["chaine_ids"] == [action["id"]]


def test_chains_persist_and_levels_are_configurable(room: dict[str, Any]) -> None:
    chaine = college_chain(room)
    short = SCRIPT.replace("test-chaine", "test-chaine-2").replace(
        "      subject: structure",
        "      subject: action\n      levels: [{id: ressources}, {id: impacts, label: Effets}]",
    )
    nxt = cycles.add_atelier(room["atelier"].cycle, load_script_text(short))
    state = chaine_de_valeur.state(nxt.steps[0], Viewer("viewer", nxt.id))
    assert [c["id"] for c in state["chaines"]] == [chaine["id"]]
    assert state["levels"] == [
        {"id": "ressources", "label": "Ressources"},
        {"id": "impacts", "label": "Effets"},
    ]
    for bad in ("[{id: impacts}, {id: ressources}]", "[{id: impacts}, {id: impacts}]"):
        text = SCRIPT.replace("      subject: structure", f"      levels: {bad}")
        with pytest.raises(ScriptError) as exc:
            load_script_text(text)
        assert "steps[0].settings.levels" in str(exc.value)


def test_compte_rendu_and_synthese_show_the_chains(room: dict[str, Any]) -> None:
    from facilitator.documents import compile_document

    chaine = college_chain(room)
    add_item(room["a"], room["step"], chaine["id"], "item-0001", "activites", "Cellule de veille")
    add_item(
        room["a"], room["step"], chaine["id"], "item-0002", "objectif", "Raccrocher",
        cible="territoire",
    )  # fmt: skip
    report = compile_document("compte-rendu", room["atelier"].id, "md").content.decode()
    assert "Chaîne de valeur — Collège Jean-Moulin (structure)" in report
    assert "Objectif — Territoire" in report and "Cellule de veille" in report
    synthese = compile_document("synthese", room["atelier"].cycle_id, "md").content.decode()
    assert "Écosystème des chaînes de valeur" in synthese
    assert "Question 1 — Comment repérer tôt le décrochage ?" in synthese
