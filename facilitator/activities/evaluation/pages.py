"""Evaluation of the cycle (docs/cycle-life.md): results of the evaluation steps, the
animateur's self-assessment of the five conditions of collective impact per atelier, and
the indicator grid."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from facilitator.activities.evaluation import operations as evaluation
from facilitator.activities.evaluation import views
from facilitator.activities.evaluation.models import CONDITION_LEVELS, CONDITIONS, INDICATOR_KINDS
from facilitator.core import cycles, events
from facilitator.core.http import login_required
from facilitator.errors import DomainError
from facilitator.models import AtelierState, Cycle

#: ateliers whose conditions can be assessed: held (running or closed), not merely planned
HELD = (AtelierState.EN_COURS, AtelierState.CLOS)

bp = Blueprint("evaluation", __name__)


def _page(cycle: Cycle, status: int = 200, **extra: Any) -> tuple[str, int]:
    page = render_template(
        "activities/evaluation/cycle.html",
        cycle={"id": cycle.id, "title": cycle.title},
        held=[{"id": a.id, "position": a.position} for a in cycle.ateliers if a.state in HELD],
        results=views.cycle_results(cycle.id),
        conditions=CONDITIONS,
        levels=CONDITION_LEVELS,
        assessed=views.assessed_levels(cycle.id),
        indicators=[views.indicator_dict(i) for i in views.indicators(cycle.id)],
        kinds=INDICATOR_KINDS,
        **extra,
    )
    return page, status


def _back(cycle: Cycle, anchor: str) -> Response:
    return redirect(url_for("evaluation.evaluation_admin", cycle_id=cycle.id) + anchor)


@bp.get("/animateur/cycles/<int:cycle_id>/evaluation")
@login_required
def evaluation_admin(cycle_id: int) -> tuple[str, int]:
    return _page(cycles.get_cycle_for(g.animateur, cycle_id))


@bp.post("/animateur/cycles/<int:cycle_id>/evaluation/conditions")
@login_required
def evaluation_conditions(cycle_id: int) -> Response | tuple[str, int]:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    levels: dict[tuple[int | None, str], int | None] = {}
    for key, value in request.form.items():
        # c-<atelier id or "cycle">-<condition>
        parts = key.split("-", 2)
        if len(parts) != 3 or parts[0] != "c":
            continue
        atelier = None if parts[1] == "cycle" else int(parts[1]) if parts[1].isdigit() else -1
        levels[(atelier, parts[2])] = int(value) if value.isdigit() else None
    try:
        with events.transaction():
            count = evaluation.set_assessments(cycle.id, levels)
    except DomainError as exc:
        return _page(cycle, exc.status, error=exc.message_fr)
    flash(f"Auto-évaluation enregistrée ({count} modification(s)).")
    return _back(cycle, "#conditions")


def _indicator_form() -> dict[str, Any]:
    form = request.form
    return {
        **{k: form.get(k, "") for k in ("kind", "label", "target", "value", "source", "comment")},
        "confirm_personal": form.get("confirm_personal") == "oui",
    }


@bp.post("/animateur/cycles/<int:cycle_id>/evaluation/indicateurs")
@login_required
def indicator_add(cycle_id: int) -> Response | tuple[str, int]:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    try:
        with events.transaction():
            evaluation.add_indicator(cycle.id, _indicator_form())
    except DomainError as exc:
        return _page(cycle, exc.status, error=exc.message_fr, draft=request.form, code=exc.code)
    flash("Indicateur ajouté.")
    return _back(cycle, "#indicateurs")


@bp.post("/animateur/cycles/<int:cycle_id>/evaluation/indicateurs/<int:indicator_id>")
@login_required
def indicator_edit(cycle_id: int, indicator_id: int) -> Response | tuple[str, int]:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    try:
        with events.transaction():
            if request.form.get("action") == "supprimer":
                evaluation.delete_indicator(cycle.id, indicator_id)
                done = "Indicateur supprimé."
            else:
                version = request.form.get("version", "")
                evaluation.edit_indicator(
                    cycle.id,
                    indicator_id,
                    int(version) if version.isdigit() else 0,
                    _indicator_form(),
                )
                done = "Indicateur enregistré."
    except DomainError as exc:
        return _page(cycle, exc.status, error=exc.message_fr, error_id=indicator_id, code=exc.code)
    flash(done)
    return _back(cycle, "#indicateurs")
