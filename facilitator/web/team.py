"""The cycle's team (issue 16): members and their roles, invitations by link, removing
someone; and an atelier's journal, saying who did what (core/team.py, Event.actor_id)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from facilitator.core import cycles, team
from facilitator.core.http import login_required, public_url
from facilitator.errors import DomainError
from facilitator.extensions import db
from facilitator.models import Animateur, Atelier, Cycle, Event
from facilitator.web import page_data

bp = Blueprint("team", __name__)

PARIS = ZoneInfo("Europe/Paris")
JOURNAL_LIMIT = 300

#: French names of the events shown in the journal (a type missing here shows as is)
EVENT_LABELS = {
    "atelier.updated": "Atelier démarré, clos ou déroulé modifié",
    "step.changed": "Étape (passage, verrou, dévoilement)",
    "step.async": "Étape ouverte entre les ateliers",
    "timer.updated": "Minuteur",
    "card.added": "Carte ajoutée",
    "card.updated": "Carte modifiée (texte, regroupement, validation, marque)",
    "card.deleted": "Carte supprimée",
    "vote.changed": "Vote",
    "participant.merged": "Deux participants réunis",
    "participant.remote": "Participant dans la salle ou à distance",
    "participant.revoked": "Code personnel réinitialisé",
    "questions.updated": "Questions essentielles",
    "qe.proposal": "Proposition de question",
    "qe.vote": "Vote sur une proposition",
    "charte.clause": "Clause de la charte",
    "charte.amendment": "Amendement",
    "charte.version": "Version de la charte",
    "charte.phase": "Phase de la charte",
    "charte.ballot": "Bulletin de vote de la charte",
    "map.actor": "Acteur de la cartographie",
    "map.relation": "Relation de la cartographie",
    "roadmap.action": "Action de la feuille de route",
    "evaluation.updated": "Évaluation",
}


def observing() -> bool:
    """The signed-in animateur only observes the cycle of this page (its ``cycle_id`` or
    ``atelier_id``): the page is rendered read-only — no form, no action button, what an
    observateur does is read and download (the routes refuse writes anyway)."""
    animateur = g.get("animateur")
    args = request.view_args or {}
    cycle_id = args.get("cycle_id")
    if cycle_id is None and isinstance(args.get("atelier_id"), int):
        cycle_id = db.session.scalar(
            select(Atelier.cycle_id).where(Atelier.id == args["atelier_id"])
        )
    return (
        animateur is not None
        and isinstance(cycle_id, int)
        and cycles.role_in(animateur.id, cycle_id) == "observateur"
    )


@bp.app_context_processor
def _read_only() -> dict[str, object]:
    """``read_only`` in every template (a page may still pass its own)."""
    return {"read_only": observing()}


def _page(cycle: Cycle, status: int = 200, **extra: Any) -> tuple[str, int]:
    page = render_template(
        "team/team.html",
        cycle=page_data.cycle(cycle),
        members=team.members(cycle),
        invitations=team.pending(cycle),
        me=g.animateur.id,
        can_run=cycles.can_run(g.animateur.id, cycle.id),
        **extra,
    )
    return page, status


@bp.get("/animateur/cycles/<int:cycle_id>/equipe")
@login_required
def team_page(cycle_id: int) -> tuple[str, int]:
    return _page(cycles.get_cycle_for(g.animateur, cycle_id))


@bp.post("/animateur/cycles/<int:cycle_id>/equipe/invitations")
@login_required
def invite(cycle_id: int) -> tuple[str, int]:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    try:
        secret = team.invite_link(cycle, g.animateur, request.form.get("role", ""))
    except DomainError as exc:
        db.session.rollback()
        return _page(cycle, exc.status, error=exc.message_fr)
    link = public_url(url_for("team.invitation_page", secret=secret))
    return _page(cycle, new_link=link, new_role=team.ROLES[request.form["role"]])


@bp.post("/animateur/cycles/<int:cycle_id>/equipe/invitations/<int:invitation_id>/retirer")
@login_required
def revoke(cycle_id: int, invitation_id: int) -> ResponseReturnValue:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    try:
        team.revoke(cycle, invitation_id)
    except DomainError as exc:
        db.session.rollback()
        return _page(cycle, exc.status, error=exc.message_fr)
    flash("Invitation retirée : son lien ne fonctionne plus.")
    return redirect(url_for("team.team_page", cycle_id=cycle.id))


@bp.post("/animateur/cycles/<int:cycle_id>/equipe/<int:animateur_id>/retirer")
@login_required
def remove(cycle_id: int, animateur_id: int) -> ResponseReturnValue:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    try:
        name = team.remove(cycle, g.animateur, animateur_id)
    except DomainError as exc:
        db.session.rollback()
        return _page(cycle, exc.status, error=exc.message_fr)
    flash(f"{name} ne fait plus partie de l'équipe du cycle.")
    if animateur_id == g.animateur.id:
        return redirect(url_for("animateur.dashboard"))
    return redirect(url_for("team.team_page", cycle_id=cycle.id))


@bp.route("/invitation/<secret>", methods=["GET", "POST"])
@login_required
def invitation_page(secret: str) -> ResponseReturnValue:
    try:
        found = team.invitation(secret)
        cycle = db.session.get(Cycle, found.cycle_id)
        assert cycle is not None
        if request.method == "POST":
            cycle_id, role = team.accept(secret, g.animateur)
            flash(f"Vous rejoignez l'équipe du cycle comme {team.ROLES[role]}.")
            return redirect(url_for("animateur.cycle", cycle_id=cycle_id))
    except DomainError as exc:
        db.session.rollback()
        return render_template("error.html", message=exc.message_fr), exc.status
    return render_template(
        "team/invitation.html", cycle_title=cycle.title, role=team.ROLES[found.role]
    )


@bp.get("/animateur/ateliers/<int:atelier_id>/journal")
@login_required
def journal(atelier_id: int) -> str:
    """Who did what in the atelier, newest first."""
    atelier = cycles.get_atelier_for(g.animateur, atelier_id)
    rows = db.session.scalars(
        select(Event)
        .where(Event.atelier_id == atelier.id)
        .order_by(Event.seq.desc())
        .limit(JOURNAL_LIMIT)
    ).all()
    names = dict(
        db.session.execute(
            select(Animateur.id, Animateur.name).where(
                Animateur.id.in_({e.actor_id for e in rows if e.actor_id})
            )
        ).all()
    )
    entries = [
        {
            "seq": e.seq,
            "at": e.created_at.astimezone(PARIS).strftime("%d/%m %H:%M:%S"),
            "what": EVENT_LABELS.get(e.type, e.type),
            "by": names.get(e.actor_id, "animateur retiré")
            if e.actor_id
            else ("un participant" if e.owner_id else "—"),
        }
        for e in rows
    ]
    return render_template(
        "team/journal.html", atelier=page_data.atelier(atelier, with_cycle=True), entries=entries
    )
