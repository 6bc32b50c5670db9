"""The ``evaluation`` activity (anonymous aggregates, reveal, conflicts, personal data),
the animateur's self-assessment of the five conditions, the indicator grid, and what the
compte rendu and the synthèse show."""

from __future__ import annotations

import html
from typing import Any

import pytest

from facilitator.activities.evaluation.models import (
    CONDITIONS,
    ConditionAssessment,
    CycleIndicator,
    EvaluationResponse,
)
from facilitator.documents import compile_document
from facilitator.extensions import db
from facilitator.scripts import load_script_text

SCRIPT = """
format: 1
id: test-eval
title: Atelier évalué
steps:
  - id: idees
    type: cartes
    title: Idées
    consigne: Une idée par carte.
    settings:
      columns: [{id: a, label: A}]
  - id: eval
    type: evaluation
    title: Météo de fin d'atelier
    consigne: Votre avis sur l'atelier.
    settings: {scope: cycle, conditions: true}
"""


def text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def login(client: Any, animateur: Any) -> None:
    r = client.post(
        "/connexion", data={"email": animateur.email, "password": "mot-de-passe-solide"}
    )
    assert r.status_code == 302


@pytest.fixture
def room(
    make_animateur: Any, make_atelier: Any, make_participant: Any, connect: Any
) -> dict[str, Any]:
    owner = make_animateur()
    atelier = make_atelier(owner, SCRIPT)
    alice = make_participant(atelier, "Alice")
    bob = make_participant(atelier, "Bob")
    anim = connect("animateur", atelier, owner)
    assert anim.call("atelier_start", {})["ok"]
    step = next(s for s in atelier.steps if s.key == "eval")
    assert anim.call("step_goto", {"step_id": step.id})["ok"]
    a = connect("participant", atelier, alice)
    b = connect("participant", atelier, bob)
    view = connect("viewer", atelier)
    for sock in (anim, a, b, view):
        sock.received()
    return {"owner": owner, "atelier": atelier, "step": step, "anim": anim, "a": a, "b": b,
            "view": view, "alice": alice}  # fmt: skip


def submit(sock: Any, step: Any, **data: Any) -> Any:
    answer = {"version": 0, "suggestion": "", "conditions": {}, **data}
    return sock.call("step_action", {"step_id": step.id, "action": "submit", "data": answer})


def test_answers_are_aggregated_anonymously(room: dict[str, Any]) -> None:
    step, anim, a, b, view = room["step"], room["anim"], room["a"], room["b"], room["view"]
    ack = submit(a, step, meteo=4, utilite=5, suggestion="Plus de temps en petits groupes",
                 conditions={"programme_commun": 3})  # fmt: skip
    assert ack["ok"] and ack["mine"]["version"] == 1 and ack["count"] == 1
    assert submit(b, step, meteo=2, utilite=3, conditions={"programme_commun": 1})["ok"]
    full = [e for e in anim.events() if e["type"] == "evaluation.updated"][-1]["data"]
    results = full["results"]
    assert results["count"] == 2 and results["meteo"]["4"] == 1 and results["meteo_avg"] == 3.0
    assert results["conditions"] == {"programme_commun": 2.0}
    assert results["suggestions"] == ["Plus de temps en petits groupes"]
    assert "Alice" not in str(full) and "participant_id" not in str(full)
    # participants and the projection: a count, no results until revealed
    public = [e for e in view.events() if e["type"] == "evaluation.updated"][-1]["data"]
    assert public["count"] == 2 and public["results"] is None
    mine = [e for e in a.events() if e["type"] == "evaluation.updated"]
    assert mine[0]["data"]["mine"]["meteo"] == 4
    early = view.call("step_action", {"step_id": step.id, "action": "results", "data": {}})
    assert not early["ok"] and early["error"]["code"] == "forbidden"
    assert anim.call("step_flags", {"step_id": step.id, "results_visible": True})["ok"]
    shown = view.call("step_action", {"step_id": step.id, "action": "results", "data": {}})
    assert shown["ok"] and shown["results"]["utilite_avg"] == 4.0


def test_stale_answers_conflict_and_retries_are_idempotent(room: dict[str, Any]) -> None:
    step, a = room["step"], room["a"]
    assert submit(a, step, meteo=3)["ok"]
    retry = submit(a, step, meteo=3)
    assert retry["ok"] and retry.get("duplicate")
    stale = submit(a, step, meteo=5)
    assert not stale["ok"] and stale["error"]["code"] == "conflict"
    assert stale["error"]["mine"]["meteo"] == 3
    assert submit(a, step, meteo=5, version=1)["ok"]
    assert db.session.query(EvaluationResponse).count() == 1


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"meteo": 6}, "invalid"),
        ({}, "empty"),
        ({"suggestion": "Appeler Mme Durand au 06 12 34 56 78"}, "personal_data"),
        ({"meteo": 3, "conditions": {"inconnue": 2}}, "invalid"),
        ({"meteo": 3, "conditions": {"programme_commun": 9}}, "invalid"),
    ],
)
def test_bad_answers_are_refused(room: dict[str, Any], data: dict[str, Any], code: str) -> None:
    ack = submit(room["a"], room["step"], **data)
    assert not ack["ok"] and ack["error"]["code"] == code


