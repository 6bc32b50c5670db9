"""What a participant's connect reads of the database: one indexed statement.

The signed socket token already names the atelier and the participant; what the database
must still say is that this participant exists, belongs to the atelier's cycle and holds
the secret the token was signed for (``tokens.participant_key_matches``: a link reset or a
deleted participant whose id came back names nobody). The same statement brings what the
participant's snapshot needs of them (``me``, their votes), so that a join onto a board
whose shared part is current reads nothing else (docs/performance.md, « Fifth pass »)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, select

from facilitator.core.snapshot import Mine
from facilitator.extensions import db
from facilitator.models import Atelier, Participant, Structure, Vote

_P = cast(Table, Participant.__table__)
_A = cast(Table, Atelier.__table__)
_S = cast(Table, Structure.__table__)
_V = cast(Table, Vote.__table__)

#: the participant (in the atelier's cycle), their structure's name, one row per vote
_READ = (
    select(_P.c.token_hash, _P.c.display_name, _S.c.name, _V.c.contribution_id, _V.c.weight)
    .select_from(_P)
    .join(_A, and_(_A.c.id == bindparam("a"), _A.c.cycle_id == _P.c.cycle_id))
    .outerjoin(_S, _S.c.id == _P.c.structure_id)
    .outerjoin(_V, _V.c.participant_id == _P.c.id)
    .where(_P.c.id == bindparam("p"))
)


@dataclass(frozen=True)
class Joiner:
    """A participant as their connect read them."""

    participant_id: int
    token_hash: str
    mine: Mine


def read(atelier_id: int, participant_id: int) -> Joiner | None:
    """The participant ``participant_id`` of the atelier's cycle, with their snapshot's own
    part; None when there is no such participant there. One statement, in the session's
    transaction (a Core read: no ORM object is made)."""
    rows: Any = db.session.connection().execute(_READ, {"a": atelier_id, "p": participant_id}).all()
    if not rows:
        return None
    token_hash, name, structure = rows[0][0], rows[0][1], rows[0][2]
    votes = {row[3]: row[4] for row in rows if row[3] is not None}
    me = {"id": participant_id, "name": name, "structure": structure}
    return Joiner(participant_id, token_hash, Mine(me, votes))
