"""Restitution publique (docs/cycle-life.md): the animateur's controls and the public page."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from facilitator.core import cycles
from facilitator.core.http import login_required, public_url
from facilitator.documents import restitution as service
from facilitator.web import page_data
from facilitator.web.blueprints import cycle_life as bp


@bp.get("/animateur/cycles/<int:cycle_id>/restitution")
@login_required
def restitution_admin(cycle_id: int) -> str:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    row = service.state(cycle)
    token = row["public_token"]
    return render_template(
        "cycle_life/restitution_admin.html",
        cycle=page_data.cycle(cycle),
        row=row,
        url=public_url(url_for("cycle_life.restitution_public", token=token)) if token else None,
    )


@bp.get("/animateur/cycles/<int:cycle_id>/restitution/apercu")
@login_required
def restitution_preview(cycle_id: int) -> str:
    """The public page as it is (or would be) published, for the animateur only."""
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    return render_template(
        "cycle_life/restitution.html",
        cycle=page_data.cycle(cycle),
        preview=True,
        published=service.state(cycle)["published"],
        **service.content(cycle),
    )


@bp.post("/animateur/cycles/<int:cycle_id>/restitution")
@login_required
def restitution_set(cycle_id: int) -> ResponseReturnValue:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    action = request.form.get("action")
    if action == "publier":
        service.publish(cycle, True)
        flash("Restitution publiée : toute personne qui a le lien peut la lire.")
    elif action == "depublier":
        service.publish(cycle, False)
        flash("Restitution dépubliée : le lien affiche désormais « page non publiée ».")
    elif action == "nouveau-lien":
        service.regenerate(cycle)
        flash("Nouvelle adresse créée : l'ancienne ne fonctionne plus.")
    return redirect(url_for("cycle_life.restitution_admin", cycle_id=cycle.id))


@bp.get("/restitution/<token>")
def restitution_public(token: str) -> str:
    cycle = service.by_token(token)
    return render_template(
        "cycle_life/restitution.html", cycle=page_data.cycle(cycle), **service.content(cycle)
    )
