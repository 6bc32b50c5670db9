"""Chaîne de valeur in sub-groups (issue 18): a chain written in a group carries it, its
events (and those of its items and links) reach that group's members, the animateurs and
the wall only — live and on a replay —, it counts in the console's grid, a member of
another group cannot touch it, and after the mise en commun everyone sees it with its
group; the compte rendu keeps what each group built."""

from __future__ import annotations

from typing import Any

import pytest

from facilitator.activities.chaine_de_valeur.models import ChaineItem, ChaineValeur
from facilitator.core import events, participants
from facilitator.documents import compte_rendu, loaders
from facilitator.extensions import db
from facilitator.models import QuestionEssentielle, StepGroup
from facilitator.rendering import markdown
from tests.groups_helpers import act, activity, formed_world, quiet, replayed, snapshot

SCRIPT = """
format: 1
id: test-groupes-chaine
title: Chaînes de valeur en sous-groupes
steps:
  - id: chaines
    type: chaine_de_valeur
    title: Chaînes par table
    consigne: Décrivez les actions de votre question, maillon par maillon.
    groups: {formation: mixte, count: 2}
  - id: pleniere
    type: chaine_de_valeur
    title: Chaînes en plénière
    consigne: Complétez.
"""


def chaines(sock: Any, step_id: int) -> list[dict[str, Any]]:
    return activity(sock, step_id, "chaines")


def chain_events(sock: Any) -> list[dict[str, Any]]:
    return [e for e in sock.events() if e["type"].startswith("chaine.")]


@pytest.fixture
def world(make_atelier: Any, make_animateur: Any, connect: Any) -> Any:
    r = formed_world(make_atelier, make_animateur, connect, SCRIPT)
    quiet(r)
    alice = r["socks"]["Alice"]
    ack = act(alice, r["step"], "chaine_add", client_id="cv-alice-0001", subject="action",
              title="Aide aux devoirs")  # fmt: skip
    assert ack["ok"], ack
    chaine = ack["chaine"]
    for n, (level, text) in enumerate((("ressources", "Bénévoles"), ("activites", "Ateliers"))):
        ack = act(alice, r["step"], "item_add", chaine_id=chaine["id"],
                  client_id=f"cv-item-{n:04d}", level=level, text=text)  # fmt: skip
        assert ack["ok"], ack
    r["chaine"] = ack["chaine"]
    return r


def test_a_chain_carries_its_group_and_reaches_that_group_only(world: Any) -> None:
    group = world["where"]["Alice"]
    assert world["chaine"]["group_id"] == group
    for who in ("anim", "wall"):
        got = chain_events(world[who])
        assert [e["data"]["chaine"]["group_id"] for e in got] == [group] * 3
    mate = chain_events(world["socks"][world["mate"]])
    assert [len(e["data"]["chaine"]["items"]) for e in mate] == [0, 1, 2]
    assert world["socks"][world["outsider"]].events() == []
    assert [c["title"] for c in chaines(world["socks"][world["mate"]], world["step"])] == [
        "Aide aux devoirs"
    ]
    assert chaines(world["socks"][world["outsider"]], world["step"]) == []
    outsider_state = snapshot(world["socks"][world["outsider"]])["activity"][str(world["step"])]
    assert outsider_state["group_entries"] == []
    # the console's count: the chain and its two items; the grid reads the same entries
    state = snapshot(world["anim"])
    counts = {g["id"]: g["count"] for g in state["groups"][str(world["step"])]["groups"]}
    assert counts == {group: 3, world["where"][world["outsider"]]: 0}
    entries = state["activity"][str(world["step"])]["group_entries"]
    assert [e["text"] for e in entries] == [
        "Aide aux devoirs",
        "Aide aux devoirs → Ressources : Bénévoles",
        "Aide aux devoirs → Activités : Ateliers",
    ]
    assert {e["group_id"] for e in entries} == {group}


def test_a_member_of_another_group_cannot_touch_the_chain(world: Any) -> None:
    c = world["chaine"]
    items = c["items"]
    outsider = world["socks"][world["outsider"]]
    seq = events.current_seq(world["atelier"].id)
    for action, data in (
        ("chaine_edit", {"chaine_id": c["id"], "version": c["version"], "title": "Piratée"}),
        ("chaine_delete", {"chaine_id": c["id"]}),
        ("item_add", {"chaine_id": c["id"], "client_id": "cv-out-0001", "level": "impacts",
                      "text": "Intrus"}),
        ("item_edit", {"item_id": items[0]["id"], "version": 1, "text": "Piraté"}),
        ("item_delete", {"item_id": items[0]["id"]}),
        ("link_add", {"source_id": items[0]["id"], "target_id": items[1]["id"]}),
    ):  # fmt: skip
        ack = act(outsider, world["step"], action, **data)
        assert ack["ok"] is False and ack["error"]["code"] == "not_found", (action, ack)
        assert "n'existe plus" in ack["error"]["message_fr"]
    assert events.current_seq(world["atelier"].id) == seq
    assert db.session.get(ChaineValeur, c["id"]).title == "Aide aux devoirs"
    assert db.session.query(ChaineItem).count() == 2
    # a member of the group completes it, and only the group (and the room's screens) hear it
    ack = act(world["socks"][world["mate"]], world["step"], "link_add",
              source_id=items[0]["id"], target_id=items[1]["id"])  # fmt: skip
    assert ack["ok"], ack
    assert outsider.events() == []
    assert [e["type"] for e in chain_events(world["wall"])][-1] == "chaine.updated"


