"""The charte in the compte rendu (activities/charte/document.py): what happened to the charte
in that atelier — versions, clauses, amendments proposed / accepted / rejected, the adoption
vote — with accepted amendments as decisions and pending ones « à reprendre ». Plain data
first (no database), then through a real atelier."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from facilitator import activities
from facilitator.core import participants
from facilitator.documents import compile_document
from facilitator.extensions import db
from facilitator.rendering import markdown as md_renderer
from facilitator.rendering.context import CardData, ColumnData, StepData
from facilitator.rendering.model import Document, Section


def _amendment(**values: Any) -> dict[str, Any]:
    base = {
        "target": "Clause 2.1",
        "kind": "modification",
        "kind_label": "Nouvelle rédaction",
        "text": "Chaque structure respecte le secret partagé.",
        "reason": "Plus juste.",
        "status": "proposee",
        "decision_reason": "",
        "between": False,
    }
    return {**base, **values}


def _step(extra: Any, cards: tuple[CardData, ...] = ()) -> StepData:
    return StepData(
        number=2,
        type="charte",
        title="Charte du projet",
        consigne="Relisez et amendez.",
        duration=None,
        columns=(ColumnData("valeurs", "Valeurs communes"),),
        votes=None,
        anonymous=False,
        cards=cards,
        extra=extra,
    )


def _markdown(part: Any) -> str:
    doc = Document(
        kind="test",
        title="Test",
        subtitle="",
        facts=(),
        sections=(Section("Charte", part.blocks),),
        filename="test",
    )
    return md_renderer.render(doc).decode("utf-8")


def _text(items: tuple[Any, ...]) -> list[str]:
    return ["".join(span.text for span in item) for item in items]


EXTRA = {
    "started": [{"number": 2, "how": "consolidee", "parent": 1}],
    "frozen": [2],
    "vote": {
        "number": 2,
        "outcome": "adoptee",
        "outcome_label": "Adoptée",
        "ballots": 2,
        "electors": 2,
        "quorum_reached": True,
        "share": 100.0,
        "threshold": 50,
        "signatories": ["Centre social", "Collège Jean-Moulin"],
    },
    "current": {"number": 2, "status": "adoptee", "status_label": "Adoptée", "clauses": 3},
    "amendments": [
        _amendment(status="integree"),
        _amendment(
            target="Nouvelle clause — Objet",
            kind="ajout",
            kind_label="Nouvelle clause",
            text="Réduire le décrochage.",
            status="rejetee",
            decision_reason="Déjà dit.",
        ),
        _amendment(
            target="Clause 1.1", text="Agir dès la sixième.", status="proposee", between=True
        ),
        _amendment(target="Clause 3.1", kind="suppression", status="acceptee", text="Vieux."),
    ],
}


def test_the_charte_section_tells_the_atelier_story() -> None:
    documents = activities.documents_for("charte")
    assert documents.type_id == "charte"
    part = documents.step_section(_step(EXTRA))
    md = _markdown(part)
    assert "version 2 (adoptée), 3 clauses" in md
    assert "version 2 consolidée à partir de la version 1" in md
    assert "version 2 gelée" in md
    assert "4 amendements proposés (dont 1 entre les ateliers)" in md
    assert "2 accepté(s), 1 rejeté(s), 1 en attente" in md
    assert "Rejeté — Déjà dit." in md
    assert "Vote d'adoption de la version 2 : Adoptée" in md
    assert "quorum atteint" in md and "Structures signataires : Centre social et Collège" in md
    decisions = _text(part.decisions)
    assert any("Amendement accepté (Clause 2.1)" in d and "secret partagé" in d for d in decisions)
    assert any("suppression de la clause 3.1" in d for d in decisions)
    assert "Charte, version 2 : adoptée" in decisions
    carry = _text(part.carry_over)
    assert carry == ["À reprendre : amendement (Clause 1.1) — «\u00a0Agir dès la sixième.\u00a0»"]
    assert part.summary == "Charte : version 2 (adoptée), 3 clauses, 4 amendements"


def test_no_version_yet_and_idea_cards() -> None:
    empty = {"started": [], "frozen": [], "vote": None, "current": None, "amendments": []}
    cards = (CardData("Le respect", "valeurs", "", "", 0),)
    part = activities.documents_for("charte").step_section(_step(empty, cards))
    md = _markdown(part)
    assert "pas encore de version" in md
    assert "Idées proposées pour la charte" in md and "Le respect" in md
    assert part.decisions == () and part.carry_over == ()
    # no extra at all (a step whose data could not be loaded): still a section
    assert activities.documents_for("charte").step_section(_step(None)).blocks


def _act(sock: Any, step_id: int, action: str, **data: Any) -> dict[str, Any]:
    ack = sock.call("step_action", {"step_id": step_id, "action": action, "data": data})
    assert ack["ok"], ack
    return ack


SCRIPT = """
format: 1
id: test-charte-cr
title: Charte
steps:
  - id: charte
    type: charte
    title: Charte du projet
    consigne: Écrivons la charte.
    settings:
      sections:
        - {id: objet, label: Objet}
        - {id: valeurs, label: Valeurs communes}
"""


def test_compte_rendu_of_a_real_atelier(
    make_animateur: Callable[..., Any],
    make_atelier: Callable[..., Any],
    connect: Callable[..., Any],
) -> None:
    animateur = make_animateur()
    atelier = make_atelier(animateur, SCRIPT)
    college = atelier.cycle.structures[0]
    alice, _ = participants.join(atelier, "Alice", structure_id=college.id)
    anim = connect("animateur", atelier, animateur)
    assert anim.call("atelier_start", {})["ok"]
    a = connect("participant", atelier, alice)
    step = atelier.steps[0].id
    _act(anim, step, "phase", phase="redaction")
    _act(anim, step, "version_start")
    clause = _act(
        anim, step, "clause_add", client_id="cr-clause-1", section="valeurs",
        text="Chaque structure respecte le secret professionnel.",
    )["clause"]  # fmt: skip
    _act(anim, step, "phase", phase="amendements")

    def propose(client_id: str, text: str) -> int:
        return _act(
            a, step, "amendment_propose", client_id=client_id, kind="modification",
            clause_id=clause["id"], text=text, reason="Raison de " + client_id,
        )["amendment"]["id"]  # fmt: skip

    kept = propose("cr-amend-1", "Chaque structure respecte le secret partagé.")
    refused = propose("cr-amend-2", "Autre rédaction refusée.")
    propose("cr-amend-3", "Une rédaction à reprendre.")
    _act(anim, step, "amendment_decide", amendment_id=kept, decision="accepter")
    _act(anim, step, "amendment_decide", amendment_id=refused, decision="rejeter", reason="Non.")
    _act(anim, step, "consolidate")
    assert anim.call("atelier_close", {})["ok"]
    db.session.expire_all()
    md = compile_document("compte-rendu", atelier.id, "md").content.decode("utf-8")
    assert "Charte : version 2 (brouillon), 1 clause" in md
    assert "version 1 commencée" in md and "version 2 consolidée à partir de la version 1" in md
    assert "3 amendements proposés : 1 accepté(s), 1 rejeté(s), 1 en attente" in md
    assert "Amendement accepté (Clause 2.1)" in md and "secret partagé" in md
    assert "À reprendre : amendement (Clause 2.1)" in md and "Une rédaction à reprendre" in md
    assert "Alice" not in md.split("Charte du projet", 1)[1].split("Décisions", 1)[0]
