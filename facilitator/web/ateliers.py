"""Animateur pages that change ateliers after they are created (issue 16): the cycle's
planning (order, status, calendar), one atelier's edit page (fields, postpone, cancel,
restore, delete) and the ICS files. The verbs are in core/planning.py and core/ics.py."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from facilitator.core import cycles, ics, planning
from facilitator.core.http import login_required, public_url
from facilitator.errors import Conflict, DomainError, NotFound
from facilitator.extensions import db
from facilitator.models import Atelier, Cycle
from facilitator.models.cycle import MODES
from facilitator.validation import form_id
from facilitator.web import page_data

bp = Blueprint("ateliers", __name__)


def feed_url(cycle: Cycle) -> str | None:
    """The cycle's calendar feed, to subscribe to: its secret key (256 bits) in the
    address, a new one when someone leaves the team (core/team.py)."""
    if not cycle.feed_key:
        return None
    return public_url(url_for("ateliers.public_feed", key=cycle.feed_key))


def _version() -> int | None:
    raw = request.form.get("version", "")
    return form_id(raw)


def _planning_page(cycle: Cycle, **extra: Any) -> str:
    rows = []
    for atelier in sorted(cycle.ateliers, key=lambda a: a.position):
        rows.append({**page_data.atelier(atelier), "deletable": planning.never_started(atelier)})
    return render_template(
        "ateliers/planning.html",
        cycle=page_data.cycle(cycle),
        ateliers=rows,
        modes=MODES,
        feed_url=feed_url(cycle),
        **extra,
    )


@bp.get("/animateur/cycles/<int:cycle_id>/planning")
@login_required
def planning_page(cycle_id: int) -> str:
    return _planning_page(cycles.get_cycle_for(g.animateur, cycle_id))


@bp.post("/animateur/ateliers/<int:atelier_id>/deplacer")
@login_required
def move(atelier_id: int) -> ResponseReturnValue:
    atelier = cycles.get_atelier_for(g.animateur, atelier_id)
    try:
        planning.move(atelier, -1 if request.form.get("direction") == "up" else 1)
    except DomainError as exc:
        db.session.rollback()
        return _planning_page(atelier.cycle, error=exc.message_fr), 400
    flash(f"« {atelier.title} » est maintenant l'atelier n° {atelier.position}.")
    return redirect(url_for("ateliers.planning_page", cycle_id=atelier.cycle_id))


def _edit_page(atelier: Atelier, status: int = 200, **extra: Any) -> tuple[str, int]:
    data = page_data.atelier(atelier, with_cycle=True)
    page = render_template(
        "ateliers/edit.html",
        atelier=data,
        modes=MODES,
        deletable=planning.never_started(atelier),
        form=extra.pop("form", None) or _form_of(data),
        today=planning.today().isoformat(),
        **extra,
    )
    return page, status


def _form_of(data: dict[str, Any]) -> dict[str, str]:
    return {
        "title": data["title"],
        "date": data["date"].isoformat() if data["date"] else "",
        "start_time": data["start_time"] or "",
        "duration_minutes": str(data["duration_minutes"] or ""),
        "mode": data["mode"],
        "lieu": data["lieu"],
        "visio_url": data["visio_url"],
    }


def _refused(atelier: Atelier, exc: DomainError, form: Any = None) -> tuple[str, int]:
    """Nothing kept; the page again with the message (a stale change: the fresh state)."""
    db.session.rollback()
    if isinstance(exc, Conflict):
        db.session.expire_all()
        return _edit_page(atelier, 409, error=exc.message_fr)
    return _edit_page(atelier, exc.status, error=exc.message_fr, form=form)


@bp.get("/animateur/ateliers/<int:atelier_id>/modifier")
@login_required
def edit_page(atelier_id: int) -> tuple[str, int]:
    return _edit_page(cycles.get_atelier_for(g.animateur, atelier_id))


@bp.post("/animateur/ateliers/<int:atelier_id>/modifier")
@login_required
def edit(atelier_id: int) -> ResponseReturnValue:
    atelier = cycles.get_atelier_for(g.animateur, atelier_id)
    try:
        fields = planning.parse_fields(request.form, current=atelier)
        planning.edit(atelier, fields, version=_version())
    except DomainError as exc:
        return _refused(atelier, exc, form=request.form)
    flash("Atelier enregistré.")
    return redirect(url_for("ateliers.edit_page", atelier_id=atelier.id))


@bp.post("/animateur/ateliers/<int:atelier_id>/reporter")
@login_required
def postpone(atelier_id: int) -> ResponseReturnValue:
    atelier = cycles.get_atelier_for(g.animateur, atelier_id)
    form = request.form
    try:
        planning.postpone(
            atelier,
            g.animateur,
            form.get("new_date", ""),
            form.get("new_time", ""),
            version=_version(),
        )
    except DomainError as exc:
        return _refused(atelier, exc)
    assert atelier.date is not None
    flash(f"Atelier reporté au {atelier.date.strftime('%d/%m/%Y')}.")
    return redirect(url_for("ateliers.edit_page", atelier_id=atelier.id))


@bp.post("/animateur/ateliers/<int:atelier_id>/annuler")
@login_required
def cancel(atelier_id: int) -> ResponseReturnValue:
    atelier = cycles.get_atelier_for(g.animateur, atelier_id)
    try:
        if request.form.get("restore"):
            planning.restore(atelier, g.animateur, version=_version())
            flash("Atelier rétabli : un nouveau code a été créé.")
        else:
            planning.cancel(atelier, g.animateur, version=_version())
            flash("Atelier annulé : il reste dans le cycle, marqué « annulé ».")
    except DomainError as exc:
        return _refused(atelier, exc)
    return redirect(url_for("ateliers.edit_page", atelier_id=atelier.id))


@bp.post("/animateur/ateliers/<int:atelier_id>/supprimer")
@login_required
def delete(atelier_id: int) -> ResponseReturnValue:
    atelier = cycles.get_atelier_for(g.animateur, atelier_id)
    cycle_id = atelier.cycle_id
    try:
        title = planning.delete(atelier, version=_version())
    except DomainError as exc:
        return _refused(atelier, exc)
    flash(f"Atelier « {title} » supprimé.")
    return redirect(url_for("ateliers.planning_page", cycle_id=cycle_id))


# --- calendar -------------------------------------------------------------------------------


def _ics(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/animateur/ateliers/<int:atelier_id>/calendrier.ics")
@login_required
def atelier_file(atelier_id: int) -> Response:
    atelier = cycles.get_atelier_for(g.animateur, atelier_id)
    return _ics(ics.atelier_ics(atelier), f"atelier-{atelier.id}.ics")


@bp.get("/animateur/cycles/<int:cycle_id>/calendrier.ics")
@login_required
def cycle_file(cycle_id: int) -> Response:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    return _ics(ics.cycle_ics(cycle), f"cycle-{cycle.id}.ics")


@bp.get("/calendrier/<key>.ics")
def public_feed(key: str) -> Response:
    """The subscribed feed (calendar applications send no cookie: the address holds the
    cycle's feed key). A former address (a member left the team since) is refused."""
    cycle = None
    if 20 <= len(key) <= 64:
        cycle = db.session.scalar(select(Cycle).where(Cycle.feed_key == key))
    if cycle is None:
        raise NotFound(
            "Cette adresse de calendrier n'existe pas ou n'est plus valable : demandez "
            "l'adresse actuelle à l'équipe d'animation du cycle."
        )
    return _ics(ics.cycle_ics(cycle), f"cycle-{cycle.id}.ics")
