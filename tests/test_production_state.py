"""The state of a cycle's productions, as the dashboard and the synthèse show it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from facilitator.activities.charte.models import CharteSignatory, CharteVersion
from facilitator.activities.feuille_de_route.models import RoadmapAction
from facilitator.documents import production_state
from facilitator.extensions import db
from facilitator.models.questions import QuestionEssentielle
from facilitator.rendering import markdown
from facilitator.rendering.model import Document


def _text(cycle_id: int) -> str:
    section = production_state.compose(production_state.load(cycle_id))
    doc = Document(
        kind="test", title="Test", subtitle="", facts=(), sections=(section,), filename="test"
    )
    return markdown.render(doc).decode()


def test_an_empty_cycle_says_nothing_is_there_yet(make_atelier: Callable[..., Any]) -> None:
    cycle_id = make_atelier().cycle_id
    text = _text(cycle_id)
    assert "aucune validée pour l'instant" in text
    assert "Charte : pas encore commencée." in text
    assert "Feuille de route : aucune action pour l'instant." in text


def test_questions_charte_and_roadmap(make_atelier: Callable[..., Any]) -> None:
    atelier = make_atelier()
    cycle = atelier.cycle
    college, centre = cycle.structures[0], cycle.structures[1]
    db.session.add_all(
        [
            QuestionEssentielle(
                cycle_id=cycle.id, position=2, text="Comment associer les parents ?"
            ),
            QuestionEssentielle(cycle_id=cycle.id, position=1, text="Comment repérer plus tôt ?"),
            QuestionEssentielle(
                cycle_id=cycle.id, position=3, text="Une question retirée", status="retiree"
            ),
        ]
    )
    v1 = CharteVersion(cycle_id=cycle.id, number=1, status="remplacee")
    v2 = CharteVersion(cycle_id=cycle.id, number=2, status="brouillon")
    db.session.add_all([v1, v2])
    db.session.flush()
    text = _text(cycle.id)
    assert "Questions essentielles : 2 validées." in text
    assert text.index("Q1. Comment repérer plus tôt ?") < text.index("Q2. Comment associer")
    assert "retirée" not in text
    assert "Charte : pas encore adoptée ; dernière version 2 (brouillon)." in text

    v2.status = "adoptee"
    db.session.add_all(
        [
            CharteSignatory(version_id=v2.id, structure_id=college.id),
            CharteSignatory(version_id=v2.id, structure_id=centre.id),
        ]
    )
    actions = [
        ("a1", "validee", "en_cours", college.id),
        ("a2", "validee", "en_cours", centre.id),
        ("a3", "validee", "fait", college.id),
        ("a4", "proposee", "a_lancer", None),
        ("a5", "validee", "abandonne", None),
    ]
    db.session.add_all(
        RoadmapAction(
            cycle_id=cycle.id, client_id=cid, intitule=cid, status=status, etat=etat, pilote_id=p
        )
        for cid, status, etat, p in actions
    )
    db.session.commit()
    state = production_state.load(cycle.id)
    assert state.actions == {"en_cours": 2, "fait": 1, "abandonne": 1}
    assert (state.drafts, state.without_pilote) == (1, 1)
    text = _text(cycle.id)
    assert "Charte : version 2 adoptée, 2 structures signataires." in text
    assert "| En cours | 2 |" in text.replace("  ", " ")
    assert "Propositions en attente de validation : 1 ; actions sans pilote : 1." in text
