"""Attendance: who came to which atelier, the core group, corrections by the animateur."""

from __future__ import annotations

import math

from sqlalchemy import select

from facilitator.core import events
from facilitator.errors import InvalidInput
from facilitator.extensions import db
from facilitator.models import Atelier, Attendance, Participant

STATUSES = {"present": "présent·e", "excuse": "excusé·e", "absent": "absent·e"}


def core_threshold(held: int) -> int:
    """The core group: people present at half of the ateliers held or more."""
    return max(1, math.ceil(held / 2))


def sheet(atelier: Atelier) -> list[tuple[Participant, str | None]]:
    """Every participant of the cycle with their status for this atelier (None: no record)."""
    people = db.session.scalars(
        select(Participant)
        .where(Participant.cycle_id == atelier.cycle_id)
        .order_by(Participant.display_name, Participant.id)
    ).all()
    statuses = dict(
        db.session.execute(
            select(Attendance.participant_id, Attendance.status).where(
                Attendance.atelier_id == atelier.id
            )
        ).all()
    )
    return [(p, statuses.get(p.id)) for p in people]


def set_statuses(atelier: Atelier, changes: dict[int, str]) -> int:
    """Apply ``{participant_id: status}`` ("" removes the record); one transaction."""
    people = {p.id for p, _ in sheet(atelier)}
    rows = {
        a.participant_id: a
        for a in db.session.scalars(select(Attendance).where(Attendance.atelier_id == atelier.id))
    }
    changed = 0
    with events.transaction():
        for participant_id, status in changes.items():
            if participant_id not in people:
                raise InvalidInput("Participant inconnu dans ce cycle.")
            if status and status not in STATUSES:
                raise InvalidInput(f"Statut de présence inconnu « {status[:20]} ».")
            row = rows.get(participant_id)
            if not status:
                if row is not None:
                    db.session.delete(row)
                    changed += 1
            elif row is None:
                db.session.add(
                    Attendance(participant_id=participant_id, atelier_id=atelier.id, status=status)
                )
                changed += 1
            elif row.status != status:
                row.status = status
                changed += 1
    return changed
