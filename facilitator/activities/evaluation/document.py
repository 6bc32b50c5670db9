"""``evaluation`` in documents: anonymous aggregates in the compte rendu; in the synthèse
(``synthese.evaluation``), the results of every evaluation step, the self-assessment of the
five conditions of collective impact and the cycle's indicator grid."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from facilitator.activities.evaluation import views as evaluation
from facilitator.activities.evaluation.models import (
    CONDITION_LEVELS,
    CONDITIONS,
    INDICATOR_KINDS,
    EvaluationResponse,
)
from facilitator.contract import ProductionCount
from facilitator.core.document_facts import PerStepDocuments, counts, per_atelier
from facilitator.extensions import db
from facilitator.models import Atelier
from facilitator.rendering import fr
from facilitator.rendering.model import Block, bullets, note, para, table
from facilitator.rendering.model import plain as clean
from facilitator.rendering.sections import StepSection

if TYPE_CHECKING:
    from facilitator.rendering.context import StepData


def _avg(value: float | None, top: int) -> str:
    return f"{fr.number(value)} / {top}" if value is not None else "—"


def result_blocks(data: dict[str, Any]) -> list[Block]:
    """Aggregates of one evaluation step (plain data from ``evaluation.aggregate``)."""
    if not data["count"]:
        return [note("Aucune réponse à l'évaluation.")]
    rows = [
        (label, fr.number(data["meteo"][str(k)]), fr.number(data["utilite"][str(k)]))
        for k, label in enumerate(("1", "2", "3", "4", "5"), start=1)
    ]
    blocks: list[Block] = [
        para(
            f"{fr.count(data['count'], 'réponse')} — météo moyenne "
            f"{_avg(data['meteo_avg'], 5)}, utilité moyenne {_avg(data['utilite_avg'], 5)}.",
            style="lead",
        ),
        table(
            "evaluation",
            "Réponses par niveau (1 : orageux / pas utile … 5 : grand soleil / très utile)",
            ["Niveau", "Météo", "Utilité"],
            rows,
            numeric=(1, 2),
            widths=(40, 30, 30),
        ),
    ]
    if data["conditions"]:
        blocks.append(
            table(
                "conditions-participants",
                "Conditions de l'impact collectif selon les participants (moyenne sur 4)",
                ["Condition", "Moyenne"],
                ((CONDITIONS[k], _avg(v, 4)) for k, v in data["conditions"].items()),
                numeric=(1,),
                widths=(70, 30),
            )
        )
    if data["suggestions"]:
        blocks.append(para("Suggestions (anonymes) :", style="lead"))
        blocks.append(bullets(fr.quoted(clean(s)) for s in data["suggestions"]))
    return blocks


class EvaluationDocuments(PerStepDocuments):
    type_id = "evaluation"

    load_step = staticmethod(evaluation.results)

    @classmethod
    def step_section(cls, step: StepData) -> StepSection:
        data = step.extra or evaluation.aggregate([])
        summary = fr.count(data["count"], "réponse")
        if data["meteo_avg"] is not None:
            summary += f", météo {_avg(data['meteo_avg'], 5)}"
        return StepSection(blocks=tuple(result_blocks(data)), summary=summary)

    @classmethod
    def load_cycle(cls, cycle_id: int) -> Any:
        return {
            "results": evaluation.cycle_results(cycle_id),
            "ateliers": [
                (a.id, a.position, clean(a.title))
                for a in db.session.scalars(
                    select(Atelier).where(Atelier.cycle_id == cycle_id).order_by(Atelier.position)
                )
            ],
            "assessments": evaluation.assessed_levels(cycle_id),
            "indicators": [
                {
                    "kind": INDICATOR_KINDS.get(i.kind, i.kind),
                    "label": clean(i.label),
                    "target": clean(i.target),
                    "value": clean(i.value),
                    "source": clean(i.source),
                    "comment": clean(i.comment),
                }
                for i in evaluation.indicators(cycle_id)
            ],
            "levels": dict(CONDITION_LEVELS),
        }


def production_counts(cycle_id: int) -> list[ProductionCount]:
    """Evaluation questionnaires answered, per atelier."""
    return counts(
        per_atelier(cycle_id, None, via_step=EvaluationResponse.step_id),
        "évaluation remplie",
        "évaluations remplies",
    )