def test_a_reconnecting_member_of_another_group_is_not_replayed_the_chain(
    world: Any, connect: Any
) -> None:
    before = events.current_seq(world["atelier"].id) - 3  # the chain and its two items
    outsider, mate = replayed(world, connect, before)
    assert outsider["mode"] == "replay" and outsider["events"] == []
    assert [e["type"] for e in mate["events"]] == ["chaine.updated"] * 3


def test_a_person_in_no_group_is_told_so_and_nothing_is_written(world: Any, connect: Any) -> None:
    structure = world["atelier"].cycle.structures[0]
    late, _ = participants.join(world["atelier"], "Émile", structure_id=structure.id)
    sock = connect("participant", world["atelier"], late)
    ack = act(sock, world["step"], "chaine_add", client_id="cv-late-0001", subject="action",
              title="Hors groupe")  # fmt: skip
    assert ack["ok"] is False and ack["error"]["code"] == "no_group"
    assert "aucun groupe" in ack["error"]["message_fr"]
    assert db.session.query(ChaineValeur).count() == 1


def test_a_group_working_on_a_question_builds_chains_that_serve_it(world: Any) -> None:
    question = QuestionEssentielle(
        cycle_id=world["atelier"].cycle_id, position=1, text="Comment réussir à l'école ?"
    )
    db.session.add(question)
    db.session.flush()
    outsider = world["outsider"]
    db.session.get(StepGroup, world["where"][outsider]).question_id = question.id
    db.session.commit()
    ack = act(world["socks"][outsider], world["step"], "chaine_add", client_id="cv-q-0001",
              subject="action", title="Soutien scolaire")  # fmt: skip
    assert ack["ok"], ack
    assert ack["chaine"]["question_ids"] == [question.id]


def test_after_the_mise_en_commun_everyone_sees_every_chain_with_its_group(world: Any) -> None:
    outsider = world["socks"][world["outsider"]]
    ack = act(outsider, world["step"], "chaine_add", client_id="cv-other-0001", subject="action",
              title="Sorties culturelles")  # fmt: skip
    assert ack["ok"], ack
    assert world["anim"].call("groups_close", {"step_id": world["step"]})["ok"]
    refused = act(outsider, world["step"], "chaine_add", client_id="cv-other-0002",
                  subject="action", title="Trop tard")  # fmt: skip
    assert refused["error"]["code"] == "groups_closed"
    assert world["anim"].call("groups_merge", {"step_id": world["step"]})["ok"]
    seen = {
        c["title"]: c["group_id"] for c in chaines(world["socks"][world["mate"]], world["step"])
    }
    assert seen == {
        "Aide aux devoirs": world["where"]["Alice"],
        "Sorties culturelles": world["where"][world["outsider"]],
    }
    # now plenary: another group's member completes Alice's chain, everyone hears it
    ack = act(outsider, world["step"], "item_add", chaine_id=world["chaine"]["id"],
              client_id="cv-other-0003", level="impacts", text="Confiance en soi")  # fmt: skip
    assert ack["ok"], ack
    text = markdown.render(compte_rendu.compose(loaders.atelier_context(world["atelier"].id)))
    production = text.decode().split("Production du groupe")
    assert len(production) == 3
    assert any("Aide aux devoirs → Activités : Ateliers" in part for part in production[1:])
    assert any("Sorties culturelles" in part for part in production[1:])


def test_a_step_whose_groups_built_a_chain_keeps_its_groups(world: Any) -> None:
    ack = world["anim"].call("groups_configure", {"step_id": world["step"], "plan": None})
    assert ack["ok"] is False and ack["error"]["code"] == "step_started"
    # the cycle's plenary chains do not stop another step from working in groups
    plenary = world["plenary"]
    assert world["anim"].call("step_goto", {"step_id": plenary})["ok"]
    ack = world["anim"].call(
        "groups_configure", {"step_id": plenary, "plan": {"formation": "aleatoire", "count": 2}}
    )
    assert ack["ok"], ack


def test_a_person_moved_into_the_group_reads_its_chains_at_once(world: Any) -> None:
    outsider = world["socks"][world["outsider"]]
    assert chaines(outsider, world["step"]) == []
    ack = world["anim"].call(
        "groups_move",
        {
            "step_id": world["step"],
            "participant_id": world["people"][world["outsider"]].id,
            "group_id": world["where"]["Alice"],
        },
    )
    assert ack["ok"], ack
    changed = [e for e in outsider.events() if e["type"] == "groups.changed"]
    assert changed, "the moved person is told to read their group again"
    assert [c["title"] for c in chaines(outsider, world["step"])] == ["Aide aux devoirs"]
    ack = act(outsider, world["step"], "item_add", chaine_id=world["chaine"]["id"],
              client_id="cv-moved-0001", level="impacts", text="Réussite")  # fmt: skip
    assert ack["ok"], ack
