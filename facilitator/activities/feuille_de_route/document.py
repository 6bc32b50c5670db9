"""``feuille_de_route`` in documents: in the compte rendu, the actions this step proposed,
validated or voted on (those validated here are the atelier's decisions, those without
pilote are carried over) and the whole feuille de route in one line; the
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
from facilitator.core.document_facts import PerStepDocuments, counts, per_atelier, production_facts
from facilitator.extensions import db
from facilitator.models import Step, StepGroup, Structure
from facilitator.rendering import fr
from facilitator.rendering.groups import groups_blocks
from facilitator.rendering.model import Block, Section, inline, note, para, table
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
    added, validated = _story(step)
    # the sub-group of this step that proposed an action (issue 18)
    groups = dict(
        db.session.execute(
            select(StepGroup.id, StepGroup.name).where(StepGroup.step_id == step.id)
        ).all()
    )
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
                # what this step did to it (its atelier's log)
                "added": a.id in added,
                "validated_here": a.id in validated,
                "group": clean(groups.get(a.group_id or 0, "")),
            }
            for a in feuille_de_route.load_actions(cycle_id)
        ]
    }


def _story(step: Step) -> tuple[set[int], set[int]]:
    """Ids of the actions first seen, and of those validated, while ``step`` was current
    (a change between ateliers goes to its atelier's first feuille de route step)."""
    atelier = step.atelier
    first = min(
        (s for s in atelier.steps if s.type == step.type), key=lambda s: s.position, default=step
    )
    ours = {s.id for s in atelier.steps if s.type == step.type}
    added: set[int] = set()
    validated: set[int] = set()
    before: dict[int, dict[str, Any]] = {}
    for fact in production_facts(atelier.cycle_id, ("roadmap.action",)):
        action = fact.payload.get("action") or {}
        aid = action.get("id")
        if not isinstance(aid, int):
            continue
        previous = before.get(aid)
        before[aid] = action
        target = fact.step_id if fact.step_id in ours else first.id
        if fact.atelier_id != atelier.id or target != step.id:
            continue
        if previous is None:
            added.add(aid)
        if action.get("status") == "validee" and (previous or {}).get("status") != "validee":
            validated.add(aid)
    return added, validated


class FeuilleDocuments(PerStepDocuments):
    type_id = "feuille_de_route"

    load_step = staticmethod(_load)

    @classmethod
    def step_section(cls, step: StepData) -> StepSection:
        every = (step.extra or {"actions": []})["actions"]
        # this step's actions: proposed, validated or voted on here; the rest in one line
        actions = sorted(
            (a for a in every if a.get("added") or a.get("validated_here") or a["votes"]),
            key=lambda a: (-a["votes"], a["intitule"]),
        )
        validated = [a for a in actions if a.get("validated_here")]
        done = [
            fr.count(
                sum(1 for a in actions if a.get("added")), "action proposée", "actions proposées"
            ),
            fr.count(len(validated), "validée", "validées"),
        ]
        total = sum(1 for a in every if a["status"] == "validee")
        count = (
            f"Pendant cette étape : {', '.join(done)}. État de la feuille de route : "
            + fr.count(len(every), "action")
            + f" dont {fr.count(total, 'validée', 'validées')}"
        )
        grouped = any(a.get("group") for a in actions)
        rows = [
            (
                a["intitule"] + (" (sans pilote)" if "sans_pilote" in a["flags"] else ""),
                *((a.get("group") or "plénière",) if grouped else ()),
                a["pilote"] or "—",
                ", ".join(a["contributeurs"]) or "—",
                fr.date_medium(a["echeance"], "—") if a["echeance"] else "—",
                ETATS.get(a["etat"], a["etat"]),
                ROADMAP_STATUSES.get(a["status"], a["status"]),
                fr.number(a["votes"]),
            )
            for a in actions
        ]
        header = [HEADER[0], "Groupe", *HEADER[1:]] if grouped else HEADER
        votes = len(header) - 1
        # a step that ran in sub-groups: the groups and what each proposed (issue 18)
        blocks: list[Block | Section] = [*groups_blocks(step), para(count + ".", style="lead")]
        blocks.append(
            table("feuille", "Actions de la feuille de route", header, rows, numeric=(votes,))
            if rows
            else note("Aucune action proposée, validée ni votée pendant cette étape.")
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
            blocks=tuple(blocks), decisions=decisions, carry_over=carry, summary=", ".join(done)
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
