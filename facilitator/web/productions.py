"""Cycle productions between ateliers (animateur pages) and the exports of the map.

=====================================================================  ========================
``GET  /animateur/cycles/<id>/questions``                               the questions
                                                                        essentielles: order,
                                                                        edit, withdraw, restore,
                                                                        add, history
``POST /animateur/cycles/<id>/questions[/<qid>/<verb>]``                ajouter / modifier /
                                                                        deplacer / retirer /
                                                                        restaurer
``GET  /animateur/cycles/<id>/cartographie``                            the map (picture,
                                                                        tables, angles morts)
``GET  …/cartographie/<file>`` under ``/animateur/cycles/<id>``,          acteurs.csv,
``/animateur/ateliers/<id>`` and ``/lecture/<read_token>``              relations.csv,
                                                                        carte.svg, carte.png
=====================================================================  ========================
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from facilitator.documents.common import slug
from facilitator.errors import Conflict, DomainError
from facilitator.extensions import db
from facilitator.models import Atelier, Cycle
from facilitator.services import cycles, map_export, map_views, productions
from facilitator.web.animateur import login_required

bp = Blueprint("productions", __name__)

EXPORTS = {
    "acteurs.csv": "text/csv; charset=utf-8",
    "relations.csv": "text/csv; charset=utf-8",
    "carte.svg": "image/svg+xml",
    "carte.png": "image/png",
}


def _questions_page(cycle: Cycle, status: int = 200, **extra: object) -> ResponseReturnValue:
    return (
        render_template(
            "activities/questions_essentielles/cycle.html",
            cycle=cycle,
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
        productions.create_question(
            cycle.id, request.form.get("text", ""), animateur_id=g.animateur.id
        )
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        return _questions_page(cycle, 400, error=exc.message_fr, new_text=request.form.get("text"))
    flash("Question essentielle ajoutée.")
    return redirect(url_for("productions.questions", cycle_id=cycle.id))


def _int(name: str) -> int:
    value = request.form.get(name, "")
    return int(value) if value.isdigit() else 0


@bp.post("/animateur/cycles/<int:cycle_id>/questions/<int:question_id>/<verb>")
@login_required
def change_question(cycle_id: int, question_id: int, verb: str) -> ResponseReturnValue:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    who = {"animateur_id": g.animateur.id}
    message = ""
    try:
        if verb == "modifier":
            productions.edit_question(
                cycle.id, question_id, _int("version"), request.form.get("text", ""), **who
            )
            message = "Question modifiée."
        elif verb == "deplacer":
            productions.move_question(cycle.id, question_id, _int("position"), **who)
            message = "Ordre des questions modifié."
        elif verb == "retirer":
            _q, affected = productions.remove_question(
                cycle.id, question_id, _int("version"), **who
            )
            message = "Question retirée. " + productions.affected_text(affected)
        elif verb == "restaurer":
            productions.restore_question(cycle.id, question_id, **who)
            message = "Question restaurée (à la fin de la liste)."
        else:
            abort(404)
        db.session.commit()
    except Conflict as exc:
        db.session.rollback()
        fresh = exc.details["question"]
        return _questions_page(
            cycle,
            409,
            error=f"{exc.message_fr} Texte actuel : « {fresh['text']} ». Votre texte est resté "
            "dans le champ : enregistrez à nouveau pour le garder.",
            drafts={question_id: request.form.get("text", "")},
        )
    except DomainError as exc:
        db.session.rollback()
        return _questions_page(cycle, 400, error=exc.message_fr)
    flash(message)
    return redirect(url_for("productions.questions", cycle_id=cycle.id) + f"#q{question_id}")


@bp.get("/animateur/cycles/<int:cycle_id>/cartographie")
@login_required
def cartographie(cycle_id: int) -> str:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    data = map_views.map_data(cycle.id)
    title = f"Cartographie des acteurs — {cycle.title}"
    return render_template(
        "activities/cartographie/cycle.html",
        cycle=cycle,
        svg=map_export.svg(data, title) if data["actors"] else "",
        actors=map_export.actors_rows(data),
        actor_header=map_export.ACTOR_HEADER,
        relations=map_export.relations_rows(data),
        relation_header=map_export.RELATION_HEADER,
        spots=map_views.blind_spots(data),
        questions=[q for q in data["questions"] if q["active"]],
        description=map_export.description(data),
    )


def _export(cycle: Cycle, file: str) -> Response:
    if file not in EXPORTS:
        abort(404)
    data = map_views.map_data(cycle.id)
    if file == "acteurs.csv":
        body: bytes | str = map_export.actors_csv(data)
    elif file == "relations.csv":
        body = map_export.relations_csv(data)
    elif file == "carte.svg":
        body = map_export.svg(data, f"Cartographie des acteurs — {cycle.title}")
    else:
        body = map_export.png(data)
    response = Response(body, mimetype=EXPORTS[file].split(";")[0])
    if file.endswith(".csv"):
        response.headers["Content-Type"] = EXPORTS[file]
    stem, ext = file.rsplit(".", 1)
    name = f"cartographie-{stem}-{slug(cycle.title, 40)}-{date.today().isoformat()}.{ext}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/animateur/cycles/<int:cycle_id>/cartographie/<file>")
@login_required
def cycle_export(cycle_id: int, file: str) -> Response:
    return _export(cycles.get_cycle_for(g.animateur, cycle_id), file)


@bp.get("/animateur/ateliers/<int:atelier_id>/cartographie/<file>")
@login_required
def atelier_export(atelier_id: int, file: str) -> Response:
    return _export(cycles.get_atelier_for(g.animateur, atelier_id).cycle, file)


@bp.get("/lecture/<read_token>/cartographie/<file>")
def read_export(read_token: str, file: str) -> Response:
    atelier = db.session.query(Atelier).filter_by(read_token=read_token).one_or_none()
    if atelier is None:
        abort(404)
    return _export(atelier.cycle, file)
