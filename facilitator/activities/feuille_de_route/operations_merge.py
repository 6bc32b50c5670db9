"""Merging two duplicate actions of the feuille de route (issue 18: at the mise en commun
two groups often propose the same action). The animateur merges a duplicate into the action
that stays, during the propositions (before the priority vote): the kept action keeps its
intitulé, its group tag and what it says; what it lacks (question, pilote, deadline, a
text field) comes from the duplicate; the contributors are put together; two different
texts of a field are kept side by side (« … / … »). The duplicate is then deleted — nothing
it said is lost."""

from __future__ import annotations

from typing import Any

from facilitator.activities.feuille_de_route import schemas
from facilitator.activities.feuille_de_route.models import RoadmapAction, RoadmapVote
from facilitator.activities.feuille_de_route.operations import (
    MAX_INTITULE,
    MAX_TEXT,
    _action,
    _record,
)
from facilitator.activities.feuille_de_route.views import PHASES, phase
from facilitator.core import events, group_rows
from facilitator.core import live as live_common
from facilitator.core.events import Viewer
from facilitator.errors import InvalidInput
from facilitator.extensions import db
from facilitator.models import Step

TEXTS = {
    "moyens": ("Moyens", MAX_TEXT),
    "indicateurs_effectivite": ("Indicateur d'effectivité", MAX_TEXT),
    "indicateurs_resultat": ("Indicateur de résultat", MAX_TEXT),
    "charte_ref": ("Engagement de la charte", MAX_INTITULE),
}


def _joined(kept: str, other: str, label: str, limit: int) -> str:
    if not other or other == kept:
        return kept
    if not kept:
        return other
    text = f"{kept} / {other}"
    if len(text) > limit:
        raise InvalidInput(
            f"« {label} » des deux actions ne tient pas en {limit} caractères une fois réuni : "
            "raccourcissez l'un des deux avant de fusionner.",
            code="too_long",
        )
    return text


def merge(viewer: Viewer, step: Step, data: schemas.Merge) -> dict[str, Any]:
    live_common.require_animateur(viewer, "Seul l'animateur fusionne les actions en double.")
    live_common.require_writer(viewer, step)
    if phase(step) != PHASES[0]:
        raise InvalidInput(
            "Les doublons se fusionnent pendant les propositions, avant le vote.", code="phase"
        )
    cycle_id = step.atelier.cycle_id
    duplicate, kept = _action(cycle_id, data.action_id), _action(cycle_id, data.into_id)
    if duplicate.id == kept.id:
        raise InvalidInput("Choisissez deux actions différentes à fusionner.")
    if "validee" in (duplicate.status, kept.status):
        raise InvalidInput(
            "Une action validée ne se fusionne pas : retirez d'abord sa validation.",
            code="validated",
        )
    if db.session.query(RoadmapVote.id).filter_by(action_id=duplicate.id).first() is not None:
        raise InvalidInput(
            "Cette action a déjà reçu des votes de priorité : elle ne se fusionne plus.",
            code="voted",
        )
    audience = group_rows.audience(viewer.atelier_id, duplicate.group_id)
    if audience != group_rows.audience(viewer.atelier_id, kept.group_id):
        # the kept action would show the other group's words to a group that may not see
        # them, and the duplicate would vanish from its own group's board
        raise InvalidInput(
            "Ces deux actions viennent de groupes qui travaillent encore séparément : "
            "fusionnez-les après la mise en commun (« Fusionner en plénière »).",
            code="groups_apart",
        )
    texts = {
        name: _joined(getattr(kept, name), getattr(duplicate, name), label, limit)
        for name, (label, limit) in TEXTS.items()
    }
    payload = {"action_id": duplicate.id, "into_id": kept.id}
    with events.live_change(viewer.atelier_id) as change:
        _absorb(kept, duplicate, texts)
        db.session.delete(duplicate)
        change.record("roadmap.action_deleted", payload, group_id=audience)
        event = _record(change, kept)
    return {"action": event.payload["action"], **payload, "seq": event.seq}


def _absorb(kept: RoadmapAction, duplicate: RoadmapAction, texts: dict[str, str]) -> None:
    for name, value in texts.items():
        setattr(kept, name, value)
    kept.question_id = kept.question_id or duplicate.question_id
    kept.pilote_id = kept.pilote_id or duplicate.pilote_id
    kept.echeance = kept.echeance or duplicate.echeance
    others = [s for s in duplicate.contributeurs if s not in kept.contributeurs]
    if duplicate.pilote is not None and duplicate.pilote_id != kept.pilote_id:
        others.append(duplicate.pilote)  # the other pilote contributes
    kept.contributeurs = [*kept.contributeurs, *(s for s in dict.fromkeys(others))]
    kept.contributeurs = [s for s in kept.contributeurs if s.id != kept.pilote_id]
    kept.version += 1
