"""The cycle's participants for the animateur (issue 16): the list with the likely
duplicates, merging two participants who are one person (core/merge.py), resetting a
person's personal code (core/identity.py: their devices lose access)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from facilitator.core import cycles, events, identity, merge
from facilitator.core.http import login_required
from facilitator.errors import DomainError
from facilitator.extensions import db
from facilitator.models import Cycle, Participant
from facilitator.validation import form_id
from facilitator.web import page_data

bp = Blueprint("people", __name__)


def _page(cycle: Cycle, status: int = 200, **extra: Any) -> tuple[str, int]:
    listed = identity.people(cycle.id)
    page = render_template(
        "people/participants.html",
        cycle=page_data.cycle(cycle),
        people=listed,
        duplicates=identity.likely_duplicates(listed),
        **extra,
    )
    return page, status


@bp.get("/animateur/cycles/<int:cycle_id>/participants")
@login_required
def participants_page(cycle_id: int) -> tuple[str, int]:
    return _page(cycles.get_cycle_for(g.animateur, cycle_id))


def _id(name: str) -> int:
    raw = request.form.get(name, "")
    return form_id(raw) or 0


@bp.post("/animateur/cycles/<int:cycle_id>/participants/fusionner")
@login_required
def merge_people(cycle_id: int) -> ResponseReturnValue:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    keep_id, gone_id = _id("keep_id"), _id("gone_id")
    acting = events.actor.set(g.animateur.id)  # the journal says who merged
    try:
        if not keep_id or not gone_id:
            raise DomainError("Choisissez les deux fiches à réunir.")
        result = merge.merge_participants(cycle.id, keep_id, gone_id)
    except DomainError as exc:
        db.session.rollback()
        return _page(cycle, exc.status, error=exc.message_fr, form=request.form)
    finally:
        events.actor.reset(acting)
    moved = sum(result.moved.values())
    flash(
        f"« {result.removed_name} » a été réuni·e avec « {result.kept['name']} » : "
        f"{moved} élément(s) rattaché(s) (présences, cartes, votes, bulletins…)."
    )
    for note in result.notes:
        flash(note[:1].upper() + note[1:])
    return redirect(url_for("people.participants_page", cycle_id=cycle.id))


@bp.post("/animateur/cycles/<int:cycle_id>/participants/<int:participant_id>/code")
@login_required
def reset_code(cycle_id: int, participant_id: int) -> ResponseReturnValue:
    """A new personal code for a person (a lost phone, a code seen by someone else): every
    device of theirs stops working; the animateur passes the new code on."""
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    person = db.session.get(Participant, participant_id)
    if person is None or person.cycle_id != cycle.id:
        return _page(cycle, 404, error="Participant introuvable dans ce cycle.")
    acting = events.actor.set(g.animateur.id)  # the journal says who reset it
    try:
        code, _token = identity.reset_code(person)
    finally:
        events.actor.reset(acting)
    flash(
        f"Nouveau code personnel de « {person.display_name} » : {code}. Ses appareils n'ont "
        "plus accès au cycle en son nom ; transmettez-lui ce code : en rejoignant un atelier "
        "avec le même nom et la même structure, il lui sera demandé."
    )
    return redirect(url_for("people.participants_page", cycle_id=cycle.id))
