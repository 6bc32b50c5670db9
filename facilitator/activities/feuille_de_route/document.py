"""``feuille_de_route`` in documents: in the compte rendu, the cycle's actions as they stand
(validated ones are the atelier's decisions, actions without pilote are carried over); the
full document is the kind ``feuille-de-route`` (documents/feuille_de_route.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from facilitator.activities.feuille_de_route import views as feuille_de_route
from facilitator.activities.feuille_de_route.models import (
    ETATS,
    ROADMAP_STATUSES,
    RoadmapAction,
    RoadmapVote,
)
from facilitator.contract import ProductionCount
from facilitator.core.document_facts import PerStepDocuments, counts, per_atelier
from facilitator.extensions import db
from facilitator.models import Step, Structure
from facilitator.rendering import fr
from facilitator.rendering.model import Block, inline, note, para, table
from facilitator.rendering.model import plain as clean
from facilitator.rendering.sections import StepSection

if TYPE_CHECKING:
    from facilitator.rendering.context import StepData

HEADER = ["Action", "Pilote", "Contributeurs", "Échéance", "État", "Statut", "Votes"]


def _load(step: Step) -> dict[str, Any]:
    cycle_id = step.atelier.cycle_id
    names = dict(
        db.session.execute(
            select(Structure.id, Structure.name).where(Structure.cycle_id == cycle_id)
        ).all()
    )
    tallies = feuille_de_route.tallies(step)
    return {
        "actions": [
            {
                "intitule": clean(a.intitule),
                "pilote": clean(names.get(a.pilote_id or 0, "")),
                "contributeurs": [clean(s.name) for s in a.contributeurs],
                "echeance": a.echeance,
                "etat": a.etat,
                "status": a.status,
                "flags": feuille_de_route.flags(a),
                "votes": tallies.get(a.id, 0),
            }
            for a in feuille_de_route.load_actions(cycle_id)
        ]
    }


class FeuilleDocuments(PerStepDocuments):
    type_id = "feuille_de_route"

    load_step = staticmethod(_load)

    @classmethod
    def step_section(cls, step: StepData) -> StepSection:
        actions = sorted(
            (step.extra or {"actions": []})["actions"], key=lambda a: (-a["votes"], a["intitule"])
        )
        validated = [a for a in actions if a["status"] == "validee"]
        count = fr.count(len(actions), "action") + f" dont {fr.number(len(validated))} validée(s)"
        rows = [
            (
                a["intitule"] + (" (sans pilote)" if "sans_pilote" in a["flags"] else ""),
                a["pilote"] or "—",
                ", ".join(a["contributeurs"]) or "—",
                fr.date_medium(a["echeance"], "—") if a["echeance"] else "—",
                ETATS.get(a["etat"], a["etat"]),
                ROADMAP_STATUSES.get(a["status"], a["status"]),
                fr.number(a["votes"]),
            )
            for a in actions
        ]
        blocks: list[Block] = [para(count + ".", style="lead")]
        blocks.append(
            table("feuille", "Actions de la feuille de route", HEADER, rows, numeric=(6,))
            if rows
            else note("Aucune action proposée.")
        )
        decisions = tuple(
            inline(f"Action validée : {a['intitule']} — pilote : {a['pilote']}") for a in validated
        )
        carry = tuple(
            inline(f"Trouver un pilote pour « {a['intitule']} »")
            for a in actions
            if "sans_pilote" in a["flags"]
        )
        return StepSection(
            blocks=tuple(blocks), decisions=decisions, carry_over=carry, summary=count
        )


def production_counts(cycle_id: int) -> list[ProductionCount]:
    """Actions proposed and priority votes (points given), per atelier."""
    return [
        *counts(
            per_atelier(cycle_id, RoadmapAction.atelier_id),
            "action de la feuille de route",
            "actions de la feuille de route",
        ),
        *counts(
            per_atelier(cycle_id, None, total=RoadmapVote.weight, via_step=RoadmapVote.step_id),
            "vote de priorité",
            "votes de priorité",
            vote=True,
        ),
    ]