def test_animateur_and_viewers_do_not_answer(room: dict[str, Any]) -> None:
    for sock in (room["anim"], room["view"]):
        ack = submit(sock, room["step"], meteo=3)
        assert not ack["ok"] and ack["error"]["code"] == "forbidden"


def test_snapshot_state_per_role(room: dict[str, Any], connect: Any) -> None:
    step, a = room["step"], room["a"]
    assert submit(a, step, meteo=4)["ok"]
    sync = a.call("sync", {"last_seq": 0})
    state = sync["snapshot"]["activity"][str(step.id)]
    assert state["mine"]["meteo"] == 4 and state["results"] is None and state["count"] == 1
    labels = state["labels"]  # the scales' labels come from the server, in order
    assert labels == {
        "meteo": ["Orageux", "Pluvieux", "Nuageux", "Éclaircies", "Grand soleil"],
        "utilite": ["Pas utile", "Peu utile", "Assez utile", "Utile", "Très utile"],
        "conditions": CONDITIONS,
        "levels": ["absente", "émergente", "en place", "solide"],
    } and list(labels["conditions"]) == list(CONDITIONS)
    anim_state = room["anim"].call("sync", {"last_seq": 0})["snapshot"]["activity"][str(step.id)]
    assert anim_state["results"]["count"] == 1 and anim_state["mine"] is None


def test_grid_conditions_and_documents(client: Any, room: dict[str, Any]) -> None:
    step, a, atelier = room["step"], room["a"], room["atelier"]
    assert submit(a, step, meteo=5, utilite=4, suggestion="Continuer ainsi",
                  conditions={"structure_soutien": 4})["ok"]  # fmt: skip
    login(client, room["owner"])
    cid = atelier.cycle_id
    base = f"/animateur/cycles/{cid}/evaluation"
    page = text(client.get(base))
    assert "Météo de fin d'atelier" in page and "Continuer ainsi" in page
    r = client.post(
        f"{base}/conditions",
        data={f"c-{atelier.id}-programme_commun": "2", "c-cycle-structure_soutien": "3"},
    )
    assert r.status_code == 302
    levels = {(x.atelier_id, x.condition): x.level for x in db.session.query(ConditionAssessment)}
    assert levels == {(atelier.id, "programme_commun"): 2, (None, "structure_soutien"): 3}
    bad = client.post(f"{base}/conditions", data={"c-999999-programme_commun": "2"})
    assert bad.status_code == 400 and "inconnu" in text(bad)
    indicator = {"kind": "effectivite", "label": "Ateliers tenus", "target": "9",
                 "value": "7", "source": "Feuilles de présence", "comment": ""}  # fmt: skip
    assert client.post(f"{base}/indicateurs", data=indicator).status_code == 302
    row = db.session.query(CycleIndicator).one()
    edited = {**indicator, "value": "8", "version": "1"}
    assert client.post(f"{base}/indicateurs/{row.id}", data=edited).status_code == 302
    stale = client.post(f"{base}/indicateurs/{row.id}", data=edited)
    assert stale.status_code == 409 and "modifié entre-temps" in text(stale)
    assert client.post(f"{base}/indicateurs", data={**indicator, "label": ""}).status_code == 400
    client.post(
        f"{base}/indicateurs", data={**indicator, "kind": "impact", "label": "Parents venus"}
    )
    md = compile_document("synthese", cid, "md").content.decode()
    assert "Évaluation du cycle" in md and "Grille d'indicateurs" in md
    assert "Ateliers tenus" in md and "Parents venus" in md and "Feuilles de présence" in md
    assert "Les cinq conditions de l'impact collectif" in md and "émergente" in md
    assert "Continuer ainsi" in md
    cr = compile_document("compte-rendu", atelier.id, "md").content.decode()
    assert "1 réponse" in cr and "Continuer ainsi" in cr and "Alice" not in cr.split("Météo")[-1]
    client.post(f"{base}/indicateurs/{row.id}", data={"action": "supprimer"})
    assert db.session.query(CycleIndicator).count() == 1


def test_evaluation_settings_are_validated() -> None:
    bad = SCRIPT.replace("{scope: cycle, conditions: true}", "{scope: annee}")
    with pytest.raises(Exception) as caught:
        load_script_text(bad)
    assert "scope" in str(caught.value)
