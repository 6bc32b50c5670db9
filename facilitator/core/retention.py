"""RGPD: retention per cycle, purge, deletion of a cycle's data."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlalchemy import delete, select

from facilitator.core import events
from facilitator.errors import Forbidden, InvalidInput
from facilitator.extensions import db
from facilitator.models import Animateur, Cycle, CycleAnimateur
from facilitator.models._types import utcnow

log = logging.getLogger(__name__)

MIN_MONTHS, MAX_MONTHS = 1, 120


@dataclass(frozen=True)
class Expiry:
    cycle_id: int
    title: str
    last_activity: datetime
    expires_at: datetime


def _add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, 28)
    return moment.replace(year=year, month=month, day=day)


def last_activity(cycle: Cycle) -> datetime:
    moments = [cycle.created_at]
    for atelier in cycle.ateliers:
        moments += [m for m in (atelier.started_at, atelier.closed_at) if m]
        if atelier.date:
            moments.append(datetime.combine(atelier.date, time(23, 59), tzinfo=UTC))
    return max(moments)


def expiry(cycle: Cycle) -> Expiry:
    last = last_activity(cycle)
    return Expiry(cycle.id, cycle.title, last, _add_months(last, cycle.retention_months))


def expired(now: datetime | None = None) -> list[Expiry]:
    now = now or utcnow()
    found = [expiry(c) for c in db.session.scalars(select(Cycle).order_by(Cycle.id))]
    return [e for e in found if e.expires_at <= now]


def delete_cycle(cycle_id: int) -> None:
    """Delete the cycle and everything in it (database cascades), in one transaction."""
    with events.transaction():
        db.session.execute(delete(Cycle).where(Cycle.id == cycle_id))
    db.session.expire_all()
    log.info("cycle %s deleted", cycle_id)


def purge(now: datetime | None = None, *, dry_run: bool = True) -> list[Expiry]:
    targets = expired(now)
    if not dry_run:
        for target in targets:
            delete_cycle(target.cycle_id)
    return targets


def set_retention(cycle: Cycle, months: int) -> None:
    if not MIN_MONTHS <= months <= MAX_MONTHS:
        raise InvalidInput(f"Durée de conservation : entre {MIN_MONTHS} et {MAX_MONTHS} mois.")
    with events.transaction():
        cycle.retention_months = months


def require_owner(animateur: Animateur, cycle: Cycle) -> None:
    role = db.session.scalar(
        select(CycleAnimateur.role).where(
            CycleAnimateur.cycle_id == cycle.id, CycleAnimateur.animateur_id == animateur.id
        )
    )
    if role != "owner":
        raise Forbidden("Seul l'animateur qui a créé le cycle peut le supprimer.")
