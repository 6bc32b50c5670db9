"""The cycle's feuille de route between ateliers (animateur pages): the actions by question
essentielle, and their état updated after each atelier.

=====================================================================  =====================
``GET  /animateur/cycles/<id>/feuille-de-route``                        the actions (table)
``POST /animateur/cycles/<id>/feuille-de-route/<action_id>/etat``       change an état
=====================================================================  =====================
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from facilitator.activities.feuille_de_route import operations as roadmap
from facilitator.activities.feuille_de_route import views
from facilitator.activities.feuille_de_route.models import ETATS, ROADMAP_STATUSES
from facilitator.core import cycles, events
from facilitator.core import questions as productions
from facilitator.core.http import login_required
from facilitator.core.participants import structures
from facilitator.errors import Conflict, DomainError
from facilitator.models import Cycle

bp = Blueprint("feuille_de_route", __name__)


def _page(cycle: Cycle, status: int = 200, **extra: object) -> ResponseReturnValue:
    questions = [q for q in productions.questions_list(cycle.id) if q["active"]]
    actions = [views.action_dict(a) for a in views.load_actions(cycle.id)]
    known = {q["id"] for q in questions}
    groups = [(f"Q{q['number']}. {q['text']}", q["id"]) for q in questions]
    if any(a["question_id"] not in known for a in actions):
        groups.append(("Sans question essentielle", None))
    return (
        render_template(
            "activities/feuille_de_route/cycle.html",
            cycle={"id": cycle.id, "title": cycle.title},
            groups=groups,
            known=known,
            actions=actions,
            names={s["id"]: s["name"] for s in structures(cycle.id)},
            etats=ETATS,
            statuses=ROADMAP_STATUSES,
            **extra,
        ),
        status,
    )


@bp.get("/animateur/cycles/<int:cycle_id>/feuille-de-route")
@login_required
def page(cycle_id: int) -> ResponseReturnValue:
    return _page(cycles.get_cycle_for(g.animateur, cycle_id))


@bp.post("/animateur/cycles/<int:cycle_id>/feuille-de-route/<int:action_id>/etat")
@login_required
def change_etat(cycle_id: int, action_id: int) -> ResponseReturnValue:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    form = request.form
    version = form.get("version", "")
    try:
        with events.transaction():
            action = roadmap.set_etat(
                cycle.id, action_id, int(version) if version.isdigit() else 0, form.get("etat", "")
            )
    except Conflict as exc:
        message = "Cette action a été modifiée entre-temps (en atelier ou dans un autre onglet) : "
        message += "voici son état actuel, recommencez si besoin."
        return _page(cycle, 409, error=message, focus=exc.details.get("action", {}).get("id"))
    except DomainError as exc:
        return _page(cycle, 400, error=exc.message_fr)
    flash(f"« {action.intitule} » : {ETATS[action.etat].lower()}.")
    return redirect(url_for("feuille_de_route.page", cycle_id=cycle.id) + f"#action-{action.id}")
