"""Per-atelier event log: sequence numbers, durable broadcast, replay — and the one way
to commit a change.

A live verb runs inside ``live_change(atelier_id)``: it takes the atelier's next ``seq``
(row-locked until the commit, so the atelier's writers are serialised), the verb validates,
authorises, changes and records its events per audience with ``change.record``, and at the
end of the block the transaction is committed and only then are the events published
(blinker signal ``board_event``; the realtime layer emits them). A change made between
ateliers without a live audience runs inside ``transaction()``. Nothing is announced that
is not stored; no verb calls ``commit`` itself."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, cast

from blinker import signal
from sqlalchemy import Table, bindparam, select, update

from facilitator.extensions import db
from facilitator.models import Animateur, Atelier, Event
from facilitator.models._types import utcnow

#: sent after commit with ``event=Event``.
board_event = signal("board-event")

_PENDING = "facilitator.pending_events"

#: the animateur making the current change (set around a socket action by the realtime
#: layer): stored with each event it records, for the console's « who did what »
actor: ContextVar[int | None] = ContextVar("facilitator_actor", default=None)
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


def actor_of(actor_id: int | None) -> dict[str, Any] | None:
    """``{id, name}`` of the animateur who made a change, for the animateurs' envelopes
    (``by``); None for a participant's change or a removed account. The session's
    identity map answers the events of one action after the first."""
    if actor_id is None:
        return None
    found = db.session.get(Animateur, actor_id)
    return {"id": found.id, "name": found.name} if found is not None else None


_ATELIERS = cast(Table, Atelier.__table__)
#: built once, on the table: not the ORM's bulk-update path (profiled: most of the cost of
#: taking a seq was building and routing the statement, docs/performance.md « Fifth pass »)
_NEXT_SEQ = (
    update(_ATELIERS)
    .where(_ATELIERS.c.id == bindparam("a"))
    .values(seq=_ATELIERS.c.seq + 1)
    .returning(_ATELIERS.c.seq)
)


def next_seq(atelier_id: int) -> int:
    """Atomically take the atelier's next sequence number (row-locked until commit)."""
    seq: int = db.session.execute(_NEXT_SEQ, {"a": atelier_id}).scalar_one()
    return seq


def record(
    atelier_id: int,
    type_: str,
    payload: dict[str, Any],
    *,
    public: Any = SAME,
    owner_id: int | None = None,
    owner: dict[str, Any] | None = None,
    seq: int | None = None,
    group_id: int | None = None,
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
        actor_id=actor.get(),
        group_id=group_id,
    )
    db.session.add(event)
    db.session.info.setdefault(_PENDING, []).append(event)
    return event


_INSERT_EVENT = cast(Table, Event.__table__).insert()


def record_now(
    atelier_id: int,
    type_: str,
    payload: dict[str, Any],
    *,
    seq: int,
    public: Any = SAME,
    owner_id: int | None = None,
    owner: dict[str, Any] | None = None,
    group_id: int | None = None,
) -> Event:
    """``record`` for hot paths: the row is written at once with a prepared Core INSERT (no
    ORM unit of work at commit); same transaction, published by ``commit()`` the same way.
    Returns the event as a plain (transient) ``Event``."""
    values = {
        "atelier_id": atelier_id,
        "seq": seq,
        "type": type_,
        "payload": payload,
        "public_same": public is SAME,
        "public": None if public is SAME else public,
        "owner_id": owner_id,
        "owner": owner,
        "actor_id": actor.get(),
        "group_id": group_id,
        "created_at": utcnow(),
    }
    db.session.execute(_INSERT_EVENT, values)
    event = Event(**values)  # never added to the session: only read by the broadcast
    db.session.info.setdefault(_PENDING, []).append(event)
    return event


def commit(*, keep_loaded: bool = True) -> list[Event]:
    """Commit the transaction, then publish its events in order (``transaction`` and
    ``live_change`` call it: no verb does)."""
    pending = commit_unpublished(keep_loaded=keep_loaded)
    publish(pending)
    return pending


def publish(pending: list[Event]) -> None:
    """Announce committed events, in order. The events are committed: a failing broadcast
    must not turn the ack into "not stored" (the client would retry a vote twice); the
    others get the events at their next sync or from the relay's gap repair."""
    for event in pending:
        try:
            board_event.send(event.atelier_id, event=event)
        except Exception:
            log.exception("broadcast of event %s (atelier %s) failed", event.seq, event.atelier_id)


def commit_unpublished(*, keep_loaded: bool = True) -> list[Event]:
    """Commit the transaction; return its events, for ``publish``.

    ``keep_loaded``: a live change keeps the objects loaded: the broadcast, the ack and the
    log line that follow would otherwise reload every one of them (3 more queries per card);
    the session ends with the socket event anyway. A change between ateliers expires them
    as a plain commit does (the page or command that follows reads them fresh)."""
    pending = db.session.info.pop(_PENDING, [])
    session = db.session()
    session.expire_on_commit = not keep_loaded
    try:
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.expire_on_commit = True
    return pending


def rollback() -> None:
    db.session.info.pop(_PENDING, None)
    db.session.rollback()


