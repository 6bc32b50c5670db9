"""Per-atelier event log: sequence numbers, durable broadcast, replay.

A service records its events in the same transaction as its change, then calls
``commit()``: the events are published (blinker signal ``board_event``) only once the
transaction is committed. The realtime layer listens and emits; nothing is announced that
is not stored."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from blinker import signal
from sqlalchemy import select, update

from facilitator.extensions import db
from facilitator.models import Atelier, Event

#: sent after commit with ``event=Event``.
board_event = signal("board-event")

_PENDING = "facilitator.pending_events"
SAME: Any = object()

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Viewer:
    """Who is asking: identity resolved from the signed token, never from a payload."""

    role: str  # "animateur" | "participant" | "viewer"
    atelier_id: int
    participant_id: int | None = None
    animateur_id: int | None = None

    @property
    def is_animateur(self) -> bool:
        return self.role == "animateur"


def next_seq(atelier_id: int) -> int:
    """Atomically take the atelier's next sequence number (row-locked until commit)."""
    return db.session.execute(
        update(Atelier)
        .where(Atelier.id == atelier_id)
        .values(seq=Atelier.seq + 1)
        .returning(Atelier.seq)
        .execution_options(synchronize_session=False)
    ).scalar_one()


def record(
    atelier_id: int,
    type_: str,
    payload: dict[str, Any],
    *,
    public: Any = SAME,
    owner_id: int | None = None,
    owner: dict[str, Any] | None = None,
    seq: int | None = None,
) -> Event:
    """Store an event in the current transaction; it is published by ``commit()``.

    ``seq`` is one already taken with ``next_seq`` (services that read before they write
    take it first: the row lock serialises the atelier's writers)."""
    event = Event(
        atelier_id=atelier_id,
        seq=seq if seq is not None else next_seq(atelier_id),
        type=type_,
        payload=payload,
        public_same=public is SAME,
        public=None if public is SAME else public,
        owner_id=owner_id,
        owner=owner,
    )
    db.session.add(event)
    db.session.info.setdefault(_PENDING, []).append(event)
    return event


def commit() -> list[Event]:
    """Commit the transaction, then publish its events in order."""
    pending = db.session.info.pop(_PENDING, [])
    session = db.session()
    # keep the objects loaded: the broadcast, the ack and the log line that follow would
    # otherwise reload every one of them (3 more queries per card); the session ends with
    # the request or socket event anyway
    session.expire_on_commit = False
    try:
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.expire_on_commit = True
    # the events are committed: a failing broadcast must not turn the ack into "not
    # stored" (the client would retry a vote twice); the others get the events at their
    # next sync or from the relay's gap repair
    for event in pending:
        try:
            board_event.send(event.atelier_id, event=event)
        except Exception:
            log.exception("broadcast of event %s (atelier %s) failed", event.seq, event.atelier_id)
    return pending


def rollback() -> None:
    db.session.info.pop(_PENDING, None)
    db.session.rollback()


def current_seq(atelier_id: int) -> int:
    return db.session.scalar(select(Atelier.seq).where(Atelier.id == atelier_id)) or 0


def missed(viewer: Viewer, last_seq: int, limit: int) -> list[dict[str, Any]] | None:
    """Envelopes this viewer missed after ``last_seq``, or None when a snapshot is better
    (too many, or ``last_seq`` is from the future: the database was reset)."""
    current = current_seq(viewer.atelier_id)
    if last_seq > current or current - last_seq > limit:
        return None
    rows = db.session.scalars(
        select(Event)
        .where(Event.atelier_id == viewer.atelier_id, Event.seq > last_seq)
        .order_by(Event.seq)
    ).all()
    out = []
    for event in rows:
        data = event.view(viewer.role, viewer.participant_id)
        if data is not None:
            out.append(event.envelope(data))
    return out
