"""Between ateliers: the cycle dashboard, attendance corrections, copying a cycle."""

from __future__ import annotations

from datetime import datetime

from flask import flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from facilitator.core import attendance, cycles
from facilitator.core.http import login_required
from facilitator.documents import cycle_attendance, loaders, synthese
from facilitator.errors import DomainError
from facilitator.extensions import db
from facilitator.models import Atelier
from facilitator.rendering import fr, html
from facilitator.web import blueprints, page_data

bp = blueprints.cycle_life


@bp.app_template_filter("frdatetime")
def frdatetime(value: object) -> str:
    return fr.datetime_long(value) if isinstance(value, datetime) else ""


@bp.get("/animateur/cycles/<int:cycle_id>/tableau-de-bord")
@login_required
def dashboard(cycle_id: int) -> str:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    ctx = loaders.cycle_context(cycle.id)
    state = synthese.productions_state(ctx)
    sections = [
        cycle_attendance.participation(ctx),
        cycle_attendance.representativity(ctx),
        *([state] if state is not None else []),
    ]
    # the fragment is built from escaped text only (documents/render/html.py)
    body = Markup(html.fragment(sections, depth=1))
    return render_template("cycle_dashboard.html", cycle=page_data.cycle(cycle), body=body)


def _presences_page(atelier: Atelier, **extra: object) -> str:
    sheet = [(page_data.participant(p), status) for p, status in attendance.sheet(atelier)]
    return render_template(
        "presences.html",
        atelier=page_data.atelier(atelier, with_cycle=True),
        sheet=sheet,
        statuses=attendance.STATUSES,
        remote=attendance.remote_participants(atelier.id),
        **extra,
    )


@bp.route("/animateur/ateliers/<int:atelier_id>/presences", methods=["GET", "POST"])
@login_required
def presences(atelier_id: int) -> ResponseReturnValue:
    atelier = cycles.get_atelier_for(g.animateur, atelier_id)
    if request.method == "POST":
        changes = {}
        for key, value in request.form.items():
            if key.startswith("p") and key[1:].isdigit():
                changes[int(key[1:])] = value
        # a hybride atelier: « à distance » ticked for those who were (issue 18)
        remote = {pid: request.form.get(f"r{pid}") == "1" for pid in changes}
        try:
            count = attendance.set_statuses(atelier, changes, remote)
        except DomainError as exc:
            db.session.rollback()
            return _presences_page(atelier, error=exc.message_fr), 400
        flash(f"Présences enregistrées ({count} modification(s)).")
        return redirect(url_for("cycle_life.presences", atelier_id=atelier.id))
    return _presences_page(atelier)


@bp.post("/animateur/cycles/<int:cycle_id>/copier")
@login_required
def copy(cycle_id: int) -> ResponseReturnValue:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    try:
        new = cycles.copy_as_template(
            cycle,
            g.animateur,
            request.form.get("title", ""),
            request.form.get("territoire", ""),
        )
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message_fr)
        return redirect(url_for("animateur.cycle", cycle_id=cycle.id) + "#copier"), 400
    flash(f"Cycle « {new.title} » créé à partir de « {cycle.title} » : à vous de l'adapter.")
    return redirect(url_for("animateur.cycle", cycle_id=new.id))
