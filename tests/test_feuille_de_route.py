"""``feuille_de_route`` over Socket.IO: proposals with pilote / contributeurs / échéance,
the « sans pilote » draft, past deadlines refused, priority vote with hidden tallies,
validation, état, version conflicts, rights, persistence into the next atelier, the
between-ateliers page and the document (DOCX, Markdown, CSV: structures, never names)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from facilitator.core import cycles
from facilitator.documents import kinds
from facilitator.extensions import db
from facilitator.rendering import markdown as markdown_renderer
from facilitator.scripts import load_script_text
from tests.test_questions_essentielles import act, of_type

SCRIPT = """
format: 1
id: test-fdr
title: Feuille de route
steps:
  - id: actions
    type: feuille_de_route
    title: Actions
    consigne: Proposez des actions.
    settings:
      votes: {budget: 2, max_per_card: 1}
  - id: fin
    type: cartes
    title: Fin
    consigne: Fin.
    settings:
      columns: [{id: a, label: A}]
"""

SOON = (date.today() + timedelta(days=90)).isoformat()
PAST = (date.today() - timedelta(days=3)).isoformat()


@pytest.fixture
def room(make_room: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    return make_room(SCRIPT, ("Comment repérer tôt le décrochage ?",))


def propose(sock: Any, step: int, client_id: str, **fields: Any) -> dict[str, Any]:
    ack = act(sock, step, "propose", client_id=client_id, **fields)
    assert ack["ok"], ack
    return ack["action"]


def full_action(room: dict[str, Any], client_id: str = "action-0001") -> dict[str, Any]:
    s = room["structures"]
    return propose(
        room["a"],
        room["step"],
        client_id,
        intitule="Cellule de veille partagée sur l'absentéisme",
        question_id=room["q1"],
        pilote_id=s["Collège Jean-Moulin"],
        contributeur_ids=[s["Centre social"]],
        echeance=SOON,
        moyens="Une réunion mensuelle, un tableau partagé",
        indicateurs_effectivite="Nombre de réunions tenues",
        indicateurs_resultat="Baisse des absences non justifiées",
        charte_ref="Engagement 2 : partager l'information utile",
    )


def test_a_proposal_reaches_everyone_and_persists_in_the_state(room: dict[str, Any]) -> None:
    action = full_action(room)
    assert action["status"] == "proposee" and action["etat"] == "a_lancer"
    assert action["flags"] == []
    assert action["echeance"] == SOON
    for sock in (room["anim"], room["b"], room["viewer"]):
        got = of_type(sock.events(), "roadmap.action")
        assert got and got[-1]["action"]["intitule"].startswith("Cellule de veille")
    state = room["b"].call("sync", {"last_seq": 0})["snapshot"]["activity"][str(room["step"])]
    assert state["phase"] == "propositions"
    assert [a["id"] for a in state["actions"]] == [action["id"]]
    assert {s["name"] for s in state["structures"]} == {"Collège Jean-Moulin", "Centre social"}
    # a retry with the same client id does not duplicate
    again = act(room["a"], room["step"], "propose", client_id="action-0001", intitule="x")
    assert again["ok"] and again["duplicate"] and again["action"]["id"] == action["id"]


def test_without_pilote_is_a_flagged_draft_that_cannot_be_validated(room: dict[str, Any]) -> None:
    draft = propose(room["b"], room["step"], "draft-0001", intitule="Forum des parents")
    assert draft["flags"] == ["sans_pilote"]
    refused = act(room["anim"], room["step"], "validate", action_id=draft["id"], validated=True)
    assert not refused["ok"] and refused["error"]["code"] == "sans_pilote"
    assert "pilote" in refused["error"]["message_fr"]
    fixed = act(
        room["anim"],
        room["step"],
        "edit",
        action_id=draft["id"],
        version=draft["version"],
        pilote_id=room["structures"]["Centre social"],
    )
    assert fixed["ok"] and fixed["action"]["flags"] == []
    ok = act(room["anim"], room["step"], "validate", action_id=draft["id"], validated=True)
    assert ok["ok"] and ok["action"]["status"] == "validee"


def test_past_deadlines_are_refused_with_a_french_message(room: dict[str, Any]) -> None:
    ack = act(
        room["a"], room["step"], "propose", client_id="late-0001", intitule="X", echeance=PAST
    )
    assert not ack["ok"] and ack["error"]["code"] == "echeance_passee"
    assert "déjà passée" in ack["error"]["message_fr"]
    bad = act(
        room["a"], room["step"], "propose", client_id="bad-00001", intitule="X", echeance="32/13"
    )
    assert not bad["ok"] and "Échéance invalide" in bad["error"]["message_fr"]
    action = full_action(room)
    moved = act(
        room["a"],
        room["step"],
        "edit",
        action_id=action["id"],
        version=action["version"],
        echeance=PAST,
    )
    assert not moved["ok"] and moved["error"]["code"] == "echeance_passee"


def test_an_overdue_action_is_flagged_en_retard(room: dict[str, Any]) -> None:
    from facilitator.activities.feuille_de_route.models import RoadmapAction

    action = full_action(room)
    row = db.session.get(RoadmapAction, action["id"])
    assert row is not None
    row.echeance = date.today() - timedelta(days=1)
    db.session.commit()
    state = room["anim"].call("sync", {"last_seq": 0})["snapshot"]["activity"][str(room["step"])]
    assert state["actions"][0]["flags"] == ["en_retard"]
    # an unchanged past deadline does not block other edits
    edited = act(
        room["anim"],
        room["step"],
        "edit",
        action_id=action["id"],
        version=action["version"],
        echeance=row.echeance.isoformat(),
        moyens="Deux réunions",
    )
    assert edited["ok"], edited
    done = act(room["anim"], room["step"], "etat", action_id=action["id"], version=2, etat="fait")
    assert done["ok"] and done["action"]["flags"] == []


def test_stale_edit_gets_a_conflict_with_the_fresh_action(room: dict[str, Any]) -> None:
    action = full_action(room)
    first = act(
        room["anim"], room["step"], "edit", action_id=action["id"], version=1, moyens="Un local"
    )
    assert first["ok"]
    stale = act(room["a"], room["step"], "edit", action_id=action["id"], version=1, moyens="Rien")
    assert not stale["ok"] and stale["error"]["code"] == "conflict"
    assert stale["error"]["action"]["moyens"] == "Un local"
    assert stale["error"]["action"]["version"] == 2


def test_rights(room: dict[str, Any]) -> None:
    action = full_action(room)
    step = room["step"]
    other = act(room["b"], step, "edit", action_id=action["id"], version=1, moyens="x")
    assert not other["ok"] and other["error"]["code"] == "forbidden"
    gone = act(room["b"], step, "delete", action_id=action["id"])
    assert not gone["ok"] and gone["error"]["code"] == "forbidden"
    for name, data in (
        ("validate", {"action_id": action["id"], "validated": True}),
        ("phase", {"phase": "vote"}),
        ("etat", {"action_id": action["id"], "version": 1, "etat": "en_cours"}),
    ):
        ack = act(room["a"], step, name, **data)
        assert not ack["ok"] and ack["error"]["code"] == "forbidden", name
    viewer = act(room["viewer"], step, "propose", client_id="viewer-0001", intitule="x")
    assert not viewer["ok"] and viewer["error"]["code"] == "forbidden"
    personal = act(
        room["a"], step, "propose", client_id="perso-0001", intitule="Appeler le 06 12 34 56 78"
    )
    assert not personal["ok"] and personal["error"]["code"] == "personal_data"
    mine = act(room["a"], step, "delete", action_id=action["id"])
    assert mine["ok"]
    assert of_type(room["b"].events(), "roadmap.action_deleted")[-1]["action_id"] == action["id"]


def test_priority_vote_hides_tallies_until_validation(room: dict[str, Any]) -> None:
    step = room["step"]
    one = full_action(room)
    two = propose(room["b"], step, "action-0002", intitule="Forum des parents")
    early = act(room["a"], step, "vote", action_id=one["id"], delta=1)
    assert not early["ok"] and early["error"]["code"] == "phase"
    assert act(room["anim"], step, "phase", phase="vote")["ok"]
    late = act(room["a"], step, "propose", client_id="late-00002", intitule="Trop tard")
    assert not late["ok"] and late["error"]["code"] == "phase"
    for sock in (room["a"], room["b"]):
        sock.received()
    assert act(room["a"], step, "vote", action_id=one["id"], delta=1)["ok"]
    capped = act(room["a"], step, "vote", action_id=one["id"], delta=1)
    assert not capped["ok"] and capped["error"]["code"] == "cap"
    assert act(room["a"], step, "vote", action_id=two["id"], delta=1)["ok"]
    over = act(room["b"], step, "vote", action_id=one["id"], delta=1)
    assert over["ok"] and over["remaining"] == 1
    assert of_type(room["b"].events(), "roadmap.vote")[-1].get("total") is None
    state = room["a"].call("sync", {"last_seq": 0})["snapshot"]["activity"][str(step)]
    assert state["tallies"] == {} and state["my_votes"] == {str(one["id"]): 1, str(two["id"]): 1}
    assert act(room["anim"], step, "phase", phase="validation")["ok"]
    phase = of_type(room["viewer"].events(), "roadmap.phase")[-1]
    assert phase["tallies"] == {str(one["id"]): 2, str(two["id"]): 1}


def test_actions_persist_into_the_next_atelier_and_the_page_updates_etat(
    room: dict[str, Any], client: Any
) -> None:
    action = full_action(room)
    assert act(room["anim"], room["step"], "validate", action_id=action["id"], validated=True)["ok"]
    cycle = room["atelier"].cycle
    nxt = cycles.add_atelier(cycle, load_script_text(SCRIPT.replace("test-fdr", "test-fdr-2")))
    from facilitator.activities.feuille_de_route.models import RoadmapAction
    from facilitator.activities.feuille_de_route.views import state
    from facilitator.core.events import Viewer

    step = nxt.steps[0]
    seen = state(step, Viewer("viewer", nxt.id))
    assert [a["intitule"] for a in seen["actions"]] == [action["intitule"]]

    with client.session_transaction() as session:
        session["animateur_id"] = room["animateur"].id
    page = client.get(f"/animateur/cycles/{cycle.id}/feuille-de-route")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Cellule de veille" in html and "Collège Jean-Moulin" in html
    url = f"/animateur/cycles/{cycle.id}/feuille-de-route/{action['id']}/etat"
    ok = client.post(url, data={"version": "2", "etat": "en_cours"})
    assert ok.status_code == 302
    row = db.session.get(RoadmapAction, action["id"])
    db.session.refresh(row)
    assert row is not None and row.etat == "en_cours"
    stale = client.post(url, data={"version": "2", "etat": "fait"})
    assert stale.status_code == 409
    assert "modifiée entre-temps" in stale.get_data(as_text=True)
    unknown = client.post(url, data={"version": "3", "etat": "termine"})
    assert unknown.status_code == 400


def test_document_lists_actions_by_question_with_structures_only(room: dict[str, Any]) -> None:
    full_action(room)
    propose(room["b"], room["step"], "draft-0002", intitule="Forum des parents")
    kind = kinds.get("feuille-de-route")
    assert kind.available
    doc = kind.build(room["atelier"].cycle_id)
    text = markdown_renderer.render(doc).decode("utf-8")
    assert "Question 1 — Comment repérer tôt le décrochage ?" in text
    assert "Actions sans question essentielle" in text
    assert "Forum des parents (sans pilote)" in text
    assert "Alice" not in text and "Bob" not in text
    from facilitator.rendering import csv as csv_renderer
    from facilitator.rendering import docx as docx_renderer

    assert kind.csv is not None
    data = csv_renderer.render(doc, kind.csv.table, kind.csv.context_label)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Question essentielle", "Action", "Pilote"]
    assert any(r[2] == "Collège Jean-Moulin" and r[3] == "Centre social" for r in rows[1:])
    assert docx_renderer.render(doc)[:2] == b"PK"


def test_hostile_texts_are_literal_on_the_page_and_in_the_documents(app: Any) -> None:
    """The XSS corpus (tests/data/xss_payloads.txt) through every text field of an action,
    read back on the page between ateliers and in the feuille de route (HTML, Markdown,
    DOCX, CSV)."""
    from tests.test_xss_productions import TEXTS, documents_show, live_atelier_of
    from tests.xss import FEUILLE_FIELDS, cells, check_page, contains_all, flat

    web, cycle_id, _atelier, anim, snapshot = live_atelier_of(app, "feuille-de-route")
    step = next(s["id"] for s in snapshot["steps"] if s["type"] == "feuille_de_route")
    texts = [flat(t)[:300] for t in TEXTS]
    for i, text in enumerate(texts):
        fields = {name: text for name in FEUILLE_FIELDS}
        data = {"client_id": f"action-{i:04d}", **fields, "confirm_personal": True}
        ack = anim.call("step_action", {"step_id": step, "action": "propose", "data": data})
        assert ack["ok"], (text, ack)
    status, page, _ = web.get(f"/animateur/cycles/{cycle_id}/feuille-de-route")
    assert status == 200
    contains_all(check_page(page, where="feuille de route").text, texts, "page")
    documents_show("feuille-de-route", cycle_id, texts)
    from facilitator.documents import compile_document

    body = compile_document("feuille-de-route", cycle_id, "csv").content
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells(body))


def test_compte_rendu_lists_the_actions_and_decisions(room: dict[str, Any]) -> None:
    from facilitator.documents import compile_document

    action = full_action(room)
    propose(room["b"], room["step"], "draft-0003", intitule="Forum des parents")
    assert act(room["anim"], room["step"], "validate", action_id=action["id"], validated=True)["ok"]
    report = compile_document("compte-rendu", room["atelier"].id, "md").content.decode()
    # what this step did, then the whole feuille de route in one line
    assert "Pendant cette étape : 2 actions proposées, 1 validée." in report
    assert "État de la feuille de route : 2 actions dont 1 validée" in report
    assert "Action validée : Cellule de veille partagée sur l'absentéisme" in report
    assert "Trouver un pilote pour « Forum des parents »" in report


def test_the_page_is_for_the_cycle_s_animateurs_only(
    room: dict[str, Any], client: Any, make_animateur: Callable[..., Any]
) -> None:
    action = full_action(room)
    cycle_id = room["atelier"].cycle_id
    page = f"/animateur/cycles/{cycle_id}/feuille-de-route"
    assert client.get(page).status_code == 302  # to the login page
    with client.session_transaction() as session:
        session["animateur_id"] = make_animateur().id
    assert client.get(page).status_code == 403
    post = client.post(f"{page}/{action['id']}/etat", data={"version": "1", "etat": "fait"})
    assert post.status_code == 403
