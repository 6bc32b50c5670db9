"""Attendance: who came to which atelier, the core group, corrections by the animateur;
who took part from a distance (« à distance », issue 18)."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import select, update

from facilitator.core import events
from facilitator.core.events import Viewer
from facilitator.errors import Forbidden, InvalidInput, NotFound
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


def set_statuses(
    atelier: Atelier, changes: dict[int, str], remote: dict[int, bool] | None = None
) -> int:
    """Apply ``{participant_id: status}`` ("" removes the record); in a hybride atelier
    ``remote`` says who of those present took part from a distance. One transaction."""
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
                continue
            before = None if row is None else (row.status, row.remote)
            if row is None:
                row = Attendance(
                    participant_id=participant_id,
                    atelier_id=atelier.id,
                    remote=atelier.mode == "distanciel",
                )
                db.session.add(row)
            row.status = status
            if remote is not None and atelier.mode == "hybride":
                row.remote = status == "present" and remote.get(participant_id, False)
            if before != (row.status, row.remote):
                changed += 1
    return changed


# --- remote participants (issue 18) ---------------------------------------------------------

#: the join form's answer to « Où participez-vous ? »
WHERE = {"salle": False, "distance": True}


def remote_for(atelier: Atelier, where: str | None) -> bool:
    """Whether a person joining ``atelier`` takes part from a distance: in a distanciel
    atelier everyone, in a présentiel one nobody, in a hybride one whoever says so
    (``where``: ``"salle"``, the default, or ``"distance"``)."""
    if atelier.mode == "distanciel":
        return True
    if atelier.mode != "hybride":
        return False
    if where not in (None, "", *WHERE):
        raise InvalidInput("Indiquez si vous participez dans la salle ou à distance.")
    return WHERE.get(where or "salle", False)


def follow_mode(atelier: Atelier) -> None:
    """The atelier's mode changed (flushed by the caller's transaction): in a distanciel
    atelier everyone is remote, in a présentiel one nobody; a hybride one keeps what each
    person said."""
    if atelier.mode in ("distanciel", "presentiel"):
        db.session.execute(
            update(Attendance)
            .where(Attendance.atelier_id == atelier.id)
            .values(remote=atelier.mode == "distanciel")
        )


def remote_participants(atelier_id: int) -> set[int]:
    """The participants of the atelier who take part from a distance: the accessor for
    whatever groups people (sub-groups: put remote participants together, or mix them)."""
    return set(
        db.session.scalars(
            select(Attendance.participant_id).where(
                Attendance.atelier_id == atelier_id,
                Attendance.remote.is_(True),
                Attendance.status == "present",
            )
        )
    )


def is_remote(participant_id: int, atelier_id: int) -> bool:
    remote = db.session.scalar(
        select(Attendance.remote).where(
            Attendance.participant_id == participant_id, Attendance.atelier_id == atelier_id
        )
    )
    return bool(remote)


def set_remote(viewer: Viewer, remote: bool) -> dict[str, Any]:
    """The participant says they are now in the room or at a distance (a hybride atelier
    only). Animateurs get ``participant.remote`` {participant_id, remote}; the person's
    other devices {remote}; the others nothing."""
    if viewer.role != "participant" or viewer.participant_id is None:
        raise Forbidden("Seuls les participants indiquent où ils se trouvent.")
    atelier = db.session.get(Atelier, viewer.atelier_id)
    if atelier is None:
        raise NotFound("Atelier introuvable.")
    if atelier.state == "clos" or atelier.cancelled:
        raise InvalidInput("L'atelier est terminé : la présence ne change plus.", code="closed")
    if atelier.mode != "hybride":
        where = "à distance" if atelier.mode == "distanciel" else "en présentiel"
        raise InvalidInput(
            f"Cet atelier se tient {where} pour tout le monde : rien à changer.",
            code="not_hybrid",
        )
    with events.live_change(atelier.id) as change:
        row = db.session.scalar(
            select(Attendance).where(
                Attendance.participant_id == viewer.participant_id,
                Attendance.atelier_id == atelier.id,
            )
        )
        if row is None:
            raise InvalidInput("Rejoignez d'abord l'atelier depuis son lien.", code="not_joined")
        row.remote = remote
        event = change.record(
            "participant.remote",
            {"participant_id": viewer.participant_id, "remote": remote},
            public=None,
            owner_id=viewer.participant_id,
            owner={"remote": remote},
        )
    return {"remote": remote, "seq": event.seq}
