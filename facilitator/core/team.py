"""A cycle's team (issue 16): animateurs (the owner), co-animateurs (same rights) and
observateurs (read-only console and documents); invitations by link (a secret in the
link, its SHA-256 stored, used once — even by two accounts at the same instant — for
14 days); removing someone, never the last one
who runs the cycle."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from facilitator.core import cycles, events, signals, tokens
from facilitator.errors import DomainError, Forbidden, InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import Animateur, Cycle, CycleAnimateur, CycleInvitation
from facilitator.models._types import utcnow

log = logging.getLogger(__name__)

ROLES = {"owner": "responsable du cycle", "co": "co-animateur", "observateur": "observateur"}
INVITABLE = ("co", "observateur")
INVITATION_DAYS = 14


def invite_link(cycle: Cycle, by: Animateur, role: str) -> str:
    """A new invitation; returns the secret of its link (shown once)."""
    if role not in INVITABLE:
        raise InvalidInput("Rôle inconnu : co-animateur ou observateur.")
    if not cycles.can_run(by.id, cycle.id):
        raise DomainError("Seuls les animateurs du cycle invitent.", code="forbidden")
    secret = tokens.new_token()
    with events.transaction():
        db.session.add(
            CycleInvitation(
                cycle_id=cycle.id,
                token_hash=tokens.token_hash(secret),
                role=role,
                created_by=by.id,
                expires_at=utcnow() + timedelta(days=INVITATION_DAYS),
            )
        )
    log.info("invitation (%s) to cycle %s created by %s", role, cycle.id, by.id)
    return secret


def invitation(secret: str) -> CycleInvitation:
    found = db.session.scalar(
        select(CycleInvitation).where(CycleInvitation.token_hash == tokens.token_hash(secret))
    )
    if found is None:
        raise NotFound("Cette invitation n'existe pas ou a été retirée.")
    if found.used_at is not None:
        raise InvalidInput("Cette invitation a déjà servi : demandez-en une nouvelle.")
    if found.expires_at < utcnow():
        raise InvalidInput("Cette invitation a expiré : demandez-en une nouvelle.")
    return found


def accept(secret: str, animateur: Animateur) -> tuple[int, str]:
    """Join the team with the invitation's role; returns the cycle id and the role."""
    found = invitation(secret)
    if cycles.role_in(animateur.id, found.cycle_id) is not None:
        raise InvalidInput("Vous faites déjà partie de l'équipe de ce cycle.")
    now = utcnow()
    with events.transaction():
        # two accounts accepting the same link at once: the one whose UPDATE finds it
        # still unused wins, the other is refused (nothing of it written)
        claimed = db.session.execute(
            update(CycleInvitation)
            .where(
                CycleInvitation.id == found.id,
                CycleInvitation.used_at.is_(None),
                CycleInvitation.expires_at > now,
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        if getattr(claimed, "rowcount", 0) != 1:
            raise InvalidInput("Cette invitation a déjà servi : demandez-en une nouvelle.")
        db.session.add(
            CycleAnimateur(cycle_id=found.cycle_id, animateur_id=animateur.id, role=found.role)
        )
    log.info("animateur %s joined cycle %s as %s", animateur.id, found.cycle_id, found.role)
    return found.cycle_id, found.role


def pending(cycle: Cycle) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(CycleInvitation)
        .where(CycleInvitation.cycle_id == cycle.id, CycleInvitation.used_at.is_(None))
        .order_by(CycleInvitation.id)
    )
    now = utcnow()
    return [
        {"id": r.id, "role": ROLES[r.role], "expires_at": r.expires_at}
        for r in rows
        if r.expires_at > now
    ]


def revoke(cycle: Cycle, invitation_id: int) -> None:
    found = db.session.get(CycleInvitation, invitation_id)
    if found is None or found.cycle_id != cycle.id:
        raise NotFound("Invitation introuvable.")
    with events.transaction():
        db.session.delete(found)


def members(cycle: Cycle) -> list[dict[str, Any]]:
    return [
        {
            "id": person.id,
            "name": person.name,
            "email": person.email,
            "role": role,
            "role_label": ROLES.get(role, role),
        }
        for person, role in cycles.team(cycle)
    ]


def remove(cycle: Cycle, by: Animateur, animateur_id: int) -> str:
    """Take someone off the team; the last one who runs the cycle stays. What they held
    goes with it: the calendar feed gets a new address, and their open consoles and
    read-only boards are disconnected (``signals.team_member_removed``)."""
    row = db.session.scalar(
        select(CycleAnimateur).where(
            CycleAnimateur.cycle_id == cycle.id, CycleAnimateur.animateur_id == animateur_id
        )
    )
    if row is None:
        raise NotFound("Cette personne ne fait pas partie de l'équipe.")
    team = members(cycle)
    caller = next((m["role"] for m in team if m["id"] == by.id), None)
    if caller != "owner" and animateur_id != by.id and row.role != "observateur":
        # a co-animateur may leave, or remove an observateur; never push out the owner
        # (who alone may delete the cycle) nor another animateur
        raise Forbidden("Seul le responsable du cycle peut retirer un animateur de l'équipe.")
    runners = [m for m in team if m["role"] in ("owner", "co")]
    if row.role in ("owner", "co") and len(runners) <= 1:
        raise InvalidInput(
            "C'est le dernier animateur du cycle : invitez d'abord quelqu'un d'autre à l'animer."
        )
    person = db.session.get(Animateur, animateur_id)
    name = person.name if person else "?"
    atelier_ids = [a.id for a in cycle.ateliers]
    # recorded where boards may be open, so that every server process closes that person's
    # connections (realtime/handlers.py, the relay hook of ``team.member_removed``)
    live = cycles.connectable_ateliers(cycle.id)
    with events.live_batch(live) as batch:
        for atelier_id in sorted(live):
            batch.record(
                atelier_id, "team.member_removed", {"animateur_id": animateur_id}, public=None
            )
        # what the person held ends with their place: the calendar feed's address too
        cycle.feed_key = tokens.new_token()
        if row.role == "owner":  # the responsibility passes to the first co-animateur
            heir = next((m for m in runners if m["id"] != animateur_id and m["role"] == "co"), None)
            if heir is not None:
                db.session.scalar(
                    select(CycleAnimateur).where(
                        CycleAnimateur.cycle_id == cycle.id,
                        CycleAnimateur.animateur_id == heir["id"],
                    )
                ).role = "owner"  # type: ignore[union-attr]  # a member found above
        db.session.delete(row)
    log.info("animateur %s removed from cycle %s by %s", animateur_id, cycle.id, by.id)
    signals.team_member_removed.send(cycle.id, animateur_id=animateur_id, atelier_ids=atelier_ids)
    return name