class LiveChange:
    """The events of one live change (see ``live_change``)."""

    __slots__ = ("atelier_id", "seq", "events")

    def __init__(self, atelier_id: int, seq: int) -> None:
        self.atelier_id = atelier_id
        #: the seq taken for this change (the last event's seq once it recorded several)
        self.seq = seq
        self.events: list[Event] = []

    def _seq(self) -> int:
        # the first event uses the seq taken at the start; a second one takes the next
        if self.events:
            self.seq = next_seq(self.atelier_id)
        return self.seq

    def record(
        self,
        type_: str,
        payload: dict[str, Any],
        *,
        public: Any = SAME,
        owner_id: int | None = None,
        owner: dict[str, Any] | None = None,
        now: bool = False,
        group_id: int | None = None,
    ) -> Event:
        """Record an event of this change: ``payload`` for animateurs, ``public`` for
        participants and read-only links (``SAME``, a dict, or None: not shown), ``owner``
        for the participant ``owner_id``. ``now``: written at once with Core (hot paths).
        ``group_id``: a sub-group's event: of the participants, only its members get it
        (core/groups.py)."""
        write = record_now if now else record
        event = write(
            self.atelier_id,
            type_,
            payload,
            public=public,
            owner_id=owner_id,
            owner=owner,
            seq=self._seq(),
            group_id=group_id,
        )
        self.events.append(event)
        return event


@contextmanager
def live_change(atelier_id: int) -> Iterator[LiveChange]:
    """One live change of an atelier, in one transaction: the next ``seq`` is taken first,
    the block records its events with ``change.record``, then the transaction commits and
    the events are published. An exception rolls everything back, seq included."""
    with transaction(keep_loaded=True):  # a failure taking the seq rolls back too
        change = LiveChange(atelier_id, next_seq(atelier_id))
        yield change


@contextmanager
def transaction(*, keep_loaded: bool = False) -> Iterator[None]:
    """One change, one transaction: commit at the end of the block and publish the events
    recorded in it; roll back on any exception (a change between ateliers, a page's form).
    ``keep_loaded``: see ``commit_unpublished``."""
    try:
        yield
    except BaseException:
        rollback()
        raise
    commit(keep_loaded=keep_loaded)


def current_seq(atelier_id: int) -> int:
    return db.session.scalar(select(Atelier.seq).where(Atelier.id == atelier_id)) or 0


def missed(
    viewer: Viewer,
    last_seq: int,
    upto: int,
    limit: int,
    groups: frozenset[int] = frozenset(),
) -> list[dict[str, Any]] | None:
    """Envelopes this viewer missed after ``last_seq`` up to ``upto`` included, or None when
    a snapshot is better (too many, or ``last_seq`` is from the future: the database was
    reset). ``groups``: the participant's sub-groups (another group's events are not theirs).

    ``upto`` is the seq the caller answers with, read once BEFORE this (the connection
    already in the atelier's room): every event after it reaches the connection live, and
    every event up to it is committed, so the two together miss nothing. Reading the rows
    first and the seq after lost an event committed in between: in neither the replay nor,
    for the client, the live events (older than the answer's seq)."""
    if last_seq > upto or upto - last_seq > limit:
        return None
    rows = db.session.scalars(
        select(Event)
        .where(Event.atelier_id == viewer.atelier_id, Event.seq > last_seq, Event.seq <= upto)
        .order_by(Event.seq)
    ).all()
    out = []
    for event in rows:
        data = event.view(viewer.role, viewer.participant_id, groups)
        if data is not None:
            envelope = event.envelope(data)
            by = actor_of(event.actor_id) if viewer.is_animateur else None
            if by is not None:  # who did it: animateurs only (docs/protocol.md)
                envelope["by"] = by
            out.append(envelope)
    return out


# --- group commit -------------------------------------------------------------------------


class LiveBatch:
    """Many writers' live changes committed at once (the vote group commit, ``live_batch``):
    each atelier's row is locked once, in id order (no deadlock between processes), each
    event takes its atelier's next seq in memory (``seqs``: the last one so far), and the
    final seqs are written once, before the commit."""

    def __init__(self, atelier_ids: set[int]) -> None:
        self.seqs = {
            a: db.session.execute(_LOCK_SEQ, {"a": a}).scalar_one() for a in sorted(atelier_ids)
        }
        self._first = dict(self.seqs)

    def record(self, atelier_id: int, type_: str, payload: dict[str, Any], **kw: Any) -> Event:
        """``record`` with the atelier's next seq (``public``, ``owner_id``, ``owner``)."""
        seq = self.seqs[atelier_id] = self.seqs[atelier_id] + 1
        return record(atelier_id, type_, payload, seq=seq, **kw)

    def _write_seqs(self) -> None:
        for a, seq in self.seqs.items():
            if seq != self._first[a]:
                db.session.execute(_SET_SEQ, {"a": a, "s": seq})


_SET_SEQ = (
    update(Atelier)
    .where(Atelier.id == bindparam("a"))
    .values(seq=bindparam("s"))
    .execution_options(synchronize_session=False)
)
_LOCK_SEQ = _SET_SEQ.values(seq=Atelier.seq).returning(Atelier.seq)  # locks, takes no seq


@contextmanager
def live_batch(atelier_ids: set[int]) -> Iterator[LiveBatch]:
    """Many writers' live changes in one transaction: lock, read and ``batch.record``,
    then the seqs are written, the transaction commits and the events are published."""
    with transaction(keep_loaded=True):
        batch = LiveBatch(atelier_ids)
        yield batch
        batch._write_seqs()
