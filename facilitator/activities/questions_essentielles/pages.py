"""The cycle's questions essentielles between ateliers (animateur page).

``GET  /animateur/cycles/<id>/questions``: order, edit, withdraw, restore, add, history;
``POST /animateur/cycles/<id>/questions[/<qid>/<verb>]``: ajouter / modifier / deplacer /
retirer / restaurer.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from facilitator.core import cycles, events
from facilitator.core import questions as productions
from facilitator.core.http import login_required
from facilitator.errors import Conflict, DomainError
from facilitator.models import Cycle

bp = Blueprint("questions_essentielles", __name__)


def _questions_page(cycle: Cycle, status: int = 200, **extra: object) -> ResponseReturnValue:
    return (
        render_template(
            "activities/questions_essentielles/cycle.html",
            cycle={"id": cycle.id, "title": cycle.title},
            questions=productions.questions_list(cycle.id),
            history=productions.history(cycle.id),
            links=productions.links_count(cycle.id),
            ateliers={a.id: a.title for a in cycle.ateliers},
            **extra,
        ),
        status,
    )


@bp.get("/animateur/cycles/<int:cycle_id>/questions")
@login_required
def questions(cycle_id: int) -> ResponseReturnValue:
    return _questions_page(cycles.get_cycle_for(g.animateur, cycle_id))


@bp.post("/animateur/cycles/<int:cycle_id>/questions")
@login_required
def add_question(cycle_id: int) -> ResponseReturnValue:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    try:
        with events.transaction():
            productions.create_question(
                cycle.id, request.form.get("text", ""), animateur_id=g.animateur.id
            )
    except DomainError as exc:
        return _questions_page(cycle, 400, error=exc.message_fr, new_text=request.form.get("text"))
    flash("Question essentielle ajoutée.")
    return redirect(url_for("questions_essentielles.questions", cycle_id=cycle.id))


#: the flash message of each verb of ``change_question``
MESSAGES = {
    "modifier": "Question modifiée.",
    "deplacer": "Ordre des questions modifié.",
    "retirer": "Question retirée.",
    "restaurer": "Question restaurée (à la fin de la liste).",
}


def _int(name: str) -> int:
    value = request.form.get(name, "")
    return int(value) if value.isdigit() else 0


@bp.post("/animateur/cycles/<int:cycle_id>/questions/<int:question_id>/<verb>")
@login_required
def change_question(cycle_id: int, question_id: int, verb: str) -> ResponseReturnValue:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    if verb not in MESSAGES:
        abort(404)
    who = {"animateur_id": g.animateur.id}
    message = MESSAGES[verb]
    try:
        with events.transaction():
            if verb == "modifier":
                productions.edit_question(
                    cycle.id, question_id, _int("version"), request.form.get("text", ""), **who
                )
            elif verb == "deplacer":
                productions.move_question(cycle.id, question_id, _int("position"), **who)
            elif verb == "retirer":
                _q, affected = productions.remove_question(
                    cycle.id, question_id, _int("version"), **who
                )
                message += " " + productions.affected_text(affected)
            else:
                productions.restore_question(cycle.id, question_id, **who)
    except Conflict as exc:
        fresh = exc.details["question"]
        return _questions_page(
            cycle,
            409,
            error=f"{exc.message_fr} Texte actuel : « {fresh['text']} ». Votre texte est resté "
            "dans le champ : enregistrez à nouveau pour le garder.",
            drafts={question_id: request.form.get("text", "")},
        )
    except DomainError as exc:
        return _questions_page(cycle, 400, error=exc.message_fr)
    flash(message)
    return redirect(
        url_for("questions_essentielles.questions", cycle_id=cycle.id) + f"#q{question_id}"
    )
