"""A card's rows: the statements of a card's write, built once (their construction was a
good part of the cost of a card), and the loads that the card verbs start with
(``core/cards.py``; docs/performance.md, « Fifth pass »)."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Table, bindparam, func, select, true
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from facilitator.core.events import Viewer
from facilitator.errors import NotFound
from facilitator.extensions import db
from facilitator.models import Atelier, Contribution, Participant, Step, Structure
from facilitator.models._types import utcnow

CARDS = cast(Table, Contribution.__table__)  # typed a FromClause by the declarative base
#: built once (statement construction is a good part of the cost of a card): a new card
#: goes last in its column, its position read by the INSERT itself (no statement of its
#: own; under the atelier's row lock, as before)
_LAST = CARDS.alias("last_card")
INSERT_CARD = (
    CARDS.insert()
    .values(
        position=select(func.coalesce(func.max(_LAST.c.position), 0) + 1)
        .where(_LAST.c.step_id == bindparam("in_step"), _LAST.c.column == bindparam("in_column"))
        .scalar_subquery()
    )
    .returning(CARDS.c.id, CARDS.c.position)
)


#: a step's atelier as the verbs read it (its state): without its script's snapshot and its
#: planning history, JSON documents (kilobytes for the shipped scripts) decoded for nothing at
#: every card; read on access if a verb ever needs them
_ATELIER = joinedload(Step.atelier).defer(Atelier.script_snapshot).defer(Atelier.history)


def step_of(viewer: Viewer, step_id: int) -> Step:
    """A step of the viewer's atelier (never another atelier's)."""
    # with its atelier: every verb checks the atelier's state (one query, not two)
    step = db.session.get(Step, step_id, options=[_ATELIER])
    if step is None or step.atelier_id != viewer.atelier_id:
        raise NotFound("Étape introuvable dans cet atelier.")
    return step


#: a step with its atelier, and what a card's payload says of a participant (``public_dict``:
#: id, name, structure), as plain columns: loading the participant and their structure as
#: objects was the larger part of this query's cost (profiled)
_STEP_AND_AUTHOR = (
    select(Step, Participant.id, Participant.display_name, Structure.name)
    .select_from(Step)
    .join(Participant, true())
    .outerjoin(Structure, Structure.id == Participant.structure_id)
    .options(_ATELIER)
    .where(Step.id == bindparam("step"), Participant.id == bindparam("participant"))
)


def step_and_author(viewer: Viewer, step_id: int) -> tuple[Step, dict[str, Any] | None]:
    """``step_of``, and for a participant what a card says of them (``author_dict``), in one
    query: a new card's payload names its author (``record_card(author=…)``)."""
    if viewer.participant_id is None:
        return step_of(viewer, step_id), None
    row = db.session.execute(
        _STEP_AND_AUTHOR, {"step": step_id, "participant": viewer.participant_id}
    ).first()
    if row is None:  # no such step (or participant): step_of says which
        return step_of(viewer, step_id), None
    step, pid, name, structure = row
    if step.atelier_id != viewer.atelier_id:
        raise NotFound("Étape introuvable dans cet atelier.")
    return step, {"id": pid, "name": name, "structure": structure}


#: built once, as the statements above
_CARD_WITH = [
    joinedload(Contribution.step)
    .joinedload(Step.atelier)
    .defer(Atelier.script_snapshot)
    .defer(Atelier.history),
    joinedload(Contribution.author).joinedload(Participant.structure),
]


def card_of(viewer: Viewer, card_id: int) -> Contribution:
    """A live card of the viewer's atelier.

    One query loads the card with what every verb on it reads next: its step and the
    step's atelier (``step_of_card``, the writer rule), its author and their structure
    (``full_card``); those then come from the session without a query of their own."""
    card = db.session.get(Contribution, card_id, options=_CARD_WITH)
    if card is None or card.atelier_id != viewer.atelier_id or card.deleted:
        raise NotFound("Cette carte n'existe pas ou a été supprimée.")
    return card


#: a card with its step and the step's atelier, and what its payload says of its author
#: (as ``_STEP_AND_AUTHOR``): what an edit reads, in one query
_CARD_AND_AUTHOR = (
    select(Contribution, Participant.id, Participant.display_name, Structure.name)
    .select_from(Contribution)
    .outerjoin(Participant, Participant.id == Contribution.participant_id)
    .outerjoin(Structure, Structure.id == Participant.structure_id)
    .options(_CARD_WITH[0])
    .where(Contribution.id == bindparam("card"))
)


def card_and_author(viewer: Viewer, card_id: int) -> tuple[Contribution, dict[str, Any] | None]:
    """``card_of``, with its author as a card's payload names them (``record_card(author=…)``)
    instead of as objects."""
    row = db.session.execute(_CARD_AND_AUTHOR, {"card": card_id}).first()
    if row is None or row[0].atelier_id != viewer.atelier_id or row[0].deleted:
        raise NotFound("Cette carte n'existe pas ou a été supprimée.")
    card, pid, name, structure = row
    return card, None if pid is None else {"id": pid, "name": name, "structure": structure}


def step_of_card(card: Contribution) -> Step:
    step = db.session.get(Step, card.step_id)
    assert step is not None
    return step


class Stale(Exception):
    """An edit's optimistic lock failed under the atelier's row lock."""


#: an edit as one Core UPDATE: the version in its WHERE is the optimistic lock, checked
#: under the atelier's row lock (a concurrent edit read the same version: one of the two is
#: refused); no ORM unit of work at commit. The SET clause is the parameters' columns.
UPDATE_CARD = CARDS.update().where(
    CARDS.c.id == bindparam("card_id"), CARDS.c.version == bindparam("expected")
)


def update_card(card: Contribution, version: int, values: dict[str, Any]) -> bool:
    """Write ``values`` and the next version to ``card`` if it still is at ``version``;
    the loaded object then holds the new values, as committed (nothing left to flush)."""
    values = {**values, "version": version + 1, "updated_at": utcnow()}
    done = db.session.execute(UPDATE_CARD, {**values, "card_id": card.id, "expected": version})
    if cast(CursorResult, done).rowcount != 1:
        return False
    for key, value in values.items():
        set_committed_value(card, key, value)
    return True
