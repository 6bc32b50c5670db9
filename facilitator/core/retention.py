"""RGPD: retention per cycle, purge, deletion of a cycle's data."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import delete, select

from facilitator.core import events, signals
from facilitator.errors import Forbidden, InvalidInput
from facilitator.extensions import db
from facilitator.models import Animateur, Atelier, Cycle, CycleAnimateur
from facilitator.models._types import utcnow
from facilitator.validation import date_window

log = logging.getLogger(__name__)

MIN_MONTHS, MAX_MONTHS = 1, 120


@dataclass(frozen=True)
class Expiry:
    """When a cycle's data expire; ``problem`` (French) when that cannot be computed
    (an atelier dated outside the admitted window: data older than the date checks)."""

    cycle_id: int
    title: str
    last_activity: datetime | None
    expires_at: datetime | None
    problem: str | None = None


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


def expiry(cycle: Cycle, today: date | None = None) -> Expiry:
    """Never raises: a date out of the window (9999-12-31 once overflowed here, so the
    cycle page answered 500 and no purge ran) makes the expiry unknown, with the reason."""
    first, last_day = date_window(today)
    wrong = sorted(a.date for a in cycle.ateliers if a.date and not first <= a.date <= last_day)
    if wrong:
        problem = f"atelier daté du {wrong[0]:%d/%m/%Y}, hors de la plage admise"
        return Expiry(cycle.id, cycle.title, None, None, problem)
    last = last_activity(cycle)
    try:
        expires = _add_months(last, cycle.retention_months)
    except (ValueError, OverflowError):
        return Expiry(cycle.id, cycle.title, last, None, "durée de conservation incalculable")
    return Expiry(cycle.id, cycle.title, last, expires)


def expired(now: datetime | None = None) -> list[Expiry]:
    """The cycles past their retention, and those whose retention cannot be computed
    (``problem`` set: the purge skips them and says so)."""
    now = now or utcnow()
    found = [expiry(c, now.date()) for c in db.session.scalars(select(Cycle).order_by(Cycle.id))]
    return [e for e in found if e.problem or (e.expires_at is not None and e.expires_at <= now)]


def delete_cycle(cycle_id: int) -> None:
    """Delete the cycle and everything in it (database cascades), in one transaction;
    then its files (``signals.cycle_deleted``: the stored documents) and, on SQLite, the
    old pages that still held its rows (``secure_delete`` zeroes them in the database
    file; the write-ahead log is checkpointed and truncated)."""
    atelier_ids = list(db.session.scalars(select(Atelier.id).where(Atelier.cycle_id == cycle_id)))
    with events.transaction():
        db.session.execute(delete(Cycle).where(Cycle.id == cycle_id))
    db.session.expire_all()
    signals.cycle_deleted.send(cycle_id, atelier_ids=atelier_ids)
    _forget_sqlite_pages()
    log.info("cycle %s deleted", cycle_id)


def _forget_sqlite_pages() -> None:
    if db.engine.dialect.name != "sqlite":
        return
    try:
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    except Exception:  # a reader holds the log: it is overwritten later, as usual
        log.warning("write-ahead log not truncated after a deletion", exc_info=True)


def purge(now: datetime | None = None, *, dry_run: bool = True) -> list[Expiry]:
    """Delete the expired cycles (``dry_run``: only list them). Returns the expired ones
    and, with ``problem`` set, the ones skipped because their expiry cannot be computed."""
    targets = expired(now)
    for target in targets:
        if target.problem:
            log.warning("purge: cycle %s skipped: %s", target.cycle_id, target.problem)
        elif not dry_run:
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
