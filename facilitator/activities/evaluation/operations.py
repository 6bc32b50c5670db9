"""Evaluation of the cycle (issue 9, docs/cycle-life.md): the ``evaluation`` activity's
answers and anonymous aggregates, the self-assessment of the five conditions of collective
impact (participants in an evaluation step with ``conditions: true``, the animateur per
atelier), and the cycle's indicator grid."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from facilitator.activities.evaluation import schemas
from facilitator.activities.evaluation.models import (
    CONDITION_LEVELS,
    CONDITIONS,
    INDICATOR_KINDS,
    METEO,
    UTILITE,
    ConditionAssessment,
    CycleIndicator,
    EvaluationResponse,
)
from facilitator.activities.evaluation.views import (
    aggregate,
    assessments,
    indicators,
    mine_dict,
    responses,
)
from facilitator.core import events
from facilitator.core import live as live_common
from facilitator.core.events import Viewer
from facilitator.errors import Conflict, Forbidden, InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import Atelier, Step
from facilitator.validation import Empty

log = logging.getLogger(__name__)

MAX_SUGGESTION = 1000
MAX_FIELD = 300


def _mine(step: Step, participant_id: int | None) -> EvaluationResponse | None:
    if participant_id is None:
        return None
    return db.session.scalar(
        select(EvaluationResponse).where(
            EvaluationResponse.step_id == step.id,
            EvaluationResponse.participant_id == participant_id,
        )
    )


def _level(value: int | None, scale: dict[int, str], what: str) -> int | None:
    if value is None:
        return None
    if value not in scale:
        raise InvalidInput(f"{what} : choisissez une valeur entre 1 et {max(scale)}.")
    return value


def submit(viewer: Viewer, step: Step, data: schemas.Submit) -> dict[str, Any]:
    """A participant's answer (created or replaced). Optimistic: ``version`` is the one the
    client holds (0 for a first answer); stale → ``conflict`` with the stored answer."""
    if viewer.participant_id is None:
        raise Forbidden("Seuls les participants répondent à l'évaluation.")
    live_common.require_writer(viewer, step)
    meteo = _level(data.meteo, METEO, "La météo")
    utilite = _level(data.utilite, UTILITE, "L'utilité")
    conditions: dict[str, int] = {}
    if (step.settings or {}).get("conditions"):
        for key, level in (data.conditions or {}).items():
            if key not in CONDITIONS:
                raise InvalidInput("Condition de l'impact collectif inconnue.")
            conditions[key] = _level(level, CONDITION_LEVELS, CONDITIONS[key]) or 0
    suggestion = " ".join((data.suggestion or "").split())
    if len(suggestion) > MAX_SUGGESTION:
        raise InvalidInput(f"La suggestion fait {MAX_SUGGESTION} caractères au plus.")
    if suggestion:
        live_common.check_privacy(suggestion, data.confirm_personal)
    if meteo is None and utilite is None and not suggestion and not conditions:
        raise InvalidInput("Répondez à au moins une question avant d'envoyer.", code="empty")
    values = {
        "meteo": meteo,
        "utilite": utilite,
        "suggestion": suggestion,
        "conditions": conditions,
    }
    with events.live_change(viewer.atelier_id) as change:  # serialises the atelier's writers
        row = _mine(step, viewer.participant_id)
        retry = _retry(viewer, row, values, data.version)
        if retry is not None:
            return retry
        return _store(change, viewer, step, row, values, data.version)


def _retry(
    viewer: Viewer, row: EvaluationResponse | None, values: dict[str, Any], version: int
) -> dict[str, Any] | None:
    """A retry of what is stored: roll back (the seq taken included) and answer like the
    first time, with no event. None when it is a change."""
    if row is None or not all(getattr(row, k) == v for k, v in values.items()):
        return None
    if version not in (row.version, row.version - 1):
        return None
    events.rollback()
    return {"mine": mine_dict(row), "duplicate": True, "seq": events.current_seq(viewer.atelier_id)}


def _store(
    change: events.LiveChange,
    viewer: Viewer,
    step: Step,
    row: EvaluationResponse | None,
    values: dict[str, Any],
    version: int,
) -> dict[str, Any]:
    """Create or replace the answer (optimistic on ``version``) and record the aggregates:
    full for animateurs, shown to the others once revealed, with their own answer; the
    ack."""
    if row is not None:
        if version != row.version:
            raise Conflict(
                "Votre réponse a été modifiée depuis un autre appareil : voici la version "
                "enregistrée.",
                code="conflict",
                mine=mine_dict(row),
            )
        for key, value in values.items():
            setattr(row, key, value)
        row.version += 1
    else:
        if version != 0:
            raise Conflict("Réponse introuvable : renvoyez-la.", code="conflict", mine=None)
        row = EvaluationResponse(step_id=step.id, participant_id=viewer.participant_id, **values)
        db.session.add(row)
    db.session.flush()
    rows = responses(step.id)
    full = aggregate(rows)
    public: dict[str, Any] = {
        "step_id": step.id,
        "count": len(rows),
        "results": full if step.results_visible else None,
    }
    event = change.record(
        "evaluation.updated",
        {"step_id": step.id, "count": len(rows), "results": full},
        public=public,
        owner_id=viewer.participant_id,
        owner={**public, "mine": mine_dict(row)},
    )
    return {"mine": mine_dict(row), "count": len(rows), "seq": event.seq}


def reveal_results(viewer: Viewer, step: Step, data: Empty) -> dict[str, Any]:
    """Everyone: the aggregates once revealed (clients ask when ``results_visible`` turns
    on; the reveal event itself carries only the step's flags)."""
    if not (viewer.is_animateur or step.results_visible):
        raise Forbidden("Les résultats ne sont pas encore dévoilés.")
    return {"results": aggregate(responses(step.id))}


# --- animateur: conditions per atelier, indicator grid --------------------------------------


def set_assessments(cycle_id: int, levels: dict[tuple[int | None, str], int | None]) -> int:
    """``{(atelier_id or None, condition): level or None}``; flushes, the caller commits
    (one transaction)."""
    ateliers = set(db.session.scalars(select(Atelier.id).where(Atelier.cycle_id == cycle_id)))
    existing = assessments(cycle_id)
    changed = 0
    for (atelier_id, condition), level in levels.items():
        if condition not in CONDITIONS or (atelier_id is not None and atelier_id not in ateliers):
            raise InvalidInput("Condition ou atelier inconnu dans ce cycle.")
        if level is not None and level not in CONDITION_LEVELS:
            raise InvalidInput("Niveau inconnu : de 1 (absente) à 4 (solide).")
        row = existing.get((atelier_id, condition))
        if level is None:
            if row is not None:
                db.session.delete(row)
                changed += 1
        elif row is None:
            db.session.add(
                ConditionAssessment(
                    cycle_id=cycle_id, atelier_id=atelier_id, condition=condition, level=level
                )
            )
            changed += 1
        elif row.level != level:
            row.level = level
            changed += 1
    db.session.flush()
    return changed


def _indicator_values(form: dict[str, Any]) -> dict[str, str]:
    kind = form.get("kind", "effectivite")
    if kind not in INDICATOR_KINDS:
        raise InvalidInput("Type d'indicateur inconnu : effectivité ou impact.")
    label = " ".join((form.get("label") or "").split())
    if not label:
        raise InvalidInput("Donnez un intitulé à l'indicateur.")
    out = {"kind": kind, "label": label}
    for name in ("target", "value", "source"):
        out[name] = " ".join((form.get(name) or "").split())
    out["comment"] = (form.get("comment") or "").strip()
    for name, value in out.items():
        limit = MAX_SUGGESTION if name == "comment" else MAX_FIELD
        if len(value) > limit:
            raise InvalidInput(f"Un champ de l'indicateur dépasse {limit} caractères.")
    text = "\n".join(out[k] for k in ("label", "target", "value", "source", "comment"))
    live_common.check_privacy(text, bool(form.get("confirm_personal")))
    return out


def add_indicator(cycle_id: int, form: dict[str, Any]) -> CycleIndicator:
    values = _indicator_values(form)
    position = len(indicators(cycle_id)) + 1
    row = CycleIndicator(cycle_id=cycle_id, position=position, **values)
    db.session.add(row)
    db.session.flush()
    return row


def _indicator(cycle_id: int, indicator_id: int) -> CycleIndicator:
    row = db.session.get(CycleIndicator, indicator_id)
    if row is None or row.cycle_id != cycle_id:
        raise NotFound("Indicateur introuvable dans ce cycle.")
    return row


def edit_indicator(
    cycle_id: int, indicator_id: int, version: int, form: dict[str, Any]
) -> CycleIndicator:
    row = _indicator(cycle_id, indicator_id)
    if version != row.version:
        raise Conflict(
            "Cet indicateur a été modifié entre-temps (par un co-animateur ?) : voici la "
            "version à jour, refaites votre modification.",
            code="conflict",
        )
    for key, value in _indicator_values(form).items():
        setattr(row, key, value)
    row.version += 1
    db.session.flush()
    return row


def delete_indicator(cycle_id: int, indicator_id: int) -> None:
    db.session.delete(_indicator(cycle_id, indicator_id))
    db.session.flush()
