"""What each audience sees of the ``evaluation`` activity: anonymous aggregates (counts per
value, averages, suggestions without authors), a participant's own answer, the labels of
the scales (the server owns them), and the cycle's results, assessments and indicators as
plain dicts for the animateur's page and the synthèse."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import select

from facilitator.activities.evaluation.models import (
    CONDITION_LEVELS,
    CONDITIONS,
    METEO,
    UTILITE,
    ConditionAssessment,
    CycleIndicator,
    EvaluationResponse,
)
from facilitator.core.events import Viewer
from facilitator.extensions import db
from facilitator.models import Atelier, Step

#: the labels of the scales, in order (1 first), for the browser
LABELS: dict[str, Any] = {
    "meteo": [METEO[k] for k in sorted(METEO)],
    "utilite": [UTILITE[k] for k in sorted(UTILITE)],
    "conditions": dict(CONDITIONS),
    "levels": [CONDITION_LEVELS[k] for k in sorted(CONDITION_LEVELS)],
}


#: what the animateur's page shows and edits of an indicator
INDICATOR_FIELDS = ("id", "kind", "label", "target", "value", "source", "comment", "version")


def _avg(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def aggregate(rows: list[EvaluationResponse]) -> dict[str, Any]:
    """Anonymous aggregates: counts per value, averages, suggestions without authors
    (sorted, so their order tells nothing about who wrote them)."""
    meteo = [r.meteo for r in rows if r.meteo]
    utilite = [r.utilite for r in rows if r.utilite]
    conditions: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        for key, level in (r.conditions or {}).items():
            if key in CONDITIONS and isinstance(level, int):
                conditions[key].append(level)
    return {
        "count": len(rows),
        "meteo": {str(k): Counter(meteo)[k] for k in METEO},
        "meteo_avg": _avg(meteo),
        "utilite": {str(k): Counter(utilite)[k] for k in UTILITE},
        "utilite_avg": _avg(utilite),
        "suggestions": sorted((r.suggestion for r in rows if r.suggestion), key=str.casefold),
        "conditions": {k: _avg(conditions[k]) for k in CONDITIONS if conditions[k]},
    }


def responses(step_id: int) -> list[EvaluationResponse]:
    return list(
        db.session.scalars(
            select(EvaluationResponse)
            .where(EvaluationResponse.step_id == step_id)
            .order_by(EvaluationResponse.id)
        )
    )


def results(step: Step) -> dict[str, Any]:
    return aggregate(responses(step.id))


def mine_dict(row: EvaluationResponse | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "meteo": row.meteo,
        "utilite": row.utilite,
        "suggestion": row.suggestion,
        "conditions": dict(row.conditions or {}),
        "version": row.version,
    }


def state(step: Step, viewer: Viewer) -> dict[str, Any]:
    """The step's part of snapshots: aggregates for the animateur, and for everyone once
    the results are revealed (``results_visible``); a participant's own answer."""
    rows = responses(step.id)
    shown = viewer.is_animateur or step.results_visible
    return {
        "evaluation": True,
        "conditions_asked": bool((step.settings or {}).get("conditions")),
        "scope": (step.settings or {}).get("scope", "atelier"),
        "count": len(rows),
        "results": aggregate(rows) if shown else None,
        "mine": mine_dict(
            next((r for r in rows if r.participant_id == viewer.participant_id), None)
        )
        if viewer.participant_id is not None
        else None,
        "labels": LABELS,
    }


# --- the cycle: results, assessments, indicators ----------------------------------------------


def cycle_results(cycle_id: int) -> list[dict[str, Any]]:
    """Per evaluation step of the cycle: the atelier, the step and its aggregates."""
    steps = db.session.scalars(
        select(Step)
        .join(Atelier, Atelier.id == Step.atelier_id)
        .where(Atelier.cycle_id == cycle_id, Step.type == "evaluation")
        .order_by(Atelier.position, Atelier.id, Step.position)
    ).all()
    return [
        {
            "atelier_id": s.atelier_id,
            "atelier": s.atelier.title,
            "atelier_number": s.atelier.position,
            "step": s.title,
            **results(s),
        }
        for s in steps
    ]


def assessments(cycle_id: int) -> dict[tuple[int | None, str], ConditionAssessment]:
    rows = db.session.scalars(
        select(ConditionAssessment).where(ConditionAssessment.cycle_id == cycle_id)
    )
    return {(r.atelier_id, r.condition): r for r in rows}


def assessed_levels(cycle_id: int) -> dict[tuple[int | None, str], int]:
    """``{(atelier_id or None for the cycle, condition): level}``."""
    return {key: row.level for key, row in assessments(cycle_id).items()}


def indicators(cycle_id: int) -> list[CycleIndicator]:
    return list(
        db.session.scalars(
            select(CycleIndicator)
            .where(CycleIndicator.cycle_id == cycle_id)
            .order_by(CycleIndicator.kind, CycleIndicator.position, CycleIndicator.id)
        )
    )


def indicator_dict(i: CycleIndicator) -> dict[str, Any]:
    return {name: getattr(i, name) for name in INDICATOR_FIELDS}
