"""What each audience sees of the ``feuille_de_route`` activity: the actions as plain dicts
(with their flags « sans pilote » / « en retard »), the phase, and the vote tallies —
animateurs see them at once, the others once the step reaches the validation phase. While
a step works in sub-groups, a participant sees the plenary actions and their own group's
proposals only (issue 18)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from facilitator.activities.feuille_de_route.models import (
    ETATS,
    ROADMAP_STATUSES,
    RoadmapAction,
    RoadmapVote,
)
from facilitator.core import group_rows
from facilitator.core import live as live_common
from facilitator.core import questions as productions
from facilitator.core.events import Viewer
from facilitator.core.participants import structures
from facilitator.extensions import db
from facilitator.models import Step

PHASES = ("propositions", "vote", "validation")
PHASE_LABELS = {"propositions": "Propositions", "vote": "Vote", "validation": "Validation"}
CLOSED_ETATS = ("fait", "abandonne")
LABELS = {"etats": ETATS, "statuses": ROADMAP_STATUSES, "phases": PHASE_LABELS}


def phase(step: Step) -> str:
    return live_common.phase_of(step, PHASES[0])


def flags(a: RoadmapAction, today: date | None = None) -> list[str]:
    """``sans_pilote``, ``en_retard`` (deadline passed, not done nor abandoned)."""
    today = today or date.today()
    out = []
    if a.pilote_id is None:
        out.append("sans_pilote")
    if a.echeance is not None and a.echeance < today and a.etat not in CLOSED_ETATS:
        out.append("en_retard")
    return out


def action_dict(a: RoadmapAction) -> dict[str, Any]:
    return {
        "id": a.id,
        "intitule": a.intitule,
        "question_id": a.question_id,
        "charte_ref": a.charte_ref,
        "pilote_id": a.pilote_id,
        "contributeur_ids": [s.id for s in a.contributeurs],
        "echeance": a.echeance.isoformat() if a.echeance else None,
        "moyens": a.moyens,
        "indicateurs_effectivite": a.indicateurs_effectivite,
        "indicateurs_resultat": a.indicateurs_resultat,
        "etat": a.etat,
        "status": a.status,
        "version": a.version,
        "author_id": a.participant_id,
        "flags": flags(a),
        # the sub-group that proposed it (issue 18), kept after the mise en commun; its
        # text for the sub-groups' grid, wall and counts (static/js/groups.js)
        "group_id": a.group_id,
        "text": a.intitule,
    }


def load_actions(cycle_id: int) -> list[RoadmapAction]:
    return list(
        db.session.scalars(
            select(RoadmapAction)
            .where(RoadmapAction.cycle_id == cycle_id)
            .order_by(RoadmapAction.id)
        )
    )


def tallies(step: Step) -> dict[int, int]:
    rows = db.session.execute(
        select(RoadmapVote.action_id, func.sum(RoadmapVote.weight))
        .where(RoadmapVote.step_id == step.id)
        .group_by(RoadmapVote.action_id)
    ).all()
    return {int(k): int(v) for k, v in rows}


def vote_rules(step: Step) -> tuple[int, int]:
    votes = (step.settings or {}).get("votes") or {}
    return int(votes.get("budget", 3)), int(votes.get("max_per_card", 1))


def state(step: Step, viewer: Viewer) -> dict[str, Any]:
    cycle_id = step.atelier.cycle_id
    current = phase(step)
    budget, cap = vote_rules(step)
    visible = viewer.is_animateur or current == "validation"
    mine: dict[str, int] = {}
    if viewer.participant_id is not None:
        rows = db.session.execute(
            select(RoadmapVote.action_id, RoadmapVote.weight).where(
                RoadmapVote.step_id == step.id, RoadmapVote.participant_id == viewer.participant_id
            )
        ).all()
        mine = {str(k): int(v) for k, v in rows}
    actions = load_actions(cycle_id)
    hidden = group_rows.hidden(viewer, (a.group_id for a in actions))
    return {
        "phase": current,
        "questions": productions.questions_list(cycle_id),
        "actions": [action_dict(a) for a in actions if a.group_id not in hidden],
        "group_items": "actions",
        "structures": [{"id": s["id"], "name": s["name"]} for s in structures(cycle_id)],
        "tallies": {str(k): v for k, v in tallies(step).items()} if visible else {},
        "my_votes": mine,
        "votes": {"budget": budget, "max_per_card": cap},
        "labels": LABELS,
        "view": (step.settings or {}).get("view", "tableau"),
        "today": date.today().isoformat(),
    }


def _group_actions(step: Step) -> list[RoadmapAction]:
    ids = group_rows.of_step(step)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(RoadmapAction).where(RoadmapAction.group_id.in_(ids)).order_by(RoadmapAction.id)
        )
    )


def group_counts(step: Step) -> dict[int, int]:
    """Sub-group of ``step`` → the actions it proposed (the console's counts)."""
    out: dict[int, int] = {}
    for a in _group_actions(step):
        assert a.group_id is not None
        out[a.group_id] = out.get(a.group_id, 0) + 1
    return out


def group_texts(step: Step) -> dict[int, list[str]]:
    """Sub-group of ``step`` → the actions it proposed (the compte rendu)."""
    out: dict[int, list[str]] = {}
    for a in _group_actions(step):
        assert a.group_id is not None
        out.setdefault(a.group_id, []).append(a.intitule)
    return out


def has_items(step: Step) -> bool:
    """A sub-group of ``step`` proposed an action (its groups can no longer be re-formed);
    the cycle's actions from earlier ateliers stay plenary and do not count."""
    return bool(_group_actions(step))
